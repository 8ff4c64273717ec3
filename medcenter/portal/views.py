"""Patient Gateway pages: parse, call one selector or service, render in the portal frame."""

import time
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_otp import user_has_device

from medcenter.accounts.views import REAUTH_KEY, REAUTH_SECONDS
from medcenter.core import clientaddr
from medcenter.core.http import AuthedRequest, apply_errors
from medcenter.core.routes import account_route, patient_data_route
from medcenter.patients import selectors as patient_selectors
from medcenter.patients.access import Basis, PatientAccess
from medcenter.patients.forms import ProxyGrantForm
from medcenter.patients.views import grant_proxy_from, revoke_proxy_from
from medcenter.portal import selectors, services, video
from medcenter.portal.forms import CheckInForm, TrialMatchingForm
from medcenter.portal.frame import frame_for
from medcenter.portal.pdf import record_summary_pdf
from medcenter.portal.registry import get_download
from medcenter.portal.summary import health_summary, trial_matching_opted_in, trials_for_me

PATIENT = "patients.patient"


def _page(
    request: HttpRequest,
    template: str,
    access: PatientAccess,
    current: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    return render(
        request,
        template,
        {"portal": frame_for(request, access, current=current), **(context or {})},
    )


def _fresh_reauth(request: HttpRequest) -> bool:
    return bool(time.time() - request.session.get(REAUTH_KEY, 0) < REAUTH_SECONDS)


@account_route
def old_record_link(request: HttpRequest, rest: str) -> HttpResponse:
    """A bookmarked /my/<record>/... page: the same page in the Patient Gateway, which checks
    the person's access itself (this redirect reads nothing)."""
    return redirect(reverse("portal:home") + rest.lstrip("/"))


# --- Home -------------------------------------------------------------------------------


@account_route
def home(request: HttpRequest) -> HttpResponse:
    """The records the person may open, each named; one's own record opens at once."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if request.user.is_staff:
        return redirect("patients:staff_home")
    accesses = selectors.records_for(request.user)
    if len(accesses) == 1 and accesses[0].basis == Basis.SELF:
        return redirect("portal:record_home", public_id=accesses[0].patient.public_id)
    return render(request, "portal/home.html", {"accesses": accesses})


@patient_data_route(model=PATIENT)
def record_home(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """One record's home: what needs attention now, and the record's sections."""
    page = selectors.record_home(request.user, public_id=public_id)
    return _page(request, "portal/record_home.html", page.access, "home", {"page": page})


# --- The record's own pages (once /my/) ----------------------------------------------------


@patient_data_route(model=PATIENT)
def details(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    access = selectors.get_record_for(
        request.user, public_id=public_id, section="details", action="patient.viewed"
    )
    return _page(request, "portal/details.html", access, "details", {"patient": access.patient})


@patient_data_route(model=PATIENT)
def proxies(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """Who can see my record: grant a caregiver access, or end it."""
    access = selectors.get_record_for(
        request.user, public_id=public_id, section="proxies", action="patient.proxies_viewed"
    )
    form = ProxyGrantForm(request.POST or None, by_patient=True)
    if grant_proxy_from(request, access, form):
        return redirect(request.path)
    return _page(
        request,
        "portal/proxies.html",
        access,
        "proxies",
        {"patient": access.patient, "grants": patient_selectors.proxies_of(access), "form": form},
    )


@patient_data_route(model=PATIENT, kwargs=("public_id", "grant_id"))
@require_POST
def proxy_revoke(request: AuthedRequest, public_id: UUID, grant_id: UUID) -> HttpResponse:
    access = selectors.get_record_for(
        request.user, public_id=public_id, section="proxies", action="proxy.revoke_opened"
    )
    return revoke_proxy_from(request, access, grant_id, "portal:proxies")


@patient_data_route(model=PATIENT)
def access_history(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """Who opened my record."""
    access = selectors.get_record_for(
        request.user,
        public_id=public_id,
        section="access_history",
        action="patient.access_history_viewed",
    )
    patient = access.patient
    events = patient_selectors.access_history_of(patient)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    rows = patient_selectors.access_history_rows(list(page))
    return _page(
        request,
        "portal/access_history.html",
        access,
        "access_history",
        {"patient": patient, "page": page, "rows": rows},
    )


@patient_data_route(model=PATIENT)
def security(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """The account's security, inside the record's frame (the changes stay on accounts' pages)."""
    access = selectors.get_record_for(
        request.user, public_id=public_id, section="security", action="portal.viewed"
    )
    return _page(
        request,
        "portal/security.html",
        access,
        "security",
        {"has_mfa": user_has_device(request.user)},
    )


# --- Appointments ---------------------------------------------------------------------------


@patient_data_route(model=PATIENT)
def appointments(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    access = selectors.get_record_for(
        request.user, public_id=public_id, section="appointments", action="appointment.listed"
    )
    lists = selectors.appointments_of(access)
    return _page(
        request,
        "portal/appointments.html",
        access,
        "appointments",
        {"lists": lists, "request_url": reverse("scheduling:request")},
    )


@patient_data_route(model=PATIENT, kwargs=("public_id", "appointment_id"))
def appointment(request: AuthedRequest, public_id: UUID, appointment_id: UUID) -> HttpResponse:
    """One visit: when, where (with directions), what to do before, video, check-in."""
    access, visit = selectors.get_appointment_for(
        request.user,
        public_id=public_id,
        appointment_id=appointment_id,
        action="appointment.viewed",
    )
    from django.utils.translation import get_language

    return _page(
        request,
        "portal/appointment.html",
        access,
        "appointments",
        {
            "visit": visit,
            "instructions": visit.visit_type.instructions_in(get_language() or "en"),
            "video_url": video.provider().join_url(visit) if selectors.video_open(visit) else None,
            "checkin": selectors.checkin_state(visit),
            "checkin_opens": selectors.checkin_opens_at(visit),
        },
    )


@patient_data_route(model=PATIENT, kwargs=("public_id", "appointment_id"))
def video_room(request: AuthedRequest, public_id: UUID, appointment_id: UUID) -> HttpResponse:
    """The local video double's waiting room (the demo's and the tests' provider)."""
    access, visit = selectors.get_appointment_for(
        request.user,
        public_id=public_id,
        appointment_id=appointment_id,
        action="appointment.video_joined",
    )
    if not selectors.video_open(visit):
        raise Http404
    return _page(request, "portal/video_room.html", access, "appointments", {"visit": visit})


@patient_data_route(model=PATIENT, kwargs=("public_id", "appointment_id"))
def checkin(request: AuthedRequest, public_id: UUID, appointment_id: UUID) -> HttpResponse:
    """E-check-in: details, language and interpreter, insurance card photos, forms due."""
    access, visit = selectors.get_appointment_for(
        request.user,
        public_id=public_id,
        appointment_id=appointment_id,
        action="appointment.checkin_opened",
    )
    state = selectors.checkin_state(visit)
    form = CheckInForm(
        request.POST or None,
        request.FILES or None,
        patient=access.patient,
        may_change_contact=selectors.may_change_contact(access),
        session=request.session,
        client_ip=clientaddr.client_ip(request),
    )
    if request.method == "POST" and state == "open" and form.is_valid():
        try:
            services.check_in(
                access=access,
                appointment=visit,
                details=form.details(),
                insurance={
                    "insurance_payer": form.cleaned_data["insurance_payer"],
                    "insurance_member_id": form.cleaned_data["insurance_member_id"],
                },
                card_front=form.card("card_front"),
                card_back=form.card("card_back"),
                kept=form.kept_uploads(),
                submitted_by=request.user,
                reauthenticated=_fresh_reauth(request),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("You are checked in. See you soon."))
            return redirect(
                "portal:appointment",
                public_id=access.patient.public_id,
                appointment_id=visit.public_id,
            )
    confirm_url = (
        reverse("accounts:confirm_identity") + "?next=" + request.path
        if selectors.may_change_contact(access)
        else ""
    )
    return _page(
        request,
        "portal/checkin.html",
        access,
        "appointments",
        {
            "visit": visit,
            "form": form,
            "state": state,
            "opens": selectors.checkin_opens_at(visit),
            "fresh": _fresh_reauth(request),
            "confirm_url": confirm_url,
            "questionnaires_url": selectors.reversed_or_none(
                "questionnaires:portal_due", public_id=access.patient.public_id
            ),
        },
    )


# --- My health summary ------------------------------------------------------------------------


@patient_data_route(model=PATIENT)
def summary(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """Diagnoses in plain words, treatments, care team, upcoming tests; trials that may fit
    (a POST records the patient's own opt-in or out)."""
    access = selectors.get_record_for(
        request.user, public_id=public_id, section="summary", action="portal.summary_viewed"
    )
    form = TrialMatchingForm(request.POST or None)
    if request.method == "POST":
        if access.basis != Basis.SELF:
            raise Http404
        if form.is_valid():
            opted_in = form.cleaned_data["opted_in"]
            services.set_trial_matching(access=access, opted_in=opted_in, changed_by=request.user)
            messages.success(
                request,
                _("We will show you trials that may fit you.")
                if opted_in
                else _("We will not show you trials."),
            )
            return redirect("portal:summary", public_id=access.patient.public_id)
    else:
        form = TrialMatchingForm(initial={"opted_in": trial_matching_opted_in(access)})
    return _page(
        request,
        "portal/summary.html",
        access,
        "summary",
        {
            "summary": health_summary(access),
            "trials": trials_for_me(access),
            "may_opt_in": access.basis == Basis.SELF,
            "opt_in_form": form,
        },
    )


# --- Download my record -----------------------------------------------------------------------


@patient_data_route(model=PATIENT)
def download(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    access = selectors.get_record_for(
        request.user, public_id=public_id, section="download", action="portal.viewed"
    )
    return _page(
        request,
        "portal/download.html",
        access,
        "download",
        {"mcode": get_download("mcode")},
    )


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@patient_data_route(model=PATIENT)
@require_safe
def download_mcode(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """The whole cancer record as an mCODE FHIR Bundle, as a file (audited)."""
    access = selectors.get_record_for(
        request.user, public_id=public_id, section="download", action="portal.mcode_downloaded"
    )
    exporter = get_download("mcode")
    if exporter is None:
        raise Http404
    return _attachment(*exporter.build(access))


@patient_data_route(model=PATIENT)
@require_safe
def download_summary(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """A readable PDF summary in the patient's language, as a file (audited)."""
    access = selectors.get_record_for(
        request.user, public_id=public_id, section="download", action="portal.summary_downloaded"
    )
    return _attachment(
        record_summary_pdf(access), "application/pdf", f"summary-{access.patient.public_id}.pdf"
    )
