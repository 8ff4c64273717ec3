"""Wagtail admin hooks: a story is never published without standing consent."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks

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
