"""Writes for events: sessions from a series' rule, registration with a waitlist, cancelling.

Seats are counted under a lock on the session row (`select_for_update`; on SQLite every
write transaction begins IMMEDIATE, which serialises them the same way), so two people can
never take the last seat, and a freed seat goes to the first person waiting."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from medcenter.core import outbox
from medcenter.core.throttle import check_hourly
from medcenter.events import recurrence
from medcenter.events.models import (
    ACTIVE,
    EventSeries,
    EventSession,
    Registration,
    RegistrationStatus,
    SessionStatus,
)
from medcenter.events.notices import Kind

HORIZON_DAYS = 180


def registrations_per_hour() -> int:
    return int(getattr(settings, "EVENT_REGISTRATIONS_PER_HOUR", 10))


@transaction.atomic
def materialise_sessions(
    *, series: EventSeries, until: date | None = None, now: datetime | None = None
) -> int:
    """Create the series' sessions up to `until` (default: the horizon); a future session the
    rule no longer makes is deleted, or cancelled if people registered. Returns how many
    sessions were created."""
    now = now or timezone.now()
    until = until or (timezone.localdate(now) + timedelta(days=HORIZON_DAYS))
    wanted = {start: end for start, end in recurrence.occurrences(series, until=until) if end > now}
    existing = {s.starts_at: s for s in series.sessions.filter(ends_at__gt=now)}
    created = 0
    for start, end in wanted.items():
        session = existing.get(start)
        if session is None:
            EventSession.objects.create(
                series=series, starts_at=start, ends_at=end, capacity=series.capacity
            )
            created += 1
        elif session.ends_at != end:
            session.ends_at = end
            session.sequence += 1
            session.save(update_fields=["ends_at", "sequence", "updated_at"])
    for start, session in existing.items():
        if start in wanted or session.is_cancelled:
            continue
        if session.registrations.filter(status__in=ACTIVE).exists():
            cancel_session(session=session)
        else:
            session.delete()
    EventSeries.objects.filter(pk=series.pk).update(materialised_on=timezone.localdate(now))
    return created


def materialise_due_series(*, now: datetime | None = None) -> int:
    """For the periodic sweep: make the sessions of every published series not yet
    materialised today, so open-ended series keep HORIZON_DAYS of dates. Returns how many
    sessions were created."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = EventSeries.objects.published().filter(
        Q(materialised_on__isnull=True) | Q(materialised_on__lt=today)
    )
    return sum(materialise_sessions(series=series, now=now) for series in due)


@transaction.atomic
def series_changed(*, series: EventSeries) -> None:
    """After an editor changed a series: calendars must see a new SEQUENCE, and the sessions
    follow the rule and the capacity."""
    EventSeries.objects.filter(pk=series.pk).update(sequence=series.sequence + 1)
    series.sequence += 1
    for session in series.sessions.filter(ends_at__gt=timezone.now()):
        session.sequence += 1
        session.save(update_fields=["sequence", "updated_at"])
    materialise_sessions(series=series)


@transaction.atomic
def register_for_session(
    *,
    session: EventSession,
    name: str,
    email: str,
    phone: str = "",
    user: Any = None,
    language: str = "en",
    client_ip: str | None = None,
) -> Registration:
    """Register `email` for `session`: a seat if one is free, else a place on the waitlist.
    Registering the same address again returns the registration it already has."""
    session = EventSession.objects.select_for_update().select_related("series").get(pk=session.pk)
    if not session.is_open():
        raise ValidationError(_("Registration for this session has closed."))
    address = email.strip().lower()
    if not name.strip() or not address:
        raise ValidationError(_("Give your name and email address."))
    existing = Registration.objects.filter(session=session, email=address, status__in=ACTIVE)
    found = existing.first()
    if found is not None:
        return found
    if client_ip:
        check_hourly(
            Registration.objects.filter(client_ip=client_ip),
            at="created_at",
            limit=registrations_per_hour(),
            message=_("Too many registrations from your connection. Please try again later."),
        )
    taken = Registration.objects.filter(
        session=session, status=RegistrationStatus.REGISTERED
    ).count()
    status = (
        RegistrationStatus.REGISTERED if taken < session.capacity else RegistrationStatus.WAITLISTED
    )
    registration = Registration.objects.create(
        session=session,
        name=name.strip()[:200],
        email=address,
        phone=phone.strip()[:40],
        user=user if getattr(user, "is_authenticated", False) else None,
        language=outbox.site_language(language),
        status=status,
        client_ip=client_ip,
    )
    if status == RegistrationStatus.REGISTERED:
        _tell(registration, Kind.REGISTERED)
        _schedule_reminder(registration)
    else:
        _tell(registration, Kind.WAITLISTED)
    return registration


@transaction.atomic
def cancel_registration(*, registration: Registration) -> Registration | None:
    """Cancel a registration (again is a no-op); a freed seat goes to the first person waiting,
    who is told by email. Returns the registration promoted, if any."""
    session = EventSession.objects.select_for_update().get(pk=registration.session_id)
    current = Registration.objects.get(pk=registration.pk)
    if current.status == RegistrationStatus.CANCELLED:
        return None
    freed = current.status == RegistrationStatus.REGISTERED
    current.status = RegistrationStatus.CANCELLED
    current.cancelled_at = timezone.now()
    current.save(update_fields=["status", "cancelled_at", "updated_at"])
    registration.status, registration.cancelled_at = current.status, current.cancelled_at
    outbox.withdraw(reference=current.reference, kinds=[Kind.REMINDER])
    if not freed or not session.is_open():
        return None
    promoted = fill_from_waitlist(session=session)
    return promoted[0] if promoted else None


def fill_from_waitlist(*, session: EventSession) -> list[Registration]:
    """Give free seats to the people waiting, first come first served (caller holds the lock)."""
    taken = Registration.objects.filter(
        session=session, status=RegistrationStatus.REGISTERED
    ).count()
    free = session.capacity - taken
    if free <= 0 or session.is_cancelled:
        return []
    waiting = list(
        Registration.objects.filter(session=session, status=RegistrationStatus.WAITLISTED).order_by(
            "created_at", "id"
        )[:free]
    )
    now = timezone.now()
    for registration in waiting:
        registration.status = RegistrationStatus.REGISTERED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at", "updated_at"])
        _tell(registration, Kind.PROMOTED)
        _schedule_reminder(registration)
    return waiting


@transaction.atomic
def change_capacity(*, session: EventSession, capacity: int) -> list[Registration]:
    """Set a session's seats; more seats go to the people waiting. Fewer seats never remove
    anyone already registered."""
    locked = EventSession.objects.select_for_update().get(pk=session.pk)
    locked.capacity = capacity
    locked.save(update_fields=["capacity", "updated_at"])
    session.capacity = capacity
    return fill_from_waitlist(session=locked) if locked.is_open() else []


@transaction.atomic
def cancel_session(*, session: EventSession) -> int:
    """Cancel one session: calendars get STATUS:CANCELLED with a new SEQUENCE, everyone
    registered or waiting is told, and their reminders are withdrawn. Returns how many."""
    locked = EventSession.objects.select_for_update().get(pk=session.pk)
    if locked.is_cancelled:
        return 0
    locked.status = SessionStatus.CANCELLED
    locked.sequence += 1
    locked.save(update_fields=["status", "sequence", "updated_at"])
    session.status, session.sequence = locked.status, locked.sequence
    told = 0
    for registration in Registration.objects.filter(session=locked, status__in=ACTIVE):
        outbox.withdraw(reference=registration.reference, kinds=[Kind.REMINDER])
        _tell(registration, Kind.SESSION_CANCELLED)
        told += 1
    return told


def _tell(registration: Registration, kind: str, *, due_at: datetime | None = None) -> None:
    outbox.enqueue(
        kind=kind,
        to=registration.email,
        dedupe_key=f"{kind}:{registration.public_id}:{registration.session.sequence}",
        language=registration.language,
        context={"registration": str(registration.public_id)},
        reference=registration.reference,
        user=registration.user,
        due_at=due_at,
    )


def _schedule_reminder(registration: Registration) -> None:
    due = registration.session.reminder_due()
    if due > timezone.now():
        _tell(registration, Kind.REMINDER, due_at=due)
