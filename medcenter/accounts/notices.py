"""The messages accounts sends (through the outbox), worded in templates/accounts/notices/.

Links are made when the message is sent, not when it is queued: the outbox row holds the
user's public id, never a working token."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from medcenter.accounts.models import User
from medcenter.core import outbox
from medcenter.core.models import Notification

VERIFY_EMAIL = "accounts.verify_email"
PASSWORD_RESET = "accounts.password_reset"  # noqa: S105 (a message kind, not a secret)
EMAIL_SALT = "medcenter.accounts.verify-email"
CATEGORY_ACCOUNT = "account"


def _site() -> str:
    return str(settings.SITE_URL).rstrip("/")


def _user(note: Notification) -> User | None:
    if note.user_public_id is None:
        return None
    return User.objects.filter(public_id=note.user_public_id, is_active=True).first()


def verification_context(note: Notification) -> dict[str, Any] | None:
    user = _user(note)
    if user is None:
        return None
    token = signing.dumps({"user": str(user.public_id), "email": note.to}, salt=EMAIL_SALT)
    return {"link": _site() + reverse("accounts:verify_email", args=[token])}


def password_reset_context(note: Notification) -> dict[str, Any] | None:
    user = _user(note)
    if user is None or not user.has_usable_password():
        return None
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return {"link": _site() + path}


def register() -> None:
    outbox.register(
        VERIFY_EMAIL,
        templates="accounts/notices/verify_email",
        category=CATEGORY_ACCOUNT,
        context=verification_context,
    )
    outbox.register(
        PASSWORD_RESET,
        templates="accounts/notices/password_reset",
        category=CATEGORY_ACCOUNT,
        context=password_reset_context,
    )
