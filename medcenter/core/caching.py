"""Server-side cache for anonymous pages that are the same for every visitor."""

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse
from django.utils.translation import get_language

View = Callable[..., HttpResponse]


def public_page_key(*, language: str, path: str, htmx: bool) -> str:
    """The cache key of the page at `path` (with its query string) in `language`."""
    digest = hashlib.sha256(path.encode()).hexdigest()
    return f"public-page:{language}:{'htmx' if htmx else 'full'}:{digest}"


def forget_public_pages(paths: list[tuple[str, str]]) -> None:
    """Drop the cached copies of these (language, path) pages, full and htmx alike."""
    cache.delete_many(
        [
            public_page_key(language=language, path=path, htmx=htmx)
            for language, path in paths
            for htmx in (False, True)
        ]
    )


def cache_public_page(view: View) -> View:
    """Serve the rendered page from the cache to visitors who carry no session.

    Only requests without a session or CSRF cookie are cached or served from cache, so no
    page that could hold anything personal (a name in the header, a form token) is shared.
    The key is a hash of the full path (which starts with the language prefix), plus the htmx
    flag: a hash, because a query string can be any length and hold any character, and a
    cache key longer than 250 characters or holding spaces fails on memcached.
    Middleware still runs on every request, so the security headers stay per-response.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        cookies = request.COOKIES
        cacheable = (
            seconds > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in cookies
            and settings.CSRF_COOKIE_NAME not in cookies
        )
        if not cacheable:
            return view(request, *args, **kwargs)
        key = public_page_key(
            language=get_language(),
            path=request.get_full_path(),
            htmx=bool(request.headers.get("HX-Request")),
        )
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
        ):
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()
            cache.set(key, (response.content, response["Content-Type"]), seconds)
        return response

    return wrapper
