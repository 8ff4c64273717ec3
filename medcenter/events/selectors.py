"""Reads for events: the public listing with its filters, one series, the feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from medcenter.directory.models import Program
from medcenter.directory.program_events import ProgramEvents, UpcomingEvent
from medcenter.events.formatting import when
from medcenter.events.models import (
    EventSeries,
    EventSession,
    RegistrationStatus,
    SessionStatus,
)

MAX_LISTED = 200


@dataclass(frozen=True)
class EventFilters:
    program: str = ""  # a program slug
    kind: str = ""
    audience: str = ""
    language: str = ""
    virtual: bool | None = None
    starts: date | None = None
    ends: date | None = None

    def series_q(self, prefix: str = "") -> Q:
        q = Q(**{f"{prefix}is_published": True})
        if self.program:
            q &= Q(**{f"{prefix}program__slug": self.program})
        if self.kind:
            q &= Q(**{f"{prefix}kind": self.kind})
        if self.audience:
            q &= Q(**{f"{prefix}audience": self.audience})
        if self.language:
            q &= Q(**{f"{prefix}language": self.language})
        if self.virtual is not None:
            q &= Q(**{f"{prefix}location__isnull": self.virtual})
        return q

    def window(self) -> tuple[datetime, datetime | None]:
        zone = timezone.get_current_timezone()
        start = timezone.now()
        if self.starts is not None:
            start = max(start, datetime.combine(self.starts, time.min, zone))
        end = datetime.combine(self.ends, time.max, zone) if self.ends is not None else None
        return start, end


def with_seats(sessions: QuerySet[EventSession]) -> QuerySet[EventSession]:
    return sessions.annotate(
        taken=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED))
    )


def find_sessions(filters: EventFilters, *, limit: int = MAX_LISTED) -> list[EventSession]:
    """Upcoming scheduled sessions of published series matching `filters`, soonest first."""
    start, end = filters.window()
    sessions = EventSession.objects.filter(
        filters.series_q("series__"), status=SessionStatus.SCHEDULED, ends_at__gt=start
    )
    if end is not None:
        sessions = sessions.filter(starts_at__lte=end)
    found = with_seats(
        sessions.select_related("series__location", "series__program").order_by("starts_at", "id")
    )
    return list(found[:limit])


def feed_series(filters: EventFilters) -> list[EventSeries]:
    """Published series matching `filters`, with a session in the date range if one is given."""
    series = EventSeries.objects.filter(filters.series_q()).select_related("location", "program")
    if filters.starts is not None or filters.ends is not None:
        start, end = filters.window()
        within = Q(sessions__ends_at__gt=start)
        if end is not None:
            within &= Q(sessions__starts_at__lte=end)
        series = series.filter(within).distinct()
    return list(series.prefetch_related("sessions").order_by("slug")[:MAX_LISTED])


def get_series(*, slug: str) -> EventSeries | None:
    return (
        EventSeries.objects.published()
        .select_related("location", "program")
        .filter(slug=slug)
        .first()
    )


def upcoming_sessions(series: EventSeries, *, limit: int = 52) -> list[EventSession]:
    sessions = series.sessions.filter(ends_at__gt=timezone.now()).order_by("starts_at")
    return list(with_seats(sessions)[:limit])


def seats_left(session: Any) -> int:
    return max(0, int(session.capacity) - int(getattr(session, "taken", 0)))


def language_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def upcoming_for_program(program: Program, *, limit: int = 3) -> ProgramEvents:
    """The program page's next few sessions (one per series), and the list filtered to it."""
    seen: set[int] = set()
    items = []
    for session in find_sessions(EventFilters(program=program.slug), limit=30):
        if session.series_id in seen:
            continue
        seen.add(session.series_id)
        series = session.series
        items.append(
            UpcomingEvent(
                title=series.localized_title,
                title_language=series.language_of("title"),
                starts_at=session.local_start,
                when=when(session),
                url=series.get_absolute_url(),
            )
        )
        if len(items) == limit:
            break
    return ProgramEvents(items, reverse("events:list") + f"?program={program.slug}")
