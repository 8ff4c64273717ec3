"""The back office for giving officers: gifts, refunds, export, reconciliation, caregiver notes
and fundraising lists. Every view names its permission (R3)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from medcenter.core import audit
from medcenter.core.http import AuthedRequest, apply_errors
from medcenter.core.routes import staff_route
from medcenter.giving import fundraising, receipts, selectors, services
from medcenter.giving.forms import FundraisingListForm, RefundForm
from medcenter.giving.models import Campaign, CaregiverNote, GiftStatus, NoteStatus, Tribute
from medcenter.giving.money import format_money, parse_amount

VIEW = "giving.view_gift"


@staff_route(VIEW)
def gifts(request: AuthedRequest) -> HttpResponse:
    """The gift list: allow-listed filters and sorts, keyset pages."""
    try:
        page = selectors.gift_page(params=request.GET)
    except ValidationError as error:
        raise BadRequest(" ".join(error.messages)) from None
    query = request.GET.copy()
    query.pop("after", None)
    if page.next_cursor:
        query["after"] = page.next_cursor
    return render(
        request,
        "giving/staff/gifts.html",
        {
            "page": page,
            "next_query": query.urlencode() if page.next_cursor else "",
            "statuses": GiftStatus.choices,
            "funds": selectors.active_funds(),
            "sorts": selectors.SORTS,
        },
    )


@staff_route(VIEW)
def gift(request: AuthedRequest, gift_id: str) -> HttpResponse:
    """One gift, its receipts, events, and (with the permission) a refund."""
    found = selectors.get_gift(public_id=gift_id)
    form = RefundForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("giving.refund_gift"):
            raise Http404
        if form.is_valid():
            try:
                minor = parse_amount(form.cleaned_data["amount"], found.currency)
                services.refund_gift(
                    gift=found,
                    amount_minor=minor,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The refund was made."))
                return redirect("giving:staff_gift", gift_id=gift_id)
    return render(
        request,
        "giving/staff/gift.html",
        {
            "gift": found,
            "form": form,
            "receipts": found.receipts.order_by("number"),
            "tribute": Tribute.objects.filter(gift=found).first(),
        },
        status=400 if form.errors else 200,
    )


@staff_route(VIEW)
def tribute_letter(request: AuthedRequest, gift_id: str) -> HttpResponse:
    """The printable tribute letter of a gift (a letter the center mails to the family)."""
    found = selectors.get_gift(public_id=gift_id)
    tribute = Tribute.objects.filter(gift=found).first()
    if tribute is None:
        raise Http404
    response = HttpResponse(receipts.tribute_letter_pdf(tribute), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="tribute-letter.pdf"'
    return response


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


@staff_route("giving.export_gift")
def export(request: AuthedRequest) -> StreamingHttpResponse:
    """The filtered gift list as CSV, streamed; the export is audited."""
    try:
        rows, used = selectors.filtered_gifts(request.GET)
    except ValidationError as error:
        raise BadRequest(" ".join(error.messages)) from None
    with transaction.atomic():
        audit.record(
            action="gifts.exported",
            actor=request.user,
            reason=",".join(f"{k}={v}" for k, v in sorted(used.items()))[:500],
        )
    writer = csv.writer(_Echo())
    header = [
        "gift",
        "created",
        "status",
        "fund",
        "frequency",
        "amount",
        "fee",
        "refunded",
        "currency",
        "donor",
        "email",
        "anonymous",
        "employer",
    ]

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for g in rows.select_related("donor", "fund").order_by("-created_at", "-pk").iterator(2000):
            yield writer.writerow(
                safe_cell(v)
                for v in (
                    g.public_id,
                    g.created_at.isoformat(),
                    g.status,
                    g.fund.slug,
                    g.frequency,
                    g.amount_minor,
                    g.fee_minor,
                    g.refunded_minor,
                    g.currency,
                    g.donor.name,
                    g.donor.email,
                    g.anonymous,
                    g.employer,
                )
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="gifts.csv"'
    return response


@staff_route("giving.reconcile_gift")
def reconciliation(request: AuthedRequest) -> HttpResponse:
    """Gateway events without a gift, and paid gifts no event confirms."""
    return render(request, "giving/staff/reconciliation.html", selectors.reconciliation())


@staff_route("giving.screen_caregivernote")
def notes(request: AuthedRequest) -> HttpResponse:
    """Caregiver notes waiting for screening; approve or decline."""
    if request.method == "POST":
        note = CaregiverNote.objects.filter(
            public_id__in=[v for v in [request.POST.get("note", "")] if selectors_uuid(v)]
        ).first()
        if note is None:
            raise Http404
        try:
            services.screen_note(
                note=note, approve=request.POST.get("decision") == "approve", actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("giving:staff_notes")
    waiting = CaregiverNote.objects.filter(status=NoteStatus.SUBMITTED).select_related("clinician")[
        :100
    ]
    return render(request, "giving/staff/notes.html", {"notes": waiting})


def selectors_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@staff_route(fundraising.PERMISSION)
def fundraising_list(request: AuthedRequest) -> HttpResponse:
    """Build a fundraising list from 164.514(f)(1) fields only; optionally queue an appeal."""
    form = FundraisingListForm(request.POST or None)
    cast(forms.ChoiceField, form.fields["campaign"]).choices = [("", "—")] + [
        (c.slug, c.title) for c in Campaign.objects.filter(is_published=True)
    ]
    prospects: list[fundraising.Prospect] = []
    queued = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        prospects = fundraising.build_list(
            user=request.user,
            since=data["since"],
            until=data["until"],
            department=data["department"],
        )
        campaign = Campaign.objects.filter(slug=data.get("campaign") or "").first()
        if campaign is not None and request.POST.get("send") == "1":
            queued = fundraising.queue_appeal(
                user=request.user, prospects=prospects, campaign=campaign
            )
    return render(
        request,
        "giving/staff/fundraising.html",
        {"form": form, "prospects": prospects, "queued": queued},
        status=400 if form.errors else 200,
    )


def money(minor: int, currency: str) -> str:
    return format_money(minor, currency)
