"""How scheduling's messages are worded: one set of templates per kind
(templates/scheduling/notices/<kind>_subject.txt, _body.txt), registered with the outbox.

The functions here look up what a message is about (by the public ids in its context) when
it is sent, and return None when it no longer applies, so a reminder for a cancelled visit
is withdrawn rather than sent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from medcenter.core import outbox
from medcenter.core.models import Notification
from medcenter.scheduling.models import (
    Appointment,
    AppointmentStatus,
    NotificationKind,
    OfferStatus,
    Referral,
    SlotOffer,
)

CATEGORY_APPOINTMENTS = "appointments"
CATEGORY_REFERRALS = "referrals"


def _format(moment: Any) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _appointment(public_id: str | None) -> Appointment | None:
    if not public_id:
        return None
    return (
        Appointment.objects.select_related(
            "visit_type", "clinician", "resource", "location", "patient"
        )
        .filter(public_id=public_id)
        .first()
    )


def _describe(appointment: Appointment, language: str) -> dict[str, Any]:
    return {
        "appointment": appointment,
        "visit": appointment.visit_type.label(language),
        "who": appointment.owner_label,
        "when": _format(appointment.start),
        "where": appointment.location.name,
        "link": str(settings.SITE_URL).rstrip("/") + "/",
        "phone": settings.CENTER["phone"],
    }


def booked_context(note: Notification) -> dict[str, Any] | None:
    appointment = _appointment(note.context.get("appointment"))
    if appointment is None or appointment.status != AppointmentStatus.BOOKED:
        return None
    return _describe(appointment, note.language)


def cancelled_context(note: Notification) -> dict[str, Any] | None:
    appointment = _appointment(note.context.get("appointment"))
    return None if appointment is None else _describe(appointment, note.language)


def offer_context(note: Notification) -> dict[str, Any] | None:
    offer = SlotOffer.objects.filter(public_id=note.context.get("offer")).first()
    if offer is None or offer.status != OfferStatus.OFFERED:
        return None
    hold = _appointment(str(offer.hold.public_id))
    if hold is None:
        return None
    return {**_describe(hold, note.language), "until": _format(offer.expires_at)}


def referral_context(note: Notification) -> dict[str, Any] | None:
    referral = Referral.objects.filter(public_id=note.context.get("referral")).first()
    if referral is None:
        return None
    return {
        "referral": referral,
        "due": _format(referral.contact_due_at),
        "ref": str(referral.public_id)[:8].upper(),
        "phone": settings.CENTER["phone"],
    }


def calendar_file(note: Notification, variables: Mapping[str, Any]) -> list[outbox.Attachment]:
    from medcenter.scheduling import calendar_files

    appointment: Appointment = variables["appointment"]
    name = (
        "cancelled.ics" if appointment.status == AppointmentStatus.CANCELLED else "appointment.ics"
    )
    return [outbox.Attachment(name, calendar_files.appointment_ics(appointment), "text/calendar")]


def letter(note: Notification, variables: Mapping[str, Any]) -> list[outbox.Attachment]:
    from medcenter.scheduling import letters

    pdf = letters.consult_letter_pdf(variables["referral"])
    return [outbox.Attachment("consult-letter.pdf", pdf, "application/pdf")]


def register() -> None:
    notices = "scheduling/notices"
    outbox.register(
        NotificationKind.CONFIRMATION,
        templates=f"{notices}/confirmation",
        category=CATEGORY_APPOINTMENTS,
        context=booked_context,
        attachments=calendar_file,
    )
    outbox.register(
        NotificationKind.REMINDER,
        templates=f"{notices}/reminder",
        category=CATEGORY_APPOINTMENTS,
        context=booked_context,
    )
    outbox.register(
        NotificationKind.CANCELLATION,
        templates=f"{notices}/cancellation",
        category=CATEGORY_APPOINTMENTS,
        context=cancelled_context,
        attachments=calendar_file,
    )
    outbox.register(
        NotificationKind.OFFER,
        templates=f"{notices}/offer",
        category=CATEGORY_APPOINTMENTS,
        context=offer_context,
    )
    outbox.register(
        NotificationKind.REFERRAL_RECEIVED,
        templates=f"{notices}/referral_received",
        category=CATEGORY_REFERRALS,
        context=referral_context,
    )
    outbox.register(
        NotificationKind.CONSULT_LETTER,
        templates=f"{notices}/consult_letter",
        category=CATEGORY_REFERRALS,
        context=referral_context,
        attachments=letter,
    )
    # The code is a secret: the outbox forgets it once the message has gone (or was given up).
    outbox.register(
        NotificationKind.NEW_PATIENT_CODE,
        templates=f"{notices}/new_patient_code",
        category="account",
        forget_context=True,
    )
