"""Repeating groups (FHIR `item.repeats` on a group): one row per medicine, say. The engine
judges each row on its own, the page shows the rows with "add another", and the FHIR
QuestionnaireResponse repeats the group's item once per row."""

import copy
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as FhirResponse

from medcenter.accounts.tests.factories import UserFactory
from medcenter.patients.tests.factories import PatientFactory
from medcenter.questionnaires import engine, services
from medcenter.questionnaires.models import QuestionnaireResponse
from medcenter.questionnaires.tests.factories import access_of

MEDICINES = {
    "resourceType": "Questionnaire",
    "url": "https://medcenter.example/fhir/Questionnaire/test-medicines",
    "version": "1",
    "name": "TestMedicines",
    "title": "Your medicines",
    "status": "active",
    "item": [
        {"linkId": "takes", "type": "boolean", "text": "Do you take medicines?", "required": True},
        {
            "linkId": "meds",
            "type": "group",
            "text": "Medicine",
            "repeats": True,
            "required": True,
            "enableWhen": [{"question": "takes", "operator": "=", "answerBoolean": True}],
            "item": [
                {"linkId": "med_name", "type": "string", "text": "Name", "required": True},
                {"linkId": "med_dose", "type": "string", "text": "Dose"},
                {
                    "linkId": "med_when",
                    "type": "choice",
                    "text": "When",
                    "answerOption": [
                        {"valueCoding": {"code": "daily", "display": "Every day"}},
                        {"valueCoding": {"code": "prn", "display": "When needed"}},
                    ],
                },
                {
                    "linkId": "med_why",
                    "type": "string",
                    "text": "What for",
                    "required": True,
                    "enableWhen": [
                        {"question": "med_when", "operator": "=", "answerCoding": {"code": "prn"}}
                    ],
                },
            ],
        },
    ],
}


@pytest.fixture(scope="module")
def form():
    return engine.parse(MEDICINES)


# --- the engine ---------------------------------------------------------------------------

# rows sent -> the clean rows, and the problems (key -> code) on sending
ROWS = [
    (
        [{"med_name": "Metformin", "med_dose": "500 mg"}],
        [{"med_name": "Metformin", "med_dose": "500 mg"}],
        {},
    ),
    (
        [{"med_name": "A"}, {}, {"med_name": "B", "med_when": "daily"}],  # a blank spare row
        [{"med_name": "A"}, {"med_name": "B", "med_when": "daily"}],
        {},
    ),
    ([{"med_dose": "5 mg"}], [{"med_dose": "5 mg"}], {"meds[0].med_name": "required"}),
    (  # "when needed" asks what for, in that row only
        [{"med_name": "A", "med_when": "prn"}, {"med_name": "B", "med_when": "daily"}],
        [{"med_name": "A", "med_when": "prn"}, {"med_name": "B", "med_when": "daily"}],
        {"meds[0].med_why": "required"},
    ),
    (  # an answer hidden in its row is dropped
        [{"med_name": "A", "med_when": "daily", "med_why": "pain"}],
        [{"med_name": "A", "med_when": "daily"}],
        {},
    ),
    (
        [{"med_name": "A", "med_when": "weekly"}],
        [{"med_name": "A"}],
        {"meds[0].med_when": "invalid_choice"},
    ),
    ([{"med_name": "A", "takes": True}], [{"med_name": "A"}], {"meds[0].takes": "not_asked"}),
    ([], None, {"meds": "required"}),
]


@pytest.mark.parametrize(("rows", "clean", "problems"), ROWS)
def test_each_row_of_a_repeating_group_is_judged_on_its_own(form, rows, clean, problems):
    judgement = engine.judge(form, {"takes": True, "meds": rows}, complete=True)

    assert judgement.answers.get("meds") == clean
    assert {k: p.code for k, p in judgement.problems.items()} == problems


def test_a_hidden_repeating_group_is_neither_required_nor_kept(form):
    judgement = engine.judge(form, {"takes": "false", "meds": [{"med_name": "A"}]}, complete=True)

    assert judgement.ok
    assert judgement.answers == {"takes": False}


@pytest.mark.parametrize(
    ("value", "code"),
    [("Metformin", "invalid"), ([["x"]], "invalid"), ([{"med_name": "A"}] * 21, "too_many")],
)
def test_a_repeating_group_is_a_list_of_at_most_twenty_rows(form, value, code):
    judgement = engine.judge(form, {"takes": True, "meds": value}, complete=False)

    assert judgement.problems["meds"].code == code


def test_a_question_inside_a_repeating_group_cannot_be_answered_outside_it(form):
    judgement = engine.judge(form, {"takes": True, "med_name": "A"}, complete=False)

    assert judgement.problems["med_name"].code == "not_asked"


def _with(change):
    resource = copy.deepcopy(MEDICINES)
    change(resource)
    return resource


@pytest.mark.parametrize(
    "change",
    [
        # a repeating group inside another
        lambda r: r["item"][1]["item"].append(
            {
                "linkId": "inner",
                "type": "group",
                "repeats": True,
                "item": [{"linkId": "x", "type": "string"}],
            }
        ),
        # a symptom question would be scored per row: refused
        lambda r: r["item"][1]["item"][0].update(
            {"extension": [{"url": engine.SYMPTOM, "valueBoolean": True}]}
        ),
        # a question outside may not depend on one row's answer
        lambda r: r["item"].append(
            {
                "linkId": "after",
                "type": "string",
                "enableWhen": [
                    {"question": "med_name", "operator": "exists", "answerBoolean": True}
                ],
            }
        ),
        # a display item cannot repeat
        lambda r: r["item"].append({"linkId": "note", "type": "display", "repeats": True}),
    ],
)
def test_repeating_groups_the_engine_cannot_honour_are_refused_at_load(change):
    with pytest.raises(engine.DefinitionError):
        engine.parse(_with(change))


# --- the service, the page, the API and FHIR ------------------------------------------------


@pytest.fixture
def medicines(db):
    return services.load_questionnaire(resource=MEDICINES)


@pytest.fixture
def me(db):
    user = UserFactory()
    patient = PatientFactory(user=user)
    client = Client()
    client.force_login(user)
    return client, user, patient


def _fill_url(patient, questionnaire):
    return reverse(
        "questionnaires:portal_fill",
        kwargs={"public_id": patient.public_id, "questionnaire_id": questionnaire.public_id},
    )


def test_sending_stores_the_rows_and_fhir_repeats_the_group_per_row(me, medicines):
    client, user, patient = me
    sent = services.save_response(
        access=access_of(user, patient),
        questionnaire=medicines,
        author=user,
        answers={
            "takes": "true",
            "meds": [
                {"med_name": "Metformin", "med_dose": "500 mg", "med_when": "daily"},
                {"med_name": "Ondansetron", "med_when": "prn", "med_why": "Nausea"},
            ],
        },
        submit=True,
    )

    assert sent.answers["meds"][1] == {
        "med_name": "Ondansetron",
        "med_when": "prn",
        "med_why": "Nausea",
    }
    resource = client.get(f"/fhir/R4/QuestionnaireResponse/{sent.public_id}").json()
    FhirResponse.model_validate(resource)
    groups = [i for i in resource["item"] if i["linkId"] == "meds"]
    assert len(groups) == 2
    assert [a["linkId"] for a in groups[1]["item"]] == ["med_name", "med_when", "med_why"]
    assert groups[1]["item"][1]["answer"] == [
        {"valueCoding": {"code": "prn", "display": "When needed"}}
    ]
    page = client.get(
        reverse(
            "questionnaires:portal_response",
            kwargs={"public_id": patient.public_id, "response_id": sent.public_id},
        )
    ).content.decode()
    assert "Medicine 2: What for" in page and "Nausea" in page


def test_a_refused_row_is_named_by_row_and_question(me, medicines):
    _client, user, patient = me

    with pytest.raises(ValidationError) as refused:
        services.save_response(
            access=access_of(user, patient),
            questionnaire=medicines,
            author=user,
            answers={"takes": "true", "meds": [{"med_name": "A"}, {"med_dose": "5 mg"}]},
            submit=True,
        )

    assert refused.value.message_dict == {"meds[1].med_name": ["Please answer this question."]}
    assert not QuestionnaireResponse.objects.exists()


def test_the_page_shows_one_row_and_adds_another_without_losing_what_was_typed(me, medicines):
    client, _user, patient = me
    url = _fill_url(patient, medicines)

    empty = client.get(url).content.decode()
    added = client.post(
        url,
        {
            "q-takes": "true",
            "q-meds-rows": "1",
            "q-meds[0].med_name": "Metformin",
            "q-meds[0].med_dose": "500 mg",
            "action": "add:meds",
            "token": "t-1",
        },
    )

    assert 'name="q-meds[0].med_name"' in empty and 'name="q-meds[1].med_name"' not in empty
    assert 'value="add:meds"' in empty
    body = added.content.decode()
    assert added.status_code == 200
    assert 'name="q-meds[1].med_name"' in body and 'name="q-meds[2].med_name"' not in body
    assert 'value="Metformin"' in body and 'value="500 mg"' in body
    assert not QuestionnaireResponse.objects.exists()  # adding a row saves nothing


def test_the_page_sends_rows_and_a_refused_one_comes_back_filled_in(me, medicines):
    client, _user, patient = me
    url = _fill_url(patient, medicines)
    data = {
        "q-takes": "true",
        "q-meds-rows": "3",
        "q-meds[0].med_name": "Metformin",
        "q-meds[1].med_dose": "5 mg",
        "q-meds[2].med_name": "",
        "action": "submit",
        "token": "t-2",
    }

    refused = client.post(url, data)
    sent = client.post(url, {**data, "q-meds[1].med_name": "Ondansetron", "token": "t-3"})

    body = refused.content.decode()
    assert refused.status_code == 200
    assert "Please answer this question." in body
    assert 'value="Metformin"' in body and 'value="5 mg"' in body
    assert sent.status_code == 302
    stored = QuestionnaireResponse.objects.get(status="completed")
    assert stored.answers["meds"] == [
        {"med_name": "Metformin"},
        {"med_name": "Ondansetron", "med_dose": "5 mg"},
    ]


def test_a_saved_draft_comes_back_with_its_rows(me, medicines):
    client, user, patient = me
    services.save_response(
        access=access_of(user, patient),
        questionnaire=medicines,
        author=user,
        answers={"takes": "true", "meds": [{"med_name": "A"}, {"med_name": "B"}]},
        submit=False,
    )

    body = client.get(_fill_url(patient, medicines)).content.decode()

    assert 'name="q-meds[1].med_name"' in body and 'value="B"' in body
    assert 'name="q-meds[2].med_name"' in body  # the spare row


def test_the_api_takes_rows_and_names_a_bad_one(me, medicines):
    client, _user, patient = me

    def send(rows, key):
        return client.post(
            "/api/v1/portal/questionnaires/responses",
            json.dumps(
                {
                    "patient": str(patient.public_id),
                    "questionnaire": str(medicines.public_id),
                    "answers": {"takes": True, "meds": rows},
                    "submit": True,
                }
            ),
            content_type="application/json",
            headers={"Idempotency-Key": key},
        )

    bad = send([{"med_name": "A", "med_when": "weekly"}], "r-1")
    good = send([{"med_name": "A", "med_when": "daily"}], "r-2")

    assert bad.status_code == 400
    assert bad.json()["errors"] == {"meds[0].med_when": ["Please choose one of the answers shown."]}
    assert good.status_code == 201
    assert good.json()["answers"]["meds"] == [{"med_name": "A", "med_when": "daily"}]
