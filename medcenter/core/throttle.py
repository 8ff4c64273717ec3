"""Hourly limits on public submissions (referrals, trial contact requests): HTTP 429."""

from datetime import timedelta

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import throttling

from medcenter.core.clientaddr import client_ip


class Throttled(Exception):
    """Too many submissions; `retry_after` is in seconds (the Retry-After of the 429)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def check_hourly(rows: QuerySet, *, at: str, limit: int, message: str) -> None:  # type: ignore[type-arg]
    """Raise Throttled if `rows` (one sender's submissions) hold `limit` or more in the last
    hour, `at` naming their time field; retry when the oldest of them leaves the hour."""
    since = timezone.now() - timedelta(hours=1)
    times = list(
        rows.filter(**{f"{at}__gt": since}).order_by(at).values_list(at, flat=True)[:limit]
    )
    if len(times) >= limit:
        wait = times[0] + timedelta(hours=1) - timezone.now()
        raise Throttled(message, int(wait.total_seconds()) + 1)


class AnonRateThrottle(throttling.AnonRateThrottle):
    """ninja's per-address limit for anonymous calls, keyed on `core.clientaddr` (ninja's own
    reading trusts any X-Forwarded-For a client sends)."""

    def get_ident(self, request: HttpRequest) -> str | None:
        return client_ip(request)


class AuthRateThrottle(throttling.AuthRateThrottle):
    """ninja's per-user limit, with the same client address where it falls back to one."""

    def get_ident(self, request: HttpRequest) -> str | None:
        return client_ip(request)
