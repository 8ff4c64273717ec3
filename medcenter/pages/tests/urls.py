"""The real URLconf plus views that fail on purpose, for the error-page tests."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from medcenter.urls import handler400, handler403, handler404, handler500, urlpatterns


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("deliberate failure: secret-marker-7731")


def forbid(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("deliberate")


urlpatterns = [
    *urlpatterns,
    *i18n_patterns(
        path("test/crash/", crash),
        path("test/forbid/", forbid),
        path("test/suspicious/", suspicious),
    ),
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
