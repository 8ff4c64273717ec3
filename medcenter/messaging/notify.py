"""What the patient hears when the care team answers: "You have a new message" and a link.

No clinical content ever leaves in a notice (no subject, no body, no team name that would
reveal a diagnosis); the words are templates under templates/messaging/notices/.
"""

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from medcenter.core import outbox
from medcenter.core.models import Notification, NotificationChannel

KIND_REPLY = "messaging.reply"
CATEGORY = "messages"


def reply_context(note: Notification) -> dict[str, Any] | None:
    from medcenter.messaging.models import Message

    if not Message.objects.filter(public_id=note.context.get("message"), internal=False).exists():
        return None
    with translation.override(note.language):
        path = reverse(
            "messaging:portal_thread",
            kwargs={"public_id": note.context["patient"], "thread_id": note.context["thread"]},
        )
    return {"link": str(settings.SITE_URL).rstrip("/") + path}


def register() -> None:
    outbox.register(
        KIND_REPLY, templates="messaging/notices/reply", category=CATEGORY, context=reply_context
    )


def _channels(patient: Any) -> list[tuple[str, str]]:
    phone = str(patient.phone or "")
    if patient.contact_preference == "sms" and patient.sms_consent and phone:
        return [(NotificationChannel.SMS, phone)]
    if patient.email:
        return [(NotificationChannel.EMAIL, patient.email)]
    if phone and patient.sms_consent:
        return [(NotificationChannel.SMS, phone)]
    return []


def reply_posted(thread: Any, message: Any) -> None:
    """Queue one notice of a staff reply, in the patient's language, in the caller's
    transaction."""
    patient = thread.patient
    for channel, to in _channels(patient):
        outbox.enqueue(
            kind=KIND_REPLY,
            channel=channel,
            to=to,
            dedupe_key=f"msg-reply:{message.public_id}",
            language=patient.preferred_language,
            context={
                "message": str(message.public_id),
                "thread": str(thread.public_id),
                "patient": str(patient.public_id),
            },
            reference=f"thread:{thread.public_id}",
            patient=patient,
        )
