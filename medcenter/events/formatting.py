"""A session's date and time as the page's language writes them, in the event's own zone."""

from __future__ import annotations

from django.utils import formats

from medcenter.events.models import EventSession


def when(session: EventSession) -> str:
    start, end = session.local_start, session.local_end
    return "{} {}\u2013{}".format(
        formats.date_format(start, "DATE_FORMAT"),
        formats.time_format(start, "TIME_FORMAT"),
        formats.time_format(end, "TIME_FORMAT"),
    )
