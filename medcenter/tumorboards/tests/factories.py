"""A small world for tumor board tests: boards with members, meetings, a patient with a
staged diagnosis and a genotype, and a case."""

from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory, verified
from medcenter.directory.models import Specialty
from medcenter.oncology import services as oncology
from medcenter.oncology.genomics import make_alteration
from medcenter.oncology.models import CancerDiagnosis
from medcenter.patients.access import resolve_access
from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory
from medcenter.tumorboards import services
from medcenter.tumorboards.models import Board, BoardCase, BoardKind, Meeting, MemberRole

DISCIPLINES = [
    ("surgical-oncology", "Surgical oncology"),
    ("medical-oncology", "Medical oncology"),
    ("radiation-oncology", "Radiation oncology"),
    ("pathology", "Pathology"),
    ("radiology", "Radiology"),
    ("genetics", "Genetics"),
]


def staff(*roles: str) -> Any:
    return StaffUserFactory(roles=list(roles))


def specialty(slug: str) -> Specialty:
    name = dict(DISCIPLINES).get(slug, slug.title())
    found, _ = Specialty.objects.get_or_create(slug=slug, defaults={"name": name})
    return found


def make_board(slug: str = "thoracic", *, roots: list[str] | None = None, **fields: Any) -> Board:
    defaults = {
        "name": f"{slug.title()} board",
        "kind": BoardKind.DISEASE,
        "oncotree_roots": roots if roots is not None else ["LUNG"],
        "frequency": "weekly",
        "weekday": timezone.localdate().weekday(),
        "starts_on": timezone.localdate() - timedelta(days=70),
        "start_time": time(7, 30),
        "length_minutes": 60,
        "cutoff_hours": 48,
    }
    defaults.update(fields)
    return Board.objects.create(slug=slug, **defaults)


def make_meeting(board: Board, *, days: int = 7, length: int = 60) -> Meeting:
    start = timezone.now().replace(microsecond=0) + timedelta(days=days)
    return Meeting.objects.create(
        board=board,
        starts_at=start,
        length_minutes=length,
        cutoff_at=start - timedelta(hours=board.cutoff_hours),
    )


def add_members(board: Board) -> dict[str, Any]:
    """One verified clinician per quorum discipline; the surgeon chairs."""
    people = {}
    for slug, _name in DISCIPLINES[:5]:
        user: Any = verified(staff("clinician"))
        role = MemberRole.CHAIR if slug == "surgical-oncology" else MemberRole.MEMBER
        services.add_member(
            board=board, user=user, specialty=specialty(slug), role=role, actor=user
        )
        people[slug] = user
    navigator: Any = verified(staff("nurse_navigator"))
    services.add_member(
        board=board,
        user=navigator,
        specialty=specialty("genetics"),
        role=MemberRole.COORDINATOR,
        actor=navigator,
    )
    people["coordinator"] = navigator
    return people


def lung_patient(**fields: Any) -> tuple[Any, CancerDiagnosis, Any, Any]:
    """A patient with a staged lung adenocarcinoma and an EGFR exon 19 deletion."""
    patient: Any = PatientFactory(**fields)
    clinician = StaffUserFactory(roles=["clinician"])
    today = timezone.localdate()
    diagnosis = oncology.record_diagnosis(
        patient=patient,
        actor=clinician,
        description="Adenocarcinoma of the lung",
        oncotree_code="LUAD",
        diagnosed_on=today - timedelta(days=30),
        basis="histology_primary",
    )
    stage = oncology.stage_tumor(
        diagnosis=diagnosis,
        actor=clinician,
        scheme="nsclc",
        categories={"t": "T3", "n": "N3", "m": "M0"},
        assessed_on=today - timedelta(days=20),
    )
    report = oncology.record_genotyping_report(
        patient=patient,
        actor=clinician,
        test_name="Panel",
        tumor_type="LUAD",
        reported_on=today - timedelta(days=15),
        alterations=[
            make_alteration(gene="EGFR", change="E746_A750del"),
            make_alteration(gene="TP53", change="R273H"),
        ],
        diagnosis=diagnosis,
    )
    return patient, diagnosis, stage, report


@dataclass
class CaseWorld:
    board: Board
    meeting: Meeting
    people: dict[str, Any]
    submitter: Any
    patient: Any
    diagnosis: CancerDiagnosis
    stage: Any
    report: Any
    case: BoardCase


def case_world(*, place: bool = True, slug: str = "thoracic") -> CaseWorld:
    board = make_board(slug)
    people = add_members(board)
    meeting = make_meeting(board)
    patient, diagnosis, stage, report = lung_patient()
    submitter: Any = verified(staff("clinician"))
    CareRelationshipFactory(staff=submitter, patient=patient)
    access = resolve_access(submitter, patient)
    assert access is not None
    case = services.submit_case(
        access=access,
        actor=submitter,
        question="initial_plan",
        question_detail="Surgery or chemoradiation first?",
        urgency="routine",
        diagnosis=diagnosis,
        stage=stage,
        genotyping=report,
        meeting=meeting if place else None,
        minutes=15,
    )
    return CaseWorld(board, meeting, people, submitter, patient, diagnosis, stage, report, case)


def b_board_objects(patient: Any) -> dict[str, Any]:
    """For the access matrix: a case of `patient` with a report, and a care plan with a goal
    and a task (made once per test, directly, as no staff member of the matrix may)."""
    from medcenter.careplans.models import CarePlan, Goal, NavigatorTask
    from medcenter.core import vault
    from medcenter.tumorboards.models import CaseDocument

    case = BoardCase.objects.filter(patient=patient).first()
    if case is None:
        board = make_board("matrix")
        author = staff("clinician")
        diagnosis: Any = CancerDiagnosis.objects.filter(patient=patient).first()
        case = BoardCase.objects.create(
            patient=patient,
            board=board,
            meeting=make_meeting(board),
            submitted_by=author,
            question="initial_plan",
            question_detail="Plan?",
            diagnosis=diagnosis,
        )
        CaseDocument.objects.create(
            case=case,
            kind="pathology",
            finding="High-grade osteosarcoma",
            filename="pathology.txt",
            content_type="text/plain",
            size=5,
            sha256="0" * 64,
            vault_key=vault.store(content=b"notes"),
        )
        plan = CarePlan.objects.create(patient=patient, title="Plan", created_by=author)
        Goal.objects.create(plan=plan, category="curative")
        NavigatorTask.objects.create(
            plan=plan, patient=patient, kind="follow_up", due_on=timezone.localdate()
        )
    plan = CarePlan.objects.get(patient=patient)
    return {
        "case_id": case,
        "attachment_id": case.documents.get(),
        "meeting_id": case.meeting,
        "plan_id": plan,
        "goal": plan.goals.get(),
        "task_id": plan.tasks.get(),
    }
