"""Public pages of the content section: Wagtail's pages, and search in the visitor's language."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from wagtail.views import serve as wagtail_serve

from medcenter.content.forms import SearchForm
from medcenter.content.routing import route_with_fallback
from medcenter.content.selectors import search_pages
from medcenter.core.caching import cache_public_page
from medcenter.core.routes import public_route


@public_route
@require_safe
@cache_public_page
def serve(request: HttpRequest, path: str = "") -> HttpResponse:
    """Show an editorial page in the visitor's language, or in English with a notice."""
    route_with_fallback(request, path)
    response: HttpResponse = wagtail_serve(request, path)
    return response


@public_route
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Search the published pages written in the visitor's language."""
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    context: dict[str, Any] = {"form": form, "query": query, "results": search_pages(query=query)}
    return render(request, "content/search.html", context)
