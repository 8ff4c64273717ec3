"""Quality pages: the public Quality & Safety page and CSV, and the analysts' dashboard.

Every staff view names its `quality.*` permission (R3); none reads a patient."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from medcenter.core import vault
from medcenter.core.caching import cache_public_page
from medcenter.core.http import AuthedRequest, apply_errors
from medcenter.core.routes import public_route, staff_route
from medcenter.core.uploads import download_response
from medcenter.giving.staff_views import safe_cell
from medcenter.quality import presenting, selectors, services
from medcenter.quality.forms import EntryForm, PublishForm
from medcenter.quality.models import Entry, Measure

VIEW = "quality.view_dashboard"
ENTER = "quality.enter_figures"
PUBLISH = "quality.publish_month"


@public_route
@require_safe
@cache_public_page
def home(request: HttpRequest) -> HttpResponse:
    """Quality & Safety: by aim, the latest published figures, trend, target, benchmark."""
    page = presenting.public_page(language=get_language())
    return render(request, "quality/home.html", {"page": page})


@public_route
@require_safe
def measure_csv(request: HttpRequest, code: str, month: str) -> HttpResponse:
    """One measure's published month as CSV, overall and by stratum, small cells empty."""
    return _csv(code=code, month=month, published_only=True)


def _csv(*, code: str, month: str, published_only: bool) -> HttpResponse:
    try:
        parsed = selectors.parse_month(month)
        if parsed is None:
            raise Http404
        table = selectors.measure_month_csv(code=code, month=parsed, published_only=published_only)
    except (ValidationError, Measure.DoesNotExist):
        raise Http404 from None
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([safe_cell(cell) for cell in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_route(VIEW)
@require_safe
def dashboard(request: AuthedRequest) -> HttpResponse:
    """Every measure with its month's strata, flags, charts and tables; entries; publishing."""
    try:
        month = selectors.parse_month(request.GET.get("month"))
        data = presenting.dashboard_page(
            language=get_language(), month=month, stratifier=request.GET.get("stratifier", "")
        )
    except ValidationError as error:
        raise BadRequest(" ".join(error.messages)) from None
    return render(
        request,
        "quality/staff/dashboard.html",
        {"page": data, "publish_form": PublishForm(initial={"month": data.month_text})},
    )


@staff_route(VIEW)
@require_safe
def staff_csv(request: AuthedRequest, code: str, month: str) -> HttpResponse:
    """A measure's month as CSV, drafts included (small cells empty all the same)."""
    return _csv(code=code, month=month, published_only=False)


@staff_route(VIEW)
@require_safe
def definitions(request: AuthedRequest) -> HttpResponse:
    """Every measure's current definition, numerator, denominator, exclusions and steward."""
    views = selectors.measure_views(language=get_language(), public_only=False, status=None)
    return render(request, "quality/staff/definitions.html", {"views": views})


@staff_route(ENTER)
@require_http_methods(["GET", "POST"])
def new_entry(request: AuthedRequest) -> HttpResponse:
    """Enter a month's figures with their source document, or correct them with a reason."""
    choices = presenting.entered_choices(language=get_language())
    form = EntryForm(
        request.POST or None, request.FILES or None, measures=choices, session=request.session
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        uploads = form.uploads("document")
        try:
            services.record_entry(
                measure_code=data["measure"],
                month=data["month"],
                numerator=data["numerator"],
                denominator=data["denominator"],
                actor=request.user,
                document=uploads[0] if uploads else None,
                kept=form.kept_uploads(),
                source_note=data["source_note"],
                reason=data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The figures were saved."))
            return redirect("quality:dashboard")
    return render(
        request,
        "quality/staff/entry.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@staff_route(VIEW)
@require_safe
def entry_document(request: AuthedRequest, entry_id: str) -> HttpResponse:
    """The source document an entry was made from."""
    try:
        entry = selectors.get_entry(public_id=entry_id)
    except (Entry.DoesNotExist, ValidationError):
        raise Http404 from None
    return download_response(
        content=vault.fetch(key=entry.vault_key),
        content_type=entry.source_content_type,
        filename=entry.source_filename,
    )


@staff_route(PUBLISH)
@require_POST
def publish(request: AuthedRequest) -> HttpResponse:
    """Publish a month: its drafts become the public figures."""
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            services.publish_month(month=form.cleaned_data["month"], actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The month is published."))
            return redirect("quality:dashboard")
    data = presenting.dashboard_page(language=get_language(), month=None, stratifier="")
    return render(
        request,
        "quality/staff/dashboard.html",
        {"page": data, "publish_form": form},
        status=400,
    )
