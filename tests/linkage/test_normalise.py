"""Names and contact details as recorded, normalised so that the same fact compares equal."""

import datetime as dt

import pytest

from victimjourney.linkage.names import name_parts, soundex, standard_first_names
from victimjourney.linkage.normalise import (
    LinkInput,
    blocking_keys,
    normalise,
    phone_normalise,
    postcode_normalise,
)


@pytest.mark.parametrize(("recorded", "parts"), [
    ("Alex Smith", ("alex", "smith")),
    ("Dr Jane A. Smith-Jones", ("jane", "smith-jones")),
    ("SMITH, John", ("john", "smith")),
    ("José Álvarez", ("jose", "alvarez")),
    ("Siobhan O'Neill", ("siobhan", "oneill")),
    ("Mrs Patel", ("", "patel")),
    ("", ("", "")),
])
def test_a_name_is_read_into_first_name_and_surname(recorded, parts):
    assert name_parts(recorded) == parts


@pytest.mark.parametrize(("first", "standard"), [
    ("bob", ["robert"]), ("robert", ["robert"]), ("kate", ["catherine"]),
    ("muhammad", ["mohammed"]), ("chris", ["christine", "christopher"]),
    ("zelda", ["zelda"]), ("", []),
])
def test_nicknames_and_spellings_share_a_standard_form(first, standard):
    assert standard_first_names(first) == standard


@pytest.mark.parametrize(("name", "code"), [
    ("Smith", "S530"), ("Smyth", "S530"), ("Ashcraft", "A261"), ("Tymczak", "T522"),
    ("Robert", "R163"), ("Rupert", "R163"), ("", ""),
])
def test_soundex(name, code):
    assert soundex(name) == code


@pytest.mark.parametrize(("recorded", "postcode"), [
    ("me14 1aa", "ME14 1AA"), ("ME141AA", "ME14 1AA"), ("SW1A 2AA", "SW1A 2AA"),
    ("not one", "NOTONE"), ("", ""),
])
def test_postcodes_are_written_one_way(recorded, postcode):
    assert postcode_normalise(recorded) == postcode


@pytest.mark.parametrize(("recorded", "phone"), [
    ("07700 900123", "07700900123"), ("+44 7700 900123", "07700900123"),
    ("0044 7700 900123", "07700900123"), ("999", ""),
])
def test_phone_numbers_are_written_one_way(recorded, phone):
    assert phone_normalise(recorded) == phone


def test_a_record_is_normalised_with_its_blocking_keys():
    n = normalise(LinkInput.from_victim(
        name="Mrs Kate Smith-Jones", date_of_birth=dt.date(1990, 2, 1),
        contact={"address": "Flat 2, 12a High Street, Maidstone ME14 1AA",
                 "phone": "+44 7700 900123", "email": "Kate@Example.org"}))
    assert (n.first_name, n.first_std, n.fi, n.surname, n.surname_parts) == (
        "kate", ("catherine",), "c", "smith-jones", ("smith", "jones"))
    assert (n.dob, n.postcode, n.address, n.house, n.phone, n.email) == (
        "1990-02-01", "ME14 1AA", "flat 2 12a high st maidstone", "2 12a", "07700900123",
        "kate@example.org")
    assert blocking_keys(n) == [
        "dob_fi:1990-02-01|c", "dob_sx:1990-02-01|S532", "name_yob:c|S532|1990",
        "pc_fi:ME14 1AA|c", "phone:07700900123", "email:kate@example.org"]


def test_a_key_with_a_part_missing_is_left_out():
    n = normalise(LinkInput(name="Kate Smith"))
    assert blocking_keys(n) == []
    assert normalise(LinkInput(name="Kate Smith", phone="07700900123")).phone == "07700900123"
