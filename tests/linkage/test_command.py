"""`victimjourney linkage`: run, propose, evaluate."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from tests.linkage.conftest import load
from tests.linkage.test_services import ALEX, OTHERS, TWIN
from victimjourney.audit.models import AuditEntry
from victimjourney.linkage.models import CandidateLink
from victimjourney.linkage.services import DEFAULT_THRESHOLD


def _run(*args: str) -> str:
    out = StringIO()
    call_command("linkage", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_run_and_propose_are_audited(now):
    load([*ALEX, TWIN, *OTHERS])
    text = _run("run")
    assert text.startswith(f"7 records linked: 4 pairs at or above {DEFAULT_THRESHOLD}, 4 new "
                           "candidate links")
    assert CandidateLink.objects.count() == 4
    assert _run("propose") == "0 persistently-targeted proposals made.\n"
    assert list(AuditEntry.objects.order_by("id").values_list("action", "actor_name")) == [
        ("linkage_run", "anonymous"), ("linkage_propose", "anonymous")]


def test_evaluate_reports_precision_recall_and_the_curve():
    report = json.loads(_run("evaluate", "--records", "3000", "--seed", "4",
                             "--shipped-model", "--json"))
    assert report["records"] == 3000
    assert report["precision"] >= 0.97 and report["recall"] >= 0.97
    assert [p["threshold"] for p in report["curve"]][:3] == [0.01, 0.05, 0.1]
    text = _run("evaluate", "--records", "1000", "--shipped-model")
    assert f"At match probability >= {DEFAULT_THRESHOLD}: precision" in text
