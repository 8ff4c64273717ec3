"""Background work that belongs to no domain. Task functions are thin wrappers; the outbox's
own task (`deliver_notification`) lives beside the code it runs, so the outbox and this module
do not import each other."""

from medcenter.core.outbox.delivery import deliver_notification

__all__ = ["deliver_notification"]
