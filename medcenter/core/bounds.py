"""Dates and numbers from an address, a query or a form, parsed into ranges the code can use.

`date.max + 1 day` is an OverflowError and an offset past 2**63 is a database error: both
would be a 500. Every date, instant and whole number a request carries goes through here, and
one outside its range is refused with a message in the request's language. `OutOfBounds` is a
`ValidationError` (the API answers it as a 400 problem) and a `BadRequest` (a page answers it
with the 400 page, which shows the message).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from django.core.exceptions import BadRequest, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import AfterValidator

EARLIEST = date(1900, 1, 1)
"""No date the center handles (a birth, a visit, a result) is older."""
LATEST = date(2199, 12, 31)
"""No date the center handles is later; far from `date.max`, so date arithmetic stays safe."""
MAX_OFFSET = 1_000_000
"""The deepest a page or offset may go; far below a database's bigint."""


class OutOfBounds(ValidationError, BadRequest):
    """A value from the request that cannot be used: a 400, with a message per field."""


def _refuse(name: str, message: str) -> OutOfBounds:
    return OutOfBounds({name: [message]}, code="invalid")


def _range_message(earliest: date, latest: date) -> str:
    return _("Enter a date between %(earliest)s and %(latest)s.") % {
        "earliest": earliest.isoformat(),
        "latest": latest.isoformat(),
    }


def check_date(value: date, *, name: str, earliest: date = EARLIEST, latest: date = LATEST) -> date:
    """`value` itself, or OutOfBounds when it lies outside [earliest, latest]."""
    if not earliest <= value <= latest:
        raise _refuse(name, _range_message(earliest, latest))
    return value


def parse_date(
    value: str | None,
    *,
    name: str,
    default: Callable[[], date] = timezone.localdate,
    earliest: date = EARLIEST,
    latest: date = LATEST,
) -> date:
    """An ISO date (YYYY-MM-DD) within [earliest, latest]; `default()` when empty."""
    if not value:
        return default()
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise _refuse(name, _("Enter a valid date.")) from None
    return check_date(day, name=name, earliest=earliest, latest=latest)


def check_datetime(
    value: datetime, *, name: str, earliest: date = EARLIEST, latest: date = LATEST
) -> datetime:
    """`value` (made aware in the center's zone if naive), within [earliest, latest]."""
    if not earliest <= value.date() <= latest:
        raise _refuse(name, _range_message(earliest, latest))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def parse_datetime(
    value: str | None, *, name: str, earliest: date = EARLIEST, latest: date = LATEST
) -> datetime | None:
    """An ISO date-time within [earliest, latest], aware; None when empty."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _refuse(name, _("Enter a valid date/time.")) from None
    return check_datetime(moment, name=name, earliest=earliest, latest=latest)


def parse_int(
    value: str | None,
    *,
    name: str,
    default: int,
    low: int = 0,
    high: int = MAX_OFFSET,
) -> int:
    """A whole number within [low, high]; `default` when empty."""
    if value is None or value == "":
        return default
    text = value.strip()
    # Refuse long digit strings before int() (which is quadratic on them) and before the DB.
    if len(text) > 20:
        raise _refuse(name, _between(low, high))
    try:
        number = int(text)
    except ValueError:
        raise _refuse(name, _("Enter a whole number.")) from None
    if not low <= number <= high:
        raise _refuse(name, _between(low, high))
    return number


def _between(low: int, high: int) -> str:
    return _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}


def _api_instant(value: datetime) -> datetime:
    if not EARLIEST <= value.date() <= LATEST:
        # pydantic reports a ValueError's text as the field's message (see core.problems).
        raise ValueError(_range_message(EARLIEST, LATEST))
    return value


Instant = Annotated[datetime, AfterValidator(_api_instant)]
"""An API query or body date-time between EARLIEST and LATEST."""


def form_date_validators(
    *, earliest: date | Callable[[], date] = EARLIEST, latest: date | Callable[[], date] = LATEST
) -> list[Callable[[Any], None]]:
    """Validators for a form's DateField: the value lies within [earliest, latest]."""

    def validate(value: Any) -> None:
        if value is None:
            return
        low = earliest() if callable(earliest) else earliest
        high = latest() if callable(latest) else latest
        day = value.date() if isinstance(value, datetime) else value
        if not low <= day <= high:
            raise ValidationError(_range_message(low, high), code="out_of_range")

    return [validate]


def today_plus(days: int) -> Callable[[], date]:
    """A latest date relative to today, for `form_date_validators(latest=...)`."""
    return lambda: timezone.localdate() + timedelta(days=days)
