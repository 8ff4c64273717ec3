"""Demo quality data: 24 months of synthetic operations (fictional patients, referrals,
visits, diagnoses, staging, treatment, check-ins) and entered figures (infection SIRs, falls,
HCAHPS), snapshotted, with every month but the last published. Every person is fictional;
benchmarks other than the SIR's national baseline of 1.0 are labelled demo figures."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from medcenter.core.seeding import DemoLogin
from medcenter.core.uploads import check_upload
from medcenter.directory.models import Program
from medcenter.oncology.models import CancerDiagnosis, StageAssessment, TreatmentCourse
from medcenter.patients.models import Patient
from medcenter.patients.services import generate_mrn
from medcenter.quality import services
from medcenter.quality.models import Entry
from medcenter.quality.services.measures import month_start, next_month
from medcenter.questionnaires.models import Questionnaire, QuestionnaireResponse
from medcenter.scheduling.models import Appointment, Referral, Resource, VisitType

MONTHS = 24
FIRST = ("Arlo", "Brisa", "Cato", "Delphine", "Ezra", "Fenna", "Galen", "Hester", "Idris", "Juno")
LAST = ("Ashgrove", "Brindle", "Copperfield", "Dunmore", "Eastwick", "Fallowby", "Greystone")
LANGUAGES = ("en",) * 6 + ("es", "es", "zh", "ru", "ar", "pt", "vi")
ZIPS = ("191", "190", "081", "080", "194", "197")
PDF = b"%PDF-1.4\n% Synthetic demo report\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _top_box(rng: random.Random) -> tuple[int, float]:
    respondents = rng.randint(150, 220)
    return round(respondents * rng.uniform(0.66, 0.8)), float(respondents)


# (numerator, denominator) generators for the entered measures.
ENTERED: dict[str, Callable[[random.Random], tuple[int, float]]] = {
    "clabsi-sir": lambda rng: (rng.randint(1, 6), round(rng.uniform(2.8, 3.6), 3)),
    "cauti-sir": lambda rng: (rng.randint(0, 5), round(rng.uniform(2.4, 3.1), 3)),
    "cdiff-sir": lambda rng: (rng.randint(2, 9), round(rng.uniform(5.0, 6.5), 3)),
    "falls-per-1000-patient-days": lambda rng: (rng.randint(6, 14), float(rng.randint(4000, 4600))),
    "hcahps-top-box": _top_box,
}


def _analyst() -> Any:
    from medcenter.accounts.demo import staff_email

    return get_user_model().objects.filter(email=staff_email("quality_analyst")).first()


def _at(day: date, slot: int) -> datetime:
    moment = datetime.combine(day, time(8)) + timedelta(minutes=30 * slot)
    return timezone.make_aware(moment)


class _Calendar:
    """Gives each synthetic visit its own half hour on a demo room, so none overlap."""

    def __init__(self, resources: list[Resource]) -> None:
        self.resources = resources
        self.used: dict[tuple[int, date], int] = {}

    def take(self, day: date) -> tuple[Resource, datetime]:
        for resource in self.resources:
            slot = self.used.get((resource.pk, day), 0)
            if slot < 18:
                self.used[(resource.pk, day)] = slot + 1
                return resource, _at(day, slot)
        raise RuntimeError("demo calendar full")


def seed(*, rng: random.Random) -> list[DemoLogin]:
    services.install_catalogue()
    analyst = _analyst()
    if analyst is None or Entry.objects.exists():
        return []
    visit_type = VisitType.objects.order_by("pk").first()
    location_id = Resource.objects.values_list("location_id", flat=True).first()
    if visit_type is None or location_id is None:
        return []
    today = timezone.localdate()
    last = month_start(month_start(today) - timedelta(days=1))
    months = [last]
    while len(months) < MONTHS:
        months.insert(0, month_start(months[0] - timedelta(days=1)))
    rooms = [
        Resource.objects.create(name=f"History room {n}", kind="room", location_id=location_id)
        for n in range(1, 4)
    ]
    chair = Resource.objects.create(
        name="History chair", kind="infusion_chair", location_id=location_id
    )
    clinic, infusion = _Calendar(rooms), _Calendar([chair])
    checkin = Questionnaire.objects.filter(kind="symptom_checkin", status="active").first()
    # Referrals are routed to programs, so the dashboard's program funnel has something to
    # show (at the demo's size most program cells are small and suppressed).
    programs = list(Program.objects.filter(is_published=True).order_by("pk")[:4])
    patients = _patients(rng, 360)
    appointments: list[Appointment] = []
    stages: list[tuple[CancerDiagnosis, date]] = []
    courses: list[TreatmentCourse] = []
    responses: list[QuestionnaireResponse] = []
    pool = list(patients)
    rng.shuffle(pool)
    per_month = len(pool) // MONTHS
    for index, month in enumerate(months):
        newcomers = pool[index * per_month : (index + 1) * per_month]
        for patient in newcomers:
            received = month - timedelta(days=rng.randint(3, 32))
            day = received + timedelta(days=rng.randint(4, 24))
            if day < month or day >= next_month(month):
                day = month + timedelta(days=rng.randint(0, 27))
            resource, start = clinic.take(day)
            letter = start + timedelta(days=rng.randint(3, 40)) if rng.random() < 0.9 else None
            referral = Referral.objects.create(
                source="physician",
                patient=patient,
                given_name=patient.given_name,
                family_name=patient.family_name,
                date_of_birth=patient.date_of_birth,
                diagnosis="Suspected cancer (synthetic demo referral)",
                received_at=timezone.make_aware(datetime.combine(received, time(10))),
                contact_due_at=timezone.make_aware(datetime.combine(received, time(10)))
                + timedelta(days=2),
                status="report_sent" if letter else "seen",
                letter_sent_at=letter,
                program=programs[patient.pk % len(programs)] if programs else None,
            )
            appointments.append(_visit(patient, resource, start, visit_type, referral=referral))
            for _ in range(2):
                later = day + timedelta(days=rng.randint(7, 50))
                if later < today:
                    resource, start = clinic.take(later)
                    status = "noshow" if rng.random() < 0.07 else "fulfilled"
                    appointments.append(_visit(patient, resource, start, visit_type, status=status))
            diagnosis = CancerDiagnosis.objects.create(
                patient=patient,
                kind="primary",
                description="Synthetic demo diagnosis",
                diagnosed_on=day - timedelta(days=rng.randint(0, 20)),
            )
            if rng.random() < 0.85:
                stages.append((diagnosis, day + timedelta(days=rng.randint(2, 45))))
            if rng.random() < 0.4:
                started = day + timedelta(days=rng.randint(10, 30))
                ended = started + timedelta(days=rng.randint(60, 150))
                courses.append(
                    TreatmentCourse(
                        patient=patient,
                        regimen="Synthetic regimen",
                        agents=["demo"],
                        setting="adjuvant",
                        started_on=started,
                        ended_on=ended if ended < today else None,
                    )
                )
                visit = started
                while visit < min(ended, today):
                    resource, start = infusion.take(visit)
                    appointments.append(_visit(patient, resource, start, visit_type))
                    if checkin is not None and rng.random() < 0.7:
                        responses.append(
                            QuestionnaireResponse(
                                questionnaire=checkin,
                                patient=patient,
                                author=analyst,
                                author_role="staff",
                                status="completed",
                                answers={"pain": str(rng.randint(0, 6))},
                                authored_at=start - timedelta(days=rng.randint(0, 5)),
                            )
                        )
                    visit += timedelta(days=21)
    Appointment.objects.bulk_create(appointments, batch_size=500)
    StageAssessment.objects.bulk_create(
        [
            StageAssessment(
                diagnosis=diagnosis,
                scheme="AJCC 8",
                classification="clinical",
                rule_version="demo",
                stage_group=rng.choice(("I", "II", "III", "IV")),
                assessed_on=assessed,
            )
            for diagnosis, assessed in stages
            if assessed < today
        ]
    )
    TreatmentCourse.objects.bulk_create(courses)
    QuestionnaireResponse.objects.bulk_create(
        [r for r in responses if r.authored_at < timezone.now()]
    )
    document = check_upload(name="synthetic-monthly-report.pdf", content=PDF)
    for month in months:
        for code, figures in ENTERED.items():
            numerator, denominator = figures(rng)
            services.record_entry(
                measure_code=code,
                month=month,
                numerator=numerator,
                denominator=denominator,
                actor=analyst,
                document=document,
                source_note="Synthetic demo figures",
            )
    services.take_snapshots(months=months)
    for month in months[:-1]:
        services.publish_month(month=month, actor=analyst)
    return []


def _visit(
    patient: Patient, resource: Resource, start: datetime, visit_type: VisitType, **fields: Any
) -> Appointment:
    return Appointment(
        patient=patient,
        resource=resource,
        location_id=resource.location_id,
        visit_type=visit_type,
        start=start,
        end=start + timedelta(minutes=30),
        reserved_until=start + timedelta(minutes=30),
        status=fields.pop("status", "fulfilled"),
        channel="staff",
        **fields,
    )


def _patients(rng: random.Random, count: int) -> list[Patient]:
    today = timezone.localdate()
    people = []
    for n in range(count):
        abroad = rng.random() < 0.08
        people.append(
            Patient(
                mrn=generate_mrn(),
                given_name=rng.choice(FIRST),
                family_name=f"{rng.choice(LAST)}-{n}",
                date_of_birth=today - timedelta(days=rng.randint(6 * 365, 90 * 365)),
                sex=rng.choice(("female", "male")),
                preferred_language=rng.choice(LANGUAGES),
                postal_code="" if abroad else f"{rng.choice(ZIPS)}{rng.randint(10, 99)}",
                country=rng.choice(("MX", "BR", "CN")) if abroad else "US",
                email=f"history-{n}@example.test",
            )
        )
    return Patient.objects.bulk_create(people)
