"""The editors' admin (Wagtail) behind the project's sign-in, staff role and second factor.

Wagtail's admin views check its own `access_admin` permission; in front of every one of them
(its sign-in page included, which would otherwise accept a password without our throttles or
second factor) we require a signed-in staff member with a verified second factor, and send
everyone else to the project's sign-in. Wagtail's admin still needs inline script and style
(wagtail#1288): only its responses get a relaxed Content-Security-Policy, and its preview may
be framed by the admin itself (ADR 0010).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, include, path, reverse
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.utils.urlpatterns import decorate_urlpatterns

# What Wagtail's admin needs beyond the site's policy; nothing else is loosened.
ADMIN_CSP_REPLACE = {
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
}


def staff_with_second_factor(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let through only signed-in staff whose second factor is verified."""

    @wraps(view)
    def gate(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
        if not user.is_staff:
            raise PermissionDenied
        if not user.is_verified():
            verify = reverse("accounts:mfa_verify")
            return HttpResponseRedirect(f"{verify}?{urlencode({'next': request.get_full_path()})}")
        permission = getattr(view, "route_permission", "")
        if permission and not user.has_perm(permission):
            # Our own admin screens (story consents) refuse plainly; Wagtail's access check
            # would otherwise turn the refusal into a redirect to the admin's home.
            raise PermissionDenied
        response = view(request, *args, **kwargs)
        response._csp_replace = ADMIN_CSP_REPLACE  # type: ignore[attr-defined]
        if response.get("X-Frame-Options") is None:
            # The preview panel frames the page being edited; only the admin itself may.
            response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    return gate


def _gated() -> list[URLPattern | URLResolver]:
    patterns: list[URLPattern | URLResolver] = list(wagtailadmin_urls.urlpatterns)
    decorate_urlpatterns(patterns, staff_with_second_factor)
    return patterns


def admin_urlpatterns() -> list[URLPattern | URLResolver]:
    """The admin's URLs, mounted at settings.WAGTAILADMIN_URL outside the language prefix."""
    return [path(settings.WAGTAILADMIN_URL, include(_GATED))]


_GATED = _gated()
