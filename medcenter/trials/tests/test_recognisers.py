"""One recogniser per concept: a criterion and a note naming the same thing read it alike, and
the structured note reader and the text ranker cannot disagree about the patient."""

import re

import pytest

from medcenter.trials.eligibility import parse_criteria
from medcenter.trials.matcher.notes import note_facts
from medcenter.trials.recognisers import demographics, performance, scope
from medcenter.trials.textmatch import read_note

NOTES = [
    "A 58-year-old African-American woman presents to the ER with chest pain.",
    "48 M with a h/o HTN hyperlipidemia",
    "An 8-month-old boy is brought in by his mother",
    "A 15-week-old infant brought to the clinic. His mother is 39 years old.",
    "The patient has had cough for 2 years. She is 70 years old.",
    "Newborn with jaundice.",
    "45 female with stage IIIB lung adenocarcinoma",
    "Fever and rash.",
]


@pytest.mark.parametrize("note", NOTES)
def test_the_note_reader_and_the_text_ranker_read_one_age_and_sex(note):
    facts, terms = note_facts(note), read_note(note)
    assert terms.age == facts["age"]
    assert terms.sex == (facts["sex"] or "")


@pytest.mark.parametrize(
    ("note", "age"),
    [
        ("A 15-week-old infant brought to the clinic. His mother is 39 years old.", 0.287),
        ("An 8-month-old boy", 0.667),
        ("Newborn with jaundice.", 0.0),
        ("45 female with asthma", 45.0),
        ("aged 70, retired", 70.0),
        ("Seen in clinic today.", None),
    ],
)
def test_a_note_age_is_the_first_one_stated_in_the_criteria_units(note, age):
    assert demographics.note_age(note) == age


def test_a_criterion_and_a_note_use_the_same_age_arithmetic():
    (criterion,) = [
        c
        for c in parse_criteria("Inclusion Criteria:\n- Age 6 months to 17 years")
        if c["kind"] == "age"
    ]
    assert criterion["min_years"] == demographics.note_age("A 6-month-old girl") == 0.5


@pytest.mark.parametrize(
    ("criteria", "note", "value"),
    [
        ("ECOG performance status of 1", "ECOG performance status of 1.", 1),
        ("WHO performance status 2", "WHO performance status 2, weight loss", 2),
        ("Zubrod performance status 0", "Performance status 0.", 0),
    ],
)
def test_an_ecog_value_reads_alike_in_a_criterion_and_a_note(criteria, note, value):
    (criterion,) = parse_criteria(f"Inclusion Criteria:\n- {criteria}")
    assert criterion["kind"] == "performance" and criterion["max"] == value
    assert performance.note_ecog(note) == note_facts(note)["ecog"] == value


@pytest.mark.parametrize("note", ["ECOG 0-1.", "ECOG ≤ 2.", "ECOG 1 or less."])
def test_a_note_states_no_ecog_value_with_a_range_or_a_bound(note):
    assert performance.note_ecog(note) is None


def test_karnofsky_in_a_note():
    assert performance.note_karnofsky("KPS 80%, ambulatory.") == 80
    assert performance.note_karnofsky("Karnofsky performance score of 70.") == 70
    assert performance.note_karnofsky("KPS ≥ 70.") is None
    assert performance.note_karnofsky("KPS 150") is None


@pytest.mark.parametrize(
    ("note", "pregnant"),
    [
        ("She is 12 weeks pregnant.", True),
        ("G2P1 at 30 weeks.", True),
        ("Negative urine pregnancy test.", False),
        ("Negative serum beta-hCG quantitative pregnancy test today.", False),
        ("She denies being pregnant.", False),
        ("History of two pregnancies.", None),
    ],
)
def test_pregnancy_statements_in_a_note(note, pregnant):
    assert demographics.note_pregnancy(note) is pregnant
    assert note_facts(note)["pregnant"] is pregnant


def test_a_man_is_not_pregnant_and_a_note_can_concern_pregnancy_without_stating_it():
    assert demographics.note_pregnancy("Seen today.", "male") is False
    assert demographics.concerns_pregnancy("Admitted for an ectopic pregnancy.")
    assert demographics.note_pregnancy("Admitted for an ectopic pregnancy.") is None
    assert read_note("Admitted for an ectopic pregnancy.").pregnant


def test_the_negative_pregnancy_test_is_one_pattern_for_criteria_and_notes():
    text = "Negative serum or urine pregnancy test within 7 days"
    (criterion,) = parse_criteria(f"Inclusion Criteria:\n- {text}")
    assert (criterion["kind"], criterion["present"]) == ("pregnancy", False)
    assert demographics.note_pregnancy(text) is False


@pytest.mark.parametrize(
    "cue",
    [
        "no",
        "not",
        "never",
        "without",
        "denies",
        "denied",
        "deny",
        "negative for",
        "free of",
        "absence of",
    ],
)
def test_every_negation_cue_denies_in_criteria_notes_and_the_text_ranker(cue):
    assert scope.NEGATED_BEFORE.search(f"Patients with {cue} ")
    assert scope.NOTE_NEGATED_BEFORE.search(f"She has {cue} ")
    assert scope.NOTE_NOT_RECEIVED_BEFORE.search(f"She has {cue} ")
    assert scope.NEGATION.search(f"She has {cue} asthma")
    terms = read_note(f"A 40-year-old woman with fever. She has {cue} asthma.")
    assert "asthma" in terms.negated


def test_hedges_and_plans_are_the_note_reader_s_own_scope():
    assert note_facts("Possible lung adenocarcinoma.")["oncotree"] == []
    assert note_facts("Will start osimertinib next week.")["prior_therapies"] == []
    assert "osimertinib" in note_facts("Progressed on osimertinib.")["prior_therapies"]


def test_family_history_is_another_person_s_for_both_note_readers():
    note = "A 40-year-old woman with cough. Her mother had breast cancer."
    assert note_facts(note)["oncotree"] == []
    assert "breast" not in read_note(note).query
    # A relative who reports on the patient does not take the patient's symptoms away.
    reported = read_note("A 70 y/o man with COPD. Daughter has noted increased edema.")
    assert "edema" in reported.query


def test_the_note_readers_keep_no_patterns_of_their_own():
    from medcenter.trials import textmatch
    from medcenter.trials.matcher import notes

    shared = {id(v) for m in (scope, demographics, performance) for v in vars(m).values()}
    own = [v for v in vars(notes).values() if isinstance(v, re.Pattern) and id(v) not in shared]
    assert own == []
    for name in ("NEGATION", "FAMILY", "CLAUSE_END", "SENTENCE_BREAK"):
        assert getattr(textmatch, name) is getattr(scope, name)
