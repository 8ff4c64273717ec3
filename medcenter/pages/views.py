"""The site shell's own pages: home, contact, the notices hospitals must publish, errors."""

import logging

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe
from django_htmx.middleware import HtmxDetails

from medcenter.core import problems
from medcenter.core.caching import cache_public_page
from medcenter.core.middleware import too_large
from medcenter.core.routes import public_route, staff_route
from medcenter.pages.context_processors import center_details
from medcenter.pages.forms import StyleguideForm
from medcenter.pages.home import home_page
from medcenter.pages.taglines import taglines_for

logger = logging.getLogger(__name__)


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@public_route
@require_safe
@cache_public_page
def home(request: HttpRequest) -> HttpResponse:
    """Show the home page: search, the ways in, and the programs with their open trials."""
    return render(request, "pages/home.html", home_page())


@public_route
@require_safe
@cache_public_page
def contact(request: HttpRequest) -> HttpResponse:
    """Show how to reach the center."""
    return render(request, "pages/contact.html")


@public_route
@require_safe
@cache_public_page
def accessibility(request: HttpRequest) -> HttpResponse:
    """Show the accessibility statement."""
    return render(request, "pages/accessibility.html")


@public_route
@require_safe
@cache_public_page
def nondiscrimination(request: HttpRequest) -> HttpResponse:
    """Show the non-discrimination notice with the language-assistance taglines."""
    center = center_details()
    taglines = taglines_for(phone=center["language_line"], tty=center["tty"])
    return render(request, "pages/nondiscrimination.html", {"taglines": taglines})


@public_route
@require_safe
@cache_public_page
def privacy(request: HttpRequest) -> HttpResponse:
    """Show the notice of privacy practices."""
    return render(request, "pages/privacy.html")


@staff_route("accounts.view_styleguide")
def styleguide(request: HtmxHttpRequest) -> HttpResponse:
    """Show every shell component, for staff who build pages; the form shows inline errors."""
    form = StyleguideForm(request.POST or None)
    if request.method == "POST":
        form.is_valid()
    rows = [
        {"name": _("Example row %(number)s") % {"number": n}, "number": n} for n in range(1, 24)
    ]
    page = Paginator(rows, 5).get_page(request.GET.get("page"))
    tab_choices = [
        ("overview", _("Overview")),
        ("details", _("Details")),
        ("history", _("History")),
    ]
    tab = request.GET.get("tab", "overview")
    if tab not in dict(tab_choices):
        tab = "overview"
    context = {"form": form, "page": page, "tab": tab, "tab_choices": tab_choices}
    template = "pages/styleguide.html"
    if request.htmx and not request.htmx.boosted:
        template += "#tab-panel"
    return render(request, template, context)


# --- Error pages: rendered inside the shell, never with a stack trace -----------------------


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page; it names what was wrong when the refusal says (core.bounds), and a body
    over the limit that only a parser noticed is still a 413."""
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    detail = " ".join(exception.messages) if isinstance(exception, ValidationError) else ""
    return problems.for_api_request(request, 400) or render(
        request, "400.html", {"detail": detail}, status=400
    )


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return problems.for_api_request(request, 403) or render(request, "403.html", status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return problems.for_api_request(request, 404) or render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """Render the 500 page in the shell; if even that fails, a plain page that cannot fail."""
    try:
        return render(request, "500.html", status=500)
    except Exception:
        logger.exception("the 500 page itself failed to render")
        return HttpResponseServerError(
            loader.get_template("500_plain.html").render(), content_type="text/html"
        )
