"""SECURITY.md R12 over every questionnaire route, the patient's and the symptom queue's: a
POST without a CSRF token changes nothing, and a GET changes nothing whatever its query
string (a filled-in form in the URL neither saves a draft nor sends it; an alert's page does
not resolve it)."""

import pytest
from django.test import Client

from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory, sign_in_verified
from medcenter.messaging.models import Message, Thread
from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory
from medcenter.patients.tests.routes import app_route_urls
from medcenter.questionnaires import services
from medcenter.questionnaires.models import QuestionnaireResponse, SymptomAlert
from medcenter.questionnaires.tests.factories import access_of, answers, checkin, on_treatment

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A patient on treatment with a sent severe report (its alert open) and a draft of the
    next one, and the nurse navigator who looks after them."""
    user = UserFactory()
    patient = PatientFactory(user=user)
    on_treatment(patient)
    access = access_of(user, patient)
    sent = services.save_response(
        access=access, questionnaire=checkin(), author=user, answers=answers(pain=3), submit=True
    )
    services.save_response(
        access=access, questionnaire=checkin(), author=user, answers=answers(pain=1), submit=False
    )
    nurse = StaffUserFactory(roles=["nurse_navigator"])
    CareRelationshipFactory(staff=nurse, patient=patient)
    return user, patient, sent, nurse


def _urls(world):
    _user, patient, sent, _nurse = world
    values = {
        "public_id": patient.public_id,
        "questionnaire_id": sent.questionnaire.public_id,
        "response_id": sent.public_id,
        "alert_id": SymptomAlert.objects.get(response=sent).public_id,
    }
    return app_route_urls("questionnaires", values)


def _clients(world, *, enforce_csrf_checks=False):
    user, _patient, _sent, nurse = world
    patient = Client(enforce_csrf_checks=enforce_csrf_checks)
    patient.force_login(user)
    staff = Client(enforce_csrf_checks=enforce_csrf_checks)
    sign_in_verified(staff, nurse)
    return {"patient": patient, "staff": staff}


def _form(severe=True):
    """What the fill form posts: every answer, and a button."""
    filled = answers(pain=4, fever_on_chemo=True) if severe else answers()
    return {**{f"q-{k}": v for k, v in filled.items()}, "action": "submit", "token": "t-r12"}


def _state():
    return (
        sorted(
            QuestionnaireResponse.objects.values_list(
                "pk", "status", "answers", "total_score", "emergency", "authored_at"
            )
        ),
        sorted(SymptomAlert.objects.values_list("pk", "resolved_at", "resolved_by_id")),
        Thread.objects.count(),
        Message.objects.count(),
    )


def test_every_route_is_swept(world):
    names = {name for name, _url, _kind in _urls(world)}

    assert names == {
        "questionnaires:portal_due",
        "questionnaires:portal_fill",
        "questionnaires:portal_response",
        "questionnaires:staff_queue",
        "questionnaires:staff_alert",
    }


def test_no_post_without_a_csrf_token_changes_anything(world):
    clients = _clients(world, enforce_csrf_checks=True)
    before = _state()

    for name, url, kind in _urls(world):
        response = clients[kind].post(url, _form())

        assert response.status_code in (403, 405), name

    assert _state() == before


def test_no_get_changes_anything_whatever_its_query_string(world):
    clients = _clients(world)
    before = _state()

    statuses = {}
    for name, url, kind in _urls(world):
        statuses[name] = clients[kind].get(url, {**_form(), "resolve": "1"}).status_code

    assert _state() == before
    # Every page opened (the sweep read them; none refused before it could change anything).
    assert set(statuses.values()) == {200}, statuses
