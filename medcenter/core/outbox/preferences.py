"""Each patient's choices for their notices, applied by the outbox (ADR 0009's policy hook).

- Per category (core.models.NotificationCategory) and channel: email on by default, text
  messages off, and on only once the patient has recorded their consent to texts.
- Quiet hours in the patient's own time zone: a notice due inside them is deferred to their
  end, when it is queued and again when it is sent; never dropped.
- A channel the patient turned off for a category is withdrawn when it would be sent.
- Security notices ("account": sign-in codes, password reset, email confirmation) are what the
  person waits for at the screen: always sent, at any hour.
- The choices bind notices about the patient addressed to the patient, not ones addressed to
  someone else (a proxy), and a patient who never chose anything gets everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.db import transaction
from django.utils import timezone

from medcenter.core.models import (
    NotificationCategory,
    NotificationChannel,
    NotificationPreference,
    NotificationSettings,
)
from medcenter.core.outbox.policy import ALLOW, Decision

if TYPE_CHECKING:
    from medcenter.core.models import Notification

EXEMPT_CATEGORIES = frozenset({"account", "security"})
CATEGORIES = tuple(NotificationCategory.values)


@dataclass(frozen=True)
class Choice:
    email: bool = True
    sms: bool = False


DEFAULT = Choice()


def zone(name: str) -> ZoneInfo | None:
    """The IANA time zone `name`, or None when there is no such zone."""
    if not name or name not in zone_names():
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


_ZONES: frozenset[str] | None = None


def zone_names() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def quiet_until(
    now: datetime, *, start: time | None, end: time | None, tz: ZoneInfo
) -> datetime | None:
    """When the quiet hours around `now` end (an aware instant), or None outside them.

    Hours run from `start` to `end` in the patient's zone and may wrap past midnight
    (22:00-07:00); equal times mean no quiet hours."""
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(tz)
    clock = local.time().replace(tzinfo=None)
    wraps = start > end
    inside = (clock >= start or clock < end) if wraps else (start <= clock < end)
    if not inside:
        return None
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    # Wall-clock arithmetic in the zone: a DST change inside the quiet hours still ends them
    # at the patient's end time.
    return datetime.combine(day, end, tzinfo=tz)


def category_of(notification: Notification) -> str:
    return notification.category if notification.category in CATEGORIES else "general"


def _binds(settings_row: NotificationSettings | None, notification: Notification) -> bool:
    if settings_row is None or notification.category in EXEMPT_CATEGORIES:
        return False
    addressee = notification.user_public_id
    return addressee is None or addressee == settings_row.user_public_id


def decide_by_preferences(notification: Notification) -> Decision:
    """The outbox policy: may this notice go now, later, or not at all?"""
    if notification.patient_public_id is None or notification.category in EXEMPT_CATEGORIES:
        return ALLOW
    row = NotificationSettings.objects.filter(
        patient_public_id=notification.patient_public_id
    ).first()
    if row is None or not _binds(row, notification):
        return ALLOW
    pref = NotificationPreference.objects.filter(
        patient_public_id=notification.patient_public_id, category=category_of(notification)
    ).first()
    choice = DEFAULT if pref is None else Choice(pref.email, pref.sms)
    if notification.channel == NotificationChannel.SMS:
        if row.sms_consented_at is None or not choice.sms:
            return Decision(send=False, reason="texts turned off")
    elif not choice.email:
        return Decision(send=False, reason="emails turned off")
    tz = zone(row.time_zone) or ZoneInfo("UTC")
    later = quiet_until(timezone.now(), start=row.quiet_start, end=row.quiet_end, tz=tz)
    if later is not None:
        return Decision(send=False, not_before=later, reason="quiet hours")
    return ALLOW


@dataclass(frozen=True)
class Preferences:
    choices: dict[str, Choice]
    quiet_start: time | None
    quiet_end: time | None
    time_zone: str
    sms_consented_at: datetime | None


def preferences_for(*, patient_public_id: Any) -> Preferences:
    """A patient's choices, with the defaults for categories never chosen."""
    row = NotificationSettings.objects.filter(patient_public_id=patient_public_id).first()
    chosen = {
        p.category: Choice(p.email, p.sms)
        for p in NotificationPreference.objects.filter(patient_public_id=patient_public_id)
    }
    return Preferences(
        choices={c: chosen.get(c, DEFAULT) for c in CATEGORIES},
        quiet_start=row.quiet_start if row else None,
        quiet_end=row.quiet_end if row else None,
        time_zone=row.time_zone if row else "UTC",
        sms_consented_at=row.sms_consented_at if row else None,
    )


@transaction.atomic
def save_preferences(
    *,
    patient_public_id: Any,
    user_public_id: Any,
    choices: dict[str, Choice],
    quiet_start: time | None,
    quiet_end: time | None,
    time_zone: str,
    sms_consent: bool,
) -> Preferences:
    """Record a patient's choices. Texts stay off for every category without consent;
    consent is recorded once, with its time, and withdrawn by unticking it."""
    if zone(time_zone) is None:
        raise ValueError(f"unknown time zone {time_zone!r}")
    row, _created = NotificationSettings.objects.select_for_update().get_or_create(
        patient_public_id=patient_public_id
    )
    row.user_public_id = user_public_id
    row.quiet_start, row.quiet_end, row.time_zone = quiet_start, quiet_end, time_zone
    if sms_consent and row.sms_consented_at is None:
        row.sms_consented_at = timezone.now()
    elif not sms_consent:
        row.sms_consented_at = None
    row.save()
    for category in CATEGORIES:
        choice = choices.get(category, DEFAULT)
        NotificationPreference.objects.update_or_create(
            patient_public_id=patient_public_id,
            category=category,
            defaults={"email": choice.email, "sms": choice.sms and sms_consent},
        )
    return preferences_for(patient_public_id=patient_public_id)
