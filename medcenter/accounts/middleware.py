"""Session time-outs and the second-factor gate, run on every request after authentication."""

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from medcenter.accounts.mfa import needs_second_factor
from medcenter.accounts.services import SESSION_LAST_SEEN as LAST_SEEN
from medcenter.accounts.services import SESSION_STARTED as STARTED
from medcenter.core import audit, problems
from medcenter.core.routes import PATIENT_DATA, PUBLIC, audit_refusal, route_kind

POLL_HEADER = "HTTP_X_SESSION_POLL"
# Don't write the session on every click: refresh "last seen" at most this often.
TOUCH_EVERY = 15


def idle_limit(user: Any) -> int:
    return int(settings.SESSION_IDLE_STAFF if user.is_staff else settings.SESSION_IDLE_PORTAL)


def seconds_left(request: HttpRequest, *, now: float | None = None) -> int:
    now = now or time.time()
    session = request.session
    idle_end = session.get(LAST_SEEN, now) + idle_limit(request.user)
    absolute_end = session.get(STARTED, now) + settings.SESSION_ABSOLUTE
    return max(0, int(min(idle_end, absolute_end) - now))


def _unauthorized(detail: str, *, code: str) -> HttpResponse:
    """The API's 401, in its one problem body."""
    return problems.response(problems.Answer(401, problems.body(401, detail=detail, code=code)))


def wants_json(request: HttpRequest) -> bool:
    return (
        request.path.startswith("/api/")
        or POLL_HEADER in request.META
        or request.headers.get("Accept", "").startswith("application/json")
    )


class SessionTimeoutMiddleware:
    """Portal sessions end after 30 idle minutes, staff after 15, everyone after 12 hours.

    Polling requests (the time-out warning asks how long is left) never extend a session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            session = request.session
            session.setdefault(STARTED, now)
            session.setdefault(LAST_SEEN, now)
            if seconds_left(request, now=now) <= 0:
                audit.record(action="auth.session_expired", actor=user)
                logout(request)
                if wants_json(request):
                    return _unauthorized(_("Your session has ended."), code="session_ended")
                login = reverse("accounts:login")
                return HttpResponseRedirect(
                    f"{login}?{urlencode({'next': request.get_full_path(), 'expired': 1})}"
                )
            if POLL_HEADER not in request.META and now - session[LAST_SEEN] >= TOUCH_EVERY:
                session[LAST_SEEN] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """Until the second factor is verified, staff (and patients who set one up) see only
    public pages and the pages that let them verify or sign out."""

    ALLOWED = {
        "accounts:mfa_setup",
        "accounts:mfa_verify",
        "accounts:logout",
        "accounts:session_status",
        "accounts:session_extend",
        "accounts:recovery_codes",
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if route_kind(view) == PUBLIC or (match and match.view_name in self.ALLOWED):
            return None
        if not needs_second_factor(user):
            return None
        if route_kind(view) == PATIENT_DATA:
            audit_refusal(request, kwargs)
        if wants_json(request):
            return _unauthorized(
                _("Verify your second factor first."), code="second_factor_required"
            )
        from django_otp import user_has_device

        step = "accounts:mfa_verify" if user_has_device(user) else "accounts:mfa_setup"
        return HttpResponseRedirect(
            f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}"
        )
