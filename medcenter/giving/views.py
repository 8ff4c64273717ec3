"""Give Now pages: the gift form, fund and campaign pages (cached), the confirmation, the
sandbox's hosted card page, the donor page, opt-out, thank a caregiver. Thin: parse, call,
render. The back office is in staff_views.py."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt

from medcenter.core import idempotency
from medcenter.core.caching import cache_public_page
from medcenter.core.clientaddr import client_ip
from medcenter.core.http import apply_errors
from medcenter.core.routes import public_route
from medcenter.giving import fundraising, receipts, selectors, services, tokens
from medcenter.giving.forms import (
    OTHER,
    CardForm,
    CaregiverNoteForm,
    DonorLinkForm,
    GiftForm,
    PauseForm,
    PlanAmountForm,
)
from medcenter.giving.gateways import sandbox
from medcenter.giving.models import MonthlyPlan, SandboxSession, SandboxStatus
from medcenter.giving.money import parse_amount
from medcenter.patients.models import Patient


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


def _throttled(request: HttpRequest, retry_after: Any) -> HttpResponse:
    response = render(request, "giving/throttled.html", status=429)
    response["Retry-After"] = str(retry_after or 3600)
    return response


@public_route
def give(request: HttpRequest) -> HttpResponse:
    """The gift form; a valid one opens the gateway's checkout."""
    language = _language()
    initial: dict[str, Any] = {}
    campaign = request.GET.get("campaign", "")[:50]
    if campaign:
        initial["campaign"] = campaign
    fund = request.GET.get("fund", "")[:50]
    if fund:
        initial["fund"] = fund
    honor = request.GET.get("honor", "")[:200]
    if honor:
        initial.update({"tribute_kind": "honor", "honoree_name": honor})
    form = GiftForm(request.POST or None, initial=initial, language=language)
    if request.method == "POST" and form.is_valid():

        def create() -> dict[str, Any]:
            gift, url = services.start_gift(
                wanted=form.gift_request(), client_ip=client_ip(request)
            )
            return {"url": url, "gift": str(gift.public_id)}

        payload = {k: str(v) for k, v in form.cleaned_data.items()}
        answer = idempotency.submit_form_once(
            form, scope="giving.gift", payload=payload, create=create
        )
        if answer is not None and answer.status == 429:
            return _throttled(request, answer.body.get("retry_after"))
        if answer is not None:
            return redirect(answer.body["url"])
    cancelled = bool(request.GET.get("cancelled"))
    return render(
        request,
        "giving/give.html",
        {
            "form": form,
            "funds": selectors.active_funds(),
            "campaigns": selectors.open_campaigns(),
            "cancelled": cancelled,
            "other": OTHER,
        },
        status=400 if form.is_bound else 200,
    )


@public_route
@cache_public_page
def fund(request: HttpRequest, fund: str) -> HttpResponse:
    """One fund: what it pays for, and a way to give to it."""
    found = selectors.get_fund(slug=fund)
    return render(request, "giving/fund.html", {"fund": found, "language": _language()})


@public_route
@cache_public_page
def campaign(request: HttpRequest, campaign: str) -> HttpResponse:
    """One campaign: its story and its progress, net of refunds."""
    found = selectors.get_campaign(slug=campaign)
    return render(
        request,
        "giving/campaign.html",
        {
            "campaign": found,
            "progress": selectors.campaign_progress(found),
            "language": _language(),
        },
    )


@public_route
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation after checkout: the gift's state, and its receipt once paid."""
    gift = selectors.get_gift_by_token(token=token)
    response = render(
        request,
        "giving/thanks.html",
        {"gift": gift, "receipt": services.valid_receipt(gift), "token": token},
    )
    response["Cache-Control"] = "no-store"
    return response


@public_route
def receipt(request: HttpRequest, token: str) -> HttpResponse:
    """The gift's valid receipt as a PDF (the confirmation page's link)."""
    gift = selectors.get_gift_by_token(token=token)
    found = services.valid_receipt(gift)
    if found is None:
        raise Http404
    response = HttpResponse(receipts.receipt_pdf(found), content_type="application/pdf")
    name = f"receipt-{receipts.receipt_number(found)}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@public_route
def sandbox_checkout(request: HttpRequest, ref: str) -> HttpResponse:
    """The sandbox gateway's hosted card page (only when the sandbox is the gateway)."""
    if settings.GIVING_GATEWAY != "sandbox":
        raise Http404
    session = SandboxSession.objects.filter(ref=ref[:60]).first()
    if session is None:
        raise Http404
    if session.status == SandboxStatus.COMPLETE:
        return redirect(sandbox.local(session.success_url))
    form = CardForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = sandbox.SandboxGateway().pay(
            ref=session.ref, card_number=form.cleaned_data["number"]
        )
        if result.ok:
            return redirect(result.redirect)
        error = sandbox.decline_message(result.error) if result.error != "expired" else ""
        if error:
            form.add_error("number", error)
        else:
            raise Http404
    response = render(
        request,
        "giving/sandbox_checkout.html",
        {"form": form, "session": session, "cancel_url": sandbox.local(session.cancel_url)},
        status=400 if form.is_bound else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@public_route
def donor_request(request: HttpRequest) -> HttpResponse:
    """Ask for a link to the donor page; the answer is the same whether the address gave."""
    form = DonorLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_donor_link(email=form.cleaned_data["email"], language=_language())
        return render(request, "giving/donor_link_sent.html")
    return render(
        request, "giving/donor_request.html", {"form": form}, status=400 if form.is_bound else 200
    )


def _plan_action(request: HttpRequest, plan: MonthlyPlan) -> tuple[Any, Any]:
    action = request.POST.get("action", "")
    amount_form = PlanAmountForm(request.POST if action == "amount" else None)
    pause_form = PauseForm(request.POST if action == "pause" else None)
    try:
        if action == "amount" and amount_form.is_valid():
            try:
                minor = parse_amount(amount_form.cleaned_data["amount"], plan.currency)
            except ValidationError as error:
                amount_form.add_error("amount", error)
            else:
                services.change_plan_amount(plan=plan, amount_minor=minor)
        elif action == "pause" and pause_form.is_valid():
            services.pause_plan(plan=plan, until=pause_form.cleaned_data["until"])
        elif action == "resume":
            services.resume_plan(plan=plan)
        elif action == "cancel":
            services.cancel_plan(plan=plan)
    except ValidationError as error:
        apply_errors(pause_form if action == "pause" else amount_form, error)
    return amount_form, pause_form


@public_route
def donor_page(request: HttpRequest, token: str) -> HttpResponse:
    """A donor's gifts, receipts and monthly plans, through a signed, expiring link."""
    donor = selectors.get_donor_by_token(token=token)
    forms: dict[str, tuple[Any, Any]] = {}
    status = 200
    if request.method == "POST":
        plan = MonthlyPlan.objects.filter(
            donor=donor, public_id__in=[p for p in [request.POST.get("plan", "")] if _uuid(p)]
        ).first()
        if plan is None:
            raise Http404
        amount_form, pause_form = _plan_action(request, plan)
        if amount_form.errors or pause_form.errors:
            forms[str(plan.public_id)] = (amount_form, pause_form)
            status = 400
        else:
            return redirect(request.path)
    history = selectors.donor_history(donor)
    plans = [
        (plan, *forms.get(str(plan.public_id), (PlanAmountForm(), PauseForm())))
        for plan in history["plans"]
    ]
    response = render(
        request,
        "giving/donor_page.html",
        {"donor": donor, "history": history, "plans": plans, "token": token},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@public_route
def donor_receipt(request: HttpRequest, token: str, number: int) -> HttpResponse:
    """One of the donor's receipts (valid or void) as a PDF."""
    donor = selectors.get_donor_by_token(token=token)
    found = next(
        (r for r in selectors.donor_history(donor)["receipts"] if r.number == number), None
    )
    if found is None:
        raise Http404
    response = HttpResponse(receipts.receipt_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@public_route
@csrf_exempt  # RFC 8058: mail clients POST the one-click unsubscribe without a page or cookie
def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """Stop (or resume) fundraising messages; the signed link is the credential."""
    public_id = tokens.read_opt_out_token(token)
    patient = (
        Patient.objects.filter(public_id=public_id).first()
        if public_id and _uuid(public_id)
        else None
    )
    if patient is None:
        raise Http404
    done = ""
    if request.method == "POST":
        undo = request.POST.get("undo") == "1"
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        fundraising.set_opt_out(
            patient=patient, opted_out=not undo, via="one_click" if one_click else "link"
        )
        done = "in" if undo else "out"
    response = render(
        request,
        "giving/opt_out.html",
        {"done": done, "opted_out": not fundraising.may_contact(str(patient.public_id))},
    )
    response["Cache-Control"] = "no-store"
    return response


@public_route
def caregiver_note(request: HttpRequest) -> HttpResponse:
    """Thank a caregiver: a note for a clinician, screened before it is passed on."""
    form = CaregiverNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create() -> dict[str, Any]:
            note = services.submit_caregiver_note(
                clinician_slug=data["clinician"],
                writer_name=data["writer_name"],
                writer_email=data["writer_email"],
                message=data["message"],
                allow_sharing=bool(data["allow_sharing"]),
                client_ip=client_ip(request),
            )
            return {"note": str(note.public_id), "clinician": data["clinician"]}

        answer = idempotency.submit_form_once(
            form,
            scope="giving.note",
            payload={k: str(v) for k, v in data.items()},
            create=create,
        )
        if answer is not None and answer.status == 429:
            return _throttled(request, answer.body.get("retry_after"))
        if answer is not None:
            name = dict(cast(Any, form.fields["clinician"]).choices).get(data["clinician"], "")
            return render(request, "giving/note_sent.html", {"honoree": name})
    return render(
        request, "giving/caregiver_note.html", {"form": form}, status=400 if form.is_bound else 200
    )
