"""Background work for scheduling. Thin wrappers: the logic lives in services; messages are
delivered by the outbox's own task (core.outbox.delivery.deliver_notification)."""

from django_tasks import task

from medcenter.core import outbox
from medcenter.scheduling import services
from medcenter.scheduling.models import Appointment, SlotOffer


@task()
def offer_freed_slot(*, appointment_id: int) -> None:
    """Offer a cancelled appointment's time to the first suitable patient on the waitlist."""
    freed = (
        Appointment.objects.select_related("visit_type", "clinician", "location")
        .filter(pk=appointment_id)
        .first()
    )
    if freed is not None:
        services.offer_time(freed=freed)


@task()
def expire_offer(*, offer_id: int) -> None:
    """Let an unanswered offer lapse and pass the time to the next patient."""
    offer = SlotOffer.objects.filter(pk=offer_id).first()
    if offer is not None and offer.is_expired:
        services.decline_offer(offer=offer, actor=None, expired=True)


def sweep() -> dict[str, int]:
    """Everything periodic, for `manage.py scheduling_sweep`: lapsed offers, expired holds,
    messages that are due (including those a dead worker claimed and never sent), and
    uploaded documents whose referral never committed."""
    from medcenter.core import idempotency, vault

    return {
        "offers_expired": services.expire_offers(),
        "holds_released": services.release_expired_holds(),
        "messages_sent": outbox.deliver_due(),
        "idempotency_forgotten": idempotency.forget_old(),
        "orphan_documents_removed": vault.sweep_orphans(
            referenced=vault.referenced_keys, older_than=vault.ORPHAN_GRACE
        ),
    }
