"""Background work that belongs to no domain. Task functions are thin wrappers."""

from django_tasks import task

from medcenter.core import outbox


@task()
def deliver_notification(*, notification_id: int) -> bool:
    """Send one message from the outbox (a no-op if another worker already has it)."""
    return outbox.deliver(notification_id)
