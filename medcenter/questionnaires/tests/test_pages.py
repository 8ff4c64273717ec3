"""Portal pages and the staff queue: content, bad input, R1, R12, R16, R24."""

import pytest
from django.test import Client
from django.urls import reverse

from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory, sign_in_verified
from medcenter.patients.tests.factories import (
    CareRelationshipFactory,
    PatientFactory,
    ProxyGrantFactory,
    born_years_ago,
)
from medcenter.questionnaires import services
from medcenter.questionnaires.models import QuestionnaireResponse, SymptomAlert
from medcenter.questionnaires.tests.factories import (
    access_of,
    answers,
    checkin,
    on_treatment,
)

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def patient_client():
    user = UserFactory()
    patient = PatientFactory(user=user)
    on_treatment(patient)
    client = Client()
    client.force_login(user)
    return client, user, patient


def _urls(patient, questionnaire=None, response=None):
    pid = patient.public_id
    found = {"due": reverse("questionnaires:portal_due", kwargs={"public_id": pid})}
    if questionnaire is not None:
        found["fill"] = reverse(
            "questionnaires:portal_fill",
            kwargs={"public_id": pid, "questionnaire_id": questionnaire.public_id},
        )
    if response is not None:
        found["response"] = reverse(
            "questionnaires:portal_response",
            kwargs={"public_id": pid, "response_id": response.public_id},
        )
    return found


def _post(answer_map, action="submit", token="t-1"):
    data = {f"q-{k}": v for k, v in answer_map.items()}
    return {**data, "action": action, "token": token}


def test_the_due_page_lists_the_check_in_during_treatment(patient_client):
    client, _user, patient = patient_client

    page = client.get(_urls(patient)["due"])

    assert page.status_code == 200
    assert "Weekly symptom check-in" in page.content.decode()
    assert "New-patient history" in page.content.decode()


def test_without_a_course_only_the_intake_is_due():
    user = UserFactory()
    patient = PatientFactory(user=user)
    client = Client()
    client.force_login(user)

    body = client.get(_urls(patient)["due"]).content.decode()

    assert "Weekly symptom check-in" not in body


def test_the_form_has_a_fieldset_per_question_and_the_emergency_box(patient_client):
    client, _user, patient = patient_client

    page = client.get(_urls(patient, checkin())["fill"])
    body = page.content.decode()

    assert page.status_code == 200
    assert body.count("<fieldset") >= 12 + 4 + 2  # each radio question, and both groups
    assert body.count('type="radio"') == 12 * 5 + 4 * 2
    assert 'id="call-now"' in body and "tel:" in body
    assert "questionnaire.js" in body


def test_the_form_in_arabic_is_right_to_left_and_translated(patient_client):
    client, _user, patient = patient_client
    url = reverse(
        "questionnaires:portal_fill",
        kwargs={"public_id": patient.public_id, "questionnaire_id": checkin().public_id},
    )
    assert url.startswith("/en/")

    body = client.get("/ar/" + url[4:]).content.decode()

    assert 'dir="rtl"' in body
    assert "المتابعة الأسبوعية للأعراض" in body
    assert "الغثيان" in body


def test_bad_input_is_named_per_question_and_every_answer_is_kept(patient_client):
    client, _user, patient = patient_client
    sent = answers(pain=3)
    del sent["nausea"]
    sent["vomiting"] = "7"
    sent["other"] = "Sore feet"

    page = client.post(_urls(patient, checkin())["fill"], _post(sent))
    body = page.content.decode()

    assert page.status_code == 200
    assert "Please answer this question." in body
    assert "Please choose one of the answers shown." in body
    assert 'value="3" id="id_q-pain_3" checked' in body or (
        'id="id_q-pain_3"' in body and "checked" in body.split('id="id_q-pain_3"')[0][-120:]
    )
    assert "Sore feet" in body
    assert not QuestionnaireResponse.objects.exists()


def test_an_out_of_range_number_is_refused_with_its_range(patient_client):
    from medcenter.questionnaires.tests.factories import intake

    client, _user, patient = patient_client
    data = {"allergies": "false", "surgery": "false", "smoking": "current"}
    data |= {"smoking_years": "120", "family_cancer": "false", "height_cm": "175"}

    body = client.post(_urls(patient, intake())["fill"], _post(data)).content.decode()

    assert "Please enter a number no higher than 90." in body
    assert 'value="175"' in body and 'value="120"' in body


def test_a_draft_is_saved_and_resumed(patient_client):
    client, _user, patient = patient_client
    url = _urls(patient, checkin())["fill"]

    saved = client.post(url, _post({"pain": "2", "chest_pain": "true"}, action="save"))
    resumed = client.get(url).content.decode()

    assert saved.status_code == 302
    draft = QuestionnaireResponse.objects.get()
    assert draft.is_draft and draft.answers == {"pain": "2", "chest_pain": True}
    assert "Draft saved" in resumed
    assert 'id="call-now" role="alert" hidden' not in resumed  # the emergency box shows


def test_sending_a_severe_symptom_alerts_and_says_so(patient_client):
    client, _user, patient = patient_client

    sent = client.post(_urls(patient, checkin())["fill"], _post(answers(pain=4)))

    response = QuestionnaireResponse.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == _urls(patient, response=response)["response"]
    assert SymptomAlert.objects.filter(response=response).count() == 1
    page = client.get(sent["Location"]).content.decode()
    assert "A nurse will look at your answers" in page
    assert "Very severe" in page


def test_the_same_form_sent_twice_is_one_report(patient_client):
    client, _user, patient = patient_client
    url = _urls(patient, checkin())["fill"]

    first = client.post(url, _post(answers(pain=3), token="same"))
    second = client.post(url, _post(answers(pain=3), token="same"))

    assert first["Location"] == second["Location"]
    assert QuestionnaireResponse.objects.count() == 1
    assert SymptomAlert.objects.count() == 1


def test_free_text_is_escaped_everywhere(patient_client):
    client, _user, patient = patient_client
    client.post(_urls(patient, checkin())["fill"], _post(answers(pain=3) | {"other": XSS}))
    response = QuestionnaireResponse.objects.get()
    nurse = StaffUserFactory(roles=["nurse_navigator"])
    CareRelationshipFactory(staff=nurse, patient=patient)
    staff = Client()
    sign_in_verified(staff, nurse)

    pages = [
        client.get(_urls(patient, response=response)["response"]),
        staff.get(reverse("questionnaires:staff_alert", args=[response.alert.public_id])),
    ]

    for page in pages:
        assert page.status_code == 200
        assert XSS not in page.content.decode()
        assert "&lt;script&gt;" in page.content.decode()


def test_another_patients_pages_are_not_found(patient_client, world):
    client, _user, _patient = patient_client
    b = world.patient_b
    on_treatment(b)
    b_response = services.save_response(
        access=access_of(world.user_b, b),
        questionnaire=checkin(),
        author=world.user_b,
        answers=answers(pain=3),
        submit=True,
    )
    urls = _urls(b, checkin(), b_response)

    for url in urls.values():
        for method in ("get", "post"):
            page = getattr(client, method)(
                url, _post(answers(pain=1)) if method == "post" else None
            )
            assert page.status_code in (404, 405), (method, url)  # 405: a read-only page
            assert b.family_name not in page.content.decode()
    assert QuestionnaireResponse.objects.filter(patient=b).count() == 1


def test_my_response_url_under_another_record_is_not_found(patient_client, world):
    client, user, patient = patient_client
    mine = services.save_response(
        access=access_of(user, patient),
        questionnaire=checkin(),
        author=user,
        answers=answers(),
        submit=True,
    )
    child = PatientFactory(date_of_birth=born_years_ago(10))
    ProxyGrantFactory(proxy=user, patient=child, scopes=["messages"])

    url = reverse(
        "questionnaires:portal_response",
        kwargs={"public_id": child.public_id, "response_id": mine.public_id},
    )

    assert client.get(url).status_code == 404


# proxy scopes, the patient's age -> may open the section
PROXIES = [
    (["messages"], 10, 200),
    (["appointments"], 10, 200),  # under 12 a parent sees everything
    (["appointments"], 14, 404),  # a teen's grant without the messages scope
    (["messages"], 14, 200),
    (["messages"], 30, 404),  # an adult's grant needs the adult's own consent
]


@pytest.mark.parametrize(("scopes", "age", "status"), PROXIES)
def test_proxies_see_the_section_by_scope_and_age(scopes, age, status):
    patient = PatientFactory(date_of_birth=born_years_ago(age))
    grant = ProxyGrantFactory(patient=patient, scopes=scopes)
    client = Client()
    client.force_login(grant.proxy)

    assert client.get(_urls(patient)["due"]).status_code == status


def test_a_proxy_sends_as_themselves_and_a_revoked_one_is_refused():
    from django.utils import timezone

    patient = PatientFactory(date_of_birth=born_years_ago(14))
    on_treatment(patient)
    grant = ProxyGrantFactory(patient=patient, scopes=["messages"])
    client = Client()
    client.force_login(grant.proxy)
    url = _urls(patient, checkin())["fill"]

    client.post(url, _post(answers(pain=1)))
    grant.revoked_at = timezone.now()
    grant.save()
    refused = client.post(url, _post(answers(pain=1), token="t-2"))

    response = QuestionnaireResponse.objects.get()
    assert (response.author, response.author_role) == (grant.proxy, "proxy")
    assert refused.status_code == 404


def test_posts_without_a_csrf_token_change_nothing(patient_client):
    _client, user, patient = patient_client
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)

    for action in ("save", "submit"):
        page = strict.post(_urls(patient, checkin())["fill"], _post(answers(pain=3), action))
        assert page.status_code == 403
    assert not QuestionnaireResponse.objects.exists()


def test_the_staff_queue_needs_the_permission_and_lists_overdue_first(patient_client):
    _client, user, patient = patient_client
    from datetime import timedelta

    from django.utils import timezone

    access = access_of(user, patient)
    old = services.save_response(
        access=access,
        questionnaire=checkin(),
        author=user,
        answers=answers(pain=3),
        submit=True,
        now=timezone.now() - timedelta(days=8),
    )
    new = services.save_response(
        access=access, questionnaire=checkin(), author=user, answers=answers(rash=4), submit=True
    )
    nurse, clinician = (
        StaffUserFactory(roles=["nurse_navigator"]),
        StaffUserFactory(roles=["clinician"]),
    )
    nurse_client, clinician_client = Client(), Client()
    sign_in_verified(nurse_client, nurse)
    sign_in_verified(clinician_client, clinician)
    queue = reverse("questionnaires:staff_queue")

    page = nurse_client.get(queue).content.decode()

    assert clinician_client.get(queue).status_code == 403
    assert page.index(str(old.alert.public_id)) < page.index(str(new.alert.public_id))
    assert "Overdue" in page


def test_resolving_needs_a_basis_for_the_patient(patient_client):
    _client, user, patient = patient_client
    services.save_response(
        access=access_of(user, patient),
        questionnaire=checkin(),
        author=user,
        answers=answers(pain=3),
        submit=True,
    )
    alert = SymptomAlert.objects.get()
    url = reverse("questionnaires:staff_alert", args=[alert.public_id])
    stranger, nurse = (
        StaffUserFactory(roles=["nurse_navigator"]),
        StaffUserFactory(roles=["nurse_navigator"]),
    )
    CareRelationshipFactory(staff=nurse, patient=patient)
    stranger_client, nurse_client = Client(), Client()
    sign_in_verified(stranger_client, stranger)
    sign_in_verified(nurse_client, nurse)

    refused = stranger_client.post(url)
    shown = nurse_client.get(url)
    resolved = nurse_client.post(url)

    assert refused.status_code == 403
    assert patient.family_name not in refused.content.decode()
    assert shown.status_code == 200 and "Severe" in shown.content.decode()
    assert resolved.status_code == 302
    alert.refresh_from_db()
    assert alert.resolved_by == nurse
