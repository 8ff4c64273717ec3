"""What other domains move when staff merge a provisional patient into an existing record.

Patients cannot import the domains that hang rows off a patient (docs/architecture.md), so
each registers a step in its `AppConfig.ready` (scheduling moves appointments, waitlist entries
and referrals). `services.merge_provisional_patient` runs every step inside its transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MergeStep = Callable[[Any, Any], int]  # (provisional patient, existing patient) -> rows moved

_steps: dict[str, MergeStep] = {}


def register_merge_step(key: str, step: MergeStep) -> None:
    """Declare a step that moves `key`'s rows from one patient to another."""
    _steps[key] = step


def merge_steps() -> list[tuple[str, MergeStep]]:
    return sorted(_steps.items())
