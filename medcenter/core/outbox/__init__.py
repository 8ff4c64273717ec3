"""The outbox: every email and text message the product sends (SECURITY.md R28).

A domain registers how each of its kinds of message is worded (`register`: templates per kind,
rendered in the recipient's language) and calls `enqueue` inside the transaction that makes
the change the message reports. Workers `deliver` and `deliver_due` claim, send and mark rows,
so none is lost and none goes twice. Nothing outside `medcenter.core` sends mail itself.
"""

from medcenter.core.models import Notification, NotificationChannel, NotificationStatus
from medcenter.core.outbox.delivery import (
    BATCH,
    LEASE,
    MAX_ATTEMPTS,
    claim,
    claim_batch,
    deliver,
    deliver_claimed,
    deliver_due,
    enqueue,
    lease,
    render,
    send,
    site_language,
    trigger_after_commit,
    withdraw,
)
from medcenter.core.outbox.policy import ALLOW, Decision
from medcenter.core.outbox.registry import Attachment, Message, register, registered_kinds

__all__ = [
    "ALLOW",
    "BATCH",
    "LEASE",
    "MAX_ATTEMPTS",
    "Attachment",
    "Decision",
    "Message",
    "Notification",
    "NotificationChannel",
    "NotificationStatus",
    "claim",
    "claim_batch",
    "deliver",
    "deliver_claimed",
    "deliver_due",
    "enqueue",
    "lease",
    "register",
    "registered_kinds",
    "render",
    "send",
    "site_language",
    "trigger_after_commit",
    "withdraw",
]
