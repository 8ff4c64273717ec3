"""Calendar invitations (.ics, RFC 5545) for appointments, built with icalendar."""

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from medcenter.scheduling.models import Appointment, AppointmentStatus


def appointment_ics(appointment: Appointment) -> bytes:
    """One VEVENT; a cancelled appointment gives METHOD:CANCEL for the same UID."""
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", "-//medcenter//scheduling//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "medcenter.invalid"
    event.add("uid", f"{appointment.public_id}@{domain}")
    event.add("dtstamp", appointment.updated_at)
    event.add("dtstart", appointment.start)
    event.add("dtend", appointment.end)
    event.add("sequence", 1 if cancelled else 0)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("summary", f"{appointment.visit_type.name} - {settings.CENTER['short_name']}")
    location = appointment.location
    event.add(
        "location",
        vText(
            f"{location.name}, {location.street}, {location.city}, "
            f"{location.region} {location.postal_code}"
        ),
    )
    event.add("description", f"{appointment.owner_label}. {settings.CENTER['phone']}")
    organizer = vCalAddress(f"mailto:{settings.CENTER['email']}")
    organizer.params["cn"] = vText(settings.CENTER["name"])
    event["organizer"] = organizer
    calendar.add_component(event)
    return bytes(calendar.to_ical())
