"""Results pages: the patient's (and proxy's) portal section, notification preferences, and
the clinician's hold page. Each view parses, makes one selector or service call, renders."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from medcenter.core import audit
from medcenter.core.http import AuthedRequest, apply_errors, offers_break_glass
from medcenter.core.outbox import preferences
from medcenter.core.routes import patient_data_route
from medcenter.core.uploads import download_response
from medcenter.patients.access import Basis, PatientAccess
from medcenter.patients.selectors import get_patient_for
from medcenter.portal.frame import frame_for
from medcenter.portal.registry import section_allowed
from medcenter.results import selectors, services
from medcenter.results.forms import HoldForm, NotificationForm, ReleasePreferenceForm
from medcenter.results.models import ReleasePreference, ResultReport

PATIENT = "patients.patient"
HOLD = "results.hold_resultreport"


def _portal(request: AuthedRequest, access: PatientAccess, current: str = "results") -> dict:  # type: ignore[type-arg]
    return {"portal": frame_for(request, access, current=current), "patient": access.patient}


@patient_data_route(model=PATIENT)
@require_safe
def portal_list(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    page = selectors.get_results_for(request.user, public_id=public_id)
    return render(
        request,
        "results/portal_list.html",
        {**_portal(request, page.access), "reports": page.reports},
    )


@patient_data_route(model="results.resultreport", kwargs=("public_id", "result_id"))
@require_safe
def portal_detail(request: AuthedRequest, public_id: UUID, result_id: UUID) -> HttpResponse:
    access, report = selectors.get_report_for(
        request.user, public_id=public_id, result_id=result_id
    )
    return render(
        request, "results/portal_detail.html", {**_portal(request, access), "report": report}
    )


@patient_data_route(model=PATIENT)
@require_safe
def portal_documents(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    page = selectors.get_results_for(request.user, public_id=public_id)
    return render(
        request,
        "results/portal_documents.html",
        {**_portal(request, page.access), "documents": page.documents},
    )


@patient_data_route(model="results.document", kwargs=("public_id", "document_id"))
@require_safe
def portal_download(request: AuthedRequest, public_id: UUID, document_id: UUID) -> HttpResponse:
    _access, document, content = selectors.get_document_for(
        request.user, public_id=public_id, document_id=document_id
    )
    return download_response(
        content=content, content_type=document.content_type, filename=document.filename
    )


def _own(request: AuthedRequest, public_id: UUID, *, action: str, key: str) -> PatientAccess:
    """The patient's own record only (proxies and staff get 404: these are the patient's
    own choices)."""
    access = get_patient_for(request.user, public_id=public_id, action=action)
    if access.basis != Basis.SELF or not section_allowed(key, access):
        raise Http404
    return access


@patient_data_route(model=PATIENT)
@require_http_methods(["GET", "HEAD", "POST"])
def release_preferences(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """The patient's wish to see sensitive results only after their clinician's review."""
    access = _own(request, public_id, action="results.preferences_viewed", key="results")
    current = dict(
        ReleasePreference.objects.filter(patient=access.patient).values_list(
            "sensitive_type", "max_days"
        )
    )
    form = ReleasePreferenceForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            for sensitive_type, days in form.chosen().items():
                if current.get(sensitive_type) != days:
                    services.set_release_preference(
                        patient=access.patient,
                        actor=request.user,
                        sensitive_type=sensitive_type,
                        max_days=days,
                    )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your choices are saved."))
            return redirect("results:release_preferences", public_id=public_id)
    return render(
        request, "results/release_preferences.html", {**_portal(request, access), "form": form}
    )


@patient_data_route(model=PATIENT)
@require_http_methods(["GET", "HEAD", "POST"])
def notifications(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """Which notices the patient wants, by email or text, and their quiet hours."""
    access = _own(request, public_id, action="notifications.viewed", key="notifications")
    saved = preferences.preferences_for(patient_public_id=access.patient.public_id)
    initial: dict[str, object] = {
        "sms_consent": saved.sms_consented_at is not None,
        "quiet_start": saved.quiet_start,
        "quiet_end": saved.quiet_end,
        "time_zone": saved.time_zone,
    }
    for category, choice in saved.choices.items():
        initial[f"{category}_email"] = choice.email
        initial[f"{category}_sms"] = choice.sms
    form = NotificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_notification_preferences(
                patient=access.patient,
                actor=request.user,
                choices={c: (data[f"{c}_email"], data[f"{c}_sms"]) for c in saved.choices},
                quiet_start=data["quiet_start"],
                quiet_end=data["quiet_end"],
                time_zone=data["time_zone"],
                sms_consent=data["sms_consent"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your notification choices are saved."))
            return redirect("results:notifications", public_id=public_id)
    return render(
        request,
        "results/notifications.html",
        {**_portal(request, access, current="notifications"), "form": form, "saved": saved},
    )


# --- Staff ----------------------------------------------------------------------------------


@patient_data_route(model=PATIENT, permission=HOLD)
@offers_break_glass
@require_safe
def staff_list(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    access, reports, documents = selectors.staff_items_for(request.user, public_id=public_id)
    return render(
        request,
        "results/staff_list.html",
        {"patient": access.patient, "reports": reports, "documents": documents},
    )


@patient_data_route(
    model="results.resultreport", kwargs=("public_id", "result_id"), permission=HOLD
)
@offers_break_glass
@require_http_methods(["GET", "HEAD", "POST"])
def staff_hold(request: AuthedRequest, public_id: UUID, result_id: UUID) -> HttpResponse:
    """Place or lift one clinician's hold on one item, or record its review."""
    found = selectors.get_item_for_staff(
        request.user, public_id=public_id, item_id=result_id, action="result.hold_opened"
    )
    action = request.POST.get("action", "hold") if request.method == "POST" else ""
    form = HoldForm(request.POST if action == "hold" else None)
    if action in ("lift", "review"):
        try:
            if action == "lift":
                services.lift_hold(item=found.item, actor=request.user)
            else:
                services.mark_reviewed(item=found.item, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Saved."))
        return redirect("results:staff_hold", public_id=public_id, result_id=result_id)
    if action == "hold" and form.is_valid():
        try:
            services.place_hold(
                item=found.item,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The hold is placed."))
            return redirect("results:staff_hold", public_id=public_id, result_id=result_id)
    elif action == "hold":
        audit.record(
            action="result.hold_refused",
            outcome=audit.Outcome.DENIED,
            actor=request.user,
            patient=found.access.patient,
            target=found.item,
        )
    return render(
        request,
        "results/staff_hold.html",
        {
            "patient": found.access.patient,
            "item": found.item,
            "is_report": isinstance(found.item, ResultReport),
            "hold": found.hold,
            "form": form,
        },
    )
