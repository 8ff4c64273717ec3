"""The demo's reports, what is due when, and the home panel's constant queries."""

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from medcenter.accounts.tests.factories import UserFactory
from medcenter.patients.access import resolve_access
from medcenter.patients.demo import PATIENT_DOMAIN
from medcenter.patients.tests.factories import PatientFactory, ProxyGrantFactory, born_years_ago
from medcenter.questionnaires import demo, services
from medcenter.questionnaires.models import QuestionnaireResponse, SymptomAlert
from medcenter.questionnaires.portal import due_panel
from medcenter.questionnaires.selectors import due_for
from medcenter.questionnaires.tests.factories import access_of, answers, checkin, on_treatment

pytestmark = pytest.mark.django_db


def test_the_demo_has_past_reports_an_open_alert_and_a_check_in_due():
    mila = PatientFactory(
        given_name="Mila", family_name="Fenwick", date_of_birth=born_years_ago(14)
    )
    parent = UserFactory(email=f"jonah.fenwick@{PATIENT_DOMAIN}")
    ProxyGrantFactory(proxy=parent, patient=mila, scopes=["appointments", "messages"])
    on_treatment(mila, started_days_ago=12)

    demo.seed(rng=random.Random(1))  # noqa: S311 - demo data, not secrets
    demo.seed(rng=random.Random(1))  # noqa: S311 - again: nothing more

    assert QuestionnaireResponse.objects.filter(patient=mila, status="completed").count() == 2
    alert = SymptomAlert.objects.get(patient=mila)
    assert alert.level == "severe" and alert.resolved_at is None
    assert alert.thread_public_id is not None
    assert {r.author for r in QuestionnaireResponse.objects.all()} == {parent}
    assert next(d.questionnaire.kind for d in due_for(mila)) == "symptom_checkin"


def _moment(days_ago):
    return timezone.now() - dt.timedelta(days=days_ago)


# course started (days ago), ended (days ago or None), last report (days ago or None) -> due?
DUE = [
    (10, None, None, True),
    (10, None, 3, False),
    (10, None, 8, True),
    (10, 2, None, False),  # the course ended
    (-3, None, None, False),  # it starts in three days
]


@pytest.mark.parametrize(("started", "ended", "last", "due"), DUE)
def test_the_check_in_is_due_by_the_course_and_the_last_report(started, ended, last, due):
    user = UserFactory()
    patient = PatientFactory(user=user)
    today = timezone.localdate()
    on_treatment(
        patient,
        started_days_ago=started,
        ended_on=today - dt.timedelta(days=ended) if ended is not None else None,
    )
    if last is not None:
        services.save_response(
            access=access_of(user, patient),
            questionnaire=checkin(),
            author=user,
            answers=answers(),
            submit=True,
            now=_moment(last),
        )

    kinds = [d.questionnaire.kind for d in due_for(patient)]

    assert ("symptom_checkin" in kinds) is due


def test_the_home_panel_makes_the_same_queries_whatever_the_history():
    user = UserFactory()
    patient = PatientFactory(user=user)
    on_treatment(patient)
    access = resolve_access(user, patient)

    def count():
        with CaptureQueriesContext(connection) as queries:
            items = due_panel(access, None)
        return len(queries), items

    before, items = count()
    for days in (30, 22, 15):
        services.save_response(
            access=access_of(user, patient),
            questionnaire=checkin(),
            author=user,
            answers=answers(pain=3),
            submit=True,
            now=_moment(days),
        )
    after, again = count()

    assert before == after <= 5
    assert items[0].count == 2 and again[0].count == 2
