"""The calibration table: rebuilt from the real data it matches the shipped file, and it
carries the corrected populations."""

import json
from pathlib import Path

import pytest

from victimjourney.synthetic.calibrate import POPULATION_SHIFTED, calibration, slug_of
from victimjourney.synthetic.calibration import CALIBRATION, apportion, load_calibration

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"


@pytest.mark.slow
@pytest.mark.skipif(not REAL.exists(), reason="the real data folder is not here")
def test_the_shipped_table_is_what_the_real_data_gives():
    rebuilt = json.loads(json.dumps(calibration(REAL), sort_keys=True))
    assert rebuilt == json.loads(CALIBRATION.read_text(encoding="utf-8"))


def test_every_territorial_force_is_there_with_its_real_volume_and_population():
    forces = load_calibration()["forces"]
    assert len(forces) == 43
    assert "btp" not in forces
    assert sum(f["recorded"] for f in forces.values()) == 5_204_765
    # The shifted rows of reference/forces.csv, corrected (City of London is 11,700 people).
    assert forces["city-of-london"]["population_2010"] == 11_700
    assert forces["lincolnshire"]["population_2010"] == 703_000
    assert forces["cleveland"]["population_2010"] == 563_500
    assert forces["metropolitan"]["population_2010"] == 7_813_500
    assert len(POPULATION_SHIFTED) == 19
    per_1000 = {s: 1000 * f["recorded"] / f["population_2010"] for s, f in forces.items()
                if s != "city-of-london"}  # a daytime population far above its residents
    assert min(per_1000.values()) > 40
    assert max(per_1000.values()) < 160


@pytest.mark.parametrize(("name", "slug"), [
    ("London, City of", "city-of-london"), ("Metropolitan and City", "metropolitan"),
    ("GreaterManchester", "greater-manchester"), ("Dyfed Powys", "dyfed-powys"),
    ("Avon & Somerset Constabulary", "avon-and-somerset"),
    ("Devon and Cornwall", "devon-and-cornwall"),
    ("Thames Valley Police", "thames-valley"),
])
def test_force_names_of_every_source_reduce_to_the_police_uk_slug(name, slug):
    assert slug_of(name) == slug


def test_apportion_adds_up_exactly_and_follows_the_weights():
    parts = apportion({"a": 1, "b": 2, "c": 3.5}, 13)
    assert sum(parts.values()) == 13
    assert parts == {"a": 2, "b": 4, "c": 7}
    assert apportion({"a": 0}, 5) == {"a": 0}
