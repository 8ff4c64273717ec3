"""SECURITY.md R21: every write is audited, so a write whose audit row fails leaves nothing.

The services that record a write's audit event are found by reading the service modules
(core/tests/service_modules.py); REGISTRY says how to call each one. For every one of them the
audit insert is made to fail, and the service must raise AuditWriteFailed with the database
exactly as it was: no row without its event. A new audited write missing from REGISTRY fails
`test_every_audited_write_is_in_the_matrix`.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import DatabaseError
from django.utils import timezone

from medcenter.accounts.models import User
from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory
from medcenter.content.tests.audit_matrix import entries as content_entries
from medcenter.core import audit
from medcenter.core.models import AuditEvent
from medcenter.core.tests.service_modules import audited_writes
from medcenter.giving.tests.audit_matrix import entries as giving_entries
from medcenter.international.tests.audit_matrix import entries as international_entries
from medcenter.messaging.tests.audit_matrix import entries as messaging_entries
from medcenter.patients.access import PatientAccess, resolve_access
from medcenter.patients.models import Patient
from medcenter.patients.tests.factories import (
    BreakGlassGrantFactory,
    CareRelationshipFactory,
    PatientFactory,
    ProxyGrantFactory,
)
from medcenter.quality.tests.audit_matrix import entries as quality_entries
from medcenter.questionnaires.tests.audit_matrix import entries as questionnaires_entries
from medcenter.tumorboards.tests.audit_matrix import WRITES as TUMORBOARD_WRITES

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 1, 5)


def _verified(user: Any) -> Any:
    """The user as after their second factor (what OTPMiddleware sets on a request)."""
    user.is_verified = lambda: True
    return user


@dataclass
class Ctx:
    """A patient with a portal account, the clinician caring for them, and a scheduler."""

    patient: Patient
    clinician: User
    access: PatientAccess


@pytest.fixture
def ctx(db):
    patient = PatientFactory(user=UserFactory(), email="matrix.patient@example.test")
    clinician = _verified(StaffUserFactory(roles=["clinician", "nurse_navigator"]))
    CareRelationshipFactory(staff=clinician, patient=patient)
    access = resolve_access(clinician, patient)
    assert access is not None
    return Ctx(patient=patient, clinician=clinician, access=access)


# --- oncology -----------------------------------------------------------------------------------


def _diagnosis(ctx: Ctx, **fields: Any) -> Any:
    from medcenter.oncology.models import CancerDiagnosis

    return CancerDiagnosis.objects.create(
        patient=ctx.patient, description="Osteosarcoma of the distal femur", **fields
    )


def _metastatic_site(ctx: Ctx) -> Any:
    return _diagnosis(ctx, kind="secondary", primary=_diagnosis(ctx))


def _oncology(service: str, /, **kwargs: Any) -> Callable[[Ctx], Callable[[], Any]]:
    def arrange(ctx: Ctx) -> Callable[[], Any]:
        from medcenter.oncology import services

        made = {k: (v(ctx) if callable(v) else v) for k, v in kwargs.items()}
        if "diagnosis" not in made:
            made["patient"] = ctx.patient
        return lambda: getattr(services, service)(actor=ctx.clinician, **made)

    return arrange


def _lab_unit() -> str:
    from medcenter.oncology import labunits

    return next(u for u in labunits.known_units("anc") if u)


# --- patients -----------------------------------------------------------------------------------


def _register_patient(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.patients.services import register_patient

    data = {
        "given_name": "Mira",
        "family_name": "Matrixdale",
        "date_of_birth": datetime.date(1980, 2, 3),
        "sex": "female",
    }
    return lambda: register_patient(data=data, registered_by=ctx.clinician)


def _update_patient(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.patients.services import update_patient

    return lambda: update_patient(
        access=ctx.access, changes={"city": "Elsewhere"}, changed_by=ctx.clinician
    )


def _unregistered_patient(ctx: Ctx) -> Any:
    patient = PatientFactory(email="new.portal@example.test")
    CareRelationshipFactory(staff=ctx.clinician, patient=patient)
    return patient


def _issue_activation_code(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.patients.services import issue_activation_code

    access = resolve_access(ctx.clinician, _unregistered_patient(ctx))
    return lambda: issue_activation_code(access=access, issued_by=ctx.clinician)  # type: ignore[arg-type]


def _activate_portal_account(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.patients.services import activate_portal_account, issue_activation_code

    patient = _unregistered_patient(ctx)
    access = resolve_access(ctx.clinician, patient)
    code = issue_activation_code(access=access, issued_by=ctx.clinician)  # type: ignore[arg-type]
    return lambda: activate_portal_account(
        code=code,
        date_of_birth=patient.date_of_birth,
        email="activated@example.test",
        password="a long synthetic passphrase 42",
    )


def _request_signup_code(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.patients.services import request_signup_code

    patient = _unregistered_patient(ctx)
    return lambda: request_signup_code(mrn=patient.mrn, date_of_birth=patient.date_of_birth)


def _complete_signup(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.patients.models import ActivationCode, ActivationCodeChannel
    from medcenter.patients.services import _code_digest, complete_signup

    patient = _unregistered_patient(ctx)
    ActivationCode.objects.create(
        patient=patient,
        channel=ActivationCodeChannel.EMAIL,
        code_digest=_code_digest(f"{patient.pk}:123456"),
        expires_at=timezone.now() + timedelta(minutes=30),
    )
    return lambda: complete_signup(
        mrn=patient.mrn,
        date_of_birth=patient.date_of_birth,
        code="123456",
        password="a long synthetic passphrase 42",
    )


def _break_the_glass(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.patients.services import break_the_glass

    stranger: Any = PatientFactory()
    return lambda: break_the_glass(
        user=ctx.clinician, patient=stranger, reason="Seen in the emergency department tonight"
    )


def _review_break_glass(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.patients.services import review_break_glass

    grant: Any = BreakGlassGrantFactory(patient=ctx.patient)
    officer = _verified(StaffUserFactory(roles=["privacy_officer"]))
    return lambda: review_break_glass(
        grant=grant, reviewer=officer, outcome="appropriate", note="Clinically needed."
    )


def _self_access(ctx: Ctx) -> PatientAccess:
    access = resolve_access(ctx.patient.user, ctx.patient)
    assert access is not None
    return access


def _grant_proxy(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.patients.services import grant_proxy

    UserFactory(email="caregiver.matrix@example.test")
    return lambda: grant_proxy(
        access=_self_access(ctx),
        proxy_email="caregiver.matrix@example.test",
        relationship="spouse",
        scopes=["appointments"],
        expires_on=timezone.localdate() + timedelta(days=90),
        consent_given=True,
        granted_by=ctx.patient.user,  # type: ignore[arg-type]
    )


def _revoke_proxy(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.patients.services import revoke_proxy

    grant: Any = ProxyGrantFactory(patient=ctx.patient)
    return lambda: revoke_proxy(
        access=_self_access(ctx),
        grant_id=grant.public_id,
        revoked_by=ctx.patient.user,  # type: ignore[arg-type]
    )


def _update_own_details(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.patients.services import update_own_details

    return lambda: update_own_details(
        access=_self_access(ctx),
        changes={"city": "Elsewhere", "interpreter_needed": True},
        changed_by=ctx.patient.user,  # type: ignore[arg-type]
        reauthenticated=False,
    )


# --- portal -------------------------------------------------------------------------------------


def _check_in(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.portal import services
    from medcenter.portal.tests.factories import appointment

    visit = appointment(ctx.patient, days=2)
    return lambda: services.check_in(
        access=_self_access(ctx),
        appointment=visit,
        details={"city": "Elsewhere"},
        insurance={"insurance_payer": "Matrix Plan", "insurance_member_id": "M-1"},
        card_front=None,
        card_back=None,
        submitted_by=ctx.patient.user,  # type: ignore[arg-type]
        reauthenticated=False,
    )


def _set_trial_matching(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.portal import services

    return lambda: services.set_trial_matching(
        access=_self_access(ctx),
        opted_in=True,
        changed_by=ctx.patient.user,  # type: ignore[arg-type]
    )


def _release_stage(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.oncology import services
    from medcenter.oncology.models import StageAssessment

    stage = StageAssessment.objects.create(
        diagnosis=_diagnosis(ctx),
        scheme="enneking",
        classification="clinical",
        stage_group="IIB",
        rule_version="matrix",
        assessed_on=datetime.date(2026, 1, 5),
    )
    return lambda: services.release_stage_to_patient(stage=stage, actor=ctx.clinician)


# --- accounts -----------------------------------------------------------------------------------


def _assign_role(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.accounts.services import assign_role

    user: Any = UserFactory()
    return lambda: assign_role(user=user, role="scheduler", assigned_by=ctx.clinician)


def _disable_account(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.accounts.services import disable_account

    return lambda: disable_account(user=ctx.patient.user, disabled_by=ctx.clinician)  # type: ignore[arg-type]


# --- scheduling ---------------------------------------------------------------------------------


def _clinic() -> tuple[Any, Any, Any]:
    from medcenter.scheduling.tests.factories import (
        ClinicianFactory,
        LocationFactory,
        VisitTypeFactory,
        weekly_rules,
    )

    location = LocationFactory()
    clinician: Any = ClinicianFactory()
    clinician.locations.add(location)
    visit = VisitTypeFactory(code="matrix-visit", name="Matrix visit")
    weekly_rules(clinician=clinician, location=location, visit_types=[visit])
    return clinician, location, visit


def _at(hour: int, *, days_ahead: int = 7) -> datetime.datetime:
    from medcenter.scheduling.tests.conftest import next_weekday_at

    return next_weekday_at(hour, days_ahead=days_ahead)  # type: ignore[no-any-return]


def _scheduler() -> Any:
    return _verified(StaffUserFactory(roles=["scheduler"]))


def _book(
    ctx: Ctx, clinic: tuple[Any, Any, Any], start: datetime.datetime, **kw: Any
) -> Callable[[], Any]:
    """The call that books `start` for the patient (or kw's patient) as a scheduler."""
    from medcenter.scheduling import services

    clinician, location, visit = clinic
    patient, scheduler = kw.pop("patient", ctx.patient), _scheduler()
    return lambda: services.book_appointment(
        patient=patient,
        visit_type=visit,
        location=location,
        start=start,
        actor=scheduler,
        channel="staff",
        clinician=clinician,
        **kw,
    )


def _hold(ctx: Ctx, clinic: tuple[Any, Any, Any]) -> Any:
    from medcenter.scheduling import services

    clinician, location, visit = clinic
    return services.hold_slot(
        patient=ctx.patient,
        visit_type=visit,
        location=location,
        start=_at(10),
        actor=None,
        clinician=clinician,
    )


def _hold_slot(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.scheduling import services

    clinician, location, visit = _clinic()
    return lambda: services.hold_slot(
        patient=ctx.patient,
        visit_type=visit,
        location=location,
        start=_at(10),
        actor=None,
        clinician=clinician,
    )


def _confirm_hold(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.scheduling import services

    held = _hold(ctx, _clinic())
    return lambda: services.confirm_hold(appointment=held, actor=None)


def _book_appointment(ctx: Ctx) -> Callable[[], Any]:
    return _book(ctx, _clinic(), _at(9))


def _cancel_appointment(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.scheduling import services

    booked, scheduler = _book(ctx, _clinic(), _at(9))(), _scheduler()
    return lambda: services.cancel_appointment(appointment=booked, actor=scheduler)


def _reschedule_appointment(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.scheduling import services

    booked, scheduler = _book(ctx, _clinic(), _at(9))(), _scheduler()
    return lambda: services.reschedule_appointment(
        appointment=booked, start=_at(11), actor=scheduler
    )


def _set_attendance(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.scheduling import services

    booked, scheduler = _book(ctx, _clinic(), _at(9))(), _scheduler()
    return lambda: services.set_attendance(appointment=booked, status="noshow", actor=scheduler)


def _book_multidisciplinary(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.scheduling import selectors, services

    clinician, location, visit = _clinic()
    start = _at(9)
    slots = selectors.free_slots(
        owner=("clinician", clinician.pk),
        visit_type=visit,
        start=start,
        end=start + timedelta(hours=3),
        location=location,
        staff=True,
    )[:1]
    assert slots
    scheduler = _scheduler()
    return lambda: services.book_multidisciplinary(
        patient=ctx.patient, location=location, visit_type=visit, slots=slots, actor=scheduler
    )


def _join_waitlist(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.scheduling import services

    booked = _book(ctx, _clinic(), _at(9, days_ahead=14))()
    return lambda: services.join_waitlist(appointment=booked, actor=ctx.patient.user)


def _waiting(ctx: Ctx) -> tuple[Any, Any]:
    """The patient waits for an earlier time; another patient's earlier visit was cancelled."""
    from medcenter.scheduling import services

    clinic = _clinic()
    later = _book(ctx, clinic, _at(9, days_ahead=14))()
    entry = services.join_waitlist(appointment=later, actor=ctx.patient.user)
    earlier = _book(ctx, clinic, _at(9), patient=PatientFactory())()
    services.cancel_appointment(appointment=earlier, actor=_scheduler())
    earlier.refresh_from_db()
    return entry, earlier


def _leave_waitlist(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.scheduling import services

    entry, _freed = _waiting(ctx)
    return lambda: services.leave_waitlist(entry=entry, actor=ctx.patient.user)


def _offer_time(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.scheduling import services

    _entry, freed = _waiting(ctx)
    return lambda: services.offer_time(freed=freed)


def _offer(ctx: Ctx) -> Any:
    from medcenter.scheduling import services

    _entry, freed = _waiting(ctx)
    offer = services.offer_time(freed=freed)
    assert offer is not None
    return offer


def _accept_offer(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.scheduling import services

    offer = _offer(ctx)
    return lambda: services.accept_offer(offer=offer, actor=ctx.patient.user)


def _decline_offer(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.scheduling import services

    offer = _offer(ctx)
    return lambda: services.decline_offer(offer=offer, actor=ctx.patient.user)


def _expire_offers(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.scheduling import services
    from medcenter.scheduling.models import SlotOffer

    offer = _offer(ctx)
    SlotOffer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    return services.expire_offers


# --- referrals ----------------------------------------------------------------------------------


def _referral(ctx: Ctx, **fields: Any) -> Any:
    from medcenter.scheduling.models import Referral

    return Referral.objects.create(
        source="physician",
        given_name="Rowan",
        family_name="Referfield",
        date_of_birth=datetime.date(1975, 4, 6),
        email="rowan.referfield@example.test",
        referrer_email="referrer@example.test",
        diagnosis="Osteosarcoma",
        contact_due_at=timezone.now(),
        **fields,
    )


def _triager() -> Any:
    return _verified(StaffUserFactory(roles=["nurse_navigator", "scheduler"]))


def _submit_referral(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.scheduling.referrals import submit_referral

    data = {
        "given_name": "Rowan",
        "family_name": "Referfield",
        "date_of_birth": datetime.date(1975, 4, 6),
        "email": "rowan.referfield@example.test",
        "diagnosis": "Osteosarcoma",
    }
    return lambda: submit_referral(data=data, source="patient", patient=ctx.patient)


def _referrals(
    name: str, *, now: str = "received", of_patient: bool = True, **kwargs: Any
) -> Callable[[Ctx], Callable[[], Any]]:
    """Call referrals.`name` on a referral that is `now`, as a triage nurse (who is also the
    assignee where one is named)."""

    def arrange(ctx: Ctx) -> Callable[[], Any]:
        from medcenter.scheduling import referrals

        referral = _referral(ctx, patient=ctx.patient if of_patient else None, status=now)
        actor = _triager()
        extra = {k: (actor if v is _triager else v) for k, v in kwargs.items()}
        return lambda: getattr(referrals, name)(referral=referral, actor=actor, **extra)

    return arrange


# --- trials -------------------------------------------------------------------------------------


def _trial() -> Any:
    from medcenter.trials.models import Trial

    return Trial.objects.create(nct_id="NCT99000042", brief_title="Matrix trial")


def _decide_candidate(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.trials.models import Candidate
    from medcenter.trials.services import decide_candidate

    candidate = Candidate.objects.create(trial=_trial(), patient=ctx.patient, score=50.0)
    coordinator = _verified(StaffUserFactory(roles=["trial_coordinator"]))
    return lambda: decide_candidate(
        candidate=candidate, status="contacted", reason="", actor=coordinator
    )


def _request_contact(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.trials.services import request_contact

    trial = _trial()
    return lambda: request_contact(
        trial=trial,
        name="Mira Matrixdale",
        email="matrix.patient@example.test",
        phone="",
        language="en",
        answers={},
        explanation=[],
        likely="possible",
        patient=ctx.patient,
        actor=ctx.patient.user,
    )


def _decide_request(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.trials.models import ContactRequest
    from medcenter.trials.services import decide_request

    contact = ContactRequest.objects.create(
        trial=_trial(), patient=ctx.patient, name="Mira Matrixdale", email="m@example.test"
    )
    coordinator = _verified(StaffUserFactory(roles=["trial_coordinator"]))
    return lambda: decide_request(contact=contact, status="contacted", reason="", actor=coordinator)


# --- new patients booking online (scheduling) and their reconciliation (patients) ----------------

NEW_PATIENT = {
    "given_name": "Odile",
    "family_name": "Matrixfield",
    "date_of_birth": "1975-06-07",
    "sex": "female",
    "email": "odile.matrixfield@example.test",
    "phone": "",
    "preferred_language": "en",
    "payment": "self_pay",
}


def _visitor_hold() -> Any:
    from medcenter.scheduling import services

    clinician, location, visit = _clinic()
    return services.hold_slot_for_visitor(
        visit_type=visit, location=location, start=_at(10), clinician=clinician
    )


def _new_patient_booking() -> Any:
    from medcenter.scheduling import services

    return services.send_new_patient_code(
        hold=_visitor_hold(), details=dict(NEW_PATIENT), language="en", client_address="203.0.113.5"
    )


def _new_patient_code(booking: Any) -> str:
    from medcenter.core.models import Notification

    note = Notification.objects.filter(
        dedupe_key__startswith=f"new-patient-code:{booking.public_id}"
    )
    return str(note.latest("created_at").context["code"])


def _hold_slot_for_visitor(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.scheduling import services

    clinician, location, visit = _clinic()
    return lambda: services.hold_slot_for_visitor(
        visit_type=visit, location=location, start=_at(10), clinician=clinician
    )


def _claim_visitor_hold(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.scheduling import services

    held = _visitor_hold()
    return lambda: services.claim_visitor_hold(hold=held, patient=ctx.patient, actor=None)


def _send_new_patient_code(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.scheduling import services

    held = _visitor_hold()
    return lambda: services.send_new_patient_code(
        hold=held, details=dict(NEW_PATIENT), language="en", client_address="203.0.113.5"
    )


def _resend_new_patient_code(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.scheduling import services

    booking = _new_patient_booking()
    return lambda: services.resend_new_patient_code(booking=booking)


def _verify_new_patient_code(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.scheduling import services

    booking = _new_patient_booking()
    code = _new_patient_code(booking)
    return lambda: services.verify_new_patient_code(booking=booking, code=code)


def _register_provisional_patient(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.patients.services import register_provisional_patient

    data = {**NEW_PATIENT, "date_of_birth": datetime.date(1975, 6, 7)}
    return lambda: register_provisional_patient(
        data=data, payment={"payment": "self_pay"}, verified_channel="email"
    )


def _provisional_registration() -> Any:
    from medcenter.scheduling import services

    booking = _new_patient_booking()
    booked = services.verify_new_patient_code(booking=booking, code=_new_patient_code(booking))
    assert booked.patient is not None
    return booked.patient.provisional_registration


def _merge_provisional_patient(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.patients.services import merge_provisional_patient

    registration = _provisional_registration()
    scheduler = _scheduler()
    return lambda: merge_provisional_patient(
        registration=registration, into=ctx.patient, actor=scheduler
    )


def _confirm_provisional_patient(ctx: Ctx) -> Callable[[], Any]:
    from medcenter.patients.services import confirm_provisional_patient

    registration = _provisional_registration()
    scheduler = _scheduler()
    return lambda: confirm_provisional_patient(registration=registration, actor=scheduler)


def _results(name: str) -> Callable[[Ctx], Callable[[], Any]]:
    """A results service on a report of the context's patient, released (and, for a lift,
    held) beforehand."""

    def make(ctx: Ctx) -> Callable[[], Any]:
        from medcenter.results import services
        from medcenter.results.models import ReleasePreference
        from medcenter.results.tests.factories import report

        item = report(ctx.patient, actor=ctx.clinician, sensitive_type="genetic")
        if name == "lift_hold":
            services.place_hold(item=item, actor=ctx.clinician, reason="Harm", days=2)
        if name == "refresh_release":
            ReleasePreference.objects.create(
                patient=ctx.patient, sensitive_type="genetic", max_days=7
            )
        on_item = {"item": item, "actor": ctx.clinician}
        arguments = {
            "mark_reviewed": on_item,
            "place_hold": {**on_item, "reason": "Harm", "days": 2},
            "lift_hold": on_item,
            "refresh_release": on_item,
            "refresh_release_filed": on_item,
            "set_release_preference": {
                "patient": ctx.patient,
                "actor": ctx.patient.user,
                "sensitive_type": "genetic",
                "max_days": 5,
            },
            "save_notification_preferences": {
                "patient": ctx.patient,
                "actor": ctx.patient.user,
                "choices": {"results": (True, False)},
                "quiet_start": None,
                "quiet_end": None,
                "time_zone": "UTC",
                "sms_consent": False,
            },
        }[name]
        return lambda: getattr(services, name)(**arguments)

    return make


def _file_result(kind: str) -> Callable[[Ctx], Callable[[], Any]]:
    def make(ctx: Ctx) -> Callable[[], Any]:
        from medcenter.oncology.models import GenotypingReport, TumorMarker
        from medcenter.results import services
        from medcenter.results.tests.factories import PDF

        if kind == "file_report":
            return lambda: services.file_report(
                patient=ctx.patient,
                actor=ctx.clinician,
                category="lab",
                display="Blood count",
                values=[services.ValueIn(display="Hemoglobin", value_text="12")],
                issued_at=timezone.now(),
            )
        if kind == "file_document":
            return lambda: services.file_document(
                patient=ctx.patient,
                actor=ctx.clinician,
                kind="letter",
                title="Letter",
                document_date=TODAY,
                content=PDF,
                filename="letter.pdf",
            )
        if kind == "file_tumor_marker":
            marker = TumorMarker.objects.create(patient=ctx.patient, name="CEA", value="3.1")
            return lambda: services.file_tumor_marker(marker=marker, actor=ctx.clinician)
        genotyping = GenotypingReport.objects.create(
            patient=ctx.patient,
            test_name="Panel",
            tumor_type="LUAD",
            reported_on=TODAY,
            source_format="table",
        )
        return lambda: services.file_genotyping_report(report=genotyping, actor=ctx.clinician)

    return make


ONCOLOGY = "medcenter.oncology.services."
PATIENTS = "medcenter.patients.services."
SCHEDULING = "medcenter.scheduling.services."
REFERRALS = "medcenter.scheduling.referrals."

# How to call each audited write: the arrangement runs with a working audit log and returns
# the call to make once the audit insert fails.
REGISTRY: dict[str, Callable[[Ctx], Callable[[], Any]]] = {
    "medcenter.accounts.services.assign_role": _assign_role,
    "medcenter.accounts.services.disable_account": _disable_account,
    ONCOLOGY + "record_diagnosis": _oncology(
        "record_diagnosis", description="Osteosarcoma", diagnosed_on=TODAY
    ),
    ONCOLOGY + "stage_tumor": _oncology(
        "stage_tumor",
        diagnosis=_diagnosis,
        scheme="bone_appendicular",
        categories={"n": "N0", "m": "M0", "grade": "G1"},
        facts={"size_cm": 7.0},
        assessed_on=TODAY,
    ),
    ONCOLOGY + "record_reported_stage": _oncology(
        "record_reported_stage",
        diagnosis=_diagnosis,
        system="outside lab",
        stage_group="IIA",
        assessed_on=TODAY,
    ),
    ONCOLOGY + "record_performance_status": _oncology(
        "record_performance_status", scale="ecog", value=1, observed_on=TODAY
    ),
    ONCOLOGY + "record_treatment_course": _oncology(
        "record_treatment_course",
        regimen="carboplatin + pemetrexed",
        setting="advanced",
        line=1,
        started_on=TODAY,
    ),
    ONCOLOGY + "confirm_treatment_history": _oncology(
        "confirm_treatment_history", reviewed_on=TODAY
    ),
    ONCOLOGY + "record_lab_result": _oncology(
        "record_lab_result", test="anc", value=1.5, unit=lambda ctx: _lab_unit(), observed_on=TODAY
    ),
    ONCOLOGY + "assess_metastatic_site": _oncology(
        "assess_metastatic_site",
        diagnosis=_metastatic_site,
        assessed_on=TODAY,
        treatment="treated",
        activity="stable",
    ),
    ONCOLOGY + "record_pregnancy_status": _oncology(
        "record_pregnancy_status", status="not_pregnant", observed_on=TODAY
    ),
    ONCOLOGY + "record_tumor_marker": _oncology(
        "record_tumor_marker", name="PSA", value="4.1 ng/mL", observed_on=TODAY
    ),
    ONCOLOGY + "record_genotyping_report": _oncology(
        "record_genotyping_report",
        test_name="Panel",
        tumor_type="LUAD",
        reported_on=TODAY,
        alterations=(),
    ),
    ONCOLOGY + "import_genotyping_file": _oncology(
        "import_genotyping_file",
        content=b"gene,protein_change,kind\nBRAF,V600E,SNV\n",
        test_name="Panel",
        tumor_type="MEL",
        reported_on=TODAY,
    ),
    PATIENTS + "register_patient": _register_patient,
    PATIENTS + "update_patient": _update_patient,
    PATIENTS + "issue_activation_code": _issue_activation_code,
    PATIENTS + "activate_portal_account": _activate_portal_account,
    PATIENTS + "request_signup_code": _request_signup_code,
    PATIENTS + "complete_signup": _complete_signup,
    PATIENTS + "break_the_glass": _break_the_glass,
    PATIENTS + "review_break_glass": _review_break_glass,
    PATIENTS + "grant_proxy": _grant_proxy,
    PATIENTS + "revoke_proxy": _revoke_proxy,
    PATIENTS + "update_own_details": _update_own_details,
    ONCOLOGY + "release_stage_to_patient": _release_stage,
    "medcenter.portal.services.check_in": _check_in,
    "medcenter.portal.services.set_trial_matching": _set_trial_matching,
    PATIENTS + "register_provisional_patient": _register_provisional_patient,
    PATIENTS + "merge_provisional_patient": _merge_provisional_patient,
    PATIENTS + "confirm_provisional_patient": _confirm_provisional_patient,
    SCHEDULING + "hold_slot": _hold_slot,
    SCHEDULING + "confirm_hold": _confirm_hold,
    SCHEDULING + "book_appointment": _book_appointment,
    SCHEDULING + "cancel_appointment": _cancel_appointment,
    SCHEDULING + "reschedule_appointment": _reschedule_appointment,
    SCHEDULING + "set_attendance": _set_attendance,
    SCHEDULING + "book_multidisciplinary": _book_multidisciplinary,
    SCHEDULING + "join_waitlist": _join_waitlist,
    SCHEDULING + "leave_waitlist": _leave_waitlist,
    SCHEDULING + "offer_time": _offer_time,
    SCHEDULING + "accept_offer": _accept_offer,
    SCHEDULING + "decline_offer": _decline_offer,
    SCHEDULING + "expire_offers": _expire_offers,
    SCHEDULING + "hold_slot_for_visitor": _hold_slot_for_visitor,
    SCHEDULING + "claim_visitor_hold": _claim_visitor_hold,
    SCHEDULING + "send_new_patient_code": _send_new_patient_code,
    SCHEDULING + "resend_new_patient_code": _resend_new_patient_code,
    SCHEDULING + "verify_new_patient_code": _verify_new_patient_code,
    REFERRALS + "submit_referral": _submit_referral,
    REFERRALS + "set_referral_status": _referrals("set_referral_status", status="triaged"),
    REFERRALS + "add_referral_note": _referrals("add_referral_note", note="Called the patient."),
    REFERRALS + "assign_referral": _referrals("assign_referral", assignee=_triager),
    REFERRALS + "register_referred_patient": _referrals(
        "register_referred_patient", of_patient=False
    ),
    REFERRALS + "send_consult_letter": _referrals(
        "send_consult_letter", now="seen", summary="Seen; plan agreed."
    ),
    "medcenter.trials.services.decide_candidate": _decide_candidate,
    "medcenter.trials.services.request_contact": _request_contact,
    "medcenter.trials.services.decide_request": _decide_request,
    "medcenter.results.services.mark_reviewed": _results("mark_reviewed"),
    "medcenter.results.services.place_hold": _results("place_hold"),
    "medcenter.results.services.lift_hold": _results("lift_hold"),
    "medcenter.results.services.refresh_release": _results("refresh_release"),
    "medcenter.results.services.refresh_release_filed": _results("refresh_release_filed"),
    "medcenter.results.services.set_release_preference": _results("set_release_preference"),
    "medcenter.results.services.save_notification_preferences": _results(
        "save_notification_preferences"
    ),
    "medcenter.results.services.file_report": _file_result("file_report"),
    "medcenter.results.services.file_document": _file_result("file_document"),
    "medcenter.results.services.file_tumor_marker": _file_result("file_tumor_marker"),
    "medcenter.results.services.file_genotyping_report": _file_result("file_genotyping_report"),
    **TUMORBOARD_WRITES,
}
REGISTRY.update(international_entries())
REGISTRY.update(messaging_entries())
REGISTRY.update(questionnaires_entries())
REGISTRY.update(giving_entries())
REGISTRY.update(content_entries())
REGISTRY.update(quality_entries())


def _database() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in key order: the state a failed write must leave as it was."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        state[model._meta.label] = list(model._base_manager.order_by("pk").values_list())
    return state


def test_every_audited_write_is_in_the_matrix():
    found = set(audited_writes())

    assert found - set(REGISTRY) == set(), "teach the audit-failure matrix to call these"
    assert set(REGISTRY) - found == set(), "these are no longer audited writes"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_a_write_whose_audit_row_fails_leaves_no_row_behind(name, ctx, monkeypatch):
    call = REGISTRY[name](ctx)
    before = _database()

    def broken(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("the audit log is unavailable")

    monkeypatch.setattr(AuditEvent, "save", broken)
    with pytest.raises(audit.AuditWriteFailed):
        call()
    monkeypatch.undo()

    after = _database()
    changed = [table for table in before if before[table] != after[table]]
    assert changed == [], f"{name} left rows without their audit event in {changed}"
