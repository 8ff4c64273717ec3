"""Sign-in, second factor, account security. Thin: each view parses, calls, renders."""

import base64
import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from medcenter.accounts import mfa
from medcenter.accounts.forms import (
    ChangeEmailForm,
    CodeForm,
    ConfirmIdentityForm,
    OutboxPasswordResetForm,
    SignInForm,
)
from medcenter.accounts.middleware import seconds_left
from medcenter.accounts.models import User
from medcenter.accounts.notices import EMAIL_SALT
from medcenter.accounts.services import (
    SESSION_LAST_SEEN,
    clear_sign_in_failures,
    record_sign_in_failure,
    send_email_verification,
    sign_in_retry_after,
    start_session,
)
from medcenter.core import audit, clientaddr
from medcenter.core.routes import account_route

REAUTH_KEY, REAUTH_SECONDS = "_reauthenticated_at", 300
RECOVERY_KEY = "_new_recovery_codes"


def _next_url(request: HttpRequest, default: str = "pages:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: `redirect()` would read a bare word ("0001-01-01") as the
    # name of a URL pattern and fail.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return reverse(default)


def _with_next(url_name: str, next_url: str) -> str:
    from urllib.parse import urlencode

    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


@account_route
def sign_in(request: HttpRequest) -> HttpResponse:
    """Sign in with email and password; then the second factor where one is needed."""
    next_url = _next_url(request)
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url)
    form = SignInForm(request, data=request.POST or None)
    status = 200
    if request.method == "POST":
        email = request.POST.get("username", "")
        client_ip = clientaddr.client_ip(request)
        wait = sign_in_retry_after(email=email, client_ip=client_ip)
        if wait:
            audit.record(action="auth.login_throttled", outcome=audit.Outcome.DENIED)
            minutes = max(1, round(wait / 60))
            form.errors.clear()
            form.add_error(
                None,
                _(
                    "Too many attempts. For your security, please wait %(minutes)d minutes and try "
                    "again, or reset your password."
                )
                % {"minutes": minutes},
            )
            status = 429
        elif form.is_valid():
            user = form.get_user()
            login(request, user)
            start_session(session=request.session, user=user)
            clear_sign_in_failures(email=email, client_ip=client_ip)
            audit.record(action="auth.login", actor=user)
            if not user.is_staff and next_url == reverse("pages:home"):
                next_url = reverse("portal:home")  # patients and proxies land in the Gateway
            if mfa.needs_second_factor(user):
                step = "accounts:mfa_verify" if user_has_device(user) else "accounts:mfa_setup"
                return redirect(_with_next(step, next_url))
            return redirect(next_url)
        else:
            record_sign_in_failure(email=email, client_ip=client_ip)
            known = User.objects.filter(email__iexact=email.strip()).first()
            audit.record(
                action="auth.login_failed",
                outcome=audit.Outcome.DENIED,
                actor=None,
                target=known,
            )
    context = {"form": form, "next": next_url, "expired": request.GET.get("expired")}
    return render(request, "accounts/sign_in.html", context, status=status)


@account_route
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(action="auth.logout", actor=request.user)
    logout(request)
    return redirect("pages:home")


@account_route
@login_required
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the code, type the first number it shows."""
    user: User = request.user  # type: ignore[assignment]
    if user_has_device(user) and not request.user.is_verified():  # type: ignore[union-attr]
        return redirect(_with_next("accounts:mfa_verify", _next_url(request)))
    device = mfa.pending_totp_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.confirm_totp_device(device=device, code=form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            request.session[RECOVERY_KEY] = codes
            return redirect(_with_next("accounts:recovery_codes", _next_url(request)))
        form.add_error(
            "code",
            _("That code did not match. Check the time on your phone and try the newest code."),
        )
    b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    context = {
        "form": form,
        "qr": mfa.qr_svg(device),
        "secret": " ".join(b32[i : i + 4] for i in range(0, len(b32), 4)),
        "next": _next_url(request),
        "required": user.is_staff,
    }
    return render(request, "accounts/mfa_setup.html", context)


@account_route
@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the code from the authenticator app (or a recovery code)."""
    user: User = request.user  # type: ignore[assignment]
    next_url = _next_url(request)
    if request.user.is_verified():  # type: ignore[union-attr]
        return redirect(next_url)
    if not user_has_device(user):
        return redirect(_with_next("accounts:mfa_setup", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified_by = mfa.verify_second_factor(user=user, code=form.cleaned_data["code"])
        if verified_by is not None:
            otp_login(request, verified_by)
            return redirect(next_url)
        form.add_error(
            "code", _("That code did not match, or was already used. Try the newest code.")
        )
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": next_url})


@account_route
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Show new recovery codes once."""
    codes = request.session.pop(RECOVERY_KEY, None)
    if not codes:
        return redirect("accounts:security")
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": _next_url(request, "accounts:security")},
    )


def _fresh(request: HttpRequest) -> bool:
    return bool(time.time() - request.session.get(REAUTH_KEY, 0) < REAUTH_SECONDS)


def fresh_auth_required(view: Any) -> Any:
    """Changing email, phone, password or the second factor needs the password again."""
    from functools import wraps

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _fresh(request):
            return redirect(_with_next("accounts:confirm_identity", request.get_full_path()))
        response: HttpResponse = view(request, *args, **kwargs)
        return response

    return wrapper


@account_route
@login_required
def confirm_identity(request: HttpRequest) -> HttpResponse:
    """Re-enter the password (and a code, with MFA) before a sensitive change."""
    user: User = request.user  # type: ignore[assignment]
    has_mfa = user_has_device(user)
    form = ConfirmIdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok = user.check_password(form.cleaned_data["password"])
        if ok and has_mfa:
            verified_by = mfa.verify_second_factor(user=user, code=form.cleaned_data["code"])
            ok = verified_by is not None
            if verified_by is not None:
                otp_login(request, verified_by)
        if ok:
            request.session[REAUTH_KEY] = time.time()
            audit.record(action="auth.reauthenticated", actor=user)
            return redirect(_next_url(request, "accounts:security"))
        audit.record(
            action="auth.reauthentication_failed",
            outcome=audit.Outcome.FAILURE,
            actor=user,
        )
        form.add_error(None, _("That did not match. Please try again."))
    return render(
        request,
        "accounts/confirm_identity.html",
        {"form": form, "has_mfa": has_mfa, "next": _next_url(request, "accounts:security")},
    )


@account_route
@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The account's security settings: second factor, recovery codes, password, email."""
    user: User = request.user  # type: ignore[assignment]
    return render(request, "accounts/security.html", {"has_mfa": user_has_device(user)})


@account_route
@login_required
@require_POST
@fresh_auth_required
def regenerate_recovery_codes(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not user_has_device(user):
        return redirect("accounts:security")
    request.session[RECOVERY_KEY] = mfa.new_recovery_codes(user=user)
    return redirect("accounts:recovery_codes")


@account_route
@login_required
@require_POST
@fresh_auth_required
def remove_mfa(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.is_staff:
        messages.error(request, _("Staff accounts must keep two-step verification."))
    else:
        mfa.remove_second_factor(user=user)
        messages.success(request, _("Two-step verification is off."))
    return redirect("accounts:security")


@account_route
@login_required
@fresh_auth_required
def change_password(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            audit.record(action="account.password_changed", actor=user)
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed."))
        return redirect("accounts:security")
    return render(
        request,
        "accounts/form_page.html",
        {
            "form": form,
            "title": _("Change your password"),
            "submit": _("Change password"),
        },
    )


@account_route
@login_required
@fresh_auth_required
def change_email(request: HttpRequest) -> HttpResponse:
    """Ask for a new email address; it is used once the link sent to it is confirmed."""
    user: User = request.user  # type: ignore[assignment]
    form = ChangeEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
            form.add_error("email", _("This email address cannot be used. Choose another."))
        else:
            with transaction.atomic():
                send_email_verification(user=user, email=email, language=get_language())
                audit.record(action="account.email_change_requested", actor=user)
            messages.success(
                request, _("We sent a link to %(email)s. Open it to finish.") % {"email": email}
            )
            return redirect("accounts:security")
    return render(
        request,
        "accounts/form_page.html",
        {
            "form": form,
            "title": _("Change your email address"),
            "submit": _("Send confirmation link"),
            "intro": _(
                "We will send a link to the new address. Your email changes when you open it."
            ),
        },
    )


@account_route
@login_required
@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    send_email_verification(user=user, email=user.email, language=get_language())
    messages.success(request, _("We sent a link to %(email)s.") % {"email": user.email})
    return redirect("accounts:security")


@account_route
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm an email address from the emailed link (the change happens on POST)."""
    try:
        data = signing.loads(token, salt=EMAIL_SALT, max_age=3 * 24 * 3600)
        user = User.objects.get(public_id=data["user"], is_active=True)
    except (signing.BadSignature, User.DoesNotExist, KeyError, ValueError):
        return render(
            request,
            "accounts/message.html",
            {
                "title": _("This link does not work"),
                "text": _(
                    "It may have expired or been used already. Ask for a new one from your "
                    "account's security page."
                ),
            },
            status=400,
        )
    if request.method == "POST":
        if User.objects.filter(email__iexact=data["email"]).exclude(pk=user.pk).exists():
            messages.error(request, _("This email address is already used by another account."))
            return redirect("pages:home")
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(
                email=data["email"], email_verified_at=timezone.now()
            )
            audit.record(action="account.email_verified", actor=user)
        messages.success(request, _("Your email address is confirmed."))
        return redirect("accounts:security" if request.user.is_authenticated else "accounts:login")
    return render(request, "accounts/verify_email.html", {"email": data["email"]})


@account_route
@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """How long the session has left. Polling: this never extends the session."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "seconds_left": 0}, status=401)
    return JsonResponse(
        {
            "signed_in": True,
            "seconds_left": seconds_left(request),
            "warn_at": settings.SESSION_WARNING_SECONDS,
        }
    )


@account_route
@require_POST
def session_extend(request: HttpRequest) -> HttpResponse:
    """Keep the session going (the request itself counts as activity)."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    # Asking to stay signed in always counts, even within TOUCH_EVERY of the last refresh.
    request.session[SESSION_LAST_SEEN] = time.time()
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"signed_in": True, "seconds_left": seconds_left(request)})
    return HttpResponseRedirect(_next_url(request))


password_reset = account_route(
    auth_views.PasswordResetView.as_view(
        template_name="accounts/form_page.html",
        form_class=OutboxPasswordResetForm,
        success_url=reverse_lazy("accounts:password_reset_done"),
        extra_context={"title": _lazy("Reset your password"), "submit": _lazy("Send reset link")},
    )
)
password_reset_done = account_route(
    auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/message.html",
        extra_context={
            "title": _lazy("Check your email"),
            "text": _(
                "If an account uses that address, we sent it a link to choose a new password. "
                "The link works for 3 days."
            ),
        },
    )
)
password_reset_confirm = account_route(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete"),
    )
)
password_reset_complete = account_route(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/message.html",
        extra_context={
            "title": _lazy("Your password was changed"),
            "text": _lazy("You can sign in with it now."),
        },
    )
)
