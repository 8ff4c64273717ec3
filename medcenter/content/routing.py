"""Routing a request to a Wagtail page, with the English page as the fallback."""

from django.http import Http404, HttpRequest
from wagtail.models import Page, Site


def route_with_fallback(request: HttpRequest, path: str) -> None:
    """Route `path` in the visitor's language; when the page has no translation there, route
    it in the default language's tree, so the English page is shown (marked and noticed by
    the template) instead of a 404. The route is kept where Wagtail's serve reads it."""
    if Page.route_for_request(request, path) is not None:
        return
    site = Site.find_for_request(request)
    if site is None:
        return
    components = [component for component in path.split("/") if component]
    try:
        route = site.root_page.specific.route(request, components)
    except Http404:
        return
    request._wagtail_route_for_request = route  # type: ignore[attr-defined]


TOP_LEVEL_CACHE_KEY = "content:top-level-slugs"


def top_level_slugs() -> frozenset[str]:
    """The slugs of the pages right under each locale's site root, briefly cached."""
    from django.core.cache import cache

    cached: frozenset[str] | None = cache.get(TOP_LEVEL_CACHE_KEY)
    if cached is None:
        cached = frozenset(Page.objects.filter(depth=3).values_list("slug", flat=True))
        cache.set(TOP_LEVEL_CACHE_KEY, cached, 60)
    return cached


def forget_top_level_slugs() -> None:
    from django.core.cache import cache

    cache.delete(TOP_LEVEL_CACHE_KEY)


class WagtailPathConverter:
    """A page path ("resources/aya/") whose first segment names a top-level page."""

    regex = r"(?:[\w\-]+/)+"

    def to_python(self, value: str) -> str:
        if value.split("/", 1)[0] not in top_level_slugs():
            raise ValueError(value)
        return value

    def to_url(self, value: str) -> str:
        return value
