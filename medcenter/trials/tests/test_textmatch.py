"""The text-only trial scorer (textmatch) and the quality bench's metrics."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from medcenter.trials.textmatch import (
    DEFAULT_WEIGHTS,
    TrialIndex,
    TrialText,
    Weights,
    expanded,
    prepare,
    read_note,
    score_trials,
    tokens,
)

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT.parent / "shared" / "datasets" / "trialgpt"

NOTE = (
    "A 58-year-old woman with metastatic breast cancer, ER positive, previously treated with "
    "tamoxifen. She has hypertension. She denies diabetes."
)


def trial(nct: str, **fields: object) -> TrialText:
    base: dict[str, object] = {
        "nct_id": nct,
        "title": "Letrozole in Postmenopausal Women With Metastatic Breast Cancer",
        "conditions": ("Breast Cancer",),
        "sex": "All",
        "minimum_age": "18 Years",
        "maximum_age": "N/A",
    }
    base.update(fields)
    return TrialText(**base)  # type: ignore[arg-type]


def ranked(note: str, trials: list[TrialText]) -> list[str]:
    scores = score_trials(note, trials)
    return [t.nct_id for _, t in sorted(zip(scores, trials, strict=True), key=lambda p: -p[0])]


def test_age_excluded_trial_ranks_below_an_age_eligible_one() -> None:
    young = trial("NCT1", minimum_age="18 Years", maximum_age="40 Years")
    open_age = trial("NCT2", minimum_age="18 Years", maximum_age="N/A")
    assert ranked(NOTE, [young, open_age]) == ["NCT2", "NCT1"]
    children = trial("NCT3", minimum_age="1 Year", maximum_age="17 Years")
    assert ranked(NOTE, [children, open_age])[0] == "NCT2"


def test_ages_are_read_from_the_criteria_when_the_fields_are_empty() -> None:
    text = trial(
        "NCT1", minimum_age="", maximum_age="", criteria="Inclusion Criteria:\n- Age 18 to 45 years"
    )
    prepared = prepare(text)
    assert (prepared.min_age, prepared.max_age) == (18.0, 45.0)
    other = trial("NCT2", minimum_age="", maximum_age="", criteria="Inclusion:\n* age >= 65 years")
    assert prepare(other).min_age == 65.0
    assert prepare(trial("NCT3", minimum_age="6 Months", maximum_age="N/A")).min_age == 0.5
    pediatric = trial(
        "NCT4", title="Dasatinib in Children With Leukemia", minimum_age="", maximum_age=""
    )
    assert prepare(pediatric).max_age == 18.0
    ranked_ids = ranked(NOTE, [text, trial("NCT5", minimum_age="", maximum_age="")])
    assert ranked_ids[0] == "NCT5"


def test_exclusion_naming_the_patients_condition_ranks_below_inclusion_naming_it() -> None:
    criteria_in = (
        "Inclusion Criteria:\n- Prior tamoxifen\n- Hypertension allowed\n"
        "Exclusion Criteria:\n- Pregnancy"
    )
    criteria_out = (
        "Inclusion Criteria:\n- Measurable disease\n"
        "Exclusion Criteria:\n- Prior tamoxifen\n- Uncontrolled hypertension"
    )
    welcome = trial("NCT1", criteria=criteria_in)
    excluded = trial("NCT2", criteria=criteria_out)
    assert ranked(NOTE, [excluded, welcome]) == ["NCT1", "NCT2"]


def test_split_criteria_fields_are_used_like_the_block() -> None:
    welcome = trial("NCT1", inclusion="prior tamoxifen", exclusion="pregnancy")
    excluded = trial("NCT2", inclusion="measurable disease", exclusion="prior tamoxifen")
    assert ranked(NOTE, [excluded, welcome]) == ["NCT1", "NCT2"]


def test_sex_filter() -> None:
    men = trial("NCT1", sex="Male")
    women = trial("NCT2", sex="Female")
    assert ranked(NOTE, [men, women]) == ["NCT2", "NCT1"]
    note = "A 64-year-old man with metastatic breast cancer."
    assert ranked(note, [women, men]) == ["NCT1", "NCT2"]
    # An empty sex field falls back to the title.
    prostate = trial("NCT3", title="Enzalutamide for Prostate Cancer", sex="")
    assert prepare(prostate).sex == "male"


def test_condition_match_beats_an_off_topic_trial() -> None:
    on_topic = trial("NCT1")
    off_topic = trial("NCT2", title="Insulin Glargine in Type 1 Diabetes", conditions=("Diabetes",))
    assert ranked(NOTE, [off_topic, on_topic]) == ["NCT1", "NCT2"]


def test_negated_conditions_do_not_count() -> None:
    terms = read_note(NOTE)
    assert "diabete" not in terms.query
    assert "diabete" in terms.negated
    assert "hypertension" in terms.query
    diabetes = trial("NCT1", title="Metformin in Type 2 Diabetes", conditions=("Diabetes",))
    hypertension = trial("NCT2", title="Amlodipine in Hypertension", conditions=("Hypertension",))
    assert ranked(NOTE, [diabetes, hypertension]) == ["NCT2", "NCT1"]


def test_abbreviations_and_word_forms_match() -> None:
    assert "hypertension" in tokens("h/o HTN")
    assert tokens("Renal cell carcinoma") == tokens("kidney cell cancer")
    assert "obesity" in tokens("an obese man")
    note = "67 yo M with HTN and CAD presenting with chest pain."
    htn = trial(
        "NCT1", title="Lowering Blood Pressure in Hypertension", conditions=("Hypertension",)
    )
    other = trial("NCT2", title="Asthma Education", conditions=("Asthma",))
    assert ranked(note, [other, htn]) == ["NCT1", "NCT2"]


def test_healthy_volunteer_trials_rank_below_patient_trials() -> None:
    healthy = trial("NCT1", title="Letrozole Pharmacokinetics in Healthy Volunteers")
    patients = trial("NCT2")
    assert ranked(NOTE, [healthy, patients]) == ["NCT2", "NCT1"]


def test_empty_criteria_and_empty_fields_are_handled() -> None:
    bare = TrialText(nct_id="NCT1")
    titled = TrialText(nct_id="NCT2", title="Breast Cancer Screening")
    scores = score_trials(NOTE, [bare, titled])
    assert len(scores) == 2
    assert scores[1] > scores[0]
    assert score_trials(NOTE, []) == []
    assert len(score_trials("", [bare, titled])) == 2


def test_an_index_built_once_scores_like_the_one_call_form() -> None:
    trials = [trial("NCT1"), trial("NCT2", sex="Male"), trial("NCT3", maximum_age="40 Years")]
    index = TrialIndex(trials)
    assert index.score(NOTE, trials) == score_trials(NOTE, trials, index=index)
    assert index.score(NOTE, trials) == score_trials(NOTE, trials)
    # A trial the index has not seen is added on the fly.
    extra = trial("NCT4", title="Something Else Entirely")
    assert len(index.score(NOTE, [*trials, extra])) == 4
    assert len(index.prepared) == 4


SYMPTOMS = (
    "A 44-year-old woman feels cold all the time, has fatigue and constipation, and gained weight."
)
THYROID = (
    TrialText(nct_id="NCT11", title="Cold Intolerance and Fatigue", conditions=("Hypothyroidism",)),
    TrialText(nct_id="NCT12", title="Constipation and Weight Gain", conditions=("Hypothyroidism",)),
    TrialText(nct_id="NCT13", title="Levothyroxine Dosing", conditions=("Hypothyroidism",)),
    TrialText(nct_id="NCT14", title="Exercise for Fatigue", conditions=("Chronic Fatigue",)),
    TrialText(
        nct_id="NCT15", title="Knee Replacement Rehabilitation", conditions=("Arthroplasty",)
    ),
    TrialText(nct_id="NCT16", title="Dental Implants", conditions=("Edentulous Jaw",)),
    # The rest of a catalogue, so that hypothyroidism is as rare as it is in a real one.
    *(
        TrialText(nct_id=f"NCT2{n}", title=f"{topic} Study", conditions=(topic,))
        for n, topic in enumerate(
            ("Asthma", "Glaucoma", "Psoriasis", "Migraine", "Gout", "Anemia", "Malaria")
        )
    ),
)


def order(note: str, trials: tuple[TrialText, ...], weights: Weights) -> list[str]:
    scores = score_trials(note, list(trials), weights=weights)
    return [t.nct_id for _, t in sorted(zip(scores, trials, strict=True), key=lambda p: -p[0])]


def test_feedback_lifts_a_trial_on_the_condition_the_note_only_describes() -> None:
    """The note never says hypothyroidism; the trials its symptoms match best do, so the
    second pass lifts the hypothyroidism trial that shares no word with the note above the
    fatigue trial that shares one (a second pass weighted twice the first)."""
    without = order(SYMPTOMS, THYROID, Weights(feedback=0.0))
    with_feedback = order(SYMPTOMS, THYROID, Weights(feedback=2.0, feedback_trials=2))
    assert without.index("NCT13") > without.index("NCT14")
    assert with_feedback.index("NCT13") < with_feedback.index("NCT14")
    # With the default weight it leaves the trials that share nothing with the note, which
    # it ties with on the first pass alone.
    first = dict(
        zip(
            THYROID, score_trials(SYMPTOMS, list(THYROID), weights=Weights(feedback=0)), strict=True
        )
    )
    both = dict(
        zip(
            THYROID,
            score_trials(SYMPTOMS, list(THYROID), weights=Weights(feedback_trials=2)),
            strict=True,
        )
    )
    levo, knee = THYROID[2], THYROID[4]
    assert first[levo] == first[knee]
    assert both[levo] > both[knee]
    assert set(with_feedback[:2]) == {"NCT11", "NCT12"}


def test_a_note_that_matches_nothing_gets_no_feedback() -> None:
    """Feedback learns only from trials the note set apart: a note in another script, or one
    that matches one trial, does not lift the trials that merely come first in the pool."""
    for note in ("患者有肺癌，咳嗽三个月。", "Пациент с раком лёгкого.", "\u200b", "zzqx"):  # noqa: RUF001
        assert set(score_trials(note, list(THYROID))) == {0.0}
    glaucoma = score_trials("Patient has glaucoma.", list(THYROID))
    top = THYROID.index(next(t for t in THYROID if t.title == "Glaucoma Study"))
    assert glaucoma[top] == max(glaucoma) > 0
    assert sorted(glaucoma)[-2] == 0.0  # the one trial it matched, and nothing lifted with it


def test_feedback_adds_condition_terms_and_keeps_the_rest_of_the_note() -> None:
    terms = read_note("A 30-year-old man with a cough. He denies asthma.")
    more = expanded(terms, [TrialText(conditions=("Asthma", "Chronic Bronchitis"))])
    for word in tokens("chronic bronchitis"):
        assert more.query[word] == 1.0
    assert tokens("asthma")[0] not in more.query  # denied in the note: not brought back
    assert (more.age, more.sex, more.negated) == (terms.age, terms.sex, terms.negated)
    assert more.query[tokens("cough")[0]] == terms.query[tokens("cough")[0]]
    # A pool no larger than the feedback set is ranked by the first pass alone.
    small = list(THYROID[:2])
    assert score_trials(SYMPTOMS, small) == score_trials(
        SYMPTOMS, small, weights=Weights(feedback=0.0)
    )


@pytest.mark.parametrize(
    ("text", "age", "sex"),
    [
        ("A 58-year-old African-American woman presents to the ER", 58.0, "female"),
        ("48 M with a h/o HTN hyperlipidemia", 48.0, "male"),
        ("60 yo M with Hep C cirrhosis", 60.0, "male"),
        ("Patient is a 45-year-old man with a history of astrocytoma", 45.0, "male"),
        ("An 8-month-old boy is brought in by his mother", 0.667, "male"),
        ("A 28 yo female G1P0A0 is admitted", 28.0, "female"),
        ("The patient has had cough for 2 years. She is 70 years old.", 70.0, "female"),
        ("Fever and rash.", None, ""),
    ],
)
def test_age_and_sex_from_the_note(text: str, age: float | None, sex: str) -> None:
    terms = read_note(text)
    assert terms.age == (pytest.approx(age) if age is not None else None)
    assert terms.sex == sex


def test_first_sentence_weight_is_a_parameter() -> None:
    heavy = read_note("Breast cancer. Hypertension.", first_weight=3.0)
    assert heavy.query["breast"] == 3.0
    assert heavy.query["hypertension"] == 1.0
    assert DEFAULT_WEIGHTS.first_sentence > 1.0


# --- the bench's metrics ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "trials_quality", ROOT / "bench" / "trials_quality.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("trials_quality", module)
    spec.loader.exec_module(module)
    return module


def test_ndcg_at_10(bench: ModuleType) -> None:
    assert bench.ndcg_at_k([2, 1, 0], [0, 1, 2]) == pytest.approx(1.0)
    assert bench.ndcg_at_k([0, 0, 0], [0, 0, 0]) == 0.0
    # One eligible trial at rank 2 of a pool with just that one: 1 / log2(3).
    assert bench.ndcg_at_k([0, 2, 0], [0, 2, 0]) == pytest.approx(1 / 1.584962500721156)
    # The ideal counts every judged trial in the pool, also those ranked past 10.
    ranked = [0] * 10 + [2]
    assert bench.ndcg_at_k(ranked, ranked) == 0.0
    worse = bench.ndcg_at_k([1, 2], [1, 2])
    assert worse == pytest.approx((1 + 2 / 1.584962500721156) / (2 + 1 / 1.584962500721156))


def test_precision_at_10(bench: ModuleType) -> None:
    assert bench.precision_at_k([2, 2, 1, 0]) == pytest.approx(0.2)
    assert bench.precision_at_k([2, 2, 1, 0], min_grade=1) == pytest.approx(0.3)
    assert bench.precision_at_k([2] * 12) == 1.0


def test_bm25_prefers_the_document_with_the_query_terms(bench: ModuleType) -> None:
    scores = bench.bm25_scores("breast cancer", ["lung cancer trial", "breast cancer trial", "x"])
    assert scores[1] > scores[0] > scores[2] == 0.0


@pytest.mark.skipif(not (DATA / "trec_2021" / "queries.jsonl").exists(), reason="no shared data")
def test_matcher_beats_bm25_and_random_on_trec_2021(bench: ModuleType) -> None:
    folder = DATA / "trec_2021"
    cohort = bench.Cohort("trec_2021", folder, folder / "corpus_partial.jsonl")
    matcher, _ = bench.evaluate(cohort, cohort.pools, bench.rank_matcher, 1)
    bm25, _ = bench.evaluate(cohort, cohort.pools, bench.rank_bm25, 1)
    chance, _ = bench.evaluate(cohort, cohort.pools, None, 5)
    assert matcher["ndcg"] >= 0.45
    assert matcher["ndcg"] > bm25["ndcg"] + 0.1
    assert matcher["ndcg"] > chance["ndcg"] + 0.1
