"""Patient record pages for staff, patients and proxies, and portal account opening."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medcenter.accounts.models import User
from medcenter.core.http import AuthedRequest, apply_errors, offers_break_glass, saved
from medcenter.core.routes import account_route, patient_data_route, staff_route
from medcenter.patients import selectors, services
from medcenter.patients.access import Basis
from medcenter.patients.forms import (
    ActivateForm,
    BreakGlassForm,
    BreakGlassReviewForm,
    PatientForm,
    ProxyGrantForm,
    SearchForm,
    SignUpFinishForm,
    SignUpStartForm,
)
from medcenter.patients.models import BreakGlassGrant, Patient

PATIENT = "patients.patient"


SIGNUP_KEY = "_signup_identity"
SIGNUP_NEXT_KEY = "_signup_next"


def _staff_patient(request: AuthedRequest, public_id: UUID, action: str) -> Any:
    return selectors.get_patient_for(
        request.user, public_id=public_id, staff_only=True, action=action
    )


# --- Staff ----------------------------------------------------------------------------------


@staff_route("patients.view_patient")
def staff_home(request: AuthedRequest) -> HttpResponse:
    """The staff member's patients, and a search to find others."""
    form = SearchForm(request.GET or None)
    search = None
    if form.is_valid() and form.cleaned_data["q"]:
        search = selectors.search_patients(
            request.user,
            query=form.cleaned_data["q"],
            date_of_birth=form.cleaned_data["born"],
        )
    patients = selectors.my_patients(request.user)
    return render(
        request,
        "patients/staff_home.html",
        {
            "form": form,
            "search": search,
            "results": search.results if search is not None else None,
            "patients": patients,
            "may_identify_by_birth_date": selectors.may_identify_by_birth_date(request.user),
        },
    )


@staff_route("patients.add_patient")
def staff_new(request: AuthedRequest) -> HttpResponse:
    """Register a new patient."""
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.register_patient(
                data=form.cleaned_data,
                registered_by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The patient was registered with MRN %(mrn)s.") % {"mrn": patient.mrn}
            )
            return redirect("patients:staff_detail", public_id=patient.public_id)
    return render(
        request, "patients/patient_form.html", {"form": form, "title": _("Register a patient")}
    )


@patient_data_route(model=PATIENT, permission="patients.view_patient")
@offers_break_glass
def staff_detail(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    access = _staff_patient(request, public_id, "patient.viewed")
    return render(
        request,
        "patients/staff_detail.html",
        {
            "access": access,
            "patient": access.patient,
            "basis": Basis.LABELS.get(access.basis, access.basis),
        },
    )


@patient_data_route(model=PATIENT, permission="patients.change_patient")
@offers_break_glass
def staff_edit(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    access = _staff_patient(request, public_id, "patient.edit_opened")
    form = PatientForm(request.POST or None, instance=Patient.objects.get(pk=access.patient.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_patient(
                access=access, changes=form.cleaned_data, changed_by=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("patients:staff_detail", public_id=public_id)
    return render(
        request,
        "patients/patient_form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": access.patient.display_name},
            "back_url": reverse("patients:staff_detail", args=[public_id]),
        },
    )


@patient_data_route(model=PATIENT, permission="patients.issue_activation_code")
@offers_break_glass
@require_POST
def staff_activation_code(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    access = _staff_patient(request, public_id, "patient.activation_code")
    try:
        code = services.issue_activation_code(access=access, issued_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("patients:staff_detail", public_id=public_id)
    return render(
        request, "patients/activation_code.html", {"patient": access.patient, "code": code}
    )


@patient_data_route(model=PATIENT, permission="patients.break_glass")
def break_glass(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """Open a record without a known relationship: a stated reason, 60 minutes, reviewed."""
    patient = Patient.objects.filter(public_id=public_id).first()
    if patient is None:
        raise Http404
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_the_glass(
                user=request.user,
                patient=patient,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("patients:staff_detail", public_id=public_id)
    status = 400 if request.method == "POST" else 200  # R23: no reason, no access
    return render(
        request, "patients/break_glass.html", {"form": form, "public_id": public_id}, status=status
    )


@patient_data_route(model=PATIENT, permission="core.review_access")
def staff_access_history(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    patient, events = selectors.access_history_for(request.user, public_id=public_id)
    return _access_history(request, patient, events, staff=True)


def _access_history(
    request: HttpRequest, patient: Patient, events: Any, *, staff: bool
) -> HttpResponse:
    from django.core.paginator import Paginator

    page = Paginator(events, 50).get_page(request.GET.get("page"))
    actors = {
        str(u.public_id): u
        for u in User.objects.filter(
            public_id__in=[e.actor_public_id for e in page if e.actor_public_id]
        )
    }
    rows = [
        {
            "event": e,
            "actor": actors.get(e.actor_public_id),
            "basis": Basis.LABELS.get(e.purpose, e.purpose),
        }
        for e in page
    ]
    return render(
        request,
        "patients/access_history.html",
        {"patient": patient, "page": page, "rows": rows, "staff": staff},
    )


@patient_data_route(model=PATIENT, permission="patients.manage_proxies")
@offers_break_glass
def staff_proxies(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    access = _staff_patient(request, public_id, "patient.proxies_viewed")
    return _proxies(request, access, by_patient=False)


@patient_data_route(
    model=PATIENT, kwargs=("public_id", "grant_id"), permission="patients.manage_proxies"
)
@offers_break_glass
@require_POST
def staff_proxy_revoke(request: AuthedRequest, public_id: UUID, grant_id: UUID) -> HttpResponse:
    access = _staff_patient(request, public_id, "proxy.revoke_opened")
    return revoke_proxy_from(request, access, grant_id, "patients:staff_proxies")


def _proxies(request: AuthedRequest, access: Any, *, by_patient: bool) -> HttpResponse:
    form = ProxyGrantForm(request.POST or None, by_patient=by_patient)
    if grant_proxy_from(request, access, form):
        return redirect(request.path)
    return render(
        request,
        "patients/proxies.html",
        {
            "access": access,
            "patient": access.patient,
            "grants": selectors.proxies_of(access),
            "form": form,
            "by_patient": by_patient,
        },
    )


def grant_proxy_from(request: AuthedRequest, access: Any, form: ProxyGrantForm) -> bool:
    """Grant what a posted, valid proxy form asks (staff's page and the patient's portal);
    False, with the service's refusals on the form's fields, otherwise."""

    def grant() -> object:
        data = form.cleaned_data
        return services.grant_proxy(
            access=access,
            proxy_email=data["proxy_email"],
            relationship=data["relationship"],
            scopes=data["scopes"],
            expires_on=data["expires_on"],
            consent_given=data.get("consent_given", False),
            granted_by=request.user,
        )

    return saved(request, form, grant, success=_("Proxy access was granted."))


def revoke_proxy_from(
    request: AuthedRequest, access: Any, grant_id: UUID, back: str
) -> HttpResponse:
    """End a proxy's access and go back to the page named `back` (staff's or the portal's)."""
    try:
        services.revoke_proxy(access=access, grant_id=grant_id, revoked_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Proxy access was ended."))
    return redirect(back, public_id=access.patient.public_id)


@staff_route("patients.review_break_glass")
def break_glass_queue(request: AuthedRequest) -> HttpResponse:
    grants = selectors.break_glass_queue(request.user)
    return render(
        request,
        "patients/break_glass_queue.html",
        {"grants": grants, "form": BreakGlassReviewForm()},
    )


@patient_data_route(
    model="patients.breakglassgrant", kwargs=("grant_id",), permission="patients.review_break_glass"
)
@require_POST
def break_glass_review(request: AuthedRequest, grant_id: UUID) -> HttpResponse:
    grant = BreakGlassGrant.objects.filter(public_id=grant_id).select_related("patient").first()
    if grant is None:
        raise Http404
    form = BreakGlassReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_break_glass(
                grant=grant,
                reviewer=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The review was saved."))
    else:
        messages.error(request, _("Choose whether the access was appropriate."))
    return redirect("patients:break_glass_queue")


@staff_route("patients.reconcile_patient")
def reconcile_queue(request: AuthedRequest) -> HttpResponse:
    """New patients who booked online, with the existing records that may be them: merge into
    one (their appointments move over) or confirm a new patient (a real MRN)."""
    if request.method == "POST":
        _reconcile(request)
        return redirect("patients:reconcile_queue")
    return render(
        request,
        "patients/reconcile_queue.html",
        {"queue": selectors.reconciliation_queue(request.user)},
    )


def _reconcile(request: AuthedRequest) -> None:
    try:
        registration = selectors.get_registration_to_reconcile(
            request.user, public_id=request.POST.get("registration", "")
        )
    except Http404:
        messages.error(request, _("This registration was already reconciled."))
        return
    try:
        if request.POST.get("action") == "merge":
            target = selectors.get_merge_target(
                request.user, registration=registration, public_id=request.POST.get("into", "")
            )
            services.merge_provisional_patient(
                registration=registration, into=target, actor=request.user
            )
            messages.success(request, _("Merged. The appointments moved to the existing record."))
        elif request.POST.get("action") == "confirm":
            patient = services.confirm_provisional_patient(
                registration=registration, actor=request.user
            )
            messages.success(
                request,
                _("Confirmed as a new patient with MRN %(mrn)s.") % {"mrn": patient.mrn},
            )
        else:
            messages.error(request, _("Choose merge or confirm."))
    except Http404:
        messages.error(request, _("Choose one of the possible matches listed."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))


# --- Patients and proxies ---------------------------------------------------------------------


@account_route
def records(request: HttpRequest) -> HttpResponse:
    """The records a person may open now live in the Patient Gateway."""
    return redirect("portal:home")


# --- Opening a portal account -------------------------------------------------------------


@account_route
def activate(request: HttpRequest) -> HttpResponse:
    """Open a portal account with the activation code staff gave the patient."""
    form = ActivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.activate_portal_account(
                code=data["code"],
                date_of_birth=data["date_of_birth"],
                email=data["email"],
                password=data["password1"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your account is open. Please sign in."))
            return redirect("accounts:login")
    return render(
        request,
        "accounts/form_page.html",
        {
            "form": form,
            "title": _("Open your Patient Gateway account"),
            "submit": _("Open my account"),
            "intro": _(
                "Enter the activation code from our staff, your date of birth, and the email "
                "and password you want to use."
            ),
        },
    )


@account_route
def sign_up(request: HttpRequest) -> HttpResponse:
    """Step 1: the MRN and date of birth; a code goes to the email address on file."""
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if next_url.startswith("/") and not next_url.startswith("//"):
        # Where to go once the account is open: a slot held before signing up (scheduling).
        request.session[SIGNUP_NEXT_KEY] = next_url
    form = SignUpStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.request_signup_code(mrn=data["mrn"], date_of_birth=data["date_of_birth"])
        request.session[SIGNUP_KEY] = {"mrn": data["mrn"], "dob": data["date_of_birth"].isoformat()}
        return redirect("patients:sign_up_finish")
    return render(
        request,
        "accounts/form_page.html",
        {
            "form": form,
            "title": _("Sign up for the Patient Gateway"),
            "submit": _("Send me a code"),
            "intro": _(
                "If the details match our records, we email a code to the address we have on "
                "file for you."
            ),
        },
    )


@account_route
def sign_up_finish(request: HttpRequest) -> HttpResponse:
    """Step 2: the emailed code and a password."""
    from datetime import date

    identity = request.session.get(SIGNUP_KEY)
    if not identity:
        return redirect("patients:sign_up")
    form = SignUpFinishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_signup(
                mrn=identity["mrn"],
                date_of_birth=date.fromisoformat(identity["dob"]),
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            request.session.pop(SIGNUP_KEY, None)
            messages.success(
                request, _("Your account is open. Sign in with the email address we wrote to.")
            )
            next_url = request.session.pop(SIGNUP_NEXT_KEY, "")
            if next_url:
                return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")
            return redirect("accounts:login")
    return render(
        request,
        "accounts/form_page.html",
        {
            "form": form,
            "title": _("Check your email"),
            "submit": _("Open my account"),
            "intro": _(
                "If your details matched, we sent a 6-digit code to the email address on file. "
                "It works for 30 minutes. No email? Call us and we will help."
            ),
        },
    )
