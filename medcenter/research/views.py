"""Research pages: publications (of a clinician, a program or a lab) and the editors' page
for confirming the authorships an import suggested."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from medcenter.core.caching import cache_public_page
from medcenter.core.http import apply_errors
from medcenter.core.routes import public_route, staff_route
from medcenter.research import selectors, services
from medcenter.research.forms import DecisionForm, PublicationFilterForm
from medcenter.research.models import Authorship


@public_route
@require_safe
@cache_public_page
def publication_list(request: HttpRequest) -> HttpResponse:
    keys = ("clinician", "program", "lab")
    form = PublicationFilterForm({k: request.GET[k] for k in keys if k in request.GET} or None)
    invalid = form.is_bound and not form.is_valid()
    found = [] if invalid else list(selectors.publications(**form.chosen())[: selectors.MAX_LISTED])
    return render(
        request,
        "research/publications.html",
        {
            "form": form,
            "publications": found,
            "chosen": form.chosen(),
            "structured": selectors.scholarly_ld(found) if found else "",
        },
        status=400 if invalid else 200,
    )


@staff_route("research.confirm_authorship")
@require_http_methods(["GET", "HEAD", "POST"])
def suggestions(request: HttpRequest) -> HttpResponse:
    """Authorships suggested by name: an editor confirms or rejects each."""
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        authorship = Authorship.objects.filter(public_id=form.cleaned_data["authorship"]).first()
        if authorship is None:
            form.add_error(None, _("This suggestion no longer exists."))
        else:
            try:
                services.decide_authorship(
                    authorship=authorship,
                    confirm=form.cleaned_data["decision"] == "confirm",
                    actor=request.user,
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("research:suggestions")
    return render(
        request,
        "research/suggestions.html",
        {"suggestions": list(selectors.suggestions()[:200]), "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )
