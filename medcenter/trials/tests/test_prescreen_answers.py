"""The pre-screen's result states each answer as it was given: a "No" to "Are you pregnant or
breastfeeding?" reads "Not pregnant or breastfeeding", never the question's own words next
to "Fits". In every site language, and right to left in Arabic."""

from html import escape

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from medcenter.trials import prescreen, selectors
from medcenter.trials.demo import STUDIES
from medcenter.trials.importer import import_records
from medcenter.trials.models import Trial

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture(autouse=True)
def catalogue():
    import_records((f"demo:{i}", study) for i, (study, *_rest) in enumerate(STUDIES))


def _said(language, msgid):
    with translation.override(language):
        return escape(gettext(msgid), quote=False)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_no_to_pregnancy_reads_not_pregnant_in_every_language(client, language):
    page = client.post(f"/{language}/trials/NCT99001001/prescreen/", {"pregnant": "no"})
    assert page.status_code == 200
    text = page.content.decode()
    fits = _said(language, "Fits")
    assert f"{fits}:</strong> {_said(language, 'Not pregnant or breastfeeding')}" in text
    assert f"{fits}:</strong> {_said(language, 'Pregnant or breastfeeding')}" not in text
    # The trial's own sentence is still shown, as the trial's, not as the answer.
    assert _said(language, "The trial does not take") in text


def test_a_yes_to_pregnancy_does_not_fit_and_says_so(client):
    text = client.post("/en/trials/NCT99001001/prescreen/", {"pregnant": "yes"}).content.decode()
    assert "Does not fit:</strong> Pregnant or breastfeeding" in text
    assert "may not be right for you" in text


def _all_questions():
    questions = {}
    for trial in Trial.objects.all():
        [rules] = selectors.compile_trials(Trial.objects.filter(pk=trial.pk))
        for question in prescreen.questions_for(rules):
            questions.setdefault(question.name, question)
    return list(questions.values())


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_yes_no_answer_is_stated_as_given(language):
    questions = [
        q for q in _all_questions() if {prescreen.YES, prescreen.NO} <= {v for v, _l in q.choices}
    ]
    names = {q.name.split("_")[0] for q in questions}
    assert {"pregnant", "brain", "diagnosis", "therapy", "metastatic"} <= names
    with translation.override(language):
        for question in questions:
            yes = prescreen.stated(question, prescreen.YES)
            no = prescreen.stated(question, prescreen.NO)
            unsure = prescreen.stated(question, prescreen.NOT_SURE)
            assert len({yes, no, unsure}) == 3, question.name
            assert question.label not in (yes, no)


def test_the_answers_to_other_questions_are_stated_too():
    questions = {q.name: q for q in _all_questions()}
    assert prescreen.stated(questions["age"], 45) == "Age: 45"
    assert prescreen.stated(questions["stage"], "III") == "Stage III"
    assert prescreen.stated(questions["age"], None) == "Not answered"
    biomarker = next(q for name, q in questions.items() if name.startswith("biomarker_"))
    gene = biomarker.meta["gene"]
    assert prescreen.stated(biomarker, "found") == f"{gene} tested: a change was found"
    assert prescreen.stated(biomarker, "not_found") == f"{gene} tested: no such change was found"


def test_the_result_in_arabic_isolates_the_units_of_the_trials_sentences(client):
    text = client.post("/ar/trials/NCT99001001/prescreen/", {"pregnant": "no"}).content.decode()
    assert '<bdi dir="ltr">1.5 x 10⁹/L</bdi>' in text
    assert "10^9" not in text
