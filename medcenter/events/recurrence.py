"""Occurrences of a series: its rule (dateutil's RFC 5545 RRULE) in the series' own time zone.

A weekly class at 18:00 in New York stays at 18:00 local time across a daylight-saving change,
so occurrences are computed as wall-clock times and only then placed in the zone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from medcenter.events.models import EventSeries

# A rule may not make more than this many sessions within the horizon (a typo like
# FREQ=MINUTELY would otherwise fill the table).
MAX_OCCURRENCES = 400
ALLOWED_FREQ = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}


def check_rule(text: str) -> None:
    """Refuse a rule dateutil cannot read, one with its own DTSTART, or one more often than daily."""
    upper = text.upper()
    if "DTSTART" in upper or "\n" in text:
        raise ValidationError(_("Write the rule without DTSTART, on one line."))
    parts = dict(p.split("=", 1) for p in upper.split(";") if "=" in p)
    if parts.get("FREQ") not in ALLOWED_FREQ:
        raise ValidationError(_("A series repeats daily, weekly, monthly or yearly."))
    try:
        rrulestr(text, dtstart=datetime(2026, 1, 1, 9, 0))
    except (ValueError, TypeError) as error:
        raise ValidationError(_("This repeat rule cannot be read.")) from error


def check_exdates(values: object) -> None:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValidationError(_("Give the skipped dates as a list of YYYY-MM-DD."))
    for value in values:
        try:
            date.fromisoformat(value)
        except ValueError as error:
            raise ValidationError(_("Give the skipped dates as a list of YYYY-MM-DD.")) from error


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
    assert isinstance(rule, rrule)
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
    assert isinstance(rule, rrule)
    for start in rule:
        return start
    return None
