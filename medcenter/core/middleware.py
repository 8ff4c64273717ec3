"""Middleware of the shared kernel: the request context the audit reads, the request log and
the security headers Django lacks."""

import logging
import time
from collections.abc import Callable

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django_guid import get_guid

from medcenter.core import request_context

logger = logging.getLogger("medcenter.request")

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
            client_ip=request_context.client_ip(request), request_id=get_guid() or ""
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


def reject_nul_bytes_middleware(get_response: Handler) -> Handler:
    """A NUL byte in the path or the query string is a 400, before any view sees it.

    No legitimate link carries one, and PostgreSQL refuses NUL in text: a search parameter
    holding one would otherwise reach a query and fail as a 500.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise SuspiciousOperation("NUL byte in the request")
        return get_response(request)

    return middleware


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
