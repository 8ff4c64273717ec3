"""Reads for Give Now: funds, campaign progress, a donor's gifts, the back office's gift list."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as dt_time
from typing import Any, TypeVar
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from medcenter.core import bounds
from medcenter.giving import tokens
from medcenter.giving.models import (
    RECEIVED,
    Campaign,
    Donor,
    Frequency,
    Fund,
    GatewayEvent,
    Gift,
    GiftStatus,
    GiftTally,
    MatchingGift,
    MatchStatus,
    MonthlyPlan,
    Receipt,
)
from medcenter.giving.money import CURRENCIES

_Row = TypeVar("_Row", Gift, GiftTally)


def active_funds() -> QuerySet[Fund]:
    return Fund.objects.filter(is_active=True).select_related("program")


def open_campaigns() -> QuerySet[Campaign]:
    today = timezone.localdate()
    return Campaign.objects.filter(
        is_published=True, starts_on__lte=today, ends_on__gte=today
    ).select_related("fund")


def get_fund(*, slug: str) -> Fund:
    fund = active_funds().filter(slug=slug).first()
    if fund is None:
        raise Http404
    return fund


def get_campaign(*, slug: str) -> Campaign:
    campaign = Campaign.objects.filter(slug=slug, is_published=True).select_related("fund").first()
    if campaign is None:
        raise Http404
    return campaign


@dataclass(frozen=True)
class Progress:
    raised_minor: int
    goal_minor: int
    currency: str
    gifts: int

    @property
    def percent(self) -> int:
        return min(100, self.raised_minor * 100 // self.goal_minor) if self.goal_minor else 0


def campaign_progress(campaign: Campaign) -> Progress:
    """What a campaign has raised in its currency, net of refunds: one query over its few
    tally rows (kept with each gift's changes), never over its gifts."""
    found = GiftTally.objects.filter(
        campaign_key=campaign.pk, currency=campaign.currency, status__in=RECEIVED
    ).aggregate(
        raised=Sum(F("amount_minor") + F("fee_minor") - F("refunded_minor")),
        counted=Sum("gifts"),
    )
    return Progress(
        raised_minor=int(found["raised"] or 0),
        goal_minor=campaign.goal_minor,
        currency=campaign.currency,
        gifts=int(found["counted"] or 0),
    )


def get_gift_by_token(*, token: str) -> Gift:
    public_id = tokens.read_gift_token(token)
    if public_id is None:
        raise Http404
    gift = (
        Gift.objects.select_related("donor", "fund", "plan", "campaign")
        .filter(public_id=public_id)
        .first()
    )
    if gift is None:
        raise Http404
    return gift


def get_donor_by_token(*, token: str) -> Donor:
    public_id = tokens.read_donor_token(token)
    if public_id is None:
        raise Http404
    donor = Donor.objects.filter(public_id=public_id).first()
    if donor is None:
        raise Http404
    return donor


def donor_history(donor: Donor) -> dict[str, Any]:
    gifts = list(
        Gift.objects.filter(donor=donor)
        .exclude(status=GiftStatus.PENDING)
        .select_related("fund")
        .order_by("-created_at")[:200]
    )
    return {
        "gifts": gifts,
        "receipts": list(
            Receipt.objects.filter(gift__donor=donor)
            .select_related("gift")
            .order_by("-number")[:200]
        ),
        "plans": list(
            MonthlyPlan.objects.filter(donor=donor).exclude(status="pending").select_related("fund")
        ),
    }


# --- The back office's list (R15: allow-listed filters and sorts, keyset pages) ---------------

SORTS: dict[str, tuple[str, bool]] = {
    "-created": ("created_at", True),
    "created": ("created_at", False),
    "-amount": ("amount_minor", True),
    "amount": ("amount_minor", False),
}
FILTERS = ("status", "fund", "currency", "frequency", "gateway", "email", "since", "until")
PAGE_SIZE = 50


@dataclass(frozen=True)
class GiftTotals:
    gifts: int
    # (currency, received net of refunds) for each currency with a matching gift, most gifts
    # first; money is never added across currencies.
    net: list[tuple[str, int]]


@dataclass(frozen=True)
class GiftPage:
    gifts: list[Gift]
    next_cursor: str
    sort: str
    filters: dict[str, str]
    totals: GiftTotals | None = None


def _cursor(value: Any, pk: int) -> str:
    text = json.dumps([value.isoformat() if isinstance(value, datetime) else value, pk])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _read_cursor(cursor: str, field: str) -> tuple[Any, int]:
    message = _("This page link is no longer valid. Start from the first page.")
    try:
        value, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, binascii.Error):
        raise ValidationError({"after": [message]}) from None
    if not isinstance(pk, int) or isinstance(pk, bool):
        raise ValidationError({"after": [message]})
    if field == "created_at":
        moment = parse_datetime(value) if isinstance(value, str) else None
        if moment is None:
            raise ValidationError({"after": [message]})
        return moment, pk
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError({"after": [message]})
    return value, pk


def filtered_gifts(params: Mapping[str, str]) -> tuple[QuerySet[Gift], dict[str, str]]:
    """Gifts matching the allow-listed filters; ValidationError names a bad value."""
    rows = _by_gift_fields(Gift.objects.all(), params)
    used: dict[str, str] = {}
    email = params.get("email", "")
    if email:
        rows = rows.filter(donor__email=email.strip().lower()[:254])
    # Bounds on the time itself (the day's start in the site's time zone), not on its date:
    # `created_at__date` wraps the column in a function and no index can serve it.
    for key, lookup, days in (("since", "created_at__gte", 0), ("until", "created_at__lt", 1)):
        raw = params.get(key, "")
        if raw:
            day = bounds.parse_date(raw, name=key) + timedelta(days=days)
            rows = rows.filter(**{lookup: timezone.make_aware(datetime.combine(day, dt_time.min))})
    for key in FILTERS:
        if params.get(key):
            used[key] = str(params[key])[:254]
    return rows, used


def gift_page(
    *, params: Mapping[str, str], size: int = PAGE_SIZE, with_totals: bool = False
) -> GiftPage:
    """One page of the gift list (and the filter's totals when asked). Unknown sort keys are
    refused (ValidationError)."""
    sort = params.get("sort") or "-created"
    if sort not in SORTS:
        raise ValidationError(
            {"sort": [_("Sort by one of: %(keys)s.") % {"keys": ", ".join(SORTS)}]}
        )
    field, descending = SORTS[sort]
    rows, used = filtered_gifts(params)
    after = params.get("after", "")
    if after:
        value, pk = _read_cursor(after[:200], field)
        if descending:
            rows = rows.filter(Q(**{f"{field}__lt": value}) | Q(**{field: value, "pk__lt": pk}))
        else:
            rows = rows.filter(Q(**{f"{field}__gt": value}) | Q(**{field: value, "pk__gt": pk}))
    order = [f"-{field}", "-pk"] if descending else [field, "pk"]
    found = list(rows.select_related("donor", "fund").order_by(*order)[: size + 1])
    more = len(found) > size
    found = found[:size]
    cursor = _cursor(getattr(found[-1], field), found[-1].pk) if more and found else ""
    totals = gift_totals(params=params) if with_totals else None
    return GiftPage(found, cursor, sort, used, totals)


# Filters the tallies can answer: each is a column of a tally's group.
TALLY_FILTERS = {"status", "fund", "currency", "frequency", "gateway"}


def gift_totals(*, params: Mapping[str, str]) -> GiftTotals:
    """How many gifts match the list's filters and what they brought in, net of refunds, per
    currency, in one query: over the tally rows when every filter is a tally column, else one
    aggregate pass over the matching gifts (a donor's gifts, a date range)."""
    net = F("amount_minor") + F("fee_minor") - F("refunded_minor")
    if not {key for key in FILTERS if params.get(key)} - TALLY_FILTERS:
        rows: QuerySet[Any] = _filtered_tallies(params)
        count: Any = Sum("gifts")
    else:
        rows, _used = filtered_gifts(params)
        count = Count("*")
    # One row of conditional sums per currency a gift can be taken in, not a GROUP BY (which
    # made SQLite sort every matching gift in a temporary B-tree).
    aggregates: dict[str, Any] = {"matched": count}
    for code in CURRENCIES:
        of_currency = Q(currency=code)
        aggregates[f"n_{code}"] = (
            Sum("gifts", filter=of_currency)
            if rows.model is GiftTally
            else Count("currency", filter=of_currency)
        )
        aggregates[f"net_{code}"] = Sum(net, filter=of_currency & Q(status__in=RECEIVED))
    found = rows.order_by().aggregate(**aggregates)
    counted = sorted(
        (code for code in CURRENCIES if found[f"n_{code}"]),
        key=lambda code: -int(found[f"n_{code}"]),
    )
    return GiftTotals(
        gifts=int(found["matched"] or 0),
        net=[(code, int(found[f"net_{code}"] or 0)) for code in counted],
    )


def _filtered_tallies(params: Mapping[str, str]) -> QuerySet[GiftTally]:
    """The tally rows of the gifts `filtered_gifts` would select (same checks, same messages)."""
    return _by_gift_fields(GiftTally.objects.all(), params)


def _by_gift_fields(rows: QuerySet[_Row], params: Mapping[str, str]) -> QuerySet[_Row]:
    """`rows` (gifts or their tallies, which share these fields) narrowed by the filters on a
    gift's own fields: status, fund, currency, frequency, gateway. ValidationError names a bad
    value."""
    status = params.get("status", "")
    if status:
        if status not in GiftStatus.values:
            raise ValidationError({"status": [_("Choose a known status.")]})
        rows = rows.filter(status=status)
    fund = params.get("fund", "")
    if fund:
        # The fund's id first: a join on its slug leads SQLite's planner away from the index.
        fund_id = Fund.objects.filter(slug=fund[:50]).values_list("pk", flat=True).first()
        rows = rows.filter(fund_id=fund_id) if fund_id is not None else rows.none()
    currency = params.get("currency", "")
    if currency:
        rows = rows.filter(currency=currency.upper()[:3])
    frequency = params.get("frequency", "")
    if frequency:
        if frequency not in Frequency.values:
            raise ValidationError({"frequency": [_("Choose one time or monthly.")]})
        rows = rows.filter(frequency=frequency)
    gateway = params.get("gateway", "")
    if gateway:
        rows = rows.filter(provider=gateway[:20])
    return rows


def get_gift(*, public_id: str) -> Gift:
    try:
        UUID(public_id)
    except ValueError:
        raise Http404 from None
    gift = (
        Gift.objects.select_related("donor", "fund", "campaign", "plan")
        .filter(public_id=public_id)
        .first()
    )
    if gift is None:
        raise Http404
    return gift


@dataclass(frozen=True)
class Mismatch:
    event: GatewayEvent
    problem: str


def reconciliation(*, limit: int = 200) -> dict[str, Any]:
    """Gateway events we could not match to a gift, and paid gifts no event confirms."""
    unmatched = list(
        GatewayEvent.objects.filter(outcome__in=["unknown_gift", "unknown_plan"]).order_by(
            "-received_at"
        )[:limit]
    )
    # Compared in Python: the event's id is text, the gift's a UUID (stored differently by
    # SQLite and PostgreSQL).
    recent = list(
        Gift.objects.filter(status__in=RECEIVED, plan__isnull=True)
        .exclude(payment_ref__startswith="pi_demo_")
        .select_related("donor", "fund")
        .order_by("-paid_at")[: limit * 5]
    )
    confirmed = set(
        GatewayEvent.objects.filter(
            gift_public_id__in=[str(g.public_id) for g in recent]
        ).values_list("gift_public_id", flat=True)
    )
    unconfirmed = [g for g in recent if str(g.public_id) not in confirmed][:limit]
    stale_pending = Gift.objects.filter(
        status=GiftStatus.PENDING, created_at__lt=timezone.now() - timedelta(days=1)
    ).count()
    return {"unmatched": unmatched, "unconfirmed": unconfirmed, "stale_pending": stale_pending}


# --- Back office: funds, campaigns, matching gifts ------------------------------------------

OFFICE_LIST_SIZE = 200


def office_funds() -> QuerySet[Fund]:
    """Every fund, retired ones included, for the officers' list."""
    return Fund.objects.select_related("program").order_by("order", "name")


def office_campaigns() -> QuerySet[Campaign]:
    """Every campaign, unpublished and ended ones included, newest first (capped)."""
    return Campaign.objects.select_related("fund").order_by("-starts_on", "-id")[:OFFICE_LIST_SIZE]


def get_office_fund(*, slug: str) -> Fund:
    fund = office_funds().filter(slug=slug).first()
    if fund is None:
        raise Http404
    return fund


def get_office_campaign(*, slug: str) -> tuple[Campaign, Progress]:
    """A campaign whatever its state, with its progress (net of refunds)."""
    campaign = Campaign.objects.select_related("fund").filter(slug=slug).first()
    if campaign is None:
        raise Http404
    return campaign, campaign_progress(campaign)


def office_matches(*, status: str = "") -> QuerySet[MatchingGift]:
    """Matching gifts, newest first, optionally of one status (allow-listed; others ignored)."""
    found = MatchingGift.objects.select_related("gift", "gift__donor").order_by(
        "-created_at", "-id"
    )
    if status in MatchStatus.values:
        found = found.filter(status=status)
    return found[:OFFICE_LIST_SIZE]


def get_match(*, public_id: str) -> MatchingGift:
    try:
        UUID(public_id)
    except ValueError:
        raise Http404 from None
    match = (
        MatchingGift.objects.select_related("gift", "gift__donor", "recorded_by", "decided_by")
        .filter(public_id=public_id)
        .first()
    )
    if match is None:
        raise Http404
    return match
