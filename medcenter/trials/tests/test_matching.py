"""Matching realistic synthetic patients against the demo catalogue (and the real EGFR records).

Patients are built through the oncology services as a clinician would record them; the trials
are the demo center's synthetic studies, imported through the real importer.
"""

from datetime import date
from pathlib import Path

import pytest

from medcenter.oncology import services as oncology
from medcenter.oncology.genomics.alterations import make_alteration
from medcenter.patients.tests.factories import PatientFactory
from medcenter.trials import profiles, selectors
from medcenter.trials.demo import STUDIES
from medcenter.trials.importer import import_paths, import_records
from medcenter.trials.matcher import rules as matching
from medcenter.trials.matcher.rules import MET, NOT_MET, UNKNOWN, Profile

pytestmark = pytest.mark.django_db

CTGOV = Path(__file__).resolve().parents[4] / "shared" / "datasets" / "ctgov"
PANEL = ["EGFR", "KRAS", "ALK", "BRAF", "ERBB2", "IDH1", "IDH2", "NTRK1", "NTRK2", "NTRK3"]


@pytest.fixture
def catalogue():
    import_records((f"demo:{i}", study) for i, (study, *_rest) in enumerate(STUDIES))


def born(age: int) -> date:
    today = date.today()
    return (
        date(today.year - age - 1, 1, 1)
        if (today.month, today.day) < (1, 2)
        else date(today.year - age, 1, 1)
    )


def genotype(patient, tumor_type, *changes):
    oncology.record_genotyping_report(
        patient=patient,
        actor=None,
        test_name="Solid tumor panel",
        tumor_type=tumor_type,
        reported_on=date(2026, 10, 1),
        alterations=[make_alteration(gene=gene, change=change) for gene, change in changes],
        genes_covered=PANEL,
    )


def by_kind(match, kind, section="inclusion"):
    return [v for v in match.verdicts if v.kind == kind and v.section == section]


def top(profile, n=3):
    return [(r.trial.nct_id, r.match) for r in selectors.match_open_trials(profile, limit=n)]


@pytest.fixture
def egfr_patient():
    patient = PatientFactory(sex="female", date_of_birth=born(62))
    oncology.record_diagnosis(
        patient=patient,
        actor=None,
        description="Adenocarcinoma of the right upper lobe",
        oncotree_code="LUAD",
    )
    oncology.record_diagnosis(
        patient=patient,
        actor=None,
        kind="secondary",
        description="Brain metastasis",
        body_site="Brain",
    )
    diagnosis = patient.cancer_diagnoses.get(kind="primary")
    oncology.record_reported_stage(
        diagnosis=diagnosis,
        actor=None,
        system="AJCC 8",
        m="M1c",
        stage_group="IVB",
        assessed_on=date(2026, 9, 20),
    )
    oncology.record_performance_status(
        patient=patient, actor=None, scale="ecog", value=1, observed_on=date(2026, 10, 2)
    )
    genotype(patient, "LUAD", ("EGFR", "L858R"), ("TP53", "R273H"))
    return patient


def test_an_egfr_l858r_lung_cancer_patient_gets_the_egfr_trial_first(catalogue, egfr_patient):
    profile = profiles.profile_for_patient(egfr_patient)
    ranked = top(profile, n=10)
    assert ranked[0][0] == "NCT99001001"
    best = ranked[0][1]
    [biomarker] = by_kind(best, "biomarker")
    assert biomarker.outcome == MET and "L858R" in biomarker.evidence
    [diagnosis] = by_kind(best, "diagnosis")
    assert diagnosis.outcome == MET and "LUAD" in diagnosis.evidence
    assert all(v.outcome == MET for v in by_kind(best, "stage"))
    [ecog] = by_kind(best, "performance")
    assert ecog.outcome == MET and "ECOG 1" in ecog.evidence
    prior = by_kind(best, "prior_therapy", "exclusion")
    assert prior and prior[0].outcome == UNKNOWN  # the record holds no treatment history
    shown = [nct for nct, _m in ranked]
    # KRAS G12C and ALK were on the panel and not found: those trials are ruled out.
    assert "NCT99001002" not in shown and "NCT99001003" not in shown
    assert "NCT99003001" not in shown  # a breast cancer trial


def test_a_ruled_out_trial_explains_which_criterion_failed(catalogue, egfr_patient):
    profile = profiles.profile_for_patient(egfr_patient)
    from medcenter.trials.models import Trial

    kras = selectors.explain(Trial.objects.get(nct_id="NCT99001002"), profile)
    assert not kras.eligible
    failed = [v for v in kras.verdicts if v.outcome == NOT_MET]
    assert any(v.kind == "biomarker" and "KRAS" in v.evidence for v in failed)
    # Its exclusion "EGFR mutation or ALK rearrangement" is what this patient has.
    assert any(v.section == "exclusion" and v.kind == "biomarker" for v in failed)


def test_a_17_year_old_with_ewing_sarcoma_gets_the_ewing_trial_first(catalogue):
    patient = PatientFactory(sex="male", date_of_birth=born(17))
    oncology.record_diagnosis(
        patient=patient,
        actor=None,
        description="Ewing sarcoma of the left femur",
        oncotree_code="ES",
    )
    oncology.record_performance_status(
        patient=patient, actor=None, scale="karnofsky", value=80, observed_on=date(2026, 10, 2)
    )
    profile = profiles.profile_for_patient(patient)
    ranked = top(profile, n=10)
    assert ranked[0][0] == "NCT99002001"
    ewing = ranked[0][1]
    assert by_kind(ewing, "age")[0].outcome == MET
    assert by_kind(ewing, "diagnosis")[0].outcome == MET
    shown = [nct for nct, _m in ranked]
    assert "NCT99002002" not in shown  # osteosarcoma only
    assert "NCT99002003" not in shown  # adults with chondrosarcoma
    assert "NCT99001001" not in shown  # adults with lung cancer


def test_an_adult_with_idh1_mutant_chondrosarcoma_gets_the_idh1_trial_first(catalogue):
    patient = PatientFactory(sex="female", date_of_birth=born(48))
    oncology.record_diagnosis(
        patient=patient,
        actor=None,
        description="Conventional chondrosarcoma of the pelvis",
        oncotree_code="CHS",
    )
    oncology.record_performance_status(
        patient=patient, actor=None, scale="ecog", value=0, observed_on=date(2026, 10, 2)
    )
    genotype(patient, "CHS", ("IDH1", "R132C"))
    profile = profiles.profile_for_patient(patient)
    ranked = top(profile, n=10)
    assert [nct for nct, _m in ranked[:2]] == ["NCT99002003", "NCT99002004"]
    idh = ranked[0][1]
    [biomarker] = by_kind(idh, "biomarker")
    assert biomarker.outcome == MET and "IDH1" in biomarker.evidence
    assert "NCT99002001" not in [nct for nct, _m in ranked]  # Ewing, ages 12-39 ok, wrong tumor


def test_a_note_alone_is_enough_to_rank(catalogue):
    profile = profiles.profile_from_payload(
        {
            "note": "62-year-old woman with metastatic lung adenocarcinoma, EGFR exon 19 "
            "deletion, ECOG 1, two small asymptomatic brain metastases."
        }
    )
    assert profile.age == 62 and profile.sex == "female"
    assert top(profile, n=1)[0][0] == "NCT99001001"


def test_unknowns_lower_the_score_but_keep_the_trial(catalogue):
    known = Profile(age=62, sex="female", oncotree=["LUAD"], stage="IV", ecog=1)
    known.biomarkers = [matching.Biomarker("EGFR", frozenset({"L858R", "mutation"}))]
    vague = Profile(age=62, oncotree=["LUAD"])
    score_known = dict(top(known, 10))["NCT99001001"].score
    vague_match = dict(top(vague, 10))["NCT99001001"]
    assert vague_match.eligible and vague_match.score < score_known
    assert by_kind(vague_match, "biomarker")[0].outcome == UNKNOWN


def test_wild_type_stated_in_a_criterion_is_read_as_absence():
    criterion = {
        "section": "inclusion",
        "kind": "biomarker",
        "gene": "EGFR",
        "classes": ["mutation"],
        "present": False,
        "source": "EGFR wild-type",
    }
    mutant = Profile(biomarkers=[matching.Biomarker("EGFR", frozenset({"L858R", "mutation"}))])
    untested = Profile()
    tested_clean = Profile(tested_genes=frozenset({"EGFR"}))
    assert matching.verdict(criterion, mutant).outcome == NOT_MET
    assert matching.verdict(criterion, untested).outcome == UNKNOWN
    assert matching.verdict(criterion, tested_clean).outcome == MET


@pytest.mark.skipif(not CTGOV.exists(), reason="../shared datasets not present")
def test_real_egfr_records_rank_the_egfr_mutant_trial_above_the_wild_type_one():
    import_paths([CTGOV / "biomcp"])
    from medcenter.trials.models import Trial

    Trial.objects.filter(nct_id="NCT06382129").update(overall_status="RECRUITING")
    profile = profiles.profile_from_payload(
        {
            "age": 58,
            "sex": "male",
            "diagnosis_codes": ["LUAD"],
            "stage": "IV",
            "biomarkers": [{"gene": "EGFR", "alteration": "L858R"}],
            "brain_metastases": True,
        }
    )
    shown = [nct for nct, _m in top(profile, 20)]
    assert "NCT06604689" in shown and "NCT06382129" not in shown
    wild = selectors.explain(Trial.objects.get(nct_id="NCT06382129"), profile)
    assert any(v.outcome == NOT_MET and "EGFR" in v.evidence for v in wild.verdicts)


def test_read_alternatives_decide_eligibility_and_anchor_a_candidate():
    """ "EGFR-mutant or ALK-positive NSCLC": a panel that found neither rules the trial out;
    one of them makes the patient a candidate; untested leaves it open but no candidate."""
    from medcenter.trials.eligibility import parse_criteria

    criteria = parse_criteria(
        "Inclusion Criteria:\n\n* EGFR-mutant or ALK-positive non-small cell lung cancer\n"
    )
    read = [c for c in criteria if c["kind"] == "text" and c.get("alternatives")]
    assert {a["gene"] for a in read[0]["alternatives"]} == {"EGFR", "ALK"}
    rules = matching.TrialRules(trial_id=1, criteria=read)
    assert rules.unread == [] and rules.weights == [matching.WEIGHTS["biomarker"]]

    negative = Profile(tested_genes=frozenset({"EGFR", "ALK"}))
    found = rules.match(negative)
    assert not found.eligible and found.verdicts[0].outcome == NOT_MET
    assert "EGFR" in found.verdicts[0].evidence and "ALK" in found.verdicts[0].evidence

    alk = Profile(
        tested_genes=frozenset({"EGFR", "ALK"}),
        biomarkers=[matching.Biomarker("ALK", frozenset({"fusion", "rearrangement"}))],
    )
    found = rules.match(alk)
    assert found.eligible and found.anchored and found.verdicts[0].outcome == MET
    assert found.score > rules.match(Profile()).score

    untested = rules.match(Profile())
    assert untested.eligible and not untested.anchored
    assert untested.verdicts[0].outcome == UNKNOWN and untested.unknown == 1


def test_evidence_is_english_text_and_shown_in_the_readers_language():
    from django.utils import translation

    criterion = {"section": "inclusion", "kind": "biomarker", "gene": "EGFR", "classes": ["L858R"]}
    verdict = matching.verdict(criterion, Profile(tested_genes=frozenset({"EGFR"})))
    assert verdict.evidence == "EGFR tested, no L858R found"  # the value itself: English
    either = {
        "section": "inclusion",
        "kind": "text",
        "alternatives": [criterion, {"kind": "performance", "scale": "ecog", "max": 1}],
    }
    both = matching.verdict(either, Profile(age=40))
    assert both.outcome == UNKNOWN
    assert both.evidence == "EGFR not tested; performance status not recorded"
    with translation.override("es"):
        assert verdict.evidence_shown == "EGFR analizado, sin L858R"
        assert verdict.as_dict()["evidence"] == "EGFR analizado, sin L858R"
        assert both.evidence_shown == "EGFR no analizado; estado funcional no registrado"
    with translation.override("ar"):
        assert matching.verdict(
            {"kind": "age", "min_years": 18}, Profile(age=40)
        ).evidence_shown == ("العمر 40")
    assert matching.shown("a stored snapshot") == "a stored snapshot"


def test_a_kept_explanation_is_shown_in_the_later_readers_language():
    from django.utils import translation

    from medcenter.trials.templatetags.trials import evidence

    found = matching.verdict({"kind": "age", "min_years": 18, "source": "Adults"}, Profile(age=40))
    with translation.override("es"):
        kept = found.as_dict()  # a contact request sent from the Spanish site
    assert kept["evidence"] == "edad 40"
    with translation.override("en"):
        assert evidence(kept) == "age 40"
        assert evidence(found) == "age 40"
    with translation.override("ru"):
        assert evidence(kept) == "возраст 40"
    # Kept before parts were stored, or altered: the text as it was kept.
    assert evidence({"evidence": "age 40 (old snapshot)"}) == "age 40 (old snapshot)"
    for broken in ([["{age} x", {}]], "parts", [["age {age}"]], [[1, {}]]):
        assert evidence({"evidence": "kept", "evidence_parts": broken}) == "kept"
    assert evidence(None) == ""


def test_the_matcher_runs_without_django_settings():
    """matching and population are plain Python: the bench and worker processes use them
    without settings (evidence wordings are marked, not translated, while ranking)."""
    import os
    import subprocess
    import sys

    code = (
        "from medcenter.trials.matcher import compiled as population, rules as matching\n"
        "rules = [matching.TrialRules(trial_id=1, criteria=[{'kind': 'text'},"
        " {'kind': 'age', 'min_years': 18}])]\n"
        "found = population.CompiledTrials(rules).rank(matching.Profile(age=40))\n"
        "print(found[0].verdicts[0].evidence)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "age 40"


def test_nested_evidence_is_translated_part_by_part():
    from django.utils import translation

    from medcenter.trials.templatetags.trials import evidence

    stage = {"kind": "stage", "stages": ["IV"], "metastatic": True}
    either = {"section": "inclusion", "kind": "text", "alternatives": [stage, {"kind": "age"}]}
    found = matching.verdict(either, Profile())
    assert found.evidence == "stage not recorded; spread not recorded; age not known"
    with translation.override("es"):
        kept = found.as_dict()
        assert (
            kept["evidence"] == "estadio no registrado; extensión no registrada; edad desconocida"
        )
    with translation.override("en"):
        assert evidence(kept) == "stage not recorded; spread not recorded; age not known"
