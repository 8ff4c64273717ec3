"""Whether a message may go now: the recipient's per-category preferences and quiet hours.

`settings.OUTBOX_POLICY` names a function `(notification) -> Decision`, asked just before each
send (preferences can change between enqueue and the due time) and when a message is queued
(so one due inside quiet hours is written with their end as its due time). The default is
the patient's own choices (core.outbox.preferences). A message held by quiet hours is
deferred, never dropped: it stays pending with a later due time.

Messages in the "account" category (sign-up codes, password reset, email confirmation) are
ones the person is waiting for at the screen; a policy should let them through at any hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from medcenter.core.models import Notification


@dataclass(frozen=True)
class Decision:
    send: bool = True
    # With send=False: a time to try again (quiet hours), or None to withdraw the message
    # (the recipient turned this category off).
    not_before: datetime | None = None
    reason: str = ""


ALLOW = Decision()


class Policy(Protocol):
    def __call__(self, notification: Notification) -> Decision: ...


def always_allow(notification: Notification) -> Decision:
    """Send everything now (tests, and deployments that keep no preferences)."""
    return ALLOW


def decide(notification: Notification) -> Decision:
    policy: Policy = import_string(
        getattr(
            settings, "OUTBOX_POLICY", "medcenter.core.outbox.preferences.decide_by_preferences"
        )
    )
    return policy(notification)
