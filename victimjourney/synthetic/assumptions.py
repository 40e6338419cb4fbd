"""What the national generator assumes where the real data folder has no figure.

Volumes, the offence mix, police outcomes, conviction rates and prosecution times come from the
real data (`calibration.json`, built by `calibrate.py`). Everything here is an assumption, of
the order of published national figures where one is named, and stated so that the truth a
test or an analyst recovers is known to be a choice, not a measurement. docs/REAL-DATA.md
lists them with their reasons.
"""

from __future__ import annotations

# Who the victim is, by Home Office offence subgroup: shares of (person, business, none).
# Offence-level overrides follow (BUSINESS_OFFENCES, NO_VICTIM_OFFENCES).
VICTIM_KIND = {
    "Homicide": (1.0, 0.0, 0.0),  # the bereaved close relatives (see BEREAVED_RELATIVES)
    "Violence with injury": (1.0, 0.0, 0.0),
    "Violence without injury": (1.0, 0.0, 0.0),
    "Harassment": (0.97, 0.03, 0.0),
    "Rape": (1.0, 0.0, 0.0),
    "Other sexual offences": (1.0, 0.0, 0.0),
    "Robbery": (1.0, 0.0, 0.0),
    "Domestic burglary": (1.0, 0.0, 0.0),
    "Non-domestic burglary": (0.15, 0.85, 0.0),
    "Theft from the person": (1.0, 0.0, 0.0),
    "Bicycle theft": (0.95, 0.05, 0.0),
    "Theft from a vehicle": (0.85, 0.15, 0.0),
    "Theft of a motor vehicle": (0.85, 0.15, 0.0),
    "Vehicle interference": (0.9, 0.1, 0.0),
    "Shoplifting": (0.0, 1.0, 0.0),
    "Other theft offences": (0.6, 0.4, 0.0),
    "Criminal damage": (0.75, 0.25, 0.0),
    "Arson": (0.7, 0.3, 0.0),
    "Possession of drugs": (0.0, 0.0, 1.0),
    "Trafficking of drugs": (0.0, 0.0, 1.0),
    "Possession of weapons offences": (0.0, 0.0, 1.0),
    "Public order offences": (0.65, 0.05, 0.3),
    "Miscellaneous crimes": (0.1, 0.05, 0.85),
}
BUSINESS_OFFENCES = ("business", "building other than a dwelling", "by an employee",
                     "making off without payment", "dishonest use of electricity",
                     "automatic machine")
NO_VICTIM_OFFENCES = ("against the state", "obscene publications", "going equipped",
                      "handling stolen goods", "possession of false documents", "bail offences",
                      "absconding", "offender management act", "soliciting", "perjury",
                      "wildlife", "bigamy", "dangerous driving", "violent disorder")
# Offence names that say the victim is a child (the age range follows the name).
CHILD_OFFENCES = (("under 13", 4, 12), ("under 16", 13, 15), ("child", 3, 15),
                  ("young person", 5, 16))

# Share of person victims under 18 on the offence date, where the offence name does not say.
CHILD_SHARE = {
    "Violence with injury": 0.12, "Violence without injury": 0.14, "Harassment": 0.08,
    "Rape": 0.1, "Other sexual offences": 0.35, "Robbery": 0.2, "Theft from the person": 0.08,
    "Bicycle theft": 0.15, "Public order offences": 0.1, "Criminal damage": 0.02,
    "Other theft offences": 0.04,
}
# Share of crimes flagged domestic abuse-related, by subgroup: about one recorded crime in
# seven nationally, three quarters of them violence (ONS, Domestic abuse in England and Wales).
DOMESTIC_ABUSE_SHARE = {
    "Homicide": 0.3, "Violence with injury": 0.33, "Violence without injury": 0.33,
    "Harassment": 0.35, "Rape": 0.3, "Other sexual offences": 0.1, "Criminal damage": 0.12,
    "Arson": 0.1, "Public order offences": 0.08, "Other theft offences": 0.03,
    "Domestic burglary": 0.03,
}
# Hate crime: about 2% of recorded crime, over half of it public order offences and a third
# violence (Home Office, Hate crime, England and Wales). "Racially or religiously aggravated"
# offences are always hate crimes (race, or religion for REL_SHARE of them).
HATE_SHARE = {
    "Public order offences": 0.03, "Violence with injury": 0.015,
    "Violence without injury": 0.02, "Harassment": 0.02, "Criminal damage": 0.006,
    "Robbery": 0.005, "Other sexual offences": 0.005,
}
HATE_STRANDS = (("race", 0.45), ("sexual_orientation", 0.22), ("disability", 0.17),
                ("religion", 0.08), ("transgender", 0.08))
AGGRAVATED_RELIGION_SHARE = 0.15
# Offences on the Code's most-serious list whose Home Office name the category rules' keywords
# do not recognise: flagged `most_serious` on the report.
MOST_SERIOUS_OFFENCES = ("assault with intent to cause serious harm", "attempted murder",
                         "conspiracy to murder", "threats to kill", "modern slavery",
                         "kidnapping", "endangering life")
DEATH_OFFENCES = ("homicide", "causing death")

# Repeat victims: of the person victims of a force, this share are people reported as victims
# more than once in the year, drawn from a pool of people with this mean number of reports.
REPEAT_SHARE = 0.18
REPEAT_MEAN_REPORTS = 2.5
# A repeat victim's third or later report of these is recorded as persistently targeted.
PERSISTENT_SUBGROUPS = ("Harassment", "Violence without injury", "Violence with injury",
                        "Criminal damage", "Public order offences")
# Categories a person records (victim.categorised), as shares of person victims.
INTIMIDATED_SHARE = 0.03
INTIMIDATED_SHARE_DOMESTIC = 0.15
VULNERABLE_ADULT_SHARE = 0.04
# Victims under this age have a parent or guardian identified to act for them.
PARENT_BELOW_AGE = 13
BEREAVED_RELATIVES = (1, 2, 3)  # 1 to 3 bereaved close relatives per homicide, uniformly

CHANNELS = (("call_handling", 0.62), ("online", 0.18), ("recording_centre", 0.09),
            ("in_person", 0.08), ("specialist_system", 0.03))

# Suspects: the share of cases with each police outcome in which a suspect is arrested.
ARREST_SHARE = {"1": 0.9, "2": 0.8, "3": 0.8, "6": 0.3, "8": 0.4, "9": 0.9, "15": 0.55,
                "16": 0.35, "10": 0.3, "21": 0.2}
BAIL_SHARE = 0.25  # of arrests, released on bail ...
RUI_SHARE = 0.25  # ... or released under investigation, before the decision
CPS_CHARGE_SHARE = 0.6  # charges decided by the CPS (the rest by the police)
CPS_NFA_SHARE_OF_EVIDENTIAL = 0.15  # outcome 15 cases that end in a CPS no-charge decision
CONDITIONAL_CAUTION_SHARE = 0.2  # of adult cautions

# Courts.
GUILTY_PLEA_SHARE = {"Sexual Offences": 0.35, "Homicide": 0.4,
                     "Offences Against The Person": 0.55}
GUILTY_PLEA_DEFAULT = 0.65
ACQUITTED_SHARE_OF_UNSUCCESSFUL = 0.4  # the rest are discontinued or no evidence offered
OFFER_NO_EVIDENCE_SHARE = 0.3  # of those dropped before trial
# Share of convictions with immediate custody, and the median custodial term in months.
CUSTODY = {
    "Homicide": (0.95, 180), "Offences Against The Person": (0.25, 10),
    "Sexual Offences": (0.55, 36), "Burglary": (0.45, 18), "Robbery": (0.6, 36),
    "Theft And Handling": (0.2, 4), "Criminal Damage": (0.08, 6), "Drugs Offences": (0.15, 24),
    "Public Order Offences": (0.1, 6), "All Other Offences (excluding Motoring)": (0.2, 8),
}
NON_CUSTODIAL = (("community order", 0.35), ("suspended sentence order", 0.2),
                 ("fine", 0.3), ("conditional discharge", 0.15))
VCS_OPT_IN_SHARE = 0.6
RELEASE_SHARE_OF_TERM = 0.5  # standard determinate sentences: released at the halfway point
SPECIAL_MEASURES_GRANTED = 0.9
