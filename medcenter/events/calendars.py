"""Calendar files (RFC 5545, built with icalendar): one session for the person registered,
and series (with RRULE/EXDATE) for the public .ics and the subscribable feed.

UIDs are stable (the public ids), SEQUENCE rises with every change, times carry their TZID
with a VTIMEZONE, and a cancelled session is STATUS:CANCELLED (or an EXDATE of its series)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vRecur, vText

from medcenter.events import recurrence
from medcenter.events.models import EventSeries, EventSession, SessionStatus


def _domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "medcenter.invalid"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//medcenter//events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _place(series: EventSeries, *, with_link: bool) -> str:
    location = series.location
    if location is None:
        return series.virtual_url if with_link else "Online"
    room = f"{series.room}, " if series.room else ""
    return (
        f"{room}{location.name}, {location.street}, {location.city}, "
        f"{location.region} {location.postal_code}"
    )


def _common(event: Event, series: EventSeries, *, with_link: bool) -> None:
    event.add("summary", series.localized("title"))
    description = series.localized("description")
    if with_link and series.virtual_url:
        description = f"{description}\n\n{series.virtual_url}".strip()
    event.add("description", description)
    event.add("location", vText(_place(series, with_link=with_link)))
    event.add("url", str(settings.SITE_URL).rstrip("/") + series.get_absolute_url())
    organizer = vCalAddress(f"mailto:{settings.CENTER['email']}")
    organizer.params["cn"] = vText(settings.CENTER["name"])
    event["organizer"] = organizer


def _finish(calendar: Calendar) -> bytes:
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def session_ics(session: EventSession, *, with_link: bool) -> bytes:
    """One session as one VEVENT, for the person registered (with the virtual link)."""
    series = session.series
    calendar = _calendar(series.localized("title"))
    event = Event()
    event.add("uid", f"session-{session.public_id}@{_domain()}")
    event.add("dtstamp", session.updated_at or timezone.now())
    event.add("dtstart", session.local_start)
    event.add("dtend", session.local_end)
    event.add("sequence", series.sequence + session.sequence)
    cancelled = session.status == SessionStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    _common(event, series, with_link=with_link)
    calendar.add_component(event)
    return _finish(calendar)


def _series_event(series: EventSeries, cancelled: list[EventSession]) -> Event | None:
    first = recurrence.first_wall(series)
    if first is None:
        return None
    zone = series.zone
    start = recurrence.place(first, zone)
    end = recurrence.place(first + series_length(series), zone)
    event = Event()
    event.add("uid", f"series-{series.public_id}@{_domain()}")
    event.add("dtstamp", series.updated_at or timezone.now())
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("sequence", series.sequence + sum(s.sequence for s in cancelled))
    if series.rrule:
        event.add("rrule", vRecur.from_ical(series.rrule))
        skipped: list[datetime] = [
            recurrence.place(datetime.combine(day, series.start_time), zone)
            for day in sorted(recurrence.excluded_dates(series))
        ]
        skipped += [s.local_start for s in cancelled]
        if skipped:
            event.add("exdate", sorted(set(skipped)))
        event.add("status", "CONFIRMED")
    else:
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    _common(event, series, with_link=False)
    return event


def series_length(series: EventSeries) -> timedelta:
    return timedelta(minutes=series.duration_minutes)


def series_ics(series_list: Iterable[EventSeries], *, name: str) -> bytes:
    """Series as recurring VEVENTs: the public .ics of one event and the feed of many."""
    calendar = _calendar(name)
    for series in series_list:
        cancelled = [s for s in series.sessions.all() if s.status == SessionStatus.CANCELLED]
        event = _series_event(series, cancelled)
        if event is not None:
            calendar.add_component(event)
    return _finish(calendar)
