"""What the events pages show of a session: its local date and time in the visitor's
language, seats left, and schema.org Event data (https://schema.org/Event)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from medcenter.core.ldjson import ld_json
from medcenter.events import selectors
from medcenter.events.formatting import when
from medcenter.events.models import EventSeries, EventSession


def session_rows(sessions: Sequence[EventSession]) -> list[dict[str, Any]]:
    return [
        {
            "session": s,
            "series": s.series,
            "when": when(s),
            "seats_left": selectors.seats_left(s),
            "id": str(s.public_id),
        }
        for s in sessions
    ]


def session_labels(sessions: Sequence[EventSession]) -> dict[str, str]:
    labels = {}
    for s in sessions:
        left = selectors.seats_left(s)
        seats = (
            ngettext("%(n)s seat left", "%(n)s seats left", left) % {"n": left}
            if left
            else _("full: join the waitlist")
        )
        labels[str(s.public_id)] = f"{when(s)} ({s.series.time_zone}) · {seats}"
    return labels


def _place(series: EventSeries, request: HttpRequest) -> dict[str, Any]:
    location = series.location
    if location is None:
        # The real link is for registrants only; the public data points at the event's page.
        return {
            "@type": "VirtualLocation",
            "url": request.build_absolute_uri(series.get_absolute_url()),
        }
    return {
        "@type": "Place",
        "name": location.name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": location.street,
            "addressLocality": location.city,
            "addressRegion": location.region,
            "postalCode": location.postal_code,
            "addressCountry": location.country,
        },
    }


def event_ld(
    series: EventSeries, sessions: Sequence[EventSession], request: HttpRequest
) -> SafeString:
    """One schema.org Event per upcoming session (at most 20)."""
    url = request.build_absolute_uri(series.get_absolute_url())
    mode = (
        "https://schema.org/OnlineEventAttendanceMode"
        if series.is_virtual
        else "https://schema.org/OfflineEventAttendanceMode"
    )
    items = []
    for session in sessions[:20]:
        status = (
            "https://schema.org/EventCancelled"
            if session.is_cancelled
            else "https://schema.org/EventScheduled"
        )
        items.append(
            {
                "@context": "https://schema.org",
                "@type": "Event",
                "name": series.localized("title"),
                "description": series.localized("description"),
                "startDate": session.local_start.isoformat(),
                "endDate": session.local_end.isoformat(),
                "eventStatus": status,
                "eventAttendanceMode": mode,
                "location": _place(series, request),
                "inLanguage": series.language,
                "url": url,
                "isAccessibleForFree": True,
                "maximumAttendeeCapacity": session.capacity,
                "organizer": {
                    "@type": "Organization",
                    "name": settings.CENTER["name"],
                    "url": request.build_absolute_uri("/"),
                },
                "offers": {
                    "@type": "Offer",
                    "price": "0",
                    "priceCurrency": "USD",
                    "url": url,
                    "availability": "https://schema.org/InStock"
                    if selectors.seats_left(session)
                    else "https://schema.org/SoldOut",
                },
            }
        )
    return ld_json(items)
