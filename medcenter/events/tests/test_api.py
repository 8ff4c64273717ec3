"""/api/v1/events/: the listing's filters, one session, and idempotent registration (R26)."""

import pytest
from django.test import Client

from medcenter.core.idempotency import StillRunning
from medcenter.events.models import Registration
from medcenter.events.tests.factories import EventSeriesFactory, EventSessionFactory
from medcenter.scheduling.tests.races import at_once

URL = "/api/v1/events/"


def _register(client, session, key, **body):
    payload = {"name": "Ana Demo", "email": "ana@example.org", **body}
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(
        f"{URL}{session.public_id}/registrations",
        payload,
        content_type="application/json",
        headers=headers,
    )


@pytest.mark.django_db
def test_lists_upcoming_sessions_with_filters(client):
    aya = EventSessionFactory(series=EventSeriesFactory(audience="aya", language="es"))
    EventSessionFactory(series=EventSeriesFactory(audience="caregivers"))

    found = client.get(URL, {"audience": "aya", "language": "es"}).json()["sessions"]

    assert [s["id"] for s in found] == [str(aya.public_id)]
    assert found[0]["seats_left"] == 10 and found[0]["time_zone"] == "America/New_York"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"audience": "pirates"},
        {"start": "2024-02-30"},
        {"virtual": "maybe"},
        {"start": "0001-01-01"},
    ],
)
def test_bad_filters_are_a_400_problem_naming_the_field(client, params):
    response = client.get(URL, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == list(params)


@pytest.mark.django_db
def test_an_unknown_session_is_404(client):
    assert client.get(f"{URL}00000000-0000-0000-0000-000000000000").status_code == 404


@pytest.mark.django_db
def test_registration_needs_an_idempotency_key(client):
    session = EventSessionFactory()

    response = _register(client, session, None)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_the_same_key_fifty_times_is_one_registration_with_identical_answers(client):
    session = EventSessionFactory(capacity=1)

    answers = [_register(client, session, "key-1") for _ in range(50)]

    assert {a.status_code for a in answers} == {201}
    assert len({a.content for a in answers}) == 1
    assert answers[0].json()["status"] == "registered"
    assert Registration.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_422(client):
    session = EventSessionFactory()
    _register(client, session, "key-2")

    changed = _register(client, session, "key-2", email="other@example.org")

    assert changed.status_code == 422
    assert Registration.objects.count() == 1


@pytest.mark.django_db
def test_a_full_session_answers_waitlisted(client):
    session = EventSessionFactory(capacity=1)
    _register(client, session, "a", email="first@example.org")

    second = _register(client, session, "b", email="second@example.org")

    assert second.status_code == 201 and second.json()["status"] == "waitlisted"


@pytest.mark.django_db
def test_registration_is_throttled_per_address(client, settings):
    settings.EVENT_REGISTRATIONS_PER_HOUR = 2
    session = EventSessionFactory(capacity=10)

    statuses = [
        _register(client, session, f"k{n}", email=f"p{n}@example.org").status_code for n in range(3)
    ]

    assert statuses == [201, 201, 429]


@pytest.mark.django_db(transaction=True)
def test_the_same_key_twenty_times_at_once_is_one_registration():
    session = EventSessionFactory(capacity=5)

    def call():
        try:
            return _register(Client(), session, "race-key")
        except StillRunning as waited:  # pragma: no cover - only if the first try took > 15 s
            return waited

    answers = at_once(*([call] * 20))

    assert all(getattr(a, "status_code", None) == 201 for a in answers), answers
    assert len({a.content for a in answers}) == 1
    assert Registration.objects.count() == 1
