"""Routing a request to a Wagtail page, with the English page as the fallback."""

import functools
import re
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import LocalePrefixPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
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


class UnclaimedWagtailPathConverter(WagtailPathConverter):
    """A page path that no other route of the site could take: Wagtail's pattern can then be
    tried first instead of last.

    Inside the language prefix, every app's URLconf is included at the empty prefix, so a page
    address was only reached after some 220 patterns had been tried and a "tried" list built
    for each app that did not match (a third of a cached page's time). A path that another
    route could match (conservatively: any route whose literal beginning it starts with, or
    the exact path of a route with no parameter) is refused here and is routed as before, to
    the pattern that comes last.
    """

    def to_python(self, value: str) -> str:
        # The routes' own paths first: they need no database, and most requests are theirs.
        exact, prefixes = claimed_paths(get_resolver())
        if value in exact or value.startswith(prefixes):
            raise ValueError(value)
        return super().to_python(value)


@functools.cache
def claimed_paths(resolver: URLResolver) -> tuple[frozenset[str], tuple[str, ...]]:
    """What the routes of `resolver` inside the language prefix, Wagtail's aside, could match:
    the exact paths of routes without parameters, and the literal beginnings of the others
    (computed once per URLconf: Django makes a new resolver when ROOT_URLCONF changes)."""
    exact: set[str] = set()
    prefixes: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            literal, whole = _literal(pattern.pattern)
            if "wagtailpath:" in str(pattern.pattern):
                continue
            if isinstance(pattern, URLResolver):
                if whole:
                    walk(pattern.url_patterns, prefix + literal)
                else:
                    prefixes.add(prefix + literal)
            elif whole:
                exact.add(prefix + literal)
            else:
                prefixes.add(prefix + literal)

    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver) and isinstance(pattern.pattern, LocalePrefixPattern):
            walk(pattern.url_patterns, "")
    return frozenset(exact), tuple(sorted(prefixes))


def _literal(pattern: Any) -> tuple[str, bool]:
    """The literal beginning of a route, and whether that is the whole route."""
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        literal = route.split("<", 1)[0]
        return literal, literal == route
    # A regular expression: its literal beginning only, never taken as whole.
    regex = str(pattern).removeprefix("^")
    return re.split(r"[\\.^$*+?{}\[\]|()]", regex, maxsplit=1)[0], False
