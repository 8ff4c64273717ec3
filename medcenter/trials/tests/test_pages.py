"""The public trial pages, the pre-screen and the coordinator's side of a contact request."""

import json

import pytest
from django.core import mail

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.trials.demo import STUDIES
from medcenter.trials.importer import import_records
from medcenter.trials.models import ContactRequest, Trial, TrialVector

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def catalogue():
    import_records((f"demo:{i}", study) for i, (study, *_rest) in enumerate(STUDIES))
    Trial.objects.filter(nct_id="NCT99002001").update(
        plain_language={
            "es": {
                "title": "Un nuevo anticuerpo para el sarcoma de Ewing",
                "summary": "Para jóvenes.",
            }
        },
        coordinator_email="coordinator@example.test",
    )


def test_search_finds_trials_by_lay_condition_and_gene(client):
    page = client.get("/en/trials/", {"condition": "lung cancer"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "NCT99001001" in text and "NCT99002001" not in text
    gene = client.get("/en/trials/", {"gene": "idh1"}).content.decode()
    assert "NCT99002003" in gene and "NCT99001001" not in gene


def test_a_bad_search_value_is_a_400_with_the_message_and_the_form_kept(client):
    page = client.get("/en/trials/", {"condition": "sarcoma", "age": "old"})
    assert page.status_code == 400
    assert 'value="sarcoma"' in page.content.decode()


def test_the_trial_page_is_in_plain_spanish_when_written(client):
    page = client.get("/es/trials/NCT99002001/")
    assert page.status_code == 200
    assert "Un nuevo anticuerpo para el sarcoma de Ewing" in page.content.decode()
    assert client.get("/es/trials/NCT00000000/").status_code == 404


def prescreen(client, answers):
    return client.post("/en/trials/NCT99002001/prescreen/", answers)


def test_the_prescreen_asks_from_the_criteria_and_explains_the_result(client):
    form = client.get("/en/trials/NCT99002001/prescreen/").content.decode()
    assert 'name="age"' in form and 'name="diagnosis"' in form
    result = prescreen(client, {"age": "17", "diagnosis": "yes"})
    assert result.status_code == 200
    assert "you may be able to join" in result.content.decode()
    no = prescreen(client, {"age": "55", "diagnosis": "yes"})
    assert "may not be right for you" in no.content.decode()


def test_a_contact_request_reaches_the_coordinator_once(client, django_capture_on_commit_callbacks):
    result = prescreen(client, {"age": "17", "diagnosis": "yes"})
    contact = result.context["contact"]
    payload = {
        "name": "Rowan Test",
        "email": "rowan@example.test",
        "phone": "",
        "consent": "on",
        "answers": contact.initial["answers"],
        "idempotency_key": contact.initial["idempotency_key"],
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/en/trials/NCT99002001/contact/", payload)
        again = client.post("/en/trials/NCT99002001/contact/", payload)
    assert first.status_code == again.status_code == 200
    assert ContactRequest.objects.count() == 1
    saved = ContactRequest.objects.get()
    assert saved.likely == "likely"
    assert json.loads(payload["answers"])["age"] == 17
    assert any(v["kind"] == "age" and v["outcome"] == "met" for v in saved.explanation)
    assert [m.to for m in mail.outbox] == [["coordinator@example.test"]]
    assert "Rowan" not in mail.outbox[0].body  # no personal details by email


def test_a_contact_request_without_a_way_to_reach_is_refused_keeping_the_answers(client):
    result = prescreen(client, {"age": "17", "diagnosis": "yes"})
    contact = result.context["contact"]
    page = client.post(
        "/en/trials/NCT99002001/contact/",
        {"name": "Rowan", "consent": "on", "answers": contact.initial["answers"]},
    )
    assert page.status_code == 400
    assert "Give an email address or a phone number." in page.content.decode()
    assert ContactRequest.objects.count() == 0


def test_too_many_requests_from_one_connection_are_throttled(client, settings):
    settings.TRIAL_REQUESTS_PER_HOUR = 2
    for n in range(3):
        page = client.post(
            "/en/trials/NCT99002001/contact/",
            {"name": "R", "email": f"r{n}@example.test", "consent": "on", "answers": "{}"},
        )
    assert page.status_code == 429
    assert ContactRequest.objects.count() == 2


def test_the_coordinator_sees_the_request_with_its_explanation_and_decides(client):
    trial = Trial.objects.get(nct_id="NCT99002001")
    request = ContactRequest.objects.create(
        trial=trial,
        name="Rowan Test",
        email="rowan@example.test",
        explanation=[
            {
                "section": "inclusion",
                "kind": "age",
                "criterion": "Patients aged 12 to 39 years",
                "outcome": "met",
                "evidence": "age 17",
            }
        ],
        likely="likely",
    )
    coordinator = StaffUserFactory(roles=["trial_coordinator"])
    sign_in_verified(client, coordinator)
    page = client.get(f"/en/staff/trials/requests/{request.public_id}/")
    assert page.status_code == 200
    assert "Patients aged 12 to 39 years" in page.content.decode()
    refused = client.post(
        f"/en/staff/trials/requests/{request.public_id}/", {"status": "ineligible"}
    )
    assert refused.status_code == 400
    done = client.post(f"/en/staff/trials/requests/{request.public_id}/", {"status": "contacted"})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == "contacted" and request.contacted_at is not None
    assert request.events.count() == 1


def test_a_clinician_sees_the_trials_for_a_patient_from_the_oncology_record(client):
    from medcenter.oncology import services as oncology
    from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory

    patient = PatientFactory(date_of_birth="1990-01-01")
    oncology.record_diagnosis(
        patient=patient, actor=None, description="Osteosarcoma of the tibia", oncotree_code="OS"
    )
    clinician = StaffUserFactory(roles=["clinician"])
    CareRelationshipFactory(staff=clinician, patient=patient)
    sign_in_verified(client, clinician)
    record = client.get(f"/en/staff/patients/{patient.public_id}/oncology/").content.decode()
    assert f"/en/staff/patients/{patient.public_id}/trials/" in record
    page = client.get(f"/en/staff/patients/{patient.public_id}/trials/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "NCT99002002" in text and "NCT99001001" not in text
    assert "Osteosarcoma (OS)" in text  # the evidence for the diagnosis criterion


def test_the_admin_imports_an_uploaded_record_and_names_a_bad_one(
    client, django_user_model, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from medcenter.trials.demo import STUDIES as studies

    admin = StaffUserFactory(roles=["trial_coordinator"], is_superuser=True)
    sign_in_verified(client, admin)
    record = json.loads(json.dumps(studies[0][0]))
    record["protocolSection"]["identificationModule"]["nctId"] = "NCT99009999"
    bad = json.loads(json.dumps(studies[1][0]))
    bad["protocolSection"]["identificationModule"]["nctId"] = "NCT99009998"
    bad["protocolSection"]["designModule"]["phases"] = ["PHASE9"]
    upload = SimpleUploadedFile(
        "page.json", json.dumps({"studies": [record, bad]}).encode(), "application/json"
    )
    from django.conf import settings

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/{settings.ADMIN_URL}trials/trial/import/", {"file": upload}, follow=True
        )
    assert response.status_code == 200
    text = response.content.decode()
    assert "1 created" in text and "designModule.phases" in text
    # The new trial's text is embedded by a task once the import commits (the tests run
    # tasks immediately), not in the request.
    assert Trial.objects.open().filter(nct_id="NCT99009999").exists()
    assert TrialVector.objects.filter(trial__nct_id="NCT99009999").exists()
    assert Trial.objects.filter(nct_id="NCT99009999").exists()
    assert not Trial.objects.filter(nct_id="NCT99009998").exists()


def test_a_signed_in_patients_request_joins_their_record(client):
    from medcenter.patients.tests.factories import PatientFactory

    patient = PatientFactory()
    from medcenter.accounts.tests.factories import UserFactory

    user = UserFactory()
    patient.user = user
    patient.save()
    client.force_login(user)
    page = client.post(
        "/en/trials/NCT99002001/contact/",
        {"name": "Me", "email": "me@example.test", "consent": "on", "answers": "{}"},
    )
    assert page.status_code == 200
    assert ContactRequest.objects.get().patient == patient


def test_prescreen_questions_come_in_a_clinicians_order(client):
    form = client.get("/en/trials/NCT99001001/prescreen/").context["form"]
    names = list(form.fields)
    assert names.index("age") < names.index("diagnosis") < names.index("stage")
    assert names.index("stage") < names.index("biomarker_EGFR") < names.index("activity")
    assert names[-1] == "pregnant"


def test_a_condition_search_reads_the_criteria_in_one_query(client, django_assert_max_num_queries):
    from medcenter.trials import selectors

    with django_assert_max_num_queries(8):
        found = selectors.search_trials(selectors.SearchQuery(condition="chondrosarcoma"))
    names = {t.nct_id for t in found}
    assert {"NCT99002003", "NCT99002004"} <= names  # chondrosarcoma named
    assert "NCT99004001" in names  # a solid-tumour basket trial takes chondrosarcoma too
    assert not names & {"NCT99001001", "NCT99003001", "NCT99002001"}
