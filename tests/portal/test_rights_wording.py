"""'My rights' speaks to the victim in their own words, in English and Welsh."""

import pytest
from django.utils import translation

from tests.portal.test_portal import case, now, sign_in  # noqa: F401 (fixtures)
from victimjourney.code.editions import all_entitlements
from victimjourney.code.for_victims import PLAIN, plain_action


def test_every_action_of_every_edition_has_the_victims_wording():
    missing = sorted({rule.action for rule in all_entitlements()} - set(PLAIN))
    assert not missing, f"no plain wording for: {missing}"
    unused = sorted(set(PLAIN) - {rule.action for rule in all_entitlements()})
    assert not unused, f"plain wording for actions no rule has: {unused}"


def test_the_wording_is_translated_into_welsh():
    untranslated = []
    with translation.override("cy"):
        for rule in all_entitlements():
            if plain_action(rule) == PLAIN[rule.action]:
                untranslated.append(rule.id)
    assert not untranslated


@pytest.mark.django_db
def test_my_rights_says_what_the_victim_is_owed_not_what_staff_must_do(client, case):  # noqa: F811
    sign_in(client)
    page = client.get("/portal/rights/").content.decode()
    assert "If someone is arrested, you should be told, and why." in page
    assert "Tell the victim" not in page
    with translation.override("en"):  # the request switches this thread to Welsh: undo it
        client.get("/language/cy/?next=/portal/rights/")
        welsh = client.get("/portal/rights/").content.decode()
    assert "Os caiff rhywun ei arestio, dylid dweud wrthych, a pham." in welsh
