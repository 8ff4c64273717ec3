"""The back office for giving officers: gifts, refunds, export, reconciliation, caregiver notes,
fundraising lists, funds, campaigns and employer matches. Every view names its permission (R3)."""

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
from django.urls import reverse
from django.utils.translation import gettext as _

from medcenter.core import audit
from medcenter.core.http import AuthedRequest, apply_errors, saved
from medcenter.core.routes import staff_route
from medcenter.giving import fundraising, receipts, selectors, services
from medcenter.giving.forms import (
    CampaignForm,
    FundForm,
    FundraisingListForm,
    MatchForm,
    RefundForm,
)
from medcenter.giving.models import (
    Campaign,
    CaregiverNote,
    GiftStatus,
    MatchStatus,
    NoteStatus,
    Tribute,
)
from medcenter.giving.money import format_money, parse_amount, to_decimal

VIEW = "giving.view_gift"


@staff_route(VIEW)
def gifts(request: AuthedRequest) -> HttpResponse:
    """The gift list: allow-listed filters and sorts, keyset pages."""
    try:
        page = selectors.gift_page(params=request.GET, with_totals=True)
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
            "matches": found.matches.order_by("-created_at"),
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


# --- Funds, campaigns, matching gifts -------------------------------------------------------


def _form_page(request: AuthedRequest, form: forms.Form, **context: Any) -> HttpResponse:
    return render(
        request,
        "giving/staff/form.html",
        {"form": form, **context},
        status=400 if form.errors else 200,
    )


@staff_route("giving.change_fund")
def funds(request: AuthedRequest) -> HttpResponse:
    """Every fund, retired ones included."""
    return render(request, "giving/staff/funds.html", {"funds": selectors.office_funds()})


@staff_route("giving.add_fund")
def fund_new(request: AuthedRequest) -> HttpResponse:
    """A new fund; what was typed is kept when something needs correcting."""
    form = FundForm(request.POST or None)
    if saved(
        request,
        form,
        lambda: services.save_fund(fund=None, data=form.fund_input(), actor=request.user),
        success=_("The fund was saved."),
    ):
        return redirect("giving:staff_funds")
    return _form_page(
        request,
        form,
        title=_("New fund"),
        back=reverse("giving:staff_funds"),
        back_label=_("Funds"),
    )


@staff_route("giving.change_fund")
def fund_edit(request: AuthedRequest, fund: str) -> HttpResponse:
    """Change a fund's name, description, program, order, or retire it."""
    found = selectors.get_office_fund(slug=fund)
    form = FundForm(request.POST or None, initial=FundForm.initial_for(found))
    if saved(
        request,
        form,
        lambda: services.save_fund(fund=found, data=form.fund_input(), actor=request.user),
        success=_("The fund was saved."),
    ):
        return redirect("giving:staff_funds")
    return _form_page(
        request, form, title=found.name, back=reverse("giving:staff_funds"), back_label=_("Funds")
    )


@staff_route("giving.change_campaign")
def campaigns(request: AuthedRequest) -> HttpResponse:
    """Campaigns, unpublished and ended ones included."""
    return render(
        request, "giving/staff/campaigns.html", {"campaigns": selectors.office_campaigns()}
    )


@staff_route("giving.add_campaign")
def campaign_new(request: AuthedRequest) -> HttpResponse:
    """A new campaign: goal, dates, story."""
    form = CampaignForm(request.POST or None)
    if saved(
        request,
        form,
        lambda: services.save_campaign(
            campaign=None, data=form.campaign_input(), actor=request.user
        ),
        success=_("The campaign was saved."),
    ):
        return redirect("giving:staff_campaigns")
    return _form_page(
        request,
        form,
        title=_("New campaign"),
        back=reverse("giving:staff_campaigns"),
        back_label=_("Campaigns"),
    )


@staff_route("giving.change_campaign")
def campaign_edit(request: AuthedRequest, campaign: str) -> HttpResponse:
    """Change a campaign; its progress is shown above the form."""
    found, progress = selectors.get_office_campaign(slug=campaign)
    form = CampaignForm(request.POST or None, initial=CampaignForm.initial_for(found))
    if saved(
        request,
        form,
        lambda: services.save_campaign(
            campaign=found, data=form.campaign_input(), actor=request.user
        ),
        success=_("The campaign was saved."),
    ):
        return redirect("giving:staff_campaigns")
    return _form_page(
        request,
        form,
        title=found.title,
        back=reverse("giving:staff_campaigns"),
        back_label=_("Campaigns"),
        progress=progress,
    )


@staff_route("giving.change_matchinggift")
def matches(request: AuthedRequest) -> HttpResponse:
    """Employer matches, optionally of one status."""
    status = request.GET.get("status", "")
    return render(
        request,
        "giving/staff/matches.html",
        {
            "matches": selectors.office_matches(status=status),
            "status": status,
            "statuses": MatchStatus.choices,
        },
    )


@staff_route("giving.add_matchinggift")
def match_new(request: AuthedRequest, gift_id: str) -> HttpResponse:
    """Record the employer match a donor asked for on one gift."""
    found = selectors.get_gift(public_id=gift_id)
    form = MatchForm(
        request.POST or None, currency=found.currency, initial={"employer": found.employer}
    )
    if saved(
        request,
        form,
        lambda: services.record_match(
            gift=found,
            employer=form.cleaned_data["employer"],
            amount_minor=form.cleaned_data["amount_minor"],
            note=form.cleaned_data["note"],
            actor=request.user,
        ),
        success=_("The employer match was recorded."),
    ):
        return redirect("giving:staff_matches")
    return _form_page(
        request,
        form,
        title=_("Record an employer match"),
        back=reverse("giving:staff_gift", kwargs={"gift_id": gift_id}),
        back_label=_("Gift"),
        gift=found,
    )


@staff_route("giving.change_matchinggift")
def match_edit(request: AuthedRequest, match_id: str) -> HttpResponse:
    """Correct a match, or record the employer's answer (confirm or decline)."""
    found = selectors.get_match(public_id=match_id)
    initial = {
        "employer": found.employer,
        "amount": str(to_decimal(found.amount_minor, found.currency)),
        "note": found.note,
    }
    decision = request.POST.get("decision", "") if request.method == "POST" else ""
    form = MatchForm(
        request.POST if request.method == "POST" and not decision else None,
        currency=found.currency,
        initial=initial,
    )
    try:
        if decision in ("confirm", "decline"):
            services.decide_match(match=found, confirmed=decision == "confirm", actor=request.user)
            messages.success(request, _("The employer's answer was recorded."))
            return redirect("giving:staff_matches")
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            services.change_match(
                match=found,
                employer=data["employer"],
                amount_minor=data["amount_minor"],
                note=data["note"],
                actor=request.user,
            )
            messages.success(request, _("The employer match was saved."))
            return redirect("giving:staff_matches")
    except ValidationError as error:
        apply_errors(form, error)
    return render(
        request,
        "giving/staff/match.html",
        {"form": form, "match": found, "gift": found.gift},
        status=400 if form.errors else 200,
    )
