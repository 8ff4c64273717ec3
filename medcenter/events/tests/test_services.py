from datetime import UTC, date, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from medcenter.core import outbox
from medcenter.core.models import Notification
from medcenter.core.throttle import Throttled
from medcenter.events import links, services
from medcenter.events.models import EventSession, Registration
from medcenter.events.notices import Kind
from medcenter.events.tests.factories import EventSeriesFactory, EventSessionFactory

pytestmark = pytest.mark.django_db


def _register(session, n, **kwargs):
    return services.register_for_session(
        session=session, name=f"Person {n}", email=f"p{n}@example.org", **kwargs
    )


def test_registers_until_full_then_waitlists_in_order():
    session = EventSessionFactory(capacity=2)

    made = [_register(session, n) for n in range(4)]

    assert [r.status for r in made] == ["registered", "registered", "waitlisted", "waitlisted"]
    kinds = list(Notification.objects.order_by("id").values_list("kind", flat=True))
    assert kinds.count(Kind.REGISTERED) == 2 and kinds.count(Kind.WAITLISTED) == 2
    assert kinds.count(Kind.REMINDER) == 2


def test_the_same_email_twice_is_one_registration():
    session = EventSessionFactory()

    first = _register(session, 1)
    again = services.register_for_session(
        session=session, name="Person 1", email=" P1@Example.org "
    )

    assert again.pk == first.pk
    assert Registration.objects.count() == 1
    assert Notification.objects.filter(kind=Kind.REGISTERED).count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"starts_at_delta": timedelta(hours=-2)}, "Registration for this session has closed."),
        ({"status": "cancelled"}, "Registration for this session has closed."),
    ],
)
def test_refuses_a_past_or_cancelled_session(change, message):
    starts = timezone.now() + change.get("starts_at_delta", timedelta(days=3))
    session = EventSessionFactory(starts_at=starts, status=change.get("status", "scheduled"))

    with pytest.raises(ValidationError) as refused:
        _register(session, 1)

    assert refused.value.messages == [message]
    assert not Registration.objects.exists()


def test_a_cancellation_promotes_the_first_person_waiting_with_one_email():
    session = EventSessionFactory(capacity=1)
    seated = _register(session, 0)
    first_waiting = _register(session, 1)
    _register(session, 2)
    outbox.deliver_due()
    mail.outbox.clear()

    promoted = services.cancel_registration(registration=seated)
    outbox.deliver_due()

    assert promoted is not None and promoted.pk == first_waiting.pk
    first_waiting.refresh_from_db()
    assert first_waiting.status == "registered" and first_waiting.promoted_at is not None
    assert [m.to for m in mail.outbox] == [["p1@example.org"]]
    assert "A seat is yours" in mail.outbox[0].subject
    assert mail.outbox[0].attachments[0][0] == "event.ics"
    assert Registration.objects.filter(session=session, status="waitlisted").count() == 1
    # the cancelled person's reminder is withdrawn, the promoted person's is due a day before
    assert Notification.objects.get(kind=Kind.REMINDER, to="p0@example.org").status == "cancelled"
    assert Notification.objects.get(kind=Kind.REMINDER, to="p1@example.org").status == "pending"


def test_cancelling_twice_or_a_waitlisted_person_promotes_nobody():
    session = EventSessionFactory(capacity=1)
    _register(session, 0)
    waiting = _register(session, 1)
    _register(session, 2)

    assert services.cancel_registration(registration=waiting) is None
    assert services.cancel_registration(registration=waiting) is None
    assert Registration.objects.filter(status="registered").count() == 1


def test_more_seats_go_to_the_people_waiting():
    session = EventSessionFactory(capacity=1)
    for n in range(4):
        _register(session, n)

    promoted = services.change_capacity(session=session, capacity=3)

    assert [r.email for r in promoted] == ["p1@example.org", "p2@example.org"]
    assert Registration.objects.filter(status="waitlisted").count() == 1


def test_cancelling_a_session_tells_everyone_and_withdraws_reminders():
    session = EventSessionFactory(capacity=1)
    _register(session, 0)
    _register(session, 1)

    told = services.cancel_session(session=session)

    session.refresh_from_db()
    assert told == 2 and session.status == "cancelled" and session.sequence == 1
    assert Notification.objects.filter(kind=Kind.SESSION_CANCELLED).count() == 2
    assert not Notification.objects.filter(kind=Kind.REMINDER, status="pending").exists()


def test_registrations_from_one_address_are_throttled(settings):
    settings.EVENT_REGISTRATIONS_PER_HOUR = 3
    session = EventSessionFactory(capacity=10)
    for n in range(3):
        _register(session, n, client_ip="203.0.113.9")

    with pytest.raises(Throttled):
        _register(session, 9, client_ip="203.0.113.9")
    _register(session, 10, client_ip="203.0.113.10")  # another address is not affected


def test_materialises_a_weekly_series_in_local_time_across_daylight_saving():
    # US DST ends on 2030-11-03: 18:00 local stays 18:00 local (UTC moves by an hour).
    series = EventSeriesFactory(
        first_date=date(2030, 10, 22),
        start_time=time(18, 0),
        rrule="FREQ=WEEKLY;COUNT=4",
        exdates=["2030-10-29"],
    )

    made = services.materialise_sessions(series=series, until=date(2030, 12, 31))

    sessions = list(EventSession.objects.filter(series=series))
    assert made == 3
    assert [s.local_start.strftime("%m-%d %H:%M") for s in sessions] == [
        "10-22 18:00",
        "11-05 18:00",
        "11-12 18:00",
    ]
    assert [s.starts_at.astimezone(UTC).hour for s in sessions] == [22, 23, 23]


def test_a_rule_change_removes_empty_sessions_and_cancels_those_with_people():
    series = EventSeriesFactory(
        first_date=timezone.localdate() + timedelta(days=2), rrule="FREQ=WEEKLY;COUNT=3"
    )
    services.materialise_sessions(series=series)
    first, _second, third = EventSession.objects.filter(series=series)
    _register(third, 1)

    series.rrule = "FREQ=WEEKLY;COUNT=1"
    series.save()
    services.series_changed(series=series)

    assert list(EventSession.objects.filter(series=series).values_list("pk", "status")) == [
        (first.pk, "scheduled"),
        (third.pk, "cancelled"),
    ]


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MINUTELY",
        "DTSTART:20260101T000000\nRRULE:FREQ=DAILY",
        "FREQ=WEEKLY;BYDAY=XX",
        "nonsense",
    ],
)
def test_refuses_unusable_rules(rule):
    series = EventSeriesFactory.build(rrule=rule)

    with pytest.raises(ValidationError):
        series.clean()


def test_messages_are_worded_in_the_registrants_language_with_their_link_and_ics():
    series = EventSeriesFactory(
        location=None,
        virtual_url="https://meet.example.org/room-9",
        translations={"es": {"title": "Yoga suave"}},
    )
    session = EventSessionFactory(series=series, capacity=1)
    seated = _register(session, 1, language="es")
    _register(session, 2, language="en")

    outbox.deliver_due()

    registered, waitlisted = sorted(mail.outbox, key=lambda m: m.to)
    assert "Yoga suave" in registered.subject
    assert "https://meet.example.org/room-9" in registered.body
    assert f"/es/events/registrations/{links.token_for(seated)}/" in registered.body
    assert registered.attachments[0][0] == "event.ics"
    assert "meet.example.org" not in waitlisted.body and not waitlisted.attachments
