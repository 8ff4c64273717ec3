"""One ranking: the API and the clinician's "Trials for this patient" page give the same patient
the same trials in the same order, since both call the matcher's one entry point; the entry
point itself, with and without a note."""

from copy import deepcopy
from datetime import date

import pytest

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.oncology import services as oncology
from medcenter.oncology.genomics.alterations import make_alteration
from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory
from medcenter.trials import profiles
from medcenter.trials.demo import STUDIES
from medcenter.trials.importer import import_records
from medcenter.trials.matcher import (
    CompiledTrials,
    Profile,
    TrialRules,
    TrialText,
    compile_rules,
    match_profile,
    match_profiles,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/trials/match"
PANEL = ["EGFR", "KRAS", "ALK", "BRAF", "ERBB2", "IDH1", "IDH2", "NTRK1", "NTRK2", "NTRK3"]
PAGE_PLACES = 25  # what the page shows


def variants(study: dict, first: int) -> list[dict]:
    """The study again under new NCT numbers, each time without one of its criteria: trials
    that differ a little, so that a patient has many with close scores (and ties) to order."""
    text = study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    lines = text.split("\n")
    bullets = [i for i, line in enumerate(lines) if line.startswith("* ")]
    made = []
    for n, dropped in enumerate(bullets):
        copy = deepcopy(study)
        section = copy["protocolSection"]
        section["identificationModule"]["nctId"] = f"NCT98{first + n:06d}"
        section["eligibilityModule"]["eligibilityCriteria"] = "\n".join(
            line for i, line in enumerate(lines) if i != dropped
        )
        made.append(copy)
    return made


@pytest.fixture(autouse=True)
def catalogue():
    studies = [study for study, *_rest in STUDIES]
    more = [v for i, study in enumerate(studies) for v in variants(study, 100 * i)]
    import_records((f"demo:{i}", study) for i, study in enumerate(studies + more))


def born(age: int) -> date:
    today = date.today()
    return (
        date(today.year - age - 1, 1, 1)
        if (today.month, today.day) < (1, 2)
        else date(today.year - age, 1, 1)
    )


def payload_of(profile):
    """The API's fields for what the record says (no note): the patient as an outside
    caller would send them."""
    read = profiles.describe(profile)
    payload = {
        "age": read["age"],
        "sex": read["sex"],
        "diagnosis_codes": read["diagnosis_codes"],
        "stage": read["stage"],
        "metastatic": read["metastatic"],
        "biomarkers": [
            {"gene": b["gene"], "classes": b["classes"], "present": b["present"]}
            for b in read["biomarkers"]
        ],
        "tested_genes": sorted(profile.tested_genes),
        "ecog": read["ecog"],
        "karnofsky": read["karnofsky"],
        "brain_metastases": read["brain_metastases"],
        "pregnant": read["pregnant"],
        "limit": PAGE_PLACES,
    }
    return {k: v for k, v in payload.items() if v not in (None, [])}


def both_orders(client, patient):
    """The page's order, the API's order, what the API read and what the record says."""
    clinician = StaffUserFactory(roles=["clinician"])
    CareRelationshipFactory(staff=clinician, patient=patient)
    sign_in_verified(client, clinician)
    page = client.get(f"/en/staff/patients/{patient.public_id}/trials/")
    assert page.status_code == 200
    shown = [r.trial.nct_id for r in page.context["ranked"]]
    profile = profiles.profile_for_patient(patient)
    answer = client.post(URL, payload_of(profile), content_type="application/json")
    assert answer.status_code == 200
    body = answer.json()
    ranked = [m["trial"]["nct_id"] for m in body["matches"]]
    # The record's wording of the diagnosis is no API field (the matcher reads it only for a
    # diagnosis without a code); everything else the API read must be what the record says.
    recorded = profiles.describe(profile)
    assert recorded.pop("diagnosis_terms")
    read = body["profile_read"]
    assert read.pop("diagnosis_terms") == []
    return shown, ranked, read, recorded


def test_a_note_free_profile_gets_the_same_order_from_the_api_and_the_page(client):
    patient = PatientFactory(sex="male", date_of_birth=born(16))
    oncology.record_diagnosis(
        patient=patient, actor=None, description="Ewing sarcoma of the femur", oncotree_code="ES"
    )
    shown, ranked, read, recorded = both_orders(client, patient)
    assert read == recorded  # the API read the same patient the record describes
    assert len(shown) >= 10  # many trials, so that the order says something
    assert ranked == shown


def test_the_patients_record_gets_the_same_order_from_the_api_and_the_page(client):
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
    oncology.record_reported_stage(
        diagnosis=patient.cancer_diagnoses.get(kind="primary"),
        actor=None,
        system="AJCC 8",
        m="M1c",
        stage_group="IVB",
        assessed_on=date(2026, 9, 20),
    )
    oncology.record_performance_status(
        patient=patient, actor=None, scale="ecog", value=1, observed_on=date(2026, 10, 2)
    )
    oncology.record_genotyping_report(
        patient=patient,
        actor=None,
        test_name="Solid tumor panel",
        tumor_type="LUAD",
        reported_on=date(2026, 10, 1),
        alterations=[
            make_alteration(gene="EGFR", change="L858R"),
            make_alteration(gene="TP53", change="R273H"),
        ],
        genes_covered=PANEL,
    )
    shown, ranked, read, recorded = both_orders(client, patient)
    assert read == recorded
    assert len(shown) >= 10
    assert ranked == shown


# --- The entry point itself (no database) -----------------------------------------------------


class Texts:
    """Trial texts and no sentence vectors, as a benchmark would hand them in."""

    def __init__(self, texts: dict[int, TrialText]) -> None:
        self.by_id = texts
        self.asked: list[list[int]] = []

    def texts(self, trial_ids):
        self.asked.append(list(trial_ids))
        return [self.by_id[i] for i in trial_ids]

    def similarities(self, note, trial_ids):
        return None


def two_lung_trials_and_a_breast_one() -> tuple[CompiledTrials, Texts]:
    def rules(trial_id: int, code: str) -> TrialRules:
        return compile_rules(
            trial_id=trial_id,
            criteria=[{"section": "inclusion", "kind": "diagnosis", "oncotree": [code]}],
            min_age=18,
            max_age=None,
            sex="ALL",
        )

    texts = Texts(
        {
            1: TrialText(
                nct_id="NCT1", title="Lung cancer after chemotherapy", conditions=("NSCLC",)
            ),
            2: TrialText(
                nct_id="NCT2",
                title="Lung cancer with brain metastases treated by radiosurgery",
                conditions=("Brain Metastases", "NSCLC"),
            ),
            3: TrialText(nct_id="NCT3", title="Breast cancer", conditions=("Breast Cancer",)),
        }
    )
    return CompiledTrials([rules(1, "NSCLC"), rules(2, "NSCLC"), rules(3, "BREAST")]), texts


def test_a_note_reorders_trials_the_criteria_cannot_tell_apart_and_says_by_how_much():
    trials, texts = two_lung_trials_and_a_breast_one()
    profile = Profile(age=60, oncotree=["LUAD"])
    plain = match_profile(profile, trials=trials, limit=10, include_ineligible=False, texts=texts)
    assert [m.trial_id for m in plain] == [1, 2]  # the same score: trial id breaks the tie
    assert all(m.text_relevance is None for m in plain) and texts.asked == []
    note = "Lung cancer with brain metastases, for radiosurgery."
    noted = match_profile(
        profile, trials=trials, note=note, limit=10, include_ineligible=False, texts=texts
    )
    assert [m.trial_id for m in noted] == [2, 1]
    assert noted[0].text_relevance == 100.0 and noted[1].text_relevance == 0.0
    assert noted[0].score == plain[1].score  # the criteria's score is kept as it was
    assert [v.outcome for v in noted[0].verdicts] == ["met", "met"]  # age, diagnosis
    every = match_profile(
        profile, trials=trials, note=note, limit=10, include_ineligible=True, texts=texts
    )
    assert [m.trial_id for m in every] == [2, 1, 3] and not every[2].eligible


def test_without_explanations_the_entry_point_keeps_scores_criteria_met_and_anchors():
    trials, _texts = two_lung_trials_and_a_breast_one()
    profile = Profile(age=60, oncotree=["LUAD"])
    bare = match_profile(
        profile, trials=trials, limit=None, include_ineligible=False, explain=False
    )
    full = match_profile(profile, trials=trials, limit=None, include_ineligible=False)
    assert [(m.trial_id, m.score, m.met, m.anchored) for m in bare] == [
        (m.trial_id, m.score, m.met, m.anchored) for m in full
    ]
    assert bare[0].verdicts == [] and bare[0].anchored
    batched = match_profiles([profile], trials=trials, workers=1)
    assert batched.for_patient(0) == [(m.trial_id, m.score) for m in full]


def test_a_trial_deleted_since_the_catalogue_was_compiled_does_not_shift_the_texts():
    from medcenter.trials import selectors
    from medcenter.trials.models import Trial

    compiled = selectors.open_population()
    profile = Profile(age=16, sex="male", oncotree=["ES"])
    (best, *_rest) = match_profile(profile, trials=compiled, limit=5, include_ineligible=False)
    gone_id = best.trial_id
    Trial.objects.filter(pk=gone_id).delete()
    texts = selectors.StoredTrialTexts()
    found = match_profile(
        profile,
        trials=compiled,
        note="Ewing sarcoma of the femur",
        limit=None,
        include_ineligible=False,
        texts=texts,
    )
    assert gone_id in [m.trial_id for m in found]  # the stale catalogue still ranks it ...
    assert gone_id not in texts.trials  # ... with no text, and the answer leaves it out
    kept = texts.read([m.trial_id for m in found])
    assert all(t.pk != gone_id for t in kept) and len(kept) == len(found) - 1
