"""Pages for appointments and referrals: the public forms, the patient's slot picker and
bookings, and the staff's grids, triage queue and waitlist. Thin: parse, call, render."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from medcenter.core import audit, bounds, idempotency
from medcenter.core.clientaddr import client_ip
from medcenter.core.http import AuthedRequest, apply_errors, offers_break_glass
from medcenter.core.routes import patient_data_route, public_route, staff_route
from medcenter.core.throttle import Throttled
from medcenter.core.uploads import download_response
from medcenter.core.vault import VaultError
from medcenter.directory.models import Clinician, Location
from medcenter.patients.selectors import get_patient_for, records_for
from medcenter.scheduling import calendar_files, letters, referrals, selectors, services
from medcenter.scheduling.forms import (
    CancelForm,
    LetterForm,
    MultidisciplinaryForm,
    NewPatientForm,
    NoteForm,
    PhysicianReferralForm,
    ReasonForm,
    RequestForm,
    StaffBookForm,
    StatusForm,
    VerifyCodeForm,
)
from medcenter.scheduling.models import (
    Appointment,
    AppointmentStatus,
    BookingChannel,
    BookingMode,
    OfferStatus,
    Referral,
    ReferralDocument,
    ReferralSource,
    SlotOffer,
    VisitType,
)

APPOINTMENT = "scheduling.appointment"


# --- Public: the door -------------------------------------------------------------------------


@public_route
def start(request: HttpRequest) -> HttpResponse:
    """Appointments & Referrals: book online, ask for an appointment, refer a patient."""
    return render(request, "scheduling/start.html")


def _submit(
    request: HttpRequest, form: Any, *, source: str, template: str, title: str
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():

        def create() -> dict[str, Any]:
            referral = referrals.submit_referral(
                data=form.referral_data(),
                source=source,
                documents=form.checked_documents,
                kept=form.kept_uploads(),
                submitted_by=request.user,
                client_ip=client_ip(request),
            )
            return {"referral": str(referral.public_id)}

        answer = idempotency.submit_form_once(
            form,
            scope=f"scheduling.{source}",
            payload={
                k: str(v)
                for k, v in form.cleaned_data.items()
                if k not in ("documents", "documents_kept")
            },
            create=create,
        )
        if answer is not None and answer.status == 429:
            response = render(request, "scheduling/throttled.html", status=429)
            response["Retry-After"] = str(answer.body.get("retry_after", 3600))
            return response
        if answer is not None:
            referral = Referral.objects.select_related(
                "program", "requested_clinician", "requested_program"
            ).get(public_id=answer.body["referral"])
            return render(
                request,
                "scheduling/received.html",
                {"referral": referral, "documents": referral.documents.all()},
            )
    return render(
        request, template, {"form": form, "title": title}, status=400 if form.is_bound else 200
    )


def _target_initial(request: HttpRequest) -> dict[str, Any]:
    """`?clinician=<slug>` or `?program=<slug>` (a profile's "Request an appointment") fills
    the requested clinician or program in."""
    from medcenter.directory.models import Program

    initial: dict[str, Any] = {}
    slug = request.GET.get("clinician", "")
    if slug and (clinician := Clinician.objects.filter(slug=slug, is_active=True).first()):
        initial["requested_clinician"] = clinician.pk
    slug = request.GET.get("program", "")
    if slug and (program := Program.objects.filter(slug=slug, is_published=True).first()):
        initial["requested_program"] = program.pk
    return initial


@public_route
def request_appointment(request: HttpRequest) -> HttpResponse:
    """The public request form: a patient or family member asks to be seen."""
    initial = _target_initial(request)
    if request.GET.get("condition"):
        initial["condition"] = request.GET["condition"]
    form = RequestForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        session=request.session,
        client_ip=client_ip(request),
    )
    title = _("Request an appointment")
    wanted = initial.get("requested_clinician")
    if wanted is not None and (clinician := Clinician.objects.filter(pk=wanted).first()):
        title = _("Request an appointment with %(name)s") % {"name": clinician.display_name}
    source = ReferralSource.PATIENT
    if form.is_bound and form.data.get("relationship") == "family":
        source = ReferralSource.FAMILY
    return _submit(
        request,
        form,
        source=source,
        template="scheduling/request_form.html",
        title=title,
    )


@public_route
def refer(request: HttpRequest) -> HttpResponse:
    """The referring physician's form, with records."""
    form = PhysicianReferralForm(
        request.POST or None,
        request.FILES or None,
        initial=_target_initial(request),
        session=request.session,
        client_ip=client_ip(request),
    )
    return _submit(
        request,
        form,
        source=ReferralSource.PHYSICIAN,
        template="scheduling/request_form.html",
        title=_("Refer a patient"),
    )


# --- Patients: pick a slot, confirm, manage ---------------------------------------------------


def _week_start(value: str | None) -> date:
    today = timezone.localdate()
    day = max(bounds.parse_date(value, name="week"), today)
    return day - timedelta(days=day.weekday())


@public_route
def pick_slot(request: HttpRequest, slug: str) -> HttpResponse:
    """A clinician's free times for a visit type and place, a week at a time."""
    clinician = get_object_or_404(Clinician, slug=slug, is_active=True)
    language = get_language() or "en"
    visit_types = list(selectors.bookable_visit_types(clinician))
    chosen = next((v for v in visit_types if v.code == request.GET.get("visit")), None) or (
        visit_types[0] if visit_types else None
    )
    context: dict[str, Any] = {
        "clinician": clinician,
        "visit_types": [(v, v.label(language)) for v in visit_types],
        "visit": chosen,
        "reschedule": request.GET.get("reschedule", ""),
    }
    if chosen is None:
        return render(request, "scheduling/pick_slot.html", context)
    locations = list(selectors.clinician_locations(clinician, chosen))
    location = next((loc for loc in locations if loc.slug == request.GET.get("location")), None)
    week = _week_start(request.GET.get("week"))
    begin, _end = selectors.local_day_bounds(week)
    free = []
    if chosen.booking_mode != BookingMode.VIEW:
        free = selectors.free_slots(
            owner=("clinician", clinician.pk),
            visit_type=chosen,
            start=begin,
            end=begin + timedelta(days=7),
            location=location,
        )
    by_day: dict[date, list[Any]] = {}
    places = {loc.pk: loc for loc in locations}
    for slot in free:
        local = timezone.localtime(slot.start)
        place = places.get(slot.location_id)
        by_day.setdefault(local.date(), []).append(
            {
                "slot": slot,
                "local": local,
                "location": place.name if place else "",
                "location_slug": place.slug if place else "",
            }
        )
    upcoming = None
    if not free and chosen.booking_mode != BookingMode.VIEW:
        upcoming = selectors.next_slot(
            owner=("clinician", clinician.pk), visit_type=chosen, location=location, start=begin
        )
    context.update(
        locations=locations,
        location=location,
        week=week,
        days=sorted(by_day.items()),
        previous_week=week - timedelta(days=7) if week > timezone.localdate() else None,
        next_week=week + timedelta(days=7),
        upcoming=timezone.localtime(upcoming.start) if upcoming else None,
        mode=chosen.booking_mode,
        patients=_bookable_patients(request),
    )
    return render(request, "scheduling/pick_slot.html", context)


def _bookable_patients(request: HttpRequest) -> list[Any]:
    if not request.user.is_authenticated or request.user.is_staff:
        return []
    return [a for a in records_for(request.user) if "appointments" in a.scopes]


VISITOR_HOLD = "scheduling.visitor_hold"
NEW_PATIENT = "scheduling.new_patient"
NEW_PATIENT_BOOKED = "scheduling.new_patient_booked"
NEW_PATIENT_DRAFT = "scheduling.new_patient_draft"


@public_route
def hold(request: HttpRequest, slug: str) -> HttpResponse:
    """Hold the chosen time: for the signed-in patient, or for a visitor while they sign in,
    sign up or book as a new patient (the hold's id waits in their session)."""
    if request.method != "POST":
        return redirect("scheduling:pick_slot", slug=slug)
    clinician = get_object_or_404(Clinician, slug=slug, is_active=True)
    visit = VisitType.objects.filter(code=request.POST.get("visit", "")).first()
    location = Location.objects.filter(slug=request.POST.get("location", "")).first()
    try:
        begin = bounds.parse_datetime(request.POST.get("start", ""), name="start")
    except ValidationError:
        begin = None
    back = reverse("scheduling:pick_slot", args=[slug])
    if visit is None or location is None or begin is None or timezone.is_naive(begin):
        messages.error(request, _("Please choose a time from the list."))
        return redirect(back)
    if not request.user.is_authenticated:
        return _hold_for_visitor(request, clinician, visit, location, begin, back)
    patient_id = request.POST.get("patient", "")
    try:
        access = get_patient_for(
            request.user,
            public_id=patient_id,
            action="appointment.holding",
            scope="appointments",
        )
    except (Http404, ValidationError, PermissionDenied):
        messages.error(request, _("Choose whose appointment this is."))
        return redirect(back)
    try:
        held = services.hold_slot(
            patient=access.patient,
            visit_type=visit,
            location=location,
            start=begin,
            actor=request.user,
            clinician=clinician,
        )
    except services.SlotTaken as taken:
        messages.error(request, str(taken))
        return redirect(
            f"{back}?visit={visit.code}&week={timezone.localtime(begin).date().isoformat()}"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{back}?visit={visit.code}")
    query = f"?reschedule={request.POST['reschedule']}" if request.POST.get("reschedule") else ""
    return redirect(reverse("scheduling:confirm", args=[held.public_id]) + query)


def _hold_for_visitor(
    request: HttpRequest,
    clinician: Clinician,
    visit: VisitType,
    location: Location,
    begin: Any,
    back: str,
) -> HttpResponse:
    try:
        held = services.hold_slot_for_visitor(
            visit_type=visit,
            location=location,
            start=begin,
            clinician=clinician,
            replaces=selectors.visitor_hold(request.session.get(VISITOR_HOLD)),
        )
    except services.SlotTaken as taken:
        messages.error(request, str(taken))
        return redirect(
            f"{back}?visit={visit.code}&week={timezone.localtime(begin).date().isoformat()}"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{back}?visit={visit.code}")
    request.session[VISITOR_HOLD] = str(held.public_id)
    request.session.pop(NEW_PATIENT, None)
    return redirect("scheduling:held")


def _lost_hold(request: HttpRequest) -> HttpResponse:
    return render(request, "scheduling/held.html", {"held": None}, status=410)


@public_route
def held(request: HttpRequest) -> HttpResponse:
    """The time a visitor holds: book as a new patient, or sign in (or sign up) and come back
    here to book it for their record. The hold lives in the session, so it survives sign-in."""
    hold_ = selectors.visitor_hold(request.session.get(VISITOR_HOLD))
    if hold_ is None:
        return _lost_hold(request)
    patients = _bookable_patients(request)
    if request.method == "POST" and patients:
        chosen = next(
            (a for a in patients if str(a.patient.public_id) == request.POST.get("patient")), None
        )
        if chosen is None:
            messages.error(request, _("Choose whose appointment this is."))
        else:
            try:
                claimed = services.claim_visitor_hold(
                    hold=hold_, patient=chosen.patient, actor=request.user
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return _lost_hold(request)
            request.session.pop(VISITOR_HOLD, None)
            return redirect("scheduling:confirm", appointment_id=claimed.public_id)
    here = reverse("scheduling:held")
    return render(
        request,
        "scheduling/held.html",
        {
            "held": hold_,
            "patients": patients,
            "staff": request.user.is_authenticated and request.user.is_staff,
            "next": here,
        },
    )


@public_route
def new_patient(request: HttpRequest) -> HttpResponse:
    """A person with no record enters their details for the held time; a code is sent."""
    hold_ = selectors.visitor_hold(request.session.get(VISITOR_HOLD))
    if request.method == "POST":
        # Kept in the session as typed, so a time lost meanwhile loses none of it: the form
        # comes back filled in once another time is picked.
        request.session[NEW_PATIENT_DRAFT] = {
            name: request.POST.get(name, "")[:300] for name in NewPatientForm.base_fields
        }
    if hold_ is None:
        return _lost_hold(request)
    if request.method == "POST":
        form = NewPatientForm(request.POST)
    else:
        booking = selectors.new_patient_booking(request.session.get(NEW_PATIENT))
        kept = booking.details if booking and booking.hold_id == hold_.pk else None
        draft = request.session.get(NEW_PATIENT_DRAFT)
        if kept is None and draft:
            form = NewPatientForm(initial=_draft_as_initial(draft))
        else:
            form = NewPatientForm(initial=kept or {"preferred_language": _site_language()})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.send_new_patient_code(
                hold=hold_,
                details=form.details(),
                language=get_language() or "en",
                client_address=client_ip(request) or "",
            )
        except Throttled as throttled:
            form.add_error(None, str(throttled))
            status = 429
        except ValidationError as error:
            apply_errors(form, error)
            status = 400
        else:
            request.session[NEW_PATIENT] = str(booking.public_id)
            return redirect("scheduling:new_patient_verify")
    elif form.is_bound:
        status = 400
    response = render(
        request, "scheduling/new_patient.html", {"held": hold_, "form": form}, status=status
    )
    if status == 429:
        response["Retry-After"] = "3600"
    return response


def _draft_as_initial(draft: dict[str, str]) -> dict[str, Any]:
    """What was typed before, as the form's first values (checkboxes ticked as "on" stay so)."""
    initial: dict[str, Any] = dict(draft)
    for name in ("sms_consent", "interpreter_needed"):
        initial[name] = draft.get(name) in ("on", "true", "True", "1")
    return initial


def _site_language() -> str:
    language = (get_language() or "en").split("-")[0]
    return language if language in {"en", "es", "pt", "zh", "ar", "ru"} else "en"


@public_route
def new_patient_verify(request: HttpRequest) -> HttpResponse:
    """The one-time code: right, and the held time is booked for a provisional patient."""
    booking = selectors.new_patient_booking(request.session.get(NEW_PATIENT))
    if booking is None:
        return _lost_hold(request)
    if booking.verified_at is not None:
        return redirect("scheduling:new_patient_booked")
    resend = request.method == "POST" and request.POST.get("action") == "resend"
    form = VerifyCodeForm(request.POST if request.method == "POST" and not resend else None)
    status = 200
    if resend:
        try:
            services.resend_new_patient_code(booking=booking)
        except Throttled as throttled:
            messages.error(request, str(throttled))
            status = 429
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            status = 400
        else:
            messages.success(request, _("We sent a new code. The old one no longer works."))
            return redirect("scheduling:new_patient_verify")
    elif request.method == "POST" and form.is_valid():
        try:
            booked = services.verify_new_patient_code(
                booking=booking, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            apply_errors(form, error)
            status = 400
        else:
            request.session.pop(VISITOR_HOLD, None)
            request.session.pop(NEW_PATIENT, None)
            request.session.pop(NEW_PATIENT_DRAFT, None)
            request.session[NEW_PATIENT_BOOKED] = str(booked.public_id)
            return redirect("scheduling:new_patient_booked")
    elif form.is_bound:
        status = 400
    return render(
        request,
        "scheduling/new_patient_verify.html",
        {"booking": booking, "held": booking.hold, "form": form},
        status=status,
    )


@public_route
def new_patient_booked(request: HttpRequest) -> HttpResponse:
    """What a new patient booked: the time, the place, and what happens next."""
    booking = selectors.new_patient_booking(request.session.get(NEW_PATIENT))
    booked_id = request.session.get(NEW_PATIENT_BOOKED)
    appointment = None
    if booked_id:
        appointment = (
            Appointment.objects.select_related("clinician", "location", "visit_type")
            .filter(public_id=booked_id, status=AppointmentStatus.BOOKED)
            .first()
        )
    elif booking is not None and booking.verified_at is not None:
        appointment = booking.hold
    if appointment is None:
        return _lost_hold(request)
    return render(request, "scheduling/new_patient_booked.html", {"appointment": appointment})


def _appointment_for(request: AuthedRequest, appointment_id: UUID, action: str) -> Appointment:
    return selectors.get_appointment_for(request.user, public_id=appointment_id, action=action)


@patient_data_route(model=APPOINTMENT, kwargs=("appointment_id",))
@offers_break_glass
def confirm(request: AuthedRequest, appointment_id: UUID) -> HttpResponse:
    """The held time, its countdown, and the button that books it."""
    appointment = _appointment_for(request, appointment_id, "appointment.hold_viewed")
    if appointment.status == AppointmentStatus.BOOKED:
        return redirect("scheduling:detail", appointment_id=appointment.public_id)
    form = ReasonForm(request.POST or None)
    expired = appointment.status != AppointmentStatus.PENDING or (
        appointment.hold_expires_at is not None and appointment.hold_expires_at <= timezone.now()
    )
    if request.method == "POST" and form.is_valid() and not expired:
        replaced = _replaced(request, request.GET.get("reschedule", ""), appointment)
        reason = form.cleaned_data["reason_for_visit"]
        try:
            if replaced is None:
                booked = services.confirm_hold(
                    appointment=appointment,
                    actor=request.user,
                    reason_for_visit=reason,
                )
            else:  # the new time and the old one's release commit together, or neither
                booked = services.reschedule_appointment(
                    appointment=replaced,
                    hold=appointment,
                    actor=request.user,
                    reason_for_visit=reason,
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your appointment is booked. We sent a confirmation."))
            return redirect("scheduling:detail", appointment_id=booked.public_id)
    return render(
        request,
        "scheduling/confirm.html",
        {"appointment": appointment, "form": form, "expired": expired},
    )


def _replaced(request: AuthedRequest, old_id: str, hold: Appointment) -> Appointment | None:
    """Rescheduling from the portal: the same patient's booking that the hold replaces."""
    try:
        old = _appointment_for(request, UUID(old_id), "appointment.rescheduling")
    except (ValueError, Http404):
        return None
    if old.patient_id == hold.patient_id and old.status == AppointmentStatus.BOOKED:
        return old
    return None


@patient_data_route(model=APPOINTMENT, kwargs=("appointment_id",))
@offers_break_glass
def detail(request: AuthedRequest, appointment_id: UUID) -> HttpResponse:
    """One appointment: when, where, with whom; cancel, reschedule, wait for earlier."""
    appointment = _appointment_for(request, appointment_id, "appointment.viewed")
    offers = SlotOffer.objects.filter(
        entry__appointment=appointment, status=OfferStatus.OFFERED, expires_at__gt=timezone.now()
    ).select_related("hold", "hold__clinician", "hold__location")
    waiting = hasattr(appointment, "waitlist_entry") and appointment.waitlist_entry.is_active
    return render(
        request,
        "scheduling/detail.html",
        {
            "appointment": appointment,
            "cancel_form": CancelForm(),
            "can_change": services.can_change_online(appointment) or request.user.is_staff,
            "offers": offers,
            "waiting": waiting,
        },
    )


@patient_data_route(model=APPOINTMENT, kwargs=("appointment_id",))
@offers_break_glass
def cancel(request: AuthedRequest, appointment_id: UUID) -> HttpResponse:
    """Ask before cancelling: the page says what will be cancelled; only "Yes, cancel" does."""
    appointment = _appointment_for(request, appointment_id, "appointment.cancelling")
    form = CancelForm(request.POST or None)
    if request.method == "POST" and request.POST.get("confirm") == "yes" and form.is_valid():
        try:
            services.cancel_appointment(
                appointment=appointment,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your appointment is cancelled."))
        return redirect("scheduling:detail", appointment_id=appointment.public_id)
    if appointment.status != AppointmentStatus.BOOKED:
        return redirect("scheduling:detail", appointment_id=appointment.public_id)
    return render(
        request, "scheduling/cancel_confirm.html", {"appointment": appointment, "form": form}
    )


@patient_data_route(model=APPOINTMENT, kwargs=("appointment_id",))
@offers_break_glass
def waitlist_toggle(request: AuthedRequest, appointment_id: UUID) -> HttpResponse:
    appointment = _appointment_for(request, appointment_id, "appointment.waitlist")
    if request.method == "POST":
        try:
            if request.POST.get("join") == "1":
                services.join_waitlist(appointment=appointment, actor=request.user)
                messages.success(request, _("We will offer you an earlier time if one frees up."))
            elif hasattr(appointment, "waitlist_entry"):
                services.leave_waitlist(entry=appointment.waitlist_entry, actor=request.user)
                messages.success(request, _("You will not get offers of earlier times."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("scheduling:detail", appointment_id=appointment.public_id)


@patient_data_route(model=APPOINTMENT, kwargs=("appointment_id", "offer_id"))
@offers_break_glass
def answer_offer(request: AuthedRequest, appointment_id: UUID, offer_id: UUID) -> HttpResponse:
    appointment = _appointment_for(request, appointment_id, "appointment.offer_answered")
    offer = get_object_or_404(SlotOffer, public_id=offer_id, entry__appointment=appointment)
    if request.method == "POST":
        try:
            if request.POST.get("accept") == "1":
                booked = services.accept_offer(offer=offer, actor=request.user)
                messages.success(request, _("Done: your appointment is now at the earlier time."))
                return redirect("scheduling:detail", appointment_id=booked.public_id)
            services.decline_offer(offer=offer, actor=request.user)
            messages.success(request, _("You kept your appointment."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("scheduling:detail", appointment_id=appointment.public_id)


@patient_data_route(model=APPOINTMENT, kwargs=("appointment_id",))
@offers_break_glass
def ics(request: AuthedRequest, appointment_id: UUID) -> HttpResponse:
    appointment = _appointment_for(request, appointment_id, "appointment.calendar_downloaded")
    response = HttpResponse(
        calendar_files.appointment_ics(appointment), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


@public_route
def mine(request: HttpRequest) -> HttpResponse:
    """The appointments of the signed-in patient and of those they are proxy for."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    groups = selectors.my_appointments(request.user)
    return render(request, "scheduling/mine.html", {"groups": groups})


# --- Staff: grids, booking, triage, waitlist --------------------------------------------------


def _parse_day(value: str | None) -> date:
    return bounds.parse_date(value, name="day")


@staff_route("scheduling.view_schedule")
def grid(request: AuthedRequest) -> HttpResponse:
    """A clinician's or a location's day or week, with check-in and outcome buttons."""
    clinician = Clinician.objects.filter(slug=request.GET.get("clinician", "")).first()
    location = Location.objects.filter(slug=request.GET.get("location", "")).first()
    day = _parse_day(request.GET.get("day"))
    week = request.GET.get("view") == "week"
    if week:
        day -= timedelta(days=day.weekday())
    rows = (
        list(
            selectors.day_schedule(
                clinician=clinician, location=location, day=day, days=7 if week else 1
            )
        )
        if (clinician or location)
        else []
    )
    if rows:
        audit.record(
            action="schedule.viewed",
            actor=request.user,
            target=clinician or location,
            read=True,
        )
    badges = selectors.grid_badges([a.pk for a in rows])
    days: dict[date, list[Appointment]] = {}
    for appointment in rows:
        appointment.grid_badges = badges.get(appointment.pk, [])  # type: ignore[attr-defined]
        days.setdefault(timezone.localtime(appointment.start).date(), []).append(appointment)
    span = 7 if week else 1
    return render(
        request,
        "scheduling/grid.html",
        {
            "clinician": clinician,
            "location": location,
            "day": day,
            "week": week,
            "days": [
                (day + timedelta(days=i), days.get(day + timedelta(days=i), []))
                for i in range(span)
            ],
            "previous": day - timedelta(days=span),
            "next": day + timedelta(days=span),
            "clinicians": Clinician.objects.filter(is_active=True, rules__isnull=False)
            .distinct()
            .order_by("family_name")[:500],
            "locations": Location.objects.order_by("name"),
        },
    )


@patient_data_route(
    model=APPOINTMENT, kwargs=("appointment_id",), permission="scheduling.change_appointment"
)
@offers_break_glass
def attendance(request: AuthedRequest, appointment_id: UUID) -> HttpResponse:
    """Check a patient in, or record the visit as seen or missed (needs access to the patient)."""
    appointment = get_object_or_404(
        Appointment.objects.select_related("patient"), public_id=appointment_id
    )
    if appointment.patient is None:
        raise Http404
    get_patient_for(
        request.user,
        public_id=appointment.patient.public_id,
        staff_only=True,
        action="appointment.attendance",
    )
    if request.method == "POST":
        try:
            services.set_attendance(
                appointment=appointment,
                status=request.POST.get("status", ""),
                actor=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect(request.POST.get("next") or reverse("scheduling:grid"))


@patient_data_route(model="patients.patient", permission="scheduling.add_appointment")
@offers_break_glass
def staff_book(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """Book for a patient: choose clinician, visit and time; overbook with a reason."""
    access = get_patient_for(
        request.user,
        public_id=public_id,
        staff_only=True,
        action="appointment.booking_opened",
    )
    clinician = Clinician.objects.filter(
        slug=request.GET.get("clinician") or request.POST.get("clinician", "")
    ).first()
    referral = None
    try:
        referral_id = UUID(request.GET.get("referral", ""))
    except ValueError:
        referral_id = None
    if referral_id is not None:
        referral = Referral.objects.filter(public_id=referral_id, patient=access.patient).first()
    form = StaffBookForm(request.POST or None)
    free: list[Any] = []
    if clinician is not None and request.method == "GET" and request.GET.get("visit_type"):
        visit_id = request.GET.get("visit_type", "")
        visit = VisitType.objects.filter(pk=int(visit_id)).first() if visit_id.isdigit() else None
        if visit is not None:
            found = selectors.free_slots(
                owner=("clinician", clinician.pk),
                visit_type=visit,
                start=timezone.now(),
                end=timezone.now() + timedelta(days=28),
                staff=True,
                limit=40,
            )
            free = [
                {
                    "local": timezone.localtime(s.start),
                    "value": timezone.localtime(s.start).strftime("%Y-%m-%dT%H:%M"),
                    "location": s.location_id,
                    "visit": visit.pk,
                }
                for s in found
            ]
    if request.method == "POST" and form.is_valid() and clinician is not None:
        data = form.cleaned_data
        try:
            booked = services.book_appointment(
                patient=access.patient,
                visit_type=data["visit_type"],
                location=data["location"],
                start=data["start"],
                actor=request.user,
                channel=BookingChannel.STAFF,
                clinician=clinician,
                overbook_reason=data["overbook_reason"],
                referral=referral,
            )
        except services.SlotTaken as taken:
            form.add_error("start", str(taken))
        except PermissionDenied:
            form.add_error("overbook_reason", _("Your role cannot overbook."))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Booked."))
            return redirect("scheduling:detail", appointment_id=booked.public_id)
    elif request.method == "POST" and clinician is None:
        form.add_error(None, _("Choose a clinician first."))
    return render(
        request,
        "scheduling/staff_book.html",
        {
            "patient": access.patient,
            "clinician": clinician,
            "form": form,
            "free": free,
            "referral": referral,
            "clinicians": Clinician.objects.filter(is_active=True, rules__isnull=False)
            .distinct()
            .order_by("family_name")[:500],
            "visit_types": VisitType.objects.filter(is_active=True),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@patient_data_route(model="patients.patient", permission="scheduling.add_appointment")
@offers_break_glass
def multidisciplinary(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """Find the earliest day to see several specialists in sequence, and book them together."""
    access = get_patient_for(
        request.user,
        public_id=public_id,
        staff_only=True,
        action="appointment.multidisciplinary_opened",
    )
    form = MultidisciplinaryForm(request.POST or request.GET or None)
    visit = VisitType.objects.filter(code="multidisciplinary", is_active=True).first()
    chain = None
    if form.is_bound and form.is_valid() and visit is not None:
        chain = selectors.earliest_multidisciplinary(
            specialties=form.specialties(), location=form.cleaned_data["location"], visit_type=visit
        )
        if request.method == "POST" and chain and request.POST.get("book") == "1":
            try:
                group = services.book_multidisciplinary(
                    patient=access.patient,
                    location=form.cleaned_data["location"],
                    visit_type=visit,
                    slots=chain,
                    actor=request.user,
                )
            except services.SlotTaken as taken:
                messages.error(request, str(taken))
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request, _("All %(n)d visits are booked.") % {"n": group.appointments.count()}
                )
                return redirect("patients:staff_detail", public_id=access.patient.public_id)
    legs = []
    if chain:
        clinicians = Clinician.objects.in_bulk([s.owner[1] for s in chain])
        legs = [
            {
                "clinician": clinicians[s.owner[1]],
                "start": timezone.localtime(s.start),
                "end": timezone.localtime(s.end),
            }
            for s in chain
        ]
    return render(
        request,
        "scheduling/multidisciplinary.html",
        {
            "patient": access.patient,
            "form": form,
            "legs": legs,
            "searched": form.is_bound and form.is_valid(),
            "visit": visit,
        },
    )


@staff_route("scheduling.view_referral")
def triage(request: AuthedRequest) -> HttpResponse:
    """The triage queue: urgent first, then by when first contact is due."""
    from medcenter.directory.models import Program

    program = Program.objects.filter(slug=request.GET.get("program", "")).first()
    status = request.GET.get("status") or None
    valid = {s for s, _label in Referral._meta.get_field("status").choices}  # type: ignore[union-attr]
    queue = selectors.triage_queue(
        program_id=program.pk if program else None,
        status=status if status in valid else None,
        overdue_only=request.GET.get("overdue") == "1",
    )
    return render(
        request,
        "scheduling/triage.html",
        {
            "queue": queue[:200],
            "programs": Program.objects.order_by("name"),
            "program": program,
            "status": status,
            "now": timezone.now(),
        },
    )


REFERRAL = "scheduling.referral"


@patient_data_route(model=REFERRAL, kwargs=("referral_id",), permission="scheduling.view_referral")
@offers_break_glass
def referral_detail(request: AuthedRequest, referral_id: UUID) -> HttpResponse:
    """One referral: who, why, documents, history; triage, notes, booking and the letter."""
    referral = selectors.get_referral_for(request.user, public_id=referral_id)
    forms: dict[str, Any] = {
        "status_form": StatusForm(),
        "note_form": NoteForm(),
        "letter_form": LetterForm(initial={"summary": referral.consult_summary}),
    }
    if request.method == "POST" and request.user.has_perm("scheduling.triage_referral"):
        action = request.POST.get("action")
        try:
            if action == "status":
                forms["status_form"] = form = StatusForm(request.POST)
                if form.is_valid():
                    referrals.set_referral_status(
                        referral=referral,
                        status=form.cleaned_data["status"],
                        note=form.cleaned_data["note"],
                        actor=request.user,
                    )
                    return redirect("scheduling:referral", referral_id=referral.public_id)
            elif action == "note":
                forms["note_form"] = note_form = NoteForm(request.POST)
                if note_form.is_valid():
                    referrals.add_referral_note(
                        referral=referral,
                        note=note_form.cleaned_data["note"],
                        contacted=note_form.cleaned_data["contacted"],
                        actor=request.user,
                    )
                    return redirect("scheduling:referral", referral_id=referral.public_id)
            elif action == "assign":
                referrals.assign_referral(
                    referral=referral, assignee=request.user, actor=request.user
                )
                return redirect("scheduling:referral", referral_id=referral.public_id)
            elif action == "register":
                patient = referrals.register_referred_patient(referral=referral, actor=request.user)
                messages.success(request, _("Registered with MRN %(mrn)s.") % {"mrn": patient.mrn})
                return redirect("scheduling:referral", referral_id=referral.public_id)
            elif action == "letter":
                forms["letter_form"] = letter_form = LetterForm(request.POST)
                if letter_form.is_valid():
                    referrals.send_consult_letter(
                        referral=referral,
                        summary=letter_form.cleaned_data["summary"],
                        actor=request.user,
                    )
                    messages.success(
                        request, _("The consult letter is on its way to the referring physician.")
                    )
                    return redirect("scheduling:referral", referral_id=referral.public_id)
        except ValidationError as error:
            target = {"status": "status_form", "note": "note_form", "letter": "letter_form"}.get(
                action or "", "note_form"
            )
            apply_errors(forms[target], error)
        except PermissionDenied:
            messages.error(request, _("Your role cannot do this."))
    referral.refresh_from_db()
    return render(
        request,
        "scheduling/referral.html",
        {
            "referral": referral,
            "documents": referral.documents.all(),
            "events": referral.events.select_related("author"),
            "appointments": referral.appointments.select_related(
                "clinician", "location", "visit_type"
            ),
            "now": timezone.now(),
            **forms,
        },
        status=400 if request.method == "POST" else 200,
    )


@patient_data_route(
    model=REFERRAL, kwargs=("referral_id", "document_id"), permission="scheduling.view_referral"
)
@offers_break_glass
def referral_document(request: AuthedRequest, referral_id: UUID, document_id: UUID) -> HttpResponse:
    """Download one referral document (decrypted, audited, as an attachment)."""
    referral = selectors.get_referral_for(
        request.user, public_id=referral_id, action="referral.document_opened"
    )
    document = get_object_or_404(ReferralDocument, public_id=document_id, referral=referral)
    try:
        content = referrals.read_document(document=document, actor=request.user)
    except VaultError:
        messages.error(
            request,
            _(
                "This file failed its integrity check and cannot be shown. "
                "The team has been alerted."
            ),
        )
        return redirect("scheduling:referral", referral_id=referral_id)
    return download_response(
        content=content, content_type=document.content_type, filename=document.filename
    )


@patient_data_route(model=REFERRAL, kwargs=("referral_id",), permission="scheduling.view_referral")
@offers_break_glass
def referral_letter(request: AuthedRequest, referral_id: UUID) -> HttpResponse:
    """The consult letter as a PDF (a draft until it is sent)."""
    referral = selectors.get_referral_for(
        request.user, public_id=referral_id, action="referral.letter_viewed"
    )
    return download_response(
        content=letters.consult_letter_pdf(referral),
        content_type="application/pdf",
        filename="consult-letter.pdf",
    )


@staff_route("scheduling.view_schedule")
def waitlist(request: AuthedRequest) -> HttpResponse:
    """Patients waiting for an earlier time, oldest first, with any offer out to them."""
    entries = list(selectors.waitlist()[:300])
    offers = {
        o.entry_id: o
        for o in SlotOffer.objects.filter(
            entry__in=entries, status=OfferStatus.OFFERED
        ).select_related("hold")
    }
    if entries:
        audit.record(action="waitlist.viewed", actor=request.user, read=True)
    return render(
        request, "scheduling/waitlist.html", {"entries": [(e, offers.get(e.pk)) for e in entries]}
    )
