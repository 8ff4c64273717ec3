"""Background work for scheduling. The tasks that services queue are defined beside them
(services.py) and re-exported here; messages are delivered by the outbox's own task
(core.outbox.delivery.deliver_notification)."""

from medcenter.core import outbox
from medcenter.scheduling import services
from medcenter.scheduling.services import expire_offer, offer_freed_slot

__all__ = ["expire_offer", "offer_freed_slot", "sweep"]


def sweep() -> dict[str, int]:
    """Everything periodic, for `manage.py scheduling_sweep`: lapsed offers, expired holds,
    messages that are due (including those a dead worker claimed and never sent), and
    uploaded documents whose referral never committed, stale pending uploads, scheduled
    pages (content) and event sessions up to the horizon (events)."""
    from medcenter.content.services import publish_scheduled_pages
    from medcenter.core import idempotency, pending_uploads, vault
    from medcenter.events.services import materialise_due_series

    return {
        "offers_expired": services.expire_offers(),
        "holds_released": services.release_expired_holds(),
        "messages_sent": outbox.deliver_due(),
        "idempotency_forgotten": idempotency.forget_old(),
        "pending_uploads_removed": pending_uploads.sweep_pending_uploads(),
        "orphan_documents_removed": vault.sweep_orphans(
            referenced=vault.referenced_keys, older_than=vault.ORPHAN_GRACE
        ),
        # Wagtail's scheduled publishing (go-live and expiry), content app.
        "pages_published": publish_scheduled_pages(),
        # Event sessions up to the horizon, once a day per series, events app.
        "event_sessions_made": materialise_due_series(),
    }
