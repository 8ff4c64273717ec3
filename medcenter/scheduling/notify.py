"""What scheduling tells patients and referring physicians, written to the outbox (core.outbox)
in the same transaction as the change it reports. The words are templates
(templates/scheduling/notices/, registered in notices.py); this module decides who hears
what, when, and by which channel."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from medcenter.core import outbox
from medcenter.core.models import Notification, NotificationChannel
from medcenter.scheduling.models import Appointment, NotificationKind, Referral, SlotOffer


def _patient_channels(patient: Any) -> list[tuple[str, str]]:
    """Where a patient hears from us: their preferred channel first; never SMS without consent."""
    channels: list[tuple[str, str]] = []
    phone = str(patient.phone or "")
    if patient.contact_preference == "sms" and patient.sms_consent and phone:
        channels.append((NotificationChannel.SMS, phone))
    if patient.email:
        channels.append((NotificationChannel.EMAIL, patient.email))
    elif phone and patient.sms_consent and not channels:
        channels.append((NotificationChannel.SMS, phone))
    return channels


def reminder_offsets() -> list[timedelta]:
    return [timedelta(hours=h) for h in getattr(settings, "SCHEDULING_REMINDER_HOURS", [168, 24])]


def _about(appointment: Appointment) -> str:
    return f"appointment:{appointment.public_id}"


def appointment_booked(appointment: Appointment) -> None:
    """Queue the confirmation (email with an .ics) and the reminders for a new booking."""
    patient = appointment.patient
    if patient is None:
        return
    channels = _patient_channels(patient)
    if not channels:
        return  # no way to reach them: the scheduler tells them in person or by phone
    common: dict[str, Any] = {
        "language": patient.preferred_language,
        "context": {"appointment": str(appointment.public_id)},
        "reference": _about(appointment),
        "patient": patient,
    }
    batch: list[Notification] = []
    channel, to = next((c for c in channels if c[0] == NotificationChannel.EMAIL), channels[0])
    outbox.enqueue(
        kind=NotificationKind.CONFIRMATION,
        channel=channel,
        to=to,
        dedupe_key=f"confirm:{appointment.public_id}",
        batch=batch,
        **common,
    )
    now = timezone.now()
    channel, to = channels[0]
    for offset in reminder_offsets():
        due = appointment.start - offset
        if due <= now:
            continue
        outbox.enqueue(
            kind=NotificationKind.REMINDER,
            channel=channel,
            to=to,
            dedupe_key=f"remind:{appointment.public_id}:{int(offset.total_seconds())}",
            due_at=due,
            batch=batch,
            **common,
        )
    outbox.trigger_after_commit(batch)


def cancel_pending(appointment: Appointment) -> int:
    """Withdraw reminders not yet sent for an appointment that will not happen."""
    return outbox.withdraw(
        reference=_about(appointment),
        kinds=[NotificationKind.REMINDER, NotificationKind.OFFER],
    )


def appointment_cancelled(appointment: Appointment) -> None:
    cancel_pending(appointment)
    patient = appointment.patient
    if patient is None:
        return
    for channel, to in _patient_channels(patient)[:1]:
        outbox.enqueue(
            kind=NotificationKind.CANCELLATION,
            channel=channel,
            to=to,
            language=patient.preferred_language,
            context={"appointment": str(appointment.public_id)},
            reference=_about(appointment),
            patient=patient,
            dedupe_key=f"cancel:{appointment.public_id}",
        )


def appointment_rescheduled(*, old: Appointment, new: Appointment) -> None:
    cancel_pending(old)
    appointment_booked(new)


def offer_made(offer: SlotOffer) -> None:
    patient = offer.entry.patient
    for channel, to in _patient_channels(patient)[:1]:
        outbox.enqueue(
            kind=NotificationKind.OFFER,
            channel=channel,
            to=to,
            language=patient.preferred_language,
            context={"offer": str(offer.public_id)},
            reference=_about(offer.hold),
            patient=patient,
            dedupe_key=f"offer:{offer.public_id}",
        )


def referral_received(referral: Referral) -> None:
    """Acknowledge a referral to whoever sent it; the physician and the patient each once."""
    context = {"referral": str(referral.public_id)}
    reference = f"referral:{referral.public_id}"
    if referral.referrer_email:
        outbox.enqueue(
            kind=NotificationKind.REFERRAL_RECEIVED,
            to=referral.referrer_email,
            language="en",
            context=context,
            reference=reference,
            dedupe_key=f"referral:{referral.public_id}:referrer",
        )
    if referral.email:
        outbox.enqueue(
            kind=NotificationKind.REFERRAL_RECEIVED,
            to=referral.email,
            language=referral.language,
            context=context,
            reference=reference,
            dedupe_key=f"referral:{referral.public_id}:patient",
        )


def consult_letter(referral: Referral) -> Notification | None:
    return outbox.enqueue(
        kind=NotificationKind.CONSULT_LETTER,
        to=referral.referrer_email,
        language="en",
        context={"referral": str(referral.public_id)},
        reference=f"referral:{referral.public_id}",
        dedupe_key=f"letter:{referral.public_id}",
    )
