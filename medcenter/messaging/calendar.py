"""Business days for reply targets: weekends and the center's holidays are not counted.

The holidays are scheduling's calendar (a center-wide `AvailabilityException` of kind holiday,
no clinician, resource or location), read with the same rule as the referral contact timer:
a day is a holiday when the exception covers its noon. One query per call, whatever the span.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from medcenter.scheduling.models import AvailabilityException, ExceptionKind

# A reply target is at most 3 business days; a fortnight always holds that many, bar a long
# closure, which the loop below still walks through correctly (it asks again).
WINDOW_DAYS = 21


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def holidays_between(first: date, last: date) -> set[date]:
    """The center-wide holidays from `first` to `last` (inclusive)."""
    rows = AvailabilityException.objects.filter(
        kind=ExceptionKind.HOLIDAY,
        clinician__isnull=True,
        resource__isnull=True,
        location__isnull=True,
        starts_at__lte=_noon(last),
        ends_at__gt=_noon(first),
    ).values_list("starts_at", "ends_at")
    found: set[date] = set()
    for starts_at, ends_at in rows:
        day = max(first, timezone.localtime(starts_at).date() - timedelta(days=1))
        while day <= last:
            noon = _noon(day)
            if starts_at <= noon < ends_at:
                found.add(day)
            elif noon >= ends_at:
                break
            day += timedelta(days=1)
    return found


def add_business_days(moment: datetime, days: int) -> datetime:
    """`days` business days after `moment`, at the same local time of day."""
    local = timezone.localtime(moment)
    day = local.date()
    remaining = days
    while True:
        first = day + timedelta(days=1)
        closed = holidays_between(first, first + timedelta(days=WINDOW_DAYS))
        for offset in range(WINDOW_DAYS + 1):
            day = first + timedelta(days=offset)
            if day.weekday() < 5 and day not in closed:
                remaining -= 1
                if remaining <= 0:
                    return timezone.make_aware(
                        datetime.combine(day, local.time().replace(tzinfo=None))
                    )
        day = first + timedelta(days=WINDOW_DAYS)
