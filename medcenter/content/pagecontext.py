"""What an editorial page's template shows besides its own fields (its breadcrumbs, its
children, the records it links); read by the page models' `get_context`."""

from typing import Any

from django.urls import reverse
from wagtail.models import Locale, Page


def in_visitor_language(page: Page) -> Page:
    """The page's published translation in the visitor's language, else the page itself."""
    localized: Page = page.localized
    return localized


def children_of(page: Page) -> list[Page]:
    """A section's published children, each in the visitor's language when translated."""
    source = page
    if page.locale_id != Locale.get_default().id:
        source = page.get_translation_or_none(Locale.get_default()) or page
    children = source.get_children().live().public().specific().order_by("path")
    return [in_visitor_language(child) for child in children]


def linked_records(page: Page) -> list[dict[str, Any]]:
    """The clinicians, programs, locations and trials a page names, with their addresses."""
    records = []
    links = page.record_links.select_related("clinician", "program", "location", "trial")
    for link in links:
        target = link.target
        if target is None:
            continue
        if link.trial_id:
            url = reverse("trials:detail", args=[target.nct_id])
        else:
            url = target.get_absolute_url()
        label = (
            getattr(target, "display_name", None)
            or getattr(target, "label", None)
            or getattr(target, "brief_title", None)
            or str(target)
        )
        records.append({"label": str(label), "url": url})
    return records


def breadcrumbs(page: Page) -> list[dict[str, str]]:
    """The page's sections above it (not the tree's root), with their addresses."""
    crumbs = []
    for ancestor in page.get_ancestors().filter(depth__gt=2).specific():
        url = ancestor.get_url()
        if url:
            crumbs.append(
                {"title": ancestor.title, "url": url, "language": ancestor.locale.language_code}
            )
    return crumbs
