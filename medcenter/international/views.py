"""International Patient Center pages: public (home, inquiry), the inquirer's or patient's own
case pages, and the coordinators' queue and case page. Each view parses, makes one service or
selector call and renders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medcenter.core import idempotency, vault
from medcenter.core.caching import cache_public_page
from medcenter.core.clientaddr import client_ip
from medcenter.core.errors import Conflict
from medcenter.core.forms import KeepsUploadsForm
from medcenter.core.http import AuthedRequest, apply_errors
from medcenter.core.routes import account_route, patient_data_route, public_route, staff_route
from medcenter.core.uploads import download_response
from medcenter.international import forms, itinerary, letters, selectors, services
from medcenter.international.models import Case, CaseStatus, CaseTask, Estimate, Opinion
from medcenter.patients.models import Patient

CASE = "international.case"
SESSION_CASES = "international_cases"


@public_route
@cache_public_page
def home(request: HttpRequest) -> HttpResponse:
    """Who the office serves, how a case goes, travel and stay, and the inquiry."""
    return render(request, "international/home.html")


@public_route
def inquiry(request: HttpRequest) -> HttpResponse:
    form = forms.InquiryForm(
        request.POST or None,
        request.FILES or None,
        initial={"language": get_language() or "en"},
        session=request.session,
        client_ip=client_ip(request),
    )
    if request.method == "POST" and form.is_valid():

        def create() -> dict[str, Any]:
            case = services.submit_inquiry(
                data=form.inquiry_data(),
                documents=form.checked_documents,
                documents_language=form.documents_language_code(),
                kept=form.kept_uploads(),
                account=request.user,
                client_ip=client_ip(request),
            )
            return {"case": str(case.public_id)}

        answer = idempotency.submit_form_once(
            form,
            scope="international.inquiry",
            payload={
                k: str(v)
                for k, v in form.cleaned_data.items()
                if k not in ("documents", "documents_kept")
            },
            create=create,
        )
        if answer is not None and answer.status == 429:
            response = render(request, "international/throttled.html", status=429)
            response["Retry-After"] = str(answer.body.get("retry_after", 3600))
            return response
        if answer is not None:
            sent = list(request.session.get(SESSION_CASES, []))[-9:]
            request.session[SESSION_CASES] = [*sent, answer.body["case"]]
            sent_case = Case.objects.get(public_id=answer.body["case"])
            return redirect("international:inquiry_sent", reference=sent_case.reference)
    return render(
        request,
        "international/inquiry.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def _sent_case(request: HttpRequest, reference: str) -> Case:
    """A case this browser sent in this session (no account needed to add its imaging)."""
    case = Case.objects.filter(reference=reference[:20]).first()
    if case is None or str(case.public_id) not in request.session.get(SESSION_CASES, []):
        raise Http404
    return case


@public_route
def inquiry_sent(request: HttpRequest, reference: str) -> HttpResponse:
    """The acknowledgement, with the way to add imaging studies."""
    case = _sent_case(request, reference)
    form = forms.StudyForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = _add_study(request, form, case, actor=None)
        if status == 200:
            return redirect("international:inquiry_sent", reference=reference)
    studies = case.documents.filter(kind="dicom").order_by("created_at")
    return render(
        request,
        "international/inquiry_sent.html",
        {"case": case, "form": form, "studies": studies},
        status=status,
    )


def _add_study(request: HttpRequest, form: forms.StudyForm, case: Case, *, actor: Any) -> int:
    if not form.is_valid():
        return 400
    upload = form.cleaned_data["study"]
    try:
        services.add_study(case=case, file=upload.file, name=upload.name or "", actor=actor)
    except ValidationError as error:
        apply_errors(form, ValidationError({"study": error.messages}))
        return 400
    messages.success(request, _("Thank you. We received the imaging study."))
    return 200


@account_route
def follow(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: the signed-in account follows the case from now on."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        case = services.follow_case(user=request.user, token=token)
    except (ValidationError, Conflict) as error:
        text = error.messages[0] if isinstance(error, ValidationError) else str(error)
        return render(request, "international/follow_failed.html", {"message": text}, status=400)
    return redirect("international:my_case", case_id=case.public_id)


@account_route
def my_cases(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(
        request, "international/my_cases.html", {"cases": selectors.my_cases(request.user)}
    )


@patient_data_route(model=CASE, kwargs=("case_id",))
def my_case(request: AuthedRequest, case_id: UUID) -> HttpResponse:
    """The patient's case page: status in plain words, next step, documents, estimate,
    letters; uploads of records and imaging."""
    found = selectors.get_case_for_follower(request.user, public_id=case_id)
    document_form = forms.DocumentForm(
        request.POST if request.POST.get("form") == "documents" else None,
        request.FILES if request.POST.get("form") == "documents" else None,
        session=request.session,
        client_ip=client_ip(request),
    )
    study_form = forms.StudyForm(
        request.POST if request.POST.get("form") == "study" else None,
        request.FILES if request.POST.get("form") == "study" else None,
    )
    status = 200
    if request.method == "POST":
        if request.POST.get("form") == "study":
            status = _add_study(request, study_form, found.case, actor=request.user)
        elif request.POST.get("form") == "documents" and document_form.is_valid():
            try:
                for upload in document_form.uploads("documents"):
                    services.add_document(
                        case=found.case,
                        upload=upload,
                        kind=document_form.cleaned_data["kind"],
                        language=document_form.cleaned_data["language"],
                        actor=request.user,
                    )
            except ValidationError as error:
                apply_errors(document_form, error)
                status = 400
            else:
                messages.success(request, _("Thank you. We received your documents."))
        else:
            status = 400
        if status == 200:
            return redirect("international:my_case", case_id=case_id)
    return render(
        request,
        "international/my_case.html",
        {"file": found, "document_form": document_form, "study_form": study_form},
        status=status,
    )


@patient_data_route(model=CASE, kwargs=("case_id", "estimate_id"))
@require_POST
def my_case_accept(request: AuthedRequest, case_id: UUID, estimate_id: UUID) -> HttpResponse:
    estimate = selectors.get_estimate_for_follower(
        request.user, case_id=case_id, estimate_id=estimate_id
    )
    try:
        services.accept_estimate(user=request.user, estimate=estimate)
    except Conflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you. You accepted the estimate."))
    return redirect("international:my_case", case_id=case_id)


@patient_data_route(model=CASE, kwargs=("case_id", "letter_id"))
def my_case_letter(request: AuthedRequest, case_id: UUID, letter_id: UUID) -> HttpResponse:
    letter = selectors.get_letter(request.user, case_id=case_id, letter_id=letter_id, staff=False)
    return _letter_response(request, letter)


@patient_data_route(model=CASE, kwargs=("case_id", "case_document_id"))
def my_case_document(
    request: AuthedRequest, case_id: UUID, case_document_id: UUID
) -> HttpResponseBase:
    document = selectors.get_document(
        request.user, case_id=case_id, document_id=case_document_id, staff=False
    )
    return _document_response(document)


def _letter_response(request: HttpRequest, letter: Any) -> HttpResponse:
    language = "en" if request.GET.get("in") == "en" else letter.language
    return download_response(
        content=letters.render(letter, language=language),
        content_type="application/pdf",
        filename=f"{letter.number}-{language}.pdf",
    )


def _document_response(document: Any) -> HttpResponseBase:
    try:
        first = vault.open_stream(key=document.vault_key)
        head = next(first, b"")
    except vault.VaultError:
        raise Http404 from None

    def body() -> Any:
        yield head
        try:
            yield from first
        except vault.VaultError:
            return  # a document altered on disk is cut off, never served whole

    response = StreamingHttpResponse(body(), content_type=document.content_type)
    response["Content-Disposition"] = (
        content_disposition_header(True, document.filename) or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Length"] = str(document.size)
    return response


# --- Staff ----------------------------------------------------------------------------------


@staff_route("international.view_case")
def queue(request: AuthedRequest) -> HttpResponse:
    """Cases by status, due time (overdue first), country, language and coordinator."""
    try:
        params = selectors.parse_queue_params(request.GET)
        page = selectors.queue(request.user, params)
    except ValidationError as error:
        return render(request, "international/queue.html", {"error": error.messages[0]}, status=400)
    return render(
        request,
        "international/queue.html",
        {"page": page, "now": timezone.now(), "statuses": CaseStatus.choices},
    )


ACTIONS: dict[str, tuple[type[Any], Callable[..., Any]]] = {}


def _action(name: str, form: type[Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        ACTIONS[name] = (form, handler)
        return handler

    return register


def _end_of(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(17, 0)))


@_action("assign", forms.AssignForm)
def _assign(case: Case, data: dict[str, Any], user: Any, form: Any) -> Any:
    return services.assign_coordinator(case=case, coordinator=data["coordinator"], actor=user)


@_action("reviewer", forms.ReviewerForm)
def _reviewer(case: Case, data: dict[str, Any], user: Any, form: Any) -> Any:
    return services.assign_reviewer(case=case, reviewer=data["reviewer"], actor=user)


@_action("first_reply", forms.NoteForm)
def _first_reply(case: Case, data: dict[str, Any], user: Any, form: Any) -> Any:
    return services.record_first_reply(case=case, actor=user, note=data.get("note", ""))


@_action("status", forms.StatusForm)
def _status(case: Case, data: dict[str, Any], user: Any, form: Any) -> Any:
    return services.set_status(
        case=case, status=data["status"], actor=user, note=data["note"], reason=data["reason"]
    )


@_action("task", forms.TaskForm)
def _task(case: Case, data: dict[str, Any], user: Any, form: Any) -> Any:
    return services.add_task(
        case=case,
        kind=data["kind"],
        title=data["title"],
        due_at=_end_of(data["due_on"]),
        owner=case.coordinator or user,
        actor=user,
    )


@_action("task_done", forms.TaskDoneForm)
def _task_done(case: Case, data: dict[str, Any], user: Any, form: Any) -> Any:
    task = CaseTask.objects.filter(case=case, public_id=data["task"]).first()
    if task is None:
        raise Http404
    return services.complete_task(task=task, actor=user)


@_action("translation", forms.TranslationForm)
def _translation(case: Case, data: dict[str, Any], user: Any, form: Any) -> Any:
    task = CaseTask.objects.filter(case=case, public_id=data["task"]).first()
    if task is None:
        raise Http404
    return services.add_translation(task=task, upload=form.uploads("documents")[0], actor=user)


@_action("decide", forms.DecisionForm)
def _decide(case: Case, data: dict[str, Any], user: Any, form: Any) -> Any:
    return services.decide(
        case=case,
        specialist=user,
        decision=data["decision"],
        reason=data["reason"],
        summary=data["summary"],
    )


@_action("opinion_letter", forms.OpinionLetterForm)
def _opinion_letter(case: Case, data: dict[str, Any], user: Any, form: Any) -> Any:
    opinion = Opinion.objects.filter(case=case, public_id=data["opinion"]).first()
    if opinion is None:
        raise Http404
    return services.send_opinion_letter(opinion=opinion, actor=user)


@_action("estimate", forms.EstimateForm)
def _estimate(case: Case, data: dict[str, Any], user: Any, form: Any) -> Any:
    lines = [services.LineRequest(code, quantity) for code, quantity in data["lines"]]
    return services.create_estimate(case=case, lines=lines, currency=data["currency"], actor=user)


@_action("estimate_send", forms.EstimateSendForm)
def _estimate_send(case: Case, data: dict[str, Any], user: Any, form: Any) -> Any:
    estimate = Estimate.objects.filter(case=case, public_id=data["estimate"]).first()
    if estimate is None:
        raise Http404
    return services.send_estimate(estimate=estimate, actor=user)


@_action("deposit", forms.DepositForm)
def _deposit(case: Case, data: dict[str, Any], user: Any, form: Any) -> Any:
    return services.record_deposit(
        case=case,
        amount_cents=data["amount_cents"],
        received_on=data["received_on"],
        reference=data["reference"],
        actor=user,
    )


@_action("guarantee", forms.GuaranteeForm)
def _guarantee(case: Case, data: dict[str, Any], user: Any, form: Any) -> Any:
    scans = form.uploads("documents")
    return services.add_guarantee(
        case=case,
        guarantor_kind=data["guarantor_kind"],
        guarantor_name=data["guarantor_name"],
        limit_cents=data["limit_cents"],
        valid_from=data["valid_from"],
        valid_until=data["valid_until"],
        scan=scans[0] if scans else None,
        actor=user,
    )


@_action("clear", forms.ClearForm)
def _clear(case: Case, data: dict[str, Any], user: Any, form: Any) -> Any:
    return services.clear(case=case, actor=user, override_reason=data["override_reason"])


@_action("visa", forms.VisaForm)
def _visa(case: Case, data: dict[str, Any], user: Any, form: Any) -> Any:
    facts = services.VisaFacts(
        inpatient=data["inpatient"],
        outpatient=data["outpatient"],
        duration_days=data["duration_days"],
        companions=tuple(line for line in data["companions"].splitlines() if line.strip()),
        signatory_name=data["signatory_name"],
        signatory_title=data["signatory_title"],
    )
    return services.issue_visa_letter(case=case, facts=facts, actor=user)


@_action("summary", forms.SummaryForm)
def _summary(case: Case, data: dict[str, Any], user: Any, form: Any) -> Any:
    facts = services.SummaryFacts(
        summary=data["summary"],
        summary_translated=data["summary_translated"],
        follow_ups=tuple(line for line in data["follow_ups"].splitlines() if line.strip()),
        follow_up_due=data["follow_up_due"],
    )
    return services.send_visit_summary(case=case, facts=facts, actor=user)


@_action("link_patient", forms.LinkPatientForm)
def _link_patient(case: Case, data: dict[str, Any], user: Any, form: Any) -> Any:
    patient = Patient.objects.filter(mrn=data["mrn"].strip()).first()
    if patient is None:
        raise ValidationError({"mrn": [_("No patient has this MRN.")]})
    return services.link_patient(case=case, patient=patient, actor=user)


@_action("itinerary", forms.ItineraryForm)
def _itinerary(case: Case, data: dict[str, Any], user: Any, form: Any) -> Any:
    return itinerary.book(
        case=case,
        arrival=data["arrival"],
        specialties=list(data["specialties"]),
        location=data["location"],
        visit_type=data["visit_type"],
        actor=user,
        hotel=data["hotel"],
        companions=data["companions"],
        notes=data["notes"],
    )


def _forms_for(request: HttpRequest, bound: str | None) -> dict[str, Any]:
    built: dict[str, Any] = {}
    for name, (form_class, _handler) in ACTIONS.items():
        data = request.POST if name == bound else None
        files = request.FILES if name == bound else None
        if issubclass(form_class, KeepsUploadsForm):
            built[name] = form_class(
                data, files, session=request.session, client_ip=client_ip(request), prefix=name
            )
        else:
            built[name] = form_class(data, files, prefix=name)
    return built


@patient_data_route(model=CASE, kwargs=("case_id",), permission="international.view_case")
def case(request: AuthedRequest, case_id: UUID) -> HttpResponse:
    """The coordinator's case page: timeline, documents, tasks, estimate, letters, actions."""
    found = selectors.case_file(selectors.get_case_for_staff(request.user, public_id=case_id))
    return render(
        request,
        "international/case.html",
        {"file": found, "forms": _forms_for(request, None), "now": timezone.now()},
    )


@patient_data_route(model=CASE, kwargs=("case_id", "action"), permission="international.view_case")
@require_POST
def case_action(request: AuthedRequest, case_id: UUID, action: str) -> HttpResponse:
    """One action on the case (an allow-listed name), by a form of its own."""
    if action not in ACTIONS:
        raise Http404
    target = selectors.get_case_for_staff(request.user, public_id=case_id)
    built = _forms_for(request, action)
    form = built[action]
    status = 400
    if form.is_valid():
        try:
            ACTIONS[action][1](target, form.cleaned_data, request.user, form)
        except ValidationError as error:
            apply_errors(form, error)
        except Conflict as error:
            form.add_error(None, str(error))
        except PermissionDenied:
            form.add_error(None, _("Your role does not allow this."))
        else:
            messages.success(request, _("Saved."))
            return redirect("international:case", case_id=case_id)
    target.refresh_from_db()
    return render(
        request,
        "international/case.html",
        {
            "file": selectors.case_file(target),
            "forms": built,
            "now": timezone.now(),
            "bound": action,
        },
        status=status,
    )


@patient_data_route(
    model=CASE, kwargs=("case_id", "case_document_id"), permission="international.view_case"
)
def case_document(
    request: AuthedRequest, case_id: UUID, case_document_id: UUID
) -> HttpResponseBase:
    document = selectors.get_document(
        request.user, case_id=case_id, document_id=case_document_id, staff=True
    )
    return _document_response(document)


@patient_data_route(
    model=CASE, kwargs=("case_id", "letter_id"), permission="international.view_case"
)
def case_letter(request: AuthedRequest, case_id: UUID, letter_id: UUID) -> HttpResponse:
    letter = selectors.get_letter(request.user, case_id=case_id, letter_id=letter_id, staff=True)
    return _letter_response(request, letter)


@staff_route("international.manage_prices")
def prices(request: AuthedRequest) -> HttpResponse:
    """The price list (each edit a new version) and the exchange rates staff entered."""
    price_form = forms.PriceForm(request.POST if request.POST.get("form") == "price" else None)
    rate_form = forms.RateForm(request.POST if request.POST.get("form") == "rate" else None)
    status = 200
    if request.method == "POST":
        form = price_form if request.POST.get("form") == "price" else rate_form
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                if form is price_form:
                    services.set_price(
                        code=data["code"],
                        description=data["description"],
                        amount_cents=data["amount_cents"],
                        actor=request.user,
                    )
                else:
                    services.enter_rate(
                        currency=data["currency"],
                        per_usd=data["per_usd"],
                        on_date=data["on_date"],
                        actor=request.user,
                    )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("international:prices")
    return render(
        request,
        "international/prices.html",
        {"price_form": price_form, "rate_form": rate_form, **selectors.price_book()},
        status=status,
    )
