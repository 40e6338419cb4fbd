// Start every GOV.UK Frontend component on the page (served as a module; no inline script).
import { initAll } from './govuk/govuk-frontend.min.js'
initAll()
