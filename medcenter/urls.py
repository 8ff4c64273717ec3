from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django_otp.admin import OTPAdminSite

from medcenter.api import api
from medcenter.content.cms import admin_urlpatterns as cms_urlpatterns
from medcenter.content.urls import early_serve_urlpatterns as content_early_serve_urlpatterns
from medcenter.content.urls import serve_urlpatterns as content_serve_urlpatterns
from medcenter.core import views as core_views

# The admin shows patient data and manages staff: it needs a verified second factor too.
admin.site.__class__ = OTPAdminSite

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("fhir/R4/", include("medcenter.fhir.urls")),
    *cms_urlpatterns(),
]

urlpatterns += i18n_patterns(
    # First: its prefixes (quality/, staff/quality/) clash with no other app's, and a
    # cached page's cost is mostly resolving its URL through the includes above it (the
    # public Quality & Safety page is held to 0.60 of /healthz's throughput, issue 23).
    path("", include("medcenter.quality.urls")),
    # Wagtail's pages whose address no route below could take, tried first (content/routing.py).
    *content_early_serve_urlpatterns,
    path("", include("medcenter.pages.urls")),
    path("accounts/", include("medcenter.accounts.urls")),
    path("", include("medcenter.patients.urls")),
    path("", include("medcenter.directory.urls")),
    path("", include("medcenter.oncology.urls")),
    path("", include("medcenter.scheduling.urls")),
    path("", include("medcenter.trials.urls")),
    path("", include("medcenter.portal.urls")),
    path("", include("medcenter.international.urls")),
    path("", include("medcenter.messaging.urls")),
    path("", include("medcenter.results.urls")),
    path("", include("medcenter.questionnaires.urls")),
    path("", include("medcenter.giving.urls")),
    path("", include("medcenter.events.urls")),
    path("", include("medcenter.research.urls")),
    path("", include("medcenter.tumorboards.urls")),
    path("", include("medcenter.careplans.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("medcenter.content.urls")),
    # Wagtail's pages: the last pattern, so every route above keeps its address and an
    # unknown address is still the shell's 404 (Wagtail finds no page and raises Http404).
    *content_serve_urlpatterns,
)

handler400 = "medcenter.pages.views.bad_request"
handler403 = "medcenter.pages.views.permission_denied"
handler404 = "medcenter.pages.views.page_not_found"
handler500 = "medcenter.pages.views.server_error"
