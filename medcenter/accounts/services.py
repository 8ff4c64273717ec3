"""Writes about accounts: roles, sessions, sign-in throttling. Each is audited."""

import hashlib
import time
import uuid
from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from medcenter.accounts.models import SignInFailure, User, UserSession
from medcenter.accounts.roles import CLINICAL_ROLES, ROLE_BY_NAME, ROLES
from medcenter.core import audit

SESSION_STARTED, SESSION_LAST_SEEN = "_session_started", "_session_last_seen"
THROTTLE_WINDOW = timedelta(minutes=15)
# Failures allowed in the window: for one account from one address (the usual case: a
# forgotten password), from one address across accounts (password spraying), and for one
# account from everywhere (a distributed attack). Each limit lifts by itself as the window
# moves, so the real user is never locked out for good.
LIMIT_ACCOUNT_AND_ADDRESS = 10
LIMIT_ADDRESS = 50
LIMIT_ACCOUNT = 100


def sync_roles() -> None:
    """Create each role's group and give it exactly the role's permissions."""
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.name)
        wanted = Q(pk__in=[])
        for name in role.permissions:
            app_label, codename = name.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))


@transaction.atomic
def assign_role(*, user: User, role: str, assigned_by: User | None) -> None:
    """Put a staff member in a role; administrators are never also clinical."""
    if role not in ROLE_BY_NAME:
        raise ValidationError(_("Unknown role."))
    current = set(user.groups.values_list("name", flat=True))
    if (role == "administrator" and current & CLINICAL_ROLES) or (
        role in CLINICAL_ROLES and "administrator" in current
    ):
        raise ValidationError(_("Administrator accounts must be separate from clinical accounts."))
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name=role))
    audit.record(action="account.role_assigned", actor=assigned_by, target=user, reason=role)


def start_session(*, session: SessionBase, user: User) -> None:
    """Remember the new session's key so the account's sessions can be ended on the server."""
    # A sign-in starts the idle and absolute clocks afresh.
    now = time.time()
    session[SESSION_STARTED] = session[SESSION_LAST_SEEN] = now
    if session.session_key is None:
        session.save()
    UserSession.objects.get_or_create(session_key=session.session_key, defaults={"user": user})


def end_sessions_for(*, user: User) -> int:
    """End every session of the account on the server; return how many there were."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


@transaction.atomic
def disable_account(*, user: User, disabled_by: User) -> None:
    """Disable an account and end its sessions at once."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    end_sessions_for(user=user)
    audit.record(action="account.disabled", actor=disabled_by, target=user)


def _digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def sign_in_retry_after(*, email: str, client_ip: str | None) -> int:
    """Seconds until this email may try to sign in from this address again; 0 if now."""
    since = timezone.now() - THROTTLE_WINDOW
    digest = _digest(email)
    recent = SignInFailure.objects.filter(occurred_at__gt=since)
    checks = [
        (recent.filter(email_digest=digest, client_ip=client_ip), LIMIT_ACCOUNT_AND_ADDRESS),
        (recent.filter(client_ip=client_ip), LIMIT_ADDRESS),
        (recent.filter(email_digest=digest), LIMIT_ACCOUNT),
    ]
    wait = 0
    for failures, limit in checks:
        times = list(
            failures.order_by("-occurred_at").values_list("occurred_at", flat=True)[:limit]
        )
        if len(times) >= limit:
            # Allowed again once the oldest of the last `limit` failures leaves the window.
            frees_at = times[-1] + THROTTLE_WINDOW
            wait = max(wait, int((frees_at - timezone.now()).total_seconds()) + 1)
    return wait


def record_sign_in_failure(*, email: str, client_ip: str | None) -> None:
    SignInFailure.objects.create(email_digest=_digest(email), client_ip=client_ip)
    # Keep the table small: failures older than a day no longer count for anything.
    SignInFailure.objects.filter(occurred_at__lt=timezone.now() - timedelta(days=1)).delete()


def clear_sign_in_failures(*, email: str, client_ip: str | None) -> None:
    SignInFailure.objects.filter(email_digest=_digest(email), client_ip=client_ip).delete()


def send_email_verification(*, user: User, email: str, language: str) -> None:
    """Queue the link that confirms `email` for `user`; the link is made when it is sent."""
    from medcenter.accounts import notices
    from medcenter.core import outbox

    outbox.enqueue(
        kind=notices.VERIFY_EMAIL,
        to=email,
        language=user.preferred_language or language,
        user=user,
        dedupe_key=f"verify-email:{user.public_id}:{uuid.uuid4().hex}",
    )


def send_password_reset(*, user: User, language: str) -> None:
    """Queue a password-reset link for `user`; the link is made when it is sent."""
    from medcenter.accounts import notices
    from medcenter.core import outbox

    outbox.enqueue(
        kind=notices.PASSWORD_RESET,
        to=user.email,
        language=user.preferred_language or language,
        user=user,
        dedupe_key=f"password-reset:{user.public_id}:{uuid.uuid4().hex}",
    )
