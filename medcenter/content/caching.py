"""Publishing, unpublishing, moving or translating a page drops its cached copies in every
language (core.caching's public-page cache), and those of the pages that list it.

Wagtail announces these through its signals (the one place every way of publishing passes:
admin, workflow, scheduled publishing, translation sync, code), so this is the one use of
signals in the content app (ADR 0010).
"""

from typing import Any

from django.conf import settings
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished

from medcenter.content.models import RecordLink
from medcenter.content.routing import forget_top_level_slugs
from medcenter.core.caching import forget_public_pages

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def page_paths(page: Page) -> list[str]:
    """The language-less paths of `page` in each of its translations ("resources/aya/")."""
    paths = set()
    for translation in page.get_translations(inclusive=True):
        parts = translation.get_url_parts()
        if parts and parts[2]:
            relative = parts[2].split("/", 2)[-1] if parts[2].count("/") >= 2 else ""
            paths.add(relative)
    return sorted(paths)


def purge_page(page: Page) -> None:
    """Forget `page`, its ancestors, the home pages and its programs' pages, in every language."""
    wanted: set[str] = {""}  # the home page lists stories and news
    for each in [page, *page.get_ancestors().filter(depth__gt=2)]:
        wanted.update(page_paths(each))
    for link in RecordLink.objects.filter(page=page, program__isnull=False).select_related(
        "program"
    ):
        wanted.add(f"programs/{link.program.slug}/")
    program = getattr(page.specific, "program", None)
    if program is not None:
        wanted.add(f"programs/{program.slug}/")
    forget_public_pages([(code, f"/{code}/{path}") for code in LANGUAGES for path in wanted])


def _on_change(sender: Any, instance: Page, **kwargs: Any) -> None:
    if instance.depth <= 3:
        forget_top_level_slugs()
    purge_page(instance)


def connect() -> None:
    for signal in (page_published, page_unpublished, page_slug_changed):
        signal.connect(_on_change, dispatch_uid=f"content-purge-{id(signal)}")
