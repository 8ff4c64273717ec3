"""What Find a Doctor shows of a clinician's availability, supplied by whoever owns it.

Scheduling is downstream of the directory, so the directory cannot ask it: scheduling
registers a provider from its `AppConfig.ready()` (`register_next_available`), the same way
patients learns who staff may search for. Without one (scheduling not installed) cards and
profiles simply show no line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from html import escape

from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from medcenter.directory.models import Clinician


@dataclass(frozen=True)
class NextAvailable:
    """The earliest new-patient visit one can book with a clinician, or where to ask for one."""

    starts_at: datetime | None  # aware, in the time zone of the place of the visit
    url: str  # the slot picker at that visit, or the request form for this clinician


Provider = Callable[[Sequence[Clinician]], Mapping[int, NextAvailable]]

_provider: list[Provider] = []


def register_next_available(provider: Provider) -> None:
    """Let `provider` answer next_available (one provider; registering again replaces it)."""
    _provider[:] = [provider]


def next_available(clinicians: Sequence[Clinician]) -> Mapping[int, NextAvailable]:
    """Each clinician's next available visit, by primary key, for one page in one call."""
    if not _provider or not clinicians:
        return {}
    return _provider[0](clinicians)


def when(starts_at: datetime) -> str:
    """A visit's start as the visitor reads it: weekday, day and month, time of day."""
    return _("%(weekday)s, %(date)s at %(time)s") % {
        "weekday": formats.date_format(starts_at, "D"),
        # A format name or a format: Russian needs the month's genitive ("j E"), which the
        # locale's MONTH_DAY_FORMAT does not give.
        "date": formats.date_format(
            starts_at, pgettext("format of a visit's day and month", "MONTH_DAY_FORMAT")
        ),
        "time": formats.time_format(starts_at, "TIME_FORMAT"),
    }


def render(clinician: Clinician, found: NextAvailable | None) -> SafeString:
    """The card's and the profile's line: the next time, linked to book it, or the request."""
    if found is None:
        return mark_safe("")
    return _line(clinician.display_name, found.url, found.starts_at, get_language())


@lru_cache(maxsize=8192)
def _line(name: str, url: str, starts_at: datetime | None, language: str | None) -> SafeString:
    """The line for these values in the active `language` (part of the key: the words and the
    date format follow it). Formatting dates is most of a card's cost, and the same clinicians
    and times come back on page after page, so the lines are kept (bounded)."""
    url = escape(url)
    if starts_at is None:
        text = escape(_("Request an appointment"))
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<p class="next-available"><a href="{url}">{text}'
            f'<span class="visually-hidden"> ({escape(name)})</span></a></p>'
        )
    label = escape(_("Next available for new patients:"))
    stamp = escape(starts_at.isoformat())
    shown = escape(when(starts_at))
    book = escape(_("book with %(name)s") % {"name": name})
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<p class="next-available">{label} <a href="{url}"><time datetime="{stamp}">{shown}'
        f'</time><span class="visually-hidden"> ({book})</span></a></p>'
    )
