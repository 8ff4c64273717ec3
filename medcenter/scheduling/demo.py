"""Demo scheduling: visit types, weekly clinics for every demo clinician, a bone and sarcoma
multidisciplinary clinic, a few bookings, a waitlist and referrals in the triage queue."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from medcenter.core.seeding import DemoLogin
from medcenter.directory.models import Clinician, Condition, Location
from medcenter.patients.demo import PATIENT_DOMAIN
from medcenter.patients.models import Patient
from medcenter.scheduling import referrals, selectors, services
from medcenter.scheduling.models import (
    AvailabilityException,
    AvailabilityRule,
    BookingChannel,
    BookingMode,
    ExceptionKind,
    Referral,
    ReferralSource,
    Resource,
    ResourceKind,
    VisitType,
)

VISIT_TYPES = [
    # code, name, minutes, buffer, mode, new, telehealth, resource, es name
    (
        "new-patient",
        "New patient visit",
        60,
        10,
        BookingMode.DIRECT,
        True,
        False,
        "",
        "Primera consulta",
    ),
    (
        "follow-up",
        "Follow-up visit",
        20,
        5,
        BookingMode.DIRECT,
        False,
        False,
        "",
        "Consulta de seguimiento",
    ),
    (
        "second-opinion",
        "Second opinion",
        60,
        10,
        BookingMode.REQUEST,
        True,
        False,
        "",
        "Segunda opinión",
    ),
    ("telehealth", "Video visit", 20, 0, BookingMode.DIRECT, False, True, "", "Consulta por video"),
    (
        "multidisciplinary",
        "Multidisciplinary clinic visit",
        30,
        0,
        BookingMode.VIEW,
        True,
        False,
        "",
        "Consulta multidisciplinaria",
    ),
    (
        "infusion",
        "Infusion",
        120,
        15,
        BookingMode.VIEW,
        False,
        False,
        ResourceKind.INFUSION_CHAIR,
        "Infusión",
    ),
    (
        "ct-scan",
        "CT scan",
        30,
        10,
        BookingMode.VIEW,
        False,
        False,
        ResourceKind.IMAGING,
        "Tomografía",
    ),
]
MDT_SPECIALTIES = ("orthopaedic-oncology", "medical-oncology", "radiation-oncology")


def seed(*, rng: random.Random) -> list[DemoLogin]:
    from medcenter.accounts.demo import staff_email

    if VisitType.objects.exists():
        return []
    types = {}
    for order, (code, name, minutes, buffer, mode, new, video, resource, es) in enumerate(
        VISIT_TYPES
    ):
        types[code] = VisitType.objects.create(
            code=code,
            name=name,
            duration_minutes=minutes,
            buffer_minutes=buffer,
            booking_mode=mode,
            new_patients=new,
            telehealth=video,
            resource_kind=resource,
            order=order,
            translations={"es": {"name": es}},
        )
    valid_from = timezone.localdate() - timedelta(days=14)
    rules = []
    clinic_types = [types["new-patient"], types["follow-up"], types["second-opinion"]]
    for clinician in (
        Clinician.objects.filter(is_active=True)
        .prefetch_related("locations", "specialties")
        .order_by("pk")
    ):
        places = list(clinician.locations.all()) or list(Location.objects.order_by("pk")[:1])
        days = rng.sample(range(5), 3)
        for index, weekday in enumerate(sorted(days)):
            morning = index % 2 == 0
            rule = AvailabilityRule(
                clinician=clinician,
                location=places[index % len(places)],
                weekday=weekday,
                start_time=time(8, 30) if morning else time(13),
                end_time=time(12) if morning else time(17),
                valid_from=valid_from,
            )
            rules.append(
                (rule, clinic_types + ([types["telehealth"]] if clinician.telehealth else []))
            )
    AvailabilityRule.objects.bulk_create([r for r, _t in rules])
    through = AvailabilityRule.visit_types.through
    through.objects.bulk_create(
        [through(availabilityrule_id=r.pk, visittype_id=t.pk) for r, ts in rules for t in ts]
    )

    # The bone and sarcoma multidisciplinary clinic: Tuesday and Thursday mornings.
    main = (
        Location.objects.filter(kind="hospital").order_by("pk").first()
        or Location.objects.order_by("pk").first()
    )
    if main is None:
        return []
    for clinician in Clinician.objects.filter(
        programs__slug="bone-sarcoma", specialties__slug__in=MDT_SPECIALTIES
    ).distinct():
        for weekday in (1, 3):
            rule = AvailabilityRule.objects.create(
                clinician=clinician,
                location=main,
                weekday=weekday,
                start_time=time(8),
                end_time=time(12),
                valid_from=valid_from,
            )
            rule.visit_types.set([types["multidisciplinary"]])

    # Infusion chairs and a CT scanner at the main campus.
    for name, kind, code, hours in (
        ("Infusion chair 1", ResourceKind.INFUSION_CHAIR, "infusion", (8, 18)),
        ("Infusion chair 2", ResourceKind.INFUSION_CHAIR, "infusion", (8, 18)),
        ("CT scanner A", ResourceKind.IMAGING, "ct-scan", (7, 19)),
    ):
        chair = Resource.objects.create(name=name, kind=kind, location=main)
        for weekday in range(5):
            rule = AvailabilityRule.objects.create(
                resource=chair,
                location=main,
                weekday=weekday,
                start_time=time(hours[0]),
                end_time=time(hours[1]),
                valid_from=valid_from,
            )
            rule.visit_types.set([types[code]])

    # The center is closed on New Year's Day.
    year = timezone.localdate().year + (1 if timezone.localdate().month == 12 else 0)
    new_year = timezone.make_aware(datetime(year, 1, 1))
    AvailabilityException.objects.create(
        kind=ExceptionKind.HOLIDAY,
        starts_at=new_year,
        ends_at=new_year + timedelta(days=1),
        reason="New Year's Day",
    )

    scheduler = get_user_model().objects.get(email=staff_email("scheduler"))
    _book_demo_patients(types=types, scheduler=scheduler)
    _demo_new_patient(visit=types["new-patient"])
    _demo_referrals(rng=rng)
    return []


def _demo_new_patient(*, visit: VisitType) -> None:
    """One person who booked online as a new patient, through the same steps as the site, and
    who may be Oren Castellane (same name and birth date, another email): the reconciliation
    queue's example."""
    oren = Patient.objects.filter(email=f"oren.castellane@{PATIENT_DOMAIN}").first()
    clinician = Clinician.objects.filter(family_name="Ashgrove").first()
    if oren is None or clinician is None:
        return
    slot = selectors.next_slot(
        owner=("clinician", clinician.pk),
        visit_type=visit,
        start=timezone.now() + timedelta(days=12),
    )
    if slot is None:
        return
    # One transaction: the code is read from its outbox row before anything can send it.
    with transaction.atomic():
        _book_as_new_patient(oren=oren, clinician=clinician, visit=visit, slot=slot)


def _book_as_new_patient(
    *, oren: Patient, clinician: Clinician, visit: VisitType, slot: Any
) -> None:
    from medcenter.core.models import Notification

    held = services.hold_slot_for_visitor(
        visit_type=visit,
        location=Location.objects.get(pk=slot.location_id),
        start=slot.start,
        clinician=clinician,
    )
    booking = services.send_new_patient_code(
        hold=held,
        details={
            "given_name": oren.given_name,
            "family_name": oren.family_name,
            "date_of_birth": oren.date_of_birth.isoformat(),
            "sex": oren.sex,
            "email": f"o.castellane.home@{PATIENT_DOMAIN}",
            "phone": "",
            "sms_consent": False,
            "preferred_language": "es",
            "interpreter_needed": True,
            "payment": "insurance",
            "payer": "Meridian Coast Health (fictional)",
            "member_id": "MCH-5521907",
            "reason_for_visit": "Second opinion",
        },
        language="es",
        client_address="127.0.0.1",
    )
    note = Notification.objects.filter(
        dedupe_key__startswith=f"new-patient-code:{booking.public_id}:"
    ).latest("created_at")
    services.verify_new_patient_code(booking=booking, code=str(note.context["code"]))


def _book_demo_patients(*, types: dict[str, VisitType], scheduler: object) -> None:
    talia = Patient.objects.filter(email=f"talia.brightwater@{PATIENT_DOMAIN}").first()
    oren = Patient.objects.filter(email=f"oren.castellane@{PATIENT_DOMAIN}").first()
    doctor = Clinician.objects.filter(family_name="Zhang-Holloway").first()
    surgeon = Clinician.objects.filter(family_name="Ashgrove").first()
    for patient, clinician, visit in (
        (talia, doctor, types["follow-up"]),
        (oren, surgeon, types["new-patient"]),
    ):
        if patient is None or clinician is None:
            continue
        slot = selectors.next_slot(
            owner=("clinician", clinician.pk),
            visit_type=visit,
            start=timezone.now() + timedelta(days=10),
        )
        if slot is None:
            continue
        location = Location.objects.get(pk=slot.location_id)
        appointment = services.book_appointment(
            patient=patient,
            visit_type=visit,
            location=location,
            start=slot.start,
            actor=scheduler,
            channel=BookingChannel.STAFF,
            clinician=clinician,
            reason_for_visit="Review of results",
        )
        if patient == talia:
            services.join_waitlist(appointment=appointment, actor=scheduler)


def _demo_referrals(*, rng: random.Random) -> None:
    if Referral.objects.exists():
        return
    chondro = (
        Condition.objects.filter(slug__icontains="chondrosarcoma").first()
        or Condition.objects.order_by("pk").first()
    )
    lung = Condition.objects.filter(slug__icontains="lung").first()
    people: list[tuple[str, str, int, dict[str, Any]]] = [
        (
            "Rowan",
            "Quillfeather",
            1971,
            {
                "condition": chondro,
                "diagnosis": "Chondrosarcoma of the left femur on MRI",
                "urgency": "urgent",
            },
        ),
        (
            "Elsa",
            "Marrowby",
            1983,
            {"condition": lung, "diagnosis": "Lung nodule, biopsy pending", "urgency": "routine"},
        ),
        (
            "Tomas",
            "Brightfield",
            1958,
            {
                "condition": None,
                "diagnosis": "Second opinion on treatment plan",
                "urgency": "routine",
            },
        ),
    ]
    for index, (given, family, year, extra) in enumerate(people):
        physician = index != 2
        data: dict[str, Any] = {
            "given_name": given,
            "family_name": family,
            "date_of_birth": datetime(year, 1 + index * 3, 11).date(),
            "email": f"{given.lower()}.{family.lower()}@example.org",
            "phone": "+1 555 010 0300",
            "language": "es" if index == 1 else "en",
            "preferred_times": "Weekday mornings",
            **extra,
        }
        if physician:
            data.update(
                referrer_name="Dr. Ines Calloway" if index == 0 else "Dr. Marek Oduya",
                referrer_npi="1234567893",
                referrer_practice="Fairhaven Family Practice",
                referrer_email="referrals@fairhaven-practice.example",
                referrer_phone="+1 555 010 0400",
            )
        referrals.submit_referral(
            data=data,
            source=ReferralSource.PHYSICIAN if physician else ReferralSource.PATIENT,
        )
