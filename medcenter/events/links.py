"""The signed link that lets a registrant see and cancel their registration without an
account. It names the registration's public id, signed with the site's key (salted), so it
cannot be guessed or changed; it carries nothing personal."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from medcenter.events.models import Registration

SALT = "medcenter.events.registration"


def token_for(registration: Registration) -> str:
    # No timestamp: every message and page gives the same link for one registration.
    return signing.Signer(salt=SALT).sign(str(registration.public_id))


def registration_for_token(token: str) -> Registration | None:
    try:
        public_id = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    try:
        return (
            Registration.objects.select_related(
                "session__series__location", "session__series__program"
            )
            .filter(public_id=public_id)
            .first()
        )
    except (ValueError, ValidationError):  # not a UUID
        return None


def manage_url(registration: Registration, *, language: str, absolute: bool = False) -> str:
    with translation.override(language):
        path = reverse("events:registration", kwargs={"token": token_for(registration)})
    return str(settings.SITE_URL).rstrip("/") + path if absolute else path
