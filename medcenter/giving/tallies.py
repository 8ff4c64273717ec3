"""Summary rows of gifts (`GiftTally`), kept in the transaction that changes a gift.

The back office's totals and a campaign's progress read these few rows, not the gifts table
(a million rows: even from a covering index, SQLite needs ~0.5 s of CPU to sum it).

Each change is one statement: an upsert that takes the gift out of its old group and puts it
in its new one (`INSERT ... ON CONFLICT DO UPDATE`, PostgreSQL and SQLite >= 3.24). Row locks:
the rows of one statement are written in one global order (group, then the status's rank), a
gift's statuses only move up that order, and the callers on the webhook path record after the
receipt counter's UPDATE, so a transaction that holds the counter never waits for a tally row
held by one that waits for the counter; no deadlock. `rebuild` recounts from the gifts (after
bulk loads); `counted` is the recount the tests compare with.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

from medcenter.giving.models import STATUS_RANK, Gift, GiftStatus, GiftTally

Group = tuple[int, int, str, str, str, str]  # fund, campaign (0: none), status, currency, ...
Sums = tuple[int, int, int, int]  # gifts, amount, fee, refunded

_COLUMNS = (
    "fund_id, campaign_key, status, currency, frequency, provider, "
    "gifts, amount_minor, fee_minor, refunded_minor"
)


@dataclass(frozen=True)
class Snapshot:
    group: Group
    sums: Sums


def snapshot(gift: Gift) -> Snapshot:
    """Where `gift` counts now (take one before changing it)."""
    return Snapshot(
        group=(
            gift.fund_id,
            gift.campaign_id or 0,
            str(gift.status),
            gift.currency,
            str(gift.frequency),
            gift.provider,
        ),
        sums=(1, gift.amount_minor, gift.fee_minor, gift.refunded_minor),
    )


def record(*, gift: Gift, before: Snapshot | None) -> None:
    """Move `gift` in the tallies from `before` (None: a gift not counted yet) to its state now.
    Call inside the transaction that saved the gift."""
    deltas: dict[Group, list[int]] = {}
    after = snapshot(gift)
    deltas[after.group] = list(after.sums)
    if before is not None:
        old = deltas.setdefault(before.group, [0, 0, 0, 0])
        for i, value in enumerate(before.sums):
            old[i] -= value
    rows = sorted(
        ((group, sums) for group, sums in deltas.items() if any(sums)),
        key=lambda item: (*item[0][:2], *item[0][3:], STATUS_RANK[GiftStatus(item[0][2])]),
    )
    if rows:
        _upsert(rows)


def _upsert(rows: list[tuple[Group, list[int]]]) -> None:
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    params = [value for group, sums in rows for value in (*group, *sums)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO giving_gifttally ({_COLUMNS}) VALUES {values} "  # noqa: S608 - fixed text
            "ON CONFLICT (fund_id, campaign_key, status, currency, frequency, provider) "
            "DO UPDATE SET gifts = giving_gifttally.gifts + excluded.gifts, "
            "amount_minor = giving_gifttally.amount_minor + excluded.amount_minor, "
            "fee_minor = giving_gifttally.fee_minor + excluded.fee_minor, "
            "refunded_minor = giving_gifttally.refunded_minor + excluded.refunded_minor",
            params,
        )


def counted() -> dict[Group, Sums]:
    """The tallies as a recount of the gifts gives them (non-empty groups only)."""
    from django.db.models import Count, Sum

    found = (
        Gift.objects.order_by()
        .values("fund_id", "campaign_id", "status", "currency", "frequency", "provider")
        .annotate(n=Count("*"), a=Sum("amount_minor"), f=Sum("fee_minor"), r=Sum("refunded_minor"))
    )
    return {
        (
            row["fund_id"],
            row["campaign_id"] or 0,
            row["status"],
            row["currency"],
            row["frequency"],
            row["provider"],
        ): (int(row["n"]), int(row["a"]), int(row["f"]), int(row["r"]))
        for row in found
    }


def kept() -> dict[Group, Sums]:
    """The tallies as kept (non-empty groups only)."""
    return {
        (t.fund_id, t.campaign_key, t.status, t.currency, t.frequency, t.provider): (
            t.gifts,
            t.amount_minor,
            t.fee_minor,
            t.refunded_minor,
        )
        for t in GiftTally.objects.all()
        if t.gifts or t.amount_minor or t.fee_minor or t.refunded_minor
    }


@transaction.atomic
def rebuild() -> int:
    """Recount every tally from the gifts (after a bulk load); returns the number of groups."""
    GiftTally.objects.all().delete()
    groups = counted()
    GiftTally.objects.bulk_create(
        [
            GiftTally(
                fund_id=group[0],
                campaign_key=group[1],
                status=group[2],
                currency=group[3],
                frequency=group[4],
                provider=group[5],
                gifts=sums[0],
                amount_minor=sums[1],
                fee_minor=sums[2],
                refunded_minor=sums[3],
            )
            for group, sums in groups.items()
        ],
        batch_size=500,
    )
    return len(groups)
