"""The seed's CPS Gwent and South Wales finding, reproduced from case data.

HMCPSI (April 2014) examined 29 cases flagged as involving a vulnerable or intimidated victim:
13 letters were sent within one working day of the decision, 8 were late and 8 were never sent.
Here each case is a feed of journey events (crime, victim, flag, CPS decision, letter); the
engine decides on time, late or never from the dates alone.
"""

import json
from collections import Counter

from django.core.management import call_command

from tests.helpers import raw

# case, force, offence, category, decision, decided at (local), letter sent at or None
CASES = [
    # --- letters within one working day of the decision (13)
    ("62/1001/13", "gwent", "assault occasioning actual bodily harm", "vulnerable",
     "discontinue", "2013-12-11 14:00", "2013-12-12 10:00"),
    ("62/1002/13", "gwent", "harassment", "intimidated", "no_further_action",
     "2013-12-13 16:30", "2013-12-16 09:15"),  # Friday decision, Monday letter
    ("62/1003/13", "gwent", "criminal damage", "vulnerable", "alter_charge",
     "2013-12-24 11:00", "2013-12-27 12:00"),  # Christmas Eve: 25th and 26th are holidays
    ("62/1004/13", "gwent", "common assault", "intimidated", "discontinue",
     "2014-01-06 10:00", "2014-01-06 15:00"),  # same day
    ("62/1005/14", "gwent", "theft from the person", "vulnerable", "offer_no_evidence",
     "2014-01-15 09:00", "2014-01-16 17:00"),
    ("62/1006/14", "gwent", "robbery of personal property", "intimidated", "no_further_action",
     "2014-01-31 15:00", "2014-02-03 11:00"),
    ("62/1007/14", "gwent", "sexual assault", "vulnerable", "alter_charge",
     "2014-02-12 10:00", "2014-02-13 23:30"),  # late evening, still that day
    ("62/2001/13", "south-wales", "assault occasioning actual bodily harm", "vulnerable",
     "discontinue", "2013-12-10 10:00", "2013-12-11 10:00"),  # the Code's first day
    ("62/2002/13", "south-wales", "harassment", "intimidated", "accept_plea_other_charge",
     "2013-12-31 12:00", "2014-01-02 09:00"),  # New Year's Day is a holiday
    ("62/2003/14", "south-wales", "common assault", "vulnerable", "discontinue",
     "2014-01-20 14:00", "2014-01-21 14:00"),
    ("62/2004/14", "south-wales", "stalking", "intimidated", "no_further_action",
     "2014-02-07 17:00", "2014-02-10 09:30"),
    ("62/2005/14", "south-wales", "criminal damage", "vulnerable", "alter_charge",
     "2014-02-19 11:00", "2014-02-19 16:00"),
    ("62/2006/14", "south-wales", "wounding", "intimidated", "offer_no_evidence",
     "2014-03-03 10:00", "2014-03-04 10:00"),
    # --- letters sent late (8)
    ("62/1008/13", "gwent", "common assault", "vulnerable", "discontinue",
     "2013-12-12 10:00", "2013-12-16 10:00"),  # Thursday decision: due Friday
    ("62/1009/14", "gwent", "harassment", "intimidated", "no_further_action",
     "2014-01-10 15:00", "2014-01-14 09:00"),  # Friday decision: due Monday
    ("62/1010/14", "gwent", "theft from the person", "vulnerable", "alter_charge",
     "2014-01-22 10:00", "2014-01-29 10:00"),
    ("62/1011/14", "gwent", "assault occasioning actual bodily harm", "intimidated",
     "discontinue", "2014-02-24 10:00", "2014-02-26 00:05"),  # just after midnight
    ("62/2007/13", "south-wales", "robbery of personal property", "vulnerable",
     "no_further_action", "2013-12-23 10:00", "2013-12-27 10:00"),  # due Tuesday 24th
    ("62/2008/14", "south-wales", "stalking", "intimidated", "discontinue",
     "2014-01-08 10:00", "2014-01-13 10:00"),
    ("62/2009/14", "south-wales", "common assault", "vulnerable", "offer_no_evidence",
     "2014-02-03 10:00", "2014-02-17 10:00"),
    ("62/2010/14", "south-wales", "criminal damage", "intimidated", "alter_charge",
     "2014-03-07 16:00", "2014-03-12 10:00"),
    # --- no letter sent (8)
    ("62/1012/13", "gwent", "common assault", "vulnerable", "discontinue",
     "2013-12-16 10:00", None),
    ("62/1013/14", "gwent", "harassment", "intimidated", "no_further_action",
     "2014-01-13 10:00", None),
    ("62/1014/14", "gwent", "assault occasioning actual bodily harm", "vulnerable",
     "alter_charge", "2014-02-05 10:00", None),
    ("62/1015/14", "gwent", "theft from the person", "intimidated", "discontinue",
     "2014-03-10 10:00", None),
    ("62/2011/13", "south-wales", "stalking", "vulnerable", "no_further_action",
     "2013-12-18 10:00", None),
    ("62/2012/14", "south-wales", "common assault", "intimidated", "discontinue",
     "2014-01-27 10:00", None),
    ("62/2013/14", "south-wales", "robbery of personal property", "vulnerable",
     "offer_no_evidence", "2014-02-14 10:00", None),
    ("62/2014/14", "south-wales", "wounding", "intimidated", "alter_charge",
     "2014-03-12 10:00", None),
]
CPS_LETTER_DUTIES = {"cps_decision_not_to_charge", "cps_discontinue_or_alter_charge"}


def gwent_feed() -> list[dict]:
    feed = []
    for ref, force, offence, category, decision, decided, letter in CASES:
        reported = f"2013-{'11' if decided < '2014' else '12'}-01 10:00"
        feed += [
            raw(f"{ref}/r", "crime.reported", reported, case=ref, provider=f"police:{force}",
                offence=offence),
            raw(f"{ref}/v", "victim.identified", reported, case=ref, victim="V1",
                provider=f"police:{force}", kind="person", date_of_birth="1970-06-01"),
            raw(f"{ref}/f", "victim.categorised", reported, case=ref, victim="V1",
                provider=f"police:{force}", category=category,
                reason="flagged on the case file", confirmed_by="officer in the case"),
            raw(f"{ref}/d", "cps.decision", decided, case=ref, provider="cps:cymru-wales",
                decision=decision),
        ]
        if letter:
            feed.append(raw(f"{ref}/l", "contact.made", letter, case=ref, victim="V1",
                            provider="cps:cymru-wales", channel="letter", answers=f"{ref}/d"))
    return feed


def write_feed(path) -> None:
    path.write_text("".join(json.dumps(line) + "\n" for line in gwent_feed()))


def test_the_29_gwent_and_south_wales_letters_are_13_met_8_late_8_breached(tmp_path, capsys):
    feed = tmp_path / "gwent.jsonl"
    write_feed(feed)
    call_command("replay", str(feed), "--as-of", "2014-04-30T00:00:00+01:00", "--format", "json")
    duties = [d for d in json.loads(capsys.readouterr().out)
              if d["entitlement"] in CPS_LETTER_DUTIES]
    assert len(duties) == 29
    assert {d["enhanced"] for d in duties} == {True}
    assert {d["provider"] for d in duties} == {"cps:cymru-wales"}
    assert {d["edition"] for d in duties} == {"2013"}
    assert Counter(d["status"] for d in duties) == {"met": 13, "late": 8, "breached": 8}
