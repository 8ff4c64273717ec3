# ruff: noqa: RUF001 - texts in six scripts
"""The engine, table by table: enableWhen, required only when shown, types, scores, texts."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from medcenter.questionnaires import builtin, engine

FIXTURE = Path(__file__).parent / "fixtures" / "example_wellbeing.json"


@pytest.fixture(scope="module")
def form():
    return engine.parse(json.loads(FIXTURE.read_text()))


def _q(*items, **extra):
    return {"resourceType": "Questionnaire", "url": "urn:test", "item": list(items), **extra}


def _item(link_id, kind="string", **extra):
    return {"linkId": link_id, "type": kind, "text": link_id, **extra}


YES_NO = [{"valueCoding": {"code": "y"}}, {"valueCoding": {"code": "n"}}]

# operator, the trigger's answer, the condition's answer[x], shown?
CONDITIONS = [
    ("=", "y", {"answerCoding": {"code": "y"}}, True),
    ("=", "n", {"answerCoding": {"code": "y"}}, False),
    ("!=", "n", {"answerCoding": {"code": "y"}}, True),
    ("!=", "y", {"answerCoding": {"code": "y"}}, False),
    ("!=", None, {"answerCoding": {"code": "y"}}, False),  # no answer: the condition fails
    ("exists", "y", {"answerBoolean": True}, True),
    ("exists", None, {"answerBoolean": True}, False),
    ("exists", None, {"answerBoolean": False}, True),
    ("exists", "n", {"answerBoolean": False}, False),
]


@pytest.mark.parametrize(("operator", "given", "answer", "shown"), CONDITIONS)
def test_enable_when_on_a_choice(operator, given, answer, shown):
    form = engine.parse(
        _q(
            _item("trigger", "choice", answerOption=YES_NO),
            _item("follow", enableWhen=[{"question": "trigger", "operator": operator, **answer}]),
        )
    )
    answers = {"trigger": given} if given else {}

    assert ("follow" in engine.enabled_items(form, answers)) is shown


# operator, the number given, the threshold, shown?
NUMBERS = [
    (">", "5", 4, True),
    (">", "4", 4, False),
    (">=", "4", 4, True),
    ("<", "3", 4, True),
    ("<=", "5", 4, False),
    ("=", "4", 4, True),
]


@pytest.mark.parametrize(("operator", "given", "threshold", "shown"), NUMBERS)
def test_enable_when_compares_numbers(operator, given, threshold, shown):
    form = engine.parse(
        _q(
            _item("n", "integer"),
            _item(
                "follow",
                enableWhen=[{"question": "n", "operator": operator, "answerInteger": threshold}],
            ),
        )
    )
    judgement = engine.judge(form, {"n": given}, complete=False)

    assert ("follow" in judgement.shown) is shown


# behaviour, answers to a and b, shown?
BEHAVIOURS = [
    ("any", {"a": "true"}, True),
    ("any", {}, False),
    ("all", {"a": "true"}, False),
    ("all", {"a": "true", "b": "true"}, True),
]


@pytest.mark.parametrize(("behavior", "answers", "shown"), BEHAVIOURS)
def test_enable_behavior_any_and_all(behavior, answers, shown):
    form = engine.parse(
        _q(
            _item("a", "boolean"),
            _item("b", "boolean"),
            _item(
                "c",
                enableBehavior=behavior,
                enableWhen=[
                    {"question": "a", "operator": "=", "answerBoolean": True},
                    {"question": "b", "operator": "=", "answerBoolean": True},
                ],
            ),
        )
    )

    assert ("c" in engine.judge(form, answers, complete=False).shown) is shown


def test_a_hidden_group_hides_its_questions_and_their_answers_count_as_none():
    form = engine.parse(
        _q(
            _item("more", "boolean"),
            {
                "linkId": "details",
                "type": "group",
                "text": "Details",
                "enableWhen": [{"question": "more", "operator": "=", "answerBoolean": True}],
                "item": [_item("what", required=True)],
            },
            _item(
                "after",
                enableWhen=[{"question": "what", "operator": "exists", "answerBoolean": True}],
            ),
        )
    )

    judgement = engine.judge(form, {"more": "false", "what": "kept?"}, complete=True)

    assert judgement.ok
    assert "what" not in judgement.answers  # answered while hidden: dropped
    assert "after" not in judgement.shown  # a hidden answer is no answer


# answers, complete?, problems expected (linkId -> code)
REQUIRED = [
    ({}, False, {}),  # a draft may be empty
    ({}, True, {"energy": "required", "worried": "required"}),
    ({"energy": "good", "worried": "false"}, True, {}),  # energy_hours hidden: not required
    ({"energy": "low", "worried": "false"}, True, {"energy_hours": "required"}),
    (
        {"energy": "low", "energy_hours": "25", "worried": "false"},
        True,
        {"energy_hours": "too_large"},
    ),
    (
        {"energy": "low", "energy_hours": "-1", "worried": "false"},
        False,
        {"energy_hours": "too_small"},
    ),
    (
        {"energy": "low", "energy_hours": "2.5", "worried": "false"},
        True,
        {"energy_hours": "invalid"},
    ),
    (
        {"energy": "low", "energy_hours": "lots", "worried": "false"},
        True,
        {"energy_hours": "invalid"},
    ),
    ({"energy": "great", "worried": "false"}, True, {"energy": "invalid_choice"}),
    ({"energy": "good", "worried": "true"}, True, {"worry": "required"}),
    ({"energy": "good", "worried": "true", "worry": "x" * 41}, True, {"worry": "too_long"}),
    ({"energy": "good", "worried": "maybe"}, True, {"worried": "invalid"}),
    ({"energy": "good", "worried": "false", "since": "2024-02-30"}, True, {"since": "invalid"}),
    (
        {"energy": "good", "worried": "false", "temperature": "NaN"},
        True,
        {"temperature": "invalid"},
    ),
    (
        {"energy": "good", "worried": "false", "temperature": "1e999"},
        True,
        {"temperature": "invalid"},
    ),
    (
        {"energy": "good", "worried": "false", "helps": ["rest", "fly"]},
        True,
        {"helps": "invalid_choice"},
    ),
    ({"energy": "good", "worried": "false", "nosuch": "1"}, True, {"nosuch": "not_asked"}),
    ({"energy": "good", "worried": "false", "intro": "1"}, True, {"intro": "not_asked"}),
]


@pytest.mark.parametrize(("answers", "complete", "problems"), REQUIRED)
def test_judging_answers(form, answers, complete, problems):
    judgement = engine.judge(form, answers, complete=complete)

    assert {k: p.code for k, p in judgement.problems.items()} == problems


def test_good_answers_are_typed_and_bad_ones_do_not_lose_the_rest(form):
    judgement = engine.judge(
        form,
        {
            "energy": "low",
            "energy_hours": "99",
            "helps": ["walks", "rest", "walks"],
            "temperature": "37,8",
            "since": "2024-01-05",
            "worried": "false",
        },
        complete=True,
    )

    assert judgement.problems["energy_hours"] == engine.Problem("too_large", 24)
    assert judgement.answers == {
        "energy": "low",
        "helps": ["walks", "rest"],
        "temperature": Decimal("37.8"),
        "since": dt.date(2024, 1, 5),
        "worried": False,
    }
    assert engine.to_json(judgement.answers)["temperature"] == "37.8"


# answers -> the scores and total
SCORES = [
    ({"energy": "good"}, {"energy": 0}, 0),
    ({"energy": "none"}, {"energy": 4}, 4),
    ({"helps": ["rest"]}, {}, None),  # options without scores score nothing
    ({}, {}, None),
]


@pytest.mark.parametrize(("answers", "scores", "total"), SCORES)
def test_scores_are_the_options_scores(form, answers, scores, total):
    assert engine.scores(form, answers) == scores
    assert engine.total(form, answers) == total


def test_the_check_in_scores_symptoms_and_finds_emergencies():
    form = engine.parse(builtin.checkin())
    answers = {s: "0" for s, _t in builtin.SYMPTOMS} | {"pain": "3", "nausea": "2"}
    answers |= {e: "false" for e, _t in builtin.EMERGENCIES} | {"chest_pain": "true"}
    judgement = engine.judge(form, answers, complete=True)

    assert judgement.ok
    assert engine.symptom_scores(form, judgement.answers)["pain"] == 3
    assert engine.total(form, judgement.answers) == 5
    assert engine.emergencies(form, judgement.answers) == ["chest_pain"]
    assert len(form.symptoms) == 12


# language asked -> the text given
LANGUAGES = [
    ("en", "Weekly symptom check-in"),
    ("es", "Control semanal de síntomas"),
    ("pt-br", "Registro semanal de sintomas"),
    ("pt_BR", "Registro semanal de sintomas"),
    ("zh-hans", "每周症状自查"),
    ("ar", "المتابعة الأسبوعية للأعراض"),
    ("ru", "Еженедельный опрос о симптомах"),
    ("fr", "Weekly symptom check-in"),  # not translated: the form's own language
]


@pytest.mark.parametrize(("language", "text"), LANGUAGES)
def test_texts_follow_the_language(language, text):
    form = engine.parse(builtin.checkin())

    assert engine.text_in(form.titles, language, form.language) == text


def test_every_builtin_text_is_in_six_languages():
    for resource in (builtin.checkin(), builtin.intake()):
        form = engine.parse(resource)
        texts = [form.titles] + [i.texts for i in form.walk()]
        texts += [o.texts for i in form.walk() for o in i.options]
        for found in texts:
            assert set(found) == {"en", "es", "pt-br", "zh-hans", "ar", "ru"}, found


# a broken definition -> refused
BROKEN = [
    {"resourceType": "Patient"},
    _q(_item("a")) | {"url": ""},
    _q(_item("a", "attachment")),
    _q(_item("a"), _item("a")),
    _q(_item("bad id!")),
    _q(_item("a", "choice")),  # no options
    _q(_item("a", "integer", repeats=True)),
    _q(_item("a", enableWhen=[{"question": "zzz", "operator": "=", "answerBoolean": True}])),
    _q(_item("a", enableWhen=[{"question": "a", "operator": "~", "answerBoolean": True}])),
    _q(
        _item("b"),
        _item("a", enableWhen=[{"question": "b", "operator": "exists", "answerString": "x"}]),
    ),
    _q(_item("a", "integer", extension=[{"url": engine.MIN_VALUE, "valueString": "x"}])),
]


@pytest.mark.parametrize("resource", BROKEN)
def test_definitions_the_engine_cannot_honour_are_refused(resource):
    with pytest.raises(engine.DefinitionError):
        engine.parse(resource)
