from pathlib import Path

import pytest

from victimjourney.core.docs import generated_docs

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(generated_docs()))
def test_generated_docs_are_up_to_date(name):
    assert (ROOT / name).read_text(encoding="utf-8") == generated_docs()[name], (
        f"{name} is stale: run `victimjourney docs`")


def test_the_catalogue_lists_every_rule_with_its_source():
    text = generated_docs()["docs/CODE-CATALOGUE.md"]
    from victimjourney.code.editions import all_entitlements

    for rule in all_entitlements():
        assert f"`{rule.id}`" in text
        assert rule.citation.split(";")[0].replace("|", "\\|") in text
