"""Wagtail admin hooks: a story is never published without standing consent; the story
consents screen (admin_views.py) and its menu item."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from medcenter.content import admin_views
from medcenter.content.models import StoryPage


def consent_problem(page: Any) -> str | None:
    """Why `page` may not be published, or None."""
    if not isinstance(page, StoryPage):
        return None
    if page.consent is None:
        return _("A story cannot be published without the storyteller's recorded consent.")
    if not page.consent.is_valid:
        return _("Consent for this story was withdrawn or is incomplete: it cannot be published.")
    return None


@hooks.register("before_publish_page")  # type: ignore[untyped-decorator]
def refuse_story_without_consent(request: HttpRequest, page: Any) -> HttpResponse | None:
    problem = consent_problem(page.specific if hasattr(page, "specific") else page)
    if problem is None:
        return None
    messages.error(request, problem)
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("register_admin_urls")  # type: ignore[untyped-decorator]
def story_consent_urls() -> list[URLPattern]:
    return [
        path("story-consents/", admin_views.consents, name="content_story_consents"),
        path("story-consents/new/", admin_views.record_consent, name="content_record_consent"),
        path(
            "story-consents/<str:consent_id>/withdraw/",
            admin_views.withdraw_consent,
            name="content_withdraw_consent",
        ),
        path(
            "story-consents/<str:consent_id>/form/",
            admin_views.consent_form,
            name="content_consent_form",
        ),
    ]


class _ConsentMenuItem(MenuItem):  # type: ignore[misc]
    def is_shown(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(admin_views.VIEW))


@hooks.register("register_admin_menu_item")  # type: ignore[untyped-decorator]
def story_consent_menu_item() -> MenuItem:
    return _ConsentMenuItem(
        gettext_lazy("Story consents"),
        reverse("content_story_consents"),
        icon_name="doc-full",
        order=350,
    )
