"""Occurrences of a series: its rule (dateutil's RFC 5545 RRULE) in the series' own time zone.

A weekly class at 18:00 in New York stays at 18:00 local time across a daylight-saving change,
so occurrences are computed as wall-clock times and only then placed in the zone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from medcenter.events.rules import MAX_OCCURRENCES

if TYPE_CHECKING:
    from medcenter.events.models import EventSeries


def excluded_dates(series: EventSeries) -> set[date]:
    return {date.fromisoformat(v) for v in series.exdates or []}


def local_starts(series: EventSeries, *, until: date) -> Iterator[datetime]:
    """Naive wall-clock starts from the first date up to `until` (inclusive), skipping the
    series' excluded dates."""
    first = datetime.combine(series.first_date, series.start_time)
    if not series.rrule:
        if series.first_date <= until:
            yield first
        return
    rule = rrulestr(series.rrule, dtstart=first)
    skipped = excluded_dates(series)
    end = datetime.combine(until, time.max)
    for count, start in enumerate(rule):
        if start > end or count >= MAX_OCCURRENCES:
            return
        if start.date() not in skipped:
            yield start


def place(wall: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time in `zone`, as an aware instant (a time in the spring gap moves on)."""
    aware = wall.replace(tzinfo=zone)
    return aware.astimezone(ZoneInfo("UTC")).astimezone(zone)


def occurrences(series: EventSeries, *, until: date) -> list[tuple[datetime, datetime]]:
    """(start, end) aware instants of every occurrence up to `until`."""
    zone = series.zone
    length = timedelta(minutes=series.duration_minutes)
    return [
        (place(start, zone), place(start + length, zone))
        for start in local_starts(series, until=until)
    ]


def first_wall(series: EventSeries) -> datetime | None:
    """The rule's first occurrence (RFC 5545 counts DTSTART as one, so a feed starts here)."""
    first = datetime.combine(series.first_date, series.start_time)
    if not series.rrule:
        return first
    rule = rrulestr(series.rrule, dtstart=first)
    for start in rule:
        found: datetime = start
        return found
    return None
