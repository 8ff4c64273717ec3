"""Middleware of the shared kernel: the request context the audit reads, the request log and
the security headers Django lacks."""

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django_guid import get_guid

from medcenter.core import clientaddr, request_context

logger = logging.getLogger("medcenter.request")
security_logger = logging.getLogger("medcenter.security")

Handler = Callable[[HttpRequest], HttpResponse]

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)


def request_context_middleware(get_response: Handler) -> Handler:
    """Bind the client address and the request id (django-guid's, the one the log carries) for
    the audit log while the request is served, and unbind them after it, even on an error.

    It runs right after django-guid's middleware, before anything that can write an audit
    event (the session timeout records `auth.session_expired`).
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        with request_context.bound(
            client_ip=clientaddr.client_ip(request), request_id=get_guid() or ""
        ):
            return get_response(request)

    return middleware


def request_log_middleware(get_response: Handler) -> Handler:
    """Log one JSON line per request: method, path without query, status, duration.

    The query string is left out on purpose: searches can carry names or dates of birth.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = get_response(request)
        user = getattr(request, "user", None)
        logger.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "user_id": str(user.public_id) if user and user.is_authenticated else None,
            },
        )
        return response

    return middleware


def refusal(request: HttpRequest, status: int, *, detail: str, code: str) -> HttpResponse:
    """A 4xx answered before any view: a problem body on the API, an OperationOutcome on FHIR,
    the shell's error page (`<status>.html`, which shows `detail`) on a page."""
    from django.shortcuts import render

    from medcenter.core import problems

    if request.path.startswith("/api/"):
        return problems.response(
            problems.Answer(status, problems.body(status, detail=detail, code=code))
        )
    if request.path.startswith("/fhir/"):
        outcome = {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": str(detail)}],
        }
        return JsonResponse(outcome, status=status, content_type="application/fhir+json")
    return render(request, f"{status}.html", {"detail": detail}, status=status)


class _LogLimit:
    """At most `per_minute` lines a minute for a refusal anyone can provoke at will; the
    lines held back are counted in the next one written."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self.window = 0
        self.written = 0
        self.held_back = 0
        self.lock = threading.Lock()

    def allow(self) -> int | None:
        """None to hold this line back; else how many were held back before it."""
        with self.lock:
            minute = int(time.monotonic() // 60)
            if minute != self.window:
                self.window, self.written = minute, 0
            if self.written >= self.per_minute:
                self.held_back += 1
                return None
            self.written += 1
            held, self.held_back = self.held_back, 0
            return held


_nul_log = _LogLimit(per_minute=10)


def reject_nul_bytes_middleware(get_response: Handler) -> Handler:
    """A NUL byte in the path or the query string is a 400, before any view sees it.

    No legitimate link carries one, and PostgreSQL refuses NUL in text: a search parameter
    holding one would otherwise reach a query and fail as a 500. Anyone can send one as often
    as they like, so it is logged as a WARNING without a traceback, at most 10 lines a minute.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            held = _nul_log.allow()
            if held is not None:
                security_logger.warning(
                    "NUL byte in the request refused",
                    extra={"path": request.path.replace("\x00", "\\0"), "held_back": held},
                )
            return refusal(
                request, 400, detail=_("The address holds a character it may not."), code="invalid"
            )
        return get_response(request)

    return middleware


def body_limit_middleware(get_response: Handler) -> Handler:
    """A body declared longer than DATA_UPLOAD_MAX_MEMORY_SIZE is a 413, before any view reads
    it (R30). Multipart bodies are left to Django's parser: their files have their own cap
    (core.uploads) and only their other fields count against the limit."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if _declared_too_big(request):
            return too_large(request)
        return get_response(request)

    return middleware


def _declared_too_big(request: HttpRequest) -> bool:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None or request.content_type == "multipart/form-data":
        return False
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > limit


def too_large(request: HttpRequest) -> HttpResponse:
    """The 413 for a body over the limit, on any surface."""
    security_logger.warning(
        "request body over the limit refused",
        extra={"path": request.path, "content_length": request.META.get("CONTENT_LENGTH")},
    )
    limit_mb = round((settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) / (1024 * 1024), 1)
    detail = _("What was sent is too large: at most %(limit)s MB.") % {"limit": limit_mb}
    return refusal(request, 413, detail=detail, code="too_large")


def security_headers_middleware(get_response: Handler) -> Handler:
    """Add Permissions-Policy, and keep any page shown to a signed-in user out of caches."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "no-store, private"
        return response

    return middleware


class AuditFailureMiddleware:
    """A read whose audit row cannot be written is refused: 503, and no data."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from medcenter.core.audit import AuditWriteFailed

        if not isinstance(exception, AuditWriteFailed):
            return None
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "60"
        return response
