"""Checks of a series' repeat rule and skipped dates, kept apart from the models (which use
them in `clean`) and from the recurrence engine (which uses the limit)."""

from __future__ import annotations

from datetime import date, datetime

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# A rule may not make more than this many sessions within the horizon (a typo like
# FREQ=MINUTELY would otherwise fill the table).
MAX_OCCURRENCES = 400
ALLOWED_FREQ = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}


def check_rule(text: str) -> None:
    """Refuse a rule dateutil cannot read, one with a DTSTART, or one more often than daily."""
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
