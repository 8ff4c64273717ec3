"""A small, hand-counted world for October 2026: each computed measure's expected counts are
written next to the rows that make them (see test_measures.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.directory.models import Program
from medcenter.messaging.models import Message, Thread
from medcenter.messaging.tests.factories import PoolFactory
from medcenter.oncology.models import CancerDiagnosis, StageAssessment, TreatmentCourse
from medcenter.patients.tests.factories import PatientFactory
from medcenter.questionnaires.models import QuestionnaireResponse
from medcenter.questionnaires.tests.factories import answers, checkin
from medcenter.scheduling.models import (
    Appointment,
    Referral,
    Resource,
    SlotOffer,
    WaitlistEntry,
)
from medcenter.scheduling.tests.factories import (
    ClinicianFactory,
    LocationFactory,
    VisitTypeFactory,
)
from medcenter.trials.models import Candidate, Trial
from medcenter.tumorboards.models import BoardCase, Meeting, Recommendation
from medcenter.tumorboards.tests.factories import make_board

OCTOBER = date(2026, 10, 1)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, hour, minute))


def born(years: int) -> date:
    return date(2026 - years, 1, 15)


@dataclass
class World:
    patients: list[Any]
    staff: Any


class _Appointments:
    def __init__(self) -> None:
        location: Any = LocationFactory()
        self.location = location
        self.clinician: Any = ClinicianFactory()
        self.visit_type: Any = VisitTypeFactory()
        self.chair = Resource.objects.create(
            name="Chair 1", kind="infusion_chair", location=location
        )

    def make(self, patient: Any, start: datetime, status: str = "fulfilled", **fields: Any) -> Any:
        owner: dict[str, Any] = (
            {"resource": self.chair}
            if fields.pop("chair", False)
            else {"clinician": self.clinician}
        )
        return Appointment.objects.create(
            patient=patient,
            location=self.location,
            visit_type=self.visit_type,
            start=start,
            end=start + timedelta(minutes=30),
            reserved_until=start + timedelta(minutes=30),
            status=status,
            channel="staff",
            **owner,
            **fields,
        )


def _referral(
    patient: Any, received: datetime, letter: datetime | None = None, program: Any = None
) -> Referral:
    return Referral.objects.create(
        program=program,
        source="physician",
        patient=patient,
        given_name="Test",
        family_name="Referral",
        date_of_birth=patient.date_of_birth,
        diagnosis="Mass",
        received_at=received,
        contact_due_at=received + timedelta(days=2),
        letter_sent_at=letter,
    )


def build() -> World:
    staff: Any = StaffUserFactory(roles=["clinician"])
    p1: Any = PatientFactory(
        preferred_language="en", sex="female", date_of_birth=born(45), postal_code="19104"
    )
    p2: Any = PatientFactory(
        preferred_language="es", sex="male", date_of_birth=born(70), postal_code="10001"
    )
    p3: Any = PatientFactory(
        preferred_language="ru",
        sex="female",
        date_of_birth=born(30),
        country="DE",
        postal_code="10115",
    )
    p4: Any = PatientFactory(
        preferred_language="en", sex="male", date_of_birth=born(80), postal_code="19103"
    )
    book = _Appointments()

    # Referrals: first visits in October are R1 (9 days), R2 (34 days), R3 (14 days);
    # R4's first visit was in September. Letters: R1 within 30 days only. Programs: R1 and
    # R2 were routed to sarcoma, R3 to lung; R4 to none.
    sarcoma = Program.objects.create(slug="sarcoma", name="Sarcoma Program")
    lung = Program.objects.create(slug="lung", name="Lung Program")
    r1 = _referral(p1, at(10, 1), letter=at(10, 20), program=sarcoma)
    r2 = _referral(p2, at(9, 1), program=sarcoma)
    r3 = _referral(p3, at(10, 2), letter=at(12, 1), program=lung)
    r4 = _referral(p4, at(9, 20))
    book.make(p1, at(10, 10), referral=r1)
    book.make(p2, at(10, 5), referral=r2)
    book.make(p3, at(10, 16), referral=r3)
    book.make(p4, at(9, 28), referral=r4)
    book.make(p4, at(10, 12), referral=r4)
    # No-shows in October: 8 fulfilled (4 above in October + 4 in the chair below) + 1 not
    # attended; the cancelled one and the booked one do not count.
    book.make(p2, at(10, 8, 11), status="noshow")
    book.make(p3, at(10, 9, 11), status="cancelled")
    # Treatment visits are the visits of patients on a course that day (courses below: P1
    # from Sep 1, P2 Oct 20-25, P3 ended Sep 30; P4 none): P1's clinic visit Oct 10 (pain
    # scored Oct 12, after it: miss), P1 chair Oct 14 (scored Oct 12: hit), P2 chair Oct 22
    # (none: miss), P1 chair Oct 28 (last score 16 days before: miss). Not treatment visits:
    # P2 Oct 5 (before the course), P3 Oct 16 (course over), P4 Oct 12 and P4's chair
    # Oct 26 (a transfusion: no course).
    book.make(p1, at(10, 14), chair=True)
    book.make(p2, at(10, 22), chair=True)
    book.make(p1, at(10, 28), chair=True)
    book.make(p4, at(10, 26), chair=True)

    # Messages: P1 answered in 4 h, then 12 h (an internal note in between does not count);
    # P2's October message is unanswered; a September one is out of the month.
    pool: Any = PoolFactory()
    thread1 = Thread.objects.create(patient=p1, pool=pool, subject="Question")
    thread2 = Thread.objects.create(patient=p2, pool=pool, subject="Question")
    for thread, role, moment, internal in (
        (thread1, "patient", at(9, 30, 9), False),
        (thread1, "staff", at(9, 30, 10), False),
        (thread1, "patient", at(10, 3, 9), False),
        (thread1, "staff", at(10, 3, 13), False),
        (thread1, "patient", at(10, 4, 8), False),
        (thread1, "staff", at(10, 4, 9), True),
        (thread1, "staff", at(10, 4, 20), False),
        (thread2, "patient", at(10, 30, 10), False),
    ):
        message = Message.objects.create(
            thread=thread,
            author_role=role,
            body="Text",
            internal=internal,
            author=staff if role == "staff" else None,
        )
        Message.objects.filter(pk=message.pk).update(created_at=moment)

    # Primaries: D1 anchor Oct 10 (first visit), staged Nov 5 (hit); D2 anchor Oct 5, staged
    # Nov 20 (miss); D4 anchor Oct 15, never staged (miss); D3 is a metastasis (excluded).
    d1 = CancerDiagnosis.objects.create(
        patient=p1, kind="primary", description="A", diagnosed_on=date(2026, 9, 20)
    )
    d2 = CancerDiagnosis.objects.create(
        patient=p2, kind="primary", description="B", diagnosed_on=date(2026, 10, 1)
    )
    CancerDiagnosis.objects.create(
        patient=p3, kind="metastasis", primary=d1, description="C", diagnosed_on=date(2026, 10, 3)
    )
    d4 = CancerDiagnosis.objects.create(
        patient=p4, kind="primary", description="D", diagnosed_on=date(2026, 10, 15)
    )
    for diagnosis, day in ((d1, date(2026, 11, 5)), (d2, date(2026, 11, 20))):
        StageAssessment.objects.create(
            diagnosis=diagnosis,
            scheme="AJCC",
            classification="clinical",
            rule_version="test",
            assessed_on=day,
            stage_group="II",
        )
    # Boards: diagnosed in October are D2 (discussed Nov 20, 50 days: hit) and D4 (discussed
    # Dec 20, 66 days: miss).
    board = make_board("quality-test", program=sarcoma)
    cases = []
    for patient, diagnosis, moment in ((p2, d2, at(11, 20, 7)), (p4, d4, at(12, 20, 7))):
        meeting = Meeting.objects.create(
            board=board, starts_at=moment, length_minutes=60, cutoff_at=moment - timedelta(days=2)
        )
        cases.append(
            BoardCase.objects.create(
                patient=patient,
                board=board,
                meeting=meeting,
                submitted_by=staff,
                question="initial_plan",
                question_detail="Plan?",
                diagnosis=diagnosis,
                status="discussed",
            )
        )
    # Concordance: signed in October, current: 2 concordant, 1 not; a superseded one and a
    # November one do not count.
    for concordant, signed, superseded in (
        (True, at(10, 6), None),
        (True, at(10, 7), None),
        (False, at(10, 8), None),
        (False, at(10, 9), at(10, 10)),
        (False, at(11, 2), None),
    ):
        Recommendation.objects.create(
            case=cases[0],
            kind="systemic",
            evidence_level="category_1",
            knowledge_level="category_1",
            concordant=concordant,
            consensus="unanimous",
            signed_at=signed,
            signed_by=staff,
            superseded_at=superseded,
            recorded_by=staff,
        )
    # New patients in October: P1, P2, P3 (P4 first came in September); P3 enrolled.
    trial = Trial.objects.create(nct_id="NCT09999999", brief_title="A fictional trial")
    Candidate.objects.create(trial=trial, patient=p3, status="enrolled", score=1.0)
    Candidate.objects.create(trial=trial, patient=p4, status="enrolled", score=1.0)

    # On treatment in October: P1 (since Sep 1) and P2 (Oct 20-25); P3's course ended Sep 30.
    # Check-ins: P1 on Oct 12 (with pain); P2 only in September; P4 has no course.
    for patient, started, ended in (
        (p1, date(2026, 9, 1), None),
        (p2, date(2026, 10, 20), date(2026, 10, 25)),
        (p3, date(2026, 8, 1), date(2026, 9, 30)),
    ):
        TreatmentCourse.objects.create(
            patient=patient,
            regimen="X",
            agents=["x"],
            setting="adjuvant",
            started_on=started,
            ended_on=ended,
        )
    form = checkin()
    for patient, moment in ((p1, at(10, 12)), (p2, at(9, 15)), (p4, at(10, 12))):
        QuestionnaireResponse.objects.create(
            questionnaire=form,
            patient=patient,
            author=staff,
            author_role="staff",
            status="completed",
            answers=answers(pain=3),
            authored_at=moment,
        )

    # Waitlist offers made in October: accepted, declined, expired (answered); one still open.
    for index, status in enumerate(("accepted", "declined", "expired", "offered")):
        booked = book.make(p1, at(11, 2 + index), status="booked")
        entry = WaitlistEntry.objects.create(
            patient=p1, appointment=booked, visit_type=book.visit_type
        )
        hold = book.make(p1, at(10, 20 + index, 15), status="cancelled")
        offer = SlotOffer.objects.create(
            entry=entry, hold=hold, status=status, expires_at=at(10, 25)
        )
        SlotOffer.objects.filter(pk=offer.pk).update(created_at=at(10, 19 + index))
    return World(patients=[p1, p2, p3, p4], staff=staff)
