"""Demo patients: fictional people with clearly invented names, deterministic from the seed."""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from medcenter.accounts.demo import DEMO_DOMAIN, account, staff_email
from medcenter.accounts.models import User
from medcenter.core.seeding import DemoLogin
from medcenter.patients.models import (
    CareRelationship,
    Patient,
    ProxyGrant,
    ProxyRelationship,
    RelationshipKind,
)
from medcenter.patients.services import generate_mrn

PATIENT_DOMAIN = f"patients.{DEMO_DOMAIN}"
GIVEN = [
    "Alder",
    "Brisa",
    "Cato",
    "Delphine",
    "Emrys",
    "Faye",
    "Galen",
    "Hollis",
    "Ines",
    "Juniper",
    "Kestrel",
    "Lumi",
    "Marlo",
    "Nerys",
    "Oisin",
    "Pella",
    "Quinlan",
    "Rhea",
]
FAMILY = [
    "Ashcombe",
    "Brindlewood",
    "Corvane",
    "Dunmere",
    "Ellsworthy",
    "Farrowgate",
    "Glenhollow",
    "Hartwell-Oduya",
    "Iverholt",
    "Jessamyn",
    "Kilbride-Sato",
    "Larkspurr",
]


def seed(*, rng: random.Random) -> list[DemoLogin]:
    today = timezone.localdate()
    clinician = User.objects.get(email=staff_email("clinician"))
    navigator = User.objects.get(email=staff_email("nurse_navigator"))
    scheduler = User.objects.get(email=staff_email("scheduler"))

    talia = _patient(
        rng,
        "Talia",
        "Brightwater",
        today - timedelta(days=365 * 58 + 40),
        "female",
        email=f"talia.brightwater@{PATIENT_DOMAIN}",
        language="en",
    )
    oren = _patient(
        rng,
        "Oren",
        "Castellane",
        today - timedelta(days=365 * 67 + 200),
        "male",
        email=f"oren.castellane@{PATIENT_DOMAIN}",
        language="es",
        interpreter=True,
        country="MX",
    )
    mila = _patient(
        rng,
        "Mila",
        "Fenwick",
        today - timedelta(days=365 * 14 + 90),
        "female",
        email="",
        language="en",
    )
    for patient in (talia, oren):
        user = account(email=patient.email, full_name=patient.display_name)
        if patient.user_id != user.pk:
            Patient.objects.filter(pk=patient.pk).update(user=user)
    parent = account(email=f"jonah.fenwick@{PATIENT_DOMAIN}", full_name="Jonah Fenwick")
    if not ProxyGrant.objects.current().filter(proxy=parent, patient=mila).exists():
        ProxyGrant.objects.create(
            proxy=parent,
            patient=mila,
            relationship=ProxyRelationship.PARENT,
            scopes=["appointments", "messages", "results", "billing"],
            expires_at=timezone.make_aware(datetime.combine(mila.birthday(18), time.min)),
            granted_by=navigator,
        )
    others = [
        _patient(
            rng,
            rng.choice(GIVEN),
            rng.choice(FAMILY),
            today - timedelta(days=rng.randrange(20 * 365, 85 * 365)),
            rng.choice(["female", "male"]),
            email="",
            language=rng.choice(["en", "es", "zh", "ru", "ar", "pt"]),
        )
        for _ in range(20)
    ]
    for staff, patient, kind in [
        (clinician, talia, RelationshipKind.CARE_TEAM),
        (clinician, mila, RelationshipKind.CARE_TEAM),
        (navigator, talia, RelationshipKind.CARE_TEAM),
        (navigator, mila, RelationshipKind.CARE_TEAM),
        (navigator, oren, RelationshipKind.CARE_TEAM),
        (scheduler, oren, RelationshipKind.CASE),
        *[(clinician, p, RelationshipKind.CARE_TEAM) for p in others[:8]],
    ]:
        CareRelationship.objects.get_or_create(staff=staff, patient=patient, kind=kind)
    return [
        DemoLogin("patient", talia.email, _password(), "adult with her own record"),
        DemoLogin("patient", oren.email, _password(), "Spanish-speaking international patient"),
        DemoLogin("parent proxy", parent.email, _password(), "parent of Mila Fenwick, 14"),
    ]


def _password() -> str:
    from medcenter.accounts.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def _patient(
    rng: random.Random,
    given: str,
    family: str,
    born: date,
    sex: str,
    *,
    email: str,
    language: str,
    interpreter: bool = False,
    country: str = "US",
) -> Patient:
    # Every random draw happens whether or not the patient exists yet, so a second run
    # walks the same sequence as the first and finds everyone again.
    mrn, house = generate_mrn(rng), rng.randrange(10, 999)
    existing = Patient.objects.filter(given_name=given, family_name=family).first()
    if existing:
        return existing
    while Patient.objects.filter(mrn=mrn).exists():
        mrn = generate_mrn(rng)
    return Patient.objects.create(
        mrn=mrn,
        given_name=given,
        family_name=family,
        date_of_birth=born,
        sex=sex,
        preferred_language=language,
        interpreter_needed=interpreter,
        email=email,
        contact_preference="email" if email else "letter",
        address_line1=f"{house} Example Street",
        city="Fairhaven",
        region="ST",
        postal_code="00000",
        country=country,
    )
