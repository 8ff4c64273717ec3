"""The messages trials sends (through the outbox), worded in templates/trials/notices/."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from medcenter.core import outbox
from medcenter.core.models import Notification
from medcenter.trials.models import ContactRequest

CONTACT_REQUEST = "trials.contact_request"


def contact_request_context(note: Notification) -> dict[str, Any] | None:
    contact = (
        ContactRequest.objects.select_related("trial")
        .filter(public_id=note.context.get("contact"))
        .first()
    )
    if contact is None:
        return None
    # reverse() runs with the coordinator's language active, so the link opens in it.
    path = reverse("trials:contact_request", args=[contact.public_id])
    return {
        "nct": contact.trial.nct_id,
        "likely": contact.likely,
        "link": str(settings.SITE_URL).rstrip("/") + path,
    }


def register() -> None:
    outbox.register(
        CONTACT_REQUEST,
        templates="trials/notices/contact_request",
        category="trial_requests",
        context=contact_request_context,
    )
