"""Saving, resuming and sending responses; the one alert per report, also under a race."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections
from django.utils import timezone

from medcenter.accounts.tests.factories import UserFactory
from medcenter.core.errors import Conflict
from medcenter.core.models import AuditEvent
from medcenter.messaging.models import Thread
from medcenter.patients.tests.factories import (
    PatientFactory,
    ProxyGrantFactory,
    born_years_ago,
)
from medcenter.questionnaires import services
from medcenter.questionnaires.models import QuestionnaireResponse, SymptomAlert
from medcenter.questionnaires.tests.factories import access_of, answers, checkin, intake
from medcenter.scheduling.models import AvailabilityException, ExceptionKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def me():
    user = UserFactory()
    patient = PatientFactory(user=user)
    return user, patient, access_of(user, patient)


def _send(me, now=None, **scores):
    user, _patient, access = me
    return services.save_response(
        access=access,
        questionnaire=checkin(),
        author=user,
        answers=answers(**scores),
        submit=True,
        now=now,
    )


def test_a_draft_is_saved_with_missing_answers_and_resumed(me):
    user, _patient, access = me
    first = services.save_response(
        access=access, questionnaire=checkin(), author=user, answers={"pain": "2"}, submit=False
    )
    again = services.save_response(
        access=access,
        questionnaire=checkin(),
        author=user,
        answers={"pain": "3", "nausea": "1"},
        submit=False,
    )

    assert again.pk == first.pk
    assert again.is_draft
    assert again.answers == {"pain": "3", "nausea": "1"}
    assert AuditEvent.objects.filter(action="questionnaires.draft_saved").count() == 2


def test_sending_needs_every_required_answer_and_keeps_none_of_a_refusal(me):
    user, _patient, access = me
    with pytest.raises(ValidationError) as refused:
        services.save_response(
            access=access,
            questionnaire=checkin(),
            author=user,
            answers={"pain": "9"},
            submit=True,
        )

    errors = refused.value.message_dict
    assert errors["pain"] == ["Please choose one of the answers shown."]
    assert errors["nausea"] == ["Please answer this question."]
    assert "other" not in errors  # optional
    assert not QuestionnaireResponse.objects.exists()


def test_sending_completes_the_draft_and_scores_it(me):
    user, _patient, access = me
    draft = services.save_response(
        access=access, questionnaire=checkin(), author=user, answers={"pain": "2"}, submit=False
    )

    sent = _send(me, pain=2, fatigue=1)

    assert sent.pk == draft.pk
    assert sent.status == "completed"
    assert sent.scores["pain"] == 2
    assert sent.total_score == 3
    assert not SymptomAlert.objects.exists()


def test_a_severe_symptom_raises_one_alert_with_a_thread_in_the_nurse_queue(me):
    _user, patient, _access = me
    now = timezone.now()

    sent = _send(me, now=now, pain=3)

    alert = SymptomAlert.objects.get()
    assert alert.response == sent
    assert alert.level == "severe"
    assert alert.due_at == now + dt.timedelta(hours=4)
    thread = Thread.objects.get(public_id=alert.thread_public_id)
    assert thread.patient == patient
    assert thread.kind == "alert"
    assert thread.dedupe_key == f"questionnaire-response:{sent.public_id}"
    assert services.raise_symptom_alert(response=sent) == alert  # asked again: the same
    assert Thread.objects.count() == 1


def test_two_points_worse_than_the_last_report_alerts_by_the_next_business_day(me):
    _send(me, now=timezone.now() - dt.timedelta(days=7), fatigue=0)

    _send(me, fatigue=2)

    alert = SymptomAlert.objects.get()
    assert alert.level == "worse"
    assert alert.reasons == [{"link_id": "fatigue", "level": "worse", "score": 2, "previous": 0}]


def test_a_worse_report_before_a_center_holiday_is_due_the_business_day_after_it(me):
    zone = timezone.get_current_timezone()
    friday = dt.datetime(2026, 11, 20, 10, 0, tzinfo=zone)
    # Monday 23 November is closed: scheduling's calendar, the one the referral timer reads.
    AvailabilityException.objects.create(
        kind=ExceptionKind.HOLIDAY,
        starts_at=dt.datetime(2026, 11, 23, 0, 0, tzinfo=zone),
        ends_at=dt.datetime(2026, 11, 24, 0, 0, tzinfo=zone),
    )
    _send(me, now=friday - dt.timedelta(days=7), fatigue=0)

    _send(me, now=friday, fatigue=2)

    alert = SymptomAlert.objects.get()
    assert alert.level == "worse"
    assert alert.due_at == dt.datetime(2026, 11, 24, 17, 0, tzinfo=zone)
    assert Thread.objects.get(public_id=alert.thread_public_id).due_at == alert.due_at


def test_an_emergency_answer_alerts_within_the_hour(me):
    now = timezone.now()
    sent = _send(me, now=now, chest_pain=True)

    assert sent.emergency
    assert SymptomAlert.objects.get().due_at == now + dt.timedelta(hours=1)


def test_an_alert_is_resolved_once(me):
    _send(me, pain=3)
    nurse = UserFactory()
    resolved = services.resolve_alert(alert=SymptomAlert.objects.get(), staff_user=nurse)

    with pytest.raises(Conflict):
        services.resolve_alert(alert=SymptomAlert.objects.get(), staff_user=UserFactory())

    assert resolved.resolved_by == nurse
    assert SymptomAlert.objects.get().resolved_by == nurse


def test_a_proxy_answers_as_themselves():
    patient = PatientFactory(date_of_birth=born_years_ago(10))
    grant = ProxyGrantFactory(patient=patient, scopes=["messages"])
    access = access_of(grant.proxy, patient)

    sent = services.save_response(
        access=access, questionnaire=checkin(), author=grant.proxy, answers=answers(), submit=True
    )

    assert (sent.author, sent.author_role) == (grant.proxy, "proxy")


def test_an_intake_form_raises_no_alert(me):
    user, _patient, access = me
    sent = services.save_response(
        access=access,
        questionnaire=intake(),
        author=user,
        answers={
            "allergies": "false",
            "surgery": "false",
            "smoking": "never",
            "family_cancer": "false",
        },
        submit=True,
    )

    assert sent.status == "completed"
    assert not SymptomAlert.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_of_one_draft_make_one_report_and_one_alert():
    user = UserFactory()
    patient = PatientFactory(user=user)
    access = access_of(user, patient)
    questionnaire = checkin()
    services.save_response(
        access=access, questionnaire=questionnaire, author=user, answers={}, submit=False
    )
    barrier = threading.Barrier(6)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            services.save_response(
                access=access,
                questionnaire=questionnaire,
                author=user,
                answers=answers(pain=4),
                submit=True,
            )
            outcomes.append("sent")
        except Conflict:
            outcomes.append("conflict")
        except Exception as error:
            outcomes.append(repr(error))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert QuestionnaireResponse.objects.filter(status="completed").count() >= 1
    for response in QuestionnaireResponse.objects.all():
        assert SymptomAlert.objects.filter(response=response).count() <= 1
    assert (
        SymptomAlert.objects.count()
        == QuestionnaireResponse.objects.filter(status="completed").count()
    )
    assert Thread.objects.count() == SymptomAlert.objects.count()
    assert (
        outcomes.count("sent") == QuestionnaireResponse.objects.filter(status="completed").count()
    )
    assert set(outcomes) <= {"sent", "conflict"}, outcomes
