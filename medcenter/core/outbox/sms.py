"""Text-message gateways. A gateway sends one message and is told an idempotency key, so a
retry after a crash between "sent" and "marked sent" is dropped by the gateway, not doubled.

Production plugs in a provider's client here (settings.SMS_GATEWAY); the demo prints to the
console; tests use `MemoryGateway`.
"""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsGateway(Protocol):
    def send(self, *, to: str, body: str, idempotency_key: str) -> str: ...


class ConsoleGateway:
    """Writes each text to the log: for the demo, never for patients."""

    def send(self, *, to: str, body: str, idempotency_key: str) -> str:
        logger.info("sms to=%s key=%s body=%s", to[-4:], idempotency_key, body)
        return idempotency_key


class MemoryGateway:
    """Keeps texts in memory and drops a repeated idempotency key, as real gateways do."""

    sent: dict[str, tuple[str, str]] = {}
    attempts: list[str] = []

    def send(self, *, to: str, body: str, idempotency_key: str) -> str:
        MemoryGateway.attempts.append(idempotency_key)
        MemoryGateway.sent.setdefault(idempotency_key, (to, body))
        return idempotency_key

    @classmethod
    def reset(cls) -> None:
        cls.sent = {}
        cls.attempts = []


def gateway() -> SmsGateway:
    gateway_class = import_string(settings.SMS_GATEWAY)
    instance: SmsGateway = gateway_class()
    return instance
