"""The board's meetings as calendar events (.ics, RFC 5545), built with icalendar."""

from django.conf import settings
from icalendar import Calendar, Event, vText

from medcenter.tumorboards import selectors
from medcenter.tumorboards.models import Board, MeetingStatus


def board_ics(board: Board) -> bytes:
    """One VEVENT per meeting; a cancelled one is STATUS:CANCELLED with the same UID."""
    calendar = Calendar()
    calendar.add("prodid", "-//medcenter//tumorboards//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "medcenter.invalid"
    for meeting in selectors.board_calendar(board):
        cancelled = meeting.status == MeetingStatus.CANCELLED
        event = Event()
        event.add("uid", f"{meeting.public_id}@{domain}")
        event.add("dtstamp", meeting.updated_at)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at)
        event.add("sequence", 1 if cancelled else 0)
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        event.add("summary", f"{board.name} - {settings.CENTER['short_name']}")
        if board.location:
            event.add("location", vText(board.location))
        calendar.add_component(event)
    return bytes(calendar.to_ical())
