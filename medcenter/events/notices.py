"""How events' messages are worded: templates per kind (templates/events/notices/), sent
through the core outbox in the registrant's language, each with the session's .ics.

The context is looked up when the message is sent, by the registration's public id; a
message that no longer applies (the person cancelled before their reminder) is withdrawn."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import formats

from medcenter.core import outbox
from medcenter.core.models import Notification

CATEGORY = "events"


class Kind(models.TextChoices):
    REGISTERED = "events.registered"
    WAITLISTED = "events.waitlisted"
    PROMOTED = "events.promoted"
    REMINDER = "events.reminder"
    SESSION_CANCELLED = "events.session_cancelled"


def _registration(note: Notification) -> Any:
    from medcenter.events.models import Registration

    public_id = note.context.get("registration")
    if not public_id:
        return None
    return (
        Registration.objects.select_related("session__series__location")
        .filter(public_id=public_id)
        .first()
    )


def _describe(registration: Any, language: str) -> dict[str, Any]:
    from medcenter.events import links

    session = registration.session
    series = session.series
    local = session.local_start
    return {
        "registration": registration,
        "session": session,
        "name": registration.name,
        "title": series.localized("title", language),
        "when": formats.date_format(local, "DATETIME_FORMAT") + f" ({series.time_zone})",
        "where": series.location.name if series.location else "",
        "virtual_url": series.virtual_url,
        "manage": links.manage_url(registration, language=language, absolute=True),
        "phone": settings.CENTER["phone"],
        "center": settings.CENTER["name"],
    }


def _for(*statuses: str, session_open: bool = True) -> Any:
    def build(note: Notification) -> dict[str, Any] | None:
        registration = _registration(note)
        if registration is None or registration.status not in statuses:
            return None
        if session_open and registration.session.is_cancelled:
            return None
        return _describe(registration, note.language)

    return build


def _cancelled(note: Notification) -> dict[str, Any] | None:
    registration = _registration(note)
    if registration is None or not registration.session.is_cancelled:
        return None
    return _describe(registration, note.language)


def calendar_file(note: Notification, variables: Mapping[str, Any]) -> list[outbox.Attachment]:
    from medcenter.events import calendars

    session = variables["session"]
    ics = calendars.session_ics(session, with_link=True)
    return [outbox.Attachment("event.ics", ics, "text/calendar")]


def register() -> None:
    notices = "events/notices"
    registered = _for("registered")
    outbox.register(
        Kind.REGISTERED,
        templates=f"{notices}/registered",
        category=CATEGORY,
        context=registered,
        attachments=calendar_file,
    )
    outbox.register(
        Kind.WAITLISTED,
        templates=f"{notices}/waitlisted",
        category=CATEGORY,
        context=_for("waitlisted"),
    )
    outbox.register(
        Kind.PROMOTED,
        templates=f"{notices}/promoted",
        category=CATEGORY,
        context=registered,
        attachments=calendar_file,
    )
    outbox.register(
        Kind.REMINDER,
        templates=f"{notices}/reminder",
        category=CATEGORY,
        context=registered,
        attachments=calendar_file,
    )
    outbox.register(
        Kind.SESSION_CANCELLED,
        templates=f"{notices}/session_cancelled",
        category=CATEGORY,
        context=_cancelled,
        attachments=calendar_file,
    )
