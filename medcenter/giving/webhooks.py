"""Gateway events, applied once (SECURITY.md R27).

The raw body is verified (signature, 300 s tolerance) before it is parsed. The event id is
inserted under a unique constraint in the same transaction that applies it: a replay, however
concurrent, fails the insert and changes nothing; an event whose application fails leaves no
row, so the gateway's retry (or the sweep) applies it later. The gift's state machine only
moves forward, so events may arrive in any order.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from medcenter.giving import services
from medcenter.giving.gateways import Event, Gateway, SignatureError, get_gateway
from medcenter.giving.models import GatewayEvent

logger = logging.getLogger(__name__)

MAX_BYTES = 64 * 1024


def receive(*, provider: str, payload: bytes, signature: str) -> str:
    """Verify and apply one webhook; SignatureError when it is not the gateway's."""
    found = _gateway(provider)
    if len(payload) > MAX_BYTES:
        raise SignatureError("too large")
    try:
        event = found.verify_webhook(payload=payload, signature=signature)
    except (ValueError, UnicodeDecodeError) as error:
        raise SignatureError(type(error).__name__) from error
    return record_event(provider=provider, event=event, source="webhook")


def _gateway(name: str) -> Gateway:
    return get_gateway(name)


def record_event(*, provider: str, event: Event, source: str) -> str:
    """Insert the event's id and apply it, in one transaction; "duplicate" when seen before."""
    if not event.id:
        raise SignatureError("no event id")
    occurred = (
        datetime.fromtimestamp(event.created, tz=timezone.get_current_timezone())
        if event.created
        else timezone.now()
    )
    # No savepoint around the insert: a duplicate fails the whole transaction, and only then
    # do we ask whether the id was there (one round trip fewer on every first delivery).
    try:
        with transaction.atomic():
            row = GatewayEvent.objects.create(
                provider=provider,
                event_id=event.id[:100],
                type=str(event.raw.get("type", ""))[:80],
                gift_public_id=event.gift[:36],
                payload=event.raw,
                occurred_at=occurred,
                source=source,
            )
            outcome = services.apply_event(event=event)
            GatewayEvent.objects.filter(pk=row.pk).update(outcome=outcome)
    except IntegrityError:
        if GatewayEvent.objects.filter(provider=provider, event_id=event.id[:100]).exists():
            return "duplicate"
        raise
    logger.info("giving event %s %s: %s", provider, event.id, outcome)
    return outcome


def sync_events(*, gateway_name: str, since: datetime | None = None) -> int:
    """Fetch the gateway's recent events and apply any a webhook missed; returns how many."""
    since = since or timezone.now() - timedelta(days=3)
    applied = 0
    for event in get_gateway(gateway_name).list_events(since=since):
        if record_event(provider=gateway_name, event=event, source="sweep") != "duplicate":
            applied += 1
    return applied
