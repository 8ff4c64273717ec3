"""Seats are counted under a lock: 20 people asking at once for the last 3 seats."""

import pytest

from medcenter.events import services
from medcenter.events.models import Registration
from medcenter.events.tests.factories import EventSessionFactory, RegistrationFactory
from medcenter.scheduling.tests.races import at_once


@pytest.mark.django_db(transaction=True)
def test_twenty_at_once_for_the_last_three_seats_seat_exactly_three():
    session = EventSessionFactory(capacity=10)
    RegistrationFactory.create_batch(7, session=session, status="registered")

    def register(n):
        return lambda: services.register_for_session(
            session=session, name=f"Racer {n}", email=f"racer{n}@example.org"
        )

    results = at_once(*(register(n) for n in range(20)))

    errors = [r for r in results if not isinstance(r, Registration)]
    assert errors == []
    statuses = sorted(r.status for r in results)
    assert statuses.count("registered") == 3 and statuses.count("waitlisted") == 17
    assert Registration.objects.filter(session=session, status="registered").count() == 10


@pytest.mark.django_db(transaction=True)
def test_two_cancellations_at_once_promote_two_different_people():
    session = EventSessionFactory(capacity=2)
    seated = [
        services.register_for_session(session=session, name=f"S{n}", email=f"s{n}@example.org")
        for n in range(2)
    ]
    waiting = [
        services.register_for_session(session=session, name=f"W{n}", email=f"w{n}@example.org")
        for n in range(3)
    ]

    results = at_once(*(lambda r=r: services.cancel_registration(registration=r) for r in seated))

    assert sorted(r.email for r in results) == ["w0@example.org", "w1@example.org"]
    waiting[2].refresh_from_db()
    assert waiting[2].status == "waitlisted"
