"""Importing ClinicalTrials.gov API v2 records: every shared file, faults, re-imports."""

import copy
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from medcenter.trials import services
from medcenter.trials.demo import STUDIES
from medcenter.trials.importer import import_paths, import_records, read_record
from medcenter.trials.models import Criterion, CriterionOrigin, LocalStatus, Trial

pytestmark = pytest.mark.django_db

CTGOV = Path(__file__).resolve().parents[4] / "shared" / "datasets" / "ctgov"
needs_shared = pytest.mark.skipif(not CTGOV.exists(), reason="../shared datasets not present")


def record(nct: str = "NCT99001001") -> dict:
    for study, *_ in STUDIES:
        if study["protocolSection"]["identificationModule"]["nctId"] == nct:
            return copy.deepcopy(study)
    raise KeyError(nct)


@needs_shared
def test_every_shared_ctgov_file_imports_without_a_skipped_record():
    files = sorted(CTGOV.rglob("*.json"))
    assert len(files) >= 20
    report = import_paths([CTGOV])
    assert report.problems == []
    nct_ids = set(Trial.objects.values_list("nct_id", flat=True))
    for file in files:
        data = json.loads(file.read_text())
        studies = data.get("studies", [data])
        for study in studies:
            assert study["protocolSection"]["identificationModule"]["nctId"] in nct_ids


@needs_shared
def test_the_egfr_trials_criteria_come_out_structured():
    import_paths([CTGOV / "biomcp"])
    mutant = Trial.objects.get(nct_id="NCT06604689")
    biomarkers = [c for c in mutant.criteria.all() if c.kind == "biomarker"]
    inclusion = next(c for c in biomarkers if c.section == "inclusion")
    assert inclusion.params["gene"] == "EGFR"
    assert {"L858R", "exon 19 deletion"} <= set(inclusion.params["classes"])
    assert inclusion.params["present"] is True
    brain = [c for c in mutant.criteria.all() if c.kind == "brain_metastases"]
    assert brain and brain[0].section == "inclusion" and brain[0].params["present"] is True
    diagnosis = next(c for c in mutant.criteria.all() if c.kind == "diagnosis")
    assert "NSCLC" in diagnosis.params["oncotree"]
    assert mutant.minimum_age_years == 18

    wild_type = Trial.objects.get(nct_id="NCT06382129")
    assert wild_type.overall_status == "ACTIVE_NOT_RECRUITING"
    assert wild_type.conditions == ["Non-small Cell Lung Cancer"]


@needs_shared
def test_a_search_page_projection_does_not_erase_what_a_full_record_gave():
    import_paths([CTGOV / "biomcp" / "get_nct06604689_20260811.json"])
    criteria = Trial.objects.get(nct_id="NCT06604689").eligibility_criteria
    assert criteria
    import_paths([CTGOV / "biomcp" / "search_nsclc_egfr_l858r_20260811.json"])
    assert Trial.objects.get(nct_id="NCT06604689").eligibility_criteria == criteria


def test_a_record_is_read_into_fields_with_ages_in_years():
    fields = read_record(record("NCT99002001"))
    assert fields["nct_id"] == "NCT99002001"
    assert fields["minimum_age_years"] == 12 and fields["maximum_age_years"] == 39
    assert fields["phases"] == ["PHASE2"]
    assert fields["sites"][0]["lat"] == pytest.approx(42.3376)


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("identificationModule", "nctId"), "NCT123", "identificationModule.nctId"),
        (("statusModule", "overallStatus"), "OPEN", "statusModule.overallStatus"),
        (("designModule", "phases"), ["PHASE9"], "designModule.phases"),
        (("eligibilityModule", "minimumAge"), "eighteen", "eligibilityModule.minimumAge"),
        (("eligibilityModule", "sex"), "BOTH", "eligibilityModule.sex"),
        (("eligibilityModule", "healthyVolunteers"), "yes", "eligibilityModule.healthyVolunteers"),
        (("statusModule", "studyFirstPostDateStruct"), {"date": "2026-13-45"}, "statusModule"),
        (("conditionsModule", "conditions"), "Lung cancer", "conditionsModule.conditions"),
    ],
)
def test_a_malformed_record_is_skipped_whole_and_named_by_field(path, value, field):
    bad = record()
    bad["protocolSection"][path[0]][path[1]] = value
    good = record("NCT99001002")
    report = import_records([("bad.json", bad), ("good.json", good)])
    assert [p.source for p in report.problems] == ["bad.json"]
    assert report.problems[0].field.startswith(field)
    assert report.created == ["NCT99001002"]
    assert not Trial.objects.filter(nct_id="NCT99001001").exists()
    assert not Criterion.objects.filter(trial__nct_id="NCT99001001").exists()


def test_a_bad_coordinate_skips_the_record():
    bad = record()
    bad["protocolSection"]["contactsLocationsModule"]["locations"][0]["geoPoint"]["lat"] = 400
    report = import_records([("bad.json", bad)])
    assert "geoPoint.lat" in report.problems[0].field
    assert Trial.objects.count() == 0


def test_reimport_updates_registry_fields_and_keeps_local_fields_and_corrections(
    django_user_model,
):
    import_records([("a.json", record())])
    trial = Trial.objects.get(nct_id="NCT99001001")
    trial.local_status = LocalStatus.ON_HOLD
    trial.local_slots = 3
    trial.plain_language = {"es": {"title": "Título", "summary": "Resumen"}}
    trial.save()
    ecog = trial.criteria.get(kind="performance")
    coordinator = django_user_model.objects.create_user(email="c@example.test", password="x")
    services.correct_criterion(
        criterion=ecog,
        section="inclusion",
        kind="performance",
        params={"scale": "ecog", "max": 2},
        is_active=True,
        actor=coordinator,
    )
    changed = record()
    changed["protocolSection"]["identificationModule"]["briefTitle"] = "A changed title"
    changed["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] += (
        "\n* Life expectancy of at least 12 weeks"
    )
    report = import_records([("a.json", changed)])
    assert report.updated == ["NCT99001001"]
    trial.refresh_from_db()
    assert trial.brief_title == "A changed title"
    assert (trial.local_status, trial.local_slots) == (LocalStatus.ON_HOLD, 3)
    assert trial.plain("es")["title"] == "Título"
    kept = trial.criteria.get(kind="performance")
    assert kept.origin == CriterionOrigin.COORDINATOR and kept.params["max"] == 2
    assert trial.criteria.filter(source__icontains="life expectancy").exists()
    assert trial.criteria.filter(kind="performance").count() == 1


def test_the_same_record_twice_is_reported_unchanged():
    import_records([("a.json", record())])
    report = import_records([("a.json", record())])
    assert report.unchanged == ["NCT99001001"]


def test_the_command_reports_files_that_are_not_json(tmp_path):
    (tmp_path / "one.json").write_text(json.dumps(record()))
    (tmp_path / "broken.json").write_text("{not json")
    out, err = StringIO(), StringIO()
    call_command("import_trials", str(tmp_path), stdout=out, stderr=err)
    assert "1 created" in out.getvalue() and "1 skipped" in out.getvalue()
    assert "broken.json" in err.getvalue() and "not readable JSON" in err.getvalue()
