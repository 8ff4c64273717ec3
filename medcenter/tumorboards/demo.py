"""Demo tumor boards: sarcoma, thoracic and molecular boards with eight weeks of meetings;
Talia (EGFR exon 19 deletion), Oren (IDH1, referred to a trial) and Mila presented, and past
cases in several states. Every person here is fictional."""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from medcenter.core.seeding import DemoLogin
from medcenter.directory.models import Program, Specialty
from medcenter.oncology import services as oncology
from medcenter.oncology.models import CancerDiagnosis, GenotypingReport
from medcenter.patients.access import ALL_SCOPES, PatientAccess
from medcenter.patients.models import Patient
from medcenter.patients.services import generate_mrn
from medcenter.trials.models import Trial
from medcenter.tumorboards import services
from medcenter.tumorboards.models import Board, BoardKind, Meeting, MemberRole

DEMO_DOMAIN = "staff.example.test"
MEMBERS = [
    ("surgical-oncology", "Dr. Anselm Thornquist"),
    ("medical-oncology", "Dr. Vesna Calloway"),
    ("radiation-oncology", "Dr. Ilse Marrowby"),
    ("pathology", "Dr. Corin Ashdown"),
    ("radiology", "Dr. Tobiah Fenmore"),
    ("genetics", "Dr. Salome Wrexley"),
]
PAST_PATIENTS = [
    ("Quinlan", "Harrowgate", "LUAD", "Adenocarcinoma of the left lower lobe"),
    ("Elspeth", "Moorcroft", "LIPO", "Dedifferentiated liposarcoma of the thigh"),
    ("Barnaby", "Tillwright", "LUSC", "Squamous cell carcinoma of the right lung"),
    ("Wendell", "Ashcombe", "LUAD", "Adenocarcinoma of the right upper lobe"),
]


def _member(slug: str, name: str) -> Any:
    user, _created = get_user_model().objects.get_or_create(
        email=f"board-{slug}@{DEMO_DOMAIN}", defaults={"full_name": name, "is_staff": True}
    )
    user.groups.add(*Group.objects.filter(name="clinician"))
    return user


def _board(slug: str, name: str, **fields: Any) -> Board:
    return Board.objects.create(slug=slug, name=name, **fields)


def _access(patient: Patient) -> PatientAccess:
    return PatientAccess(patient, "care_team", ALL_SCOPES, True, None)


def seed(*, rng: random.Random) -> list[DemoLogin]:
    from medcenter.accounts.demo import staff_email

    if Board.objects.exists():
        return []
    users = get_user_model().objects
    clinician = users.get(email=staff_email("clinician"))
    navigator = users.get(email=staff_email("nurse_navigator"))
    today = timezone.localdate()
    first = today - timedelta(days=35)
    programs = {p.slug: p for p in Program.objects.filter(slug__in=["bone-sarcoma", "thoracic"])}
    sarcoma = _board(
        "sarcoma",
        "Sarcoma tumor board",
        program=programs.get("bone-sarcoma"),
        oncotree_roots=["BONE", "SOFT_TISSUE"],
        frequency="weekly",
        weekday=1,
        starts_on=first,
        start_time=time(7, 30),
        length_minutes=60,
        location="Conference room 3B and video",
    )
    thoracic = _board(
        "thoracic",
        "Thoracic tumor board",
        program=programs.get("thoracic"),
        oncotree_roots=["LUNG", "PLEURA"],
        frequency="weekly",
        weekday=3,
        starts_on=first,
        start_time=time(12, 0),
        length_minutes=60,
        location="Conference room 2A and video",
    )
    molecular = _board(
        "molecular",
        "Molecular tumor board",
        kind=BoardKind.MOLECULAR,
        frequency="monthly",
        weekday=2,
        week_of_month=1,
        starts_on=first,
        start_time=time(16, 0),
        length_minutes=90,
        location="Video",
        quorum=[["medical-oncology"], ["pathology"], ["genetics"]],
    )
    until = today + timedelta(days=21)
    specialties = {s.slug: s for s in Specialty.objects.all()}
    people = {slug: _member(slug, name) for slug, name in MEMBERS}
    for board in (sarcoma, thoracic, molecular):
        services.schedule_meetings(board=board, until=until)
        for slug, user in people.items():
            if slug in specialties:
                services.add_member(
                    board=board, user=user, specialty=specialties[slug], role="member", actor=None
                )
        chair_slug = "medical-oncology" if board is molecular else "surgical-oncology"
        services.add_member(
            board=board,
            user=clinician,
            specialty=specialties.get(chair_slug) or specialties["medical-oncology"],
            role=MemberRole.CHAIR,
            actor=None,
        )
        services.add_member(
            board=board,
            user=navigator,
            specialty=specialties.get("palliative-care") or specialties["medical-oncology"],
            role=MemberRole.COORDINATOR,
            actor=None,
        )
    # One cancelled meeting, as boards have.
    upcoming = list(thoracic.meetings.filter(starts_at__gt=timezone.now() + timedelta(days=8)))
    if upcoming:
        services.cancel_meeting(meeting=upcoming[-1], reason="Holiday", actor=clinician)
    _present_demo_patients(clinician, people, sarcoma, thoracic, molecular)
    _past_cases(clinician, people, sarcoma, thoracic)
    return []


def _next(board: Board) -> Meeting | None:
    now = timezone.now()
    return board.meetings.filter(status="scheduled", cutoff_at__gt=now).first()


def _last(board: Board) -> Meeting | None:
    now = timezone.now()
    return (
        board.meetings.filter(status="scheduled", starts_at__lt=now).order_by("-starts_at").first()
    )


def _attend_all(
    meeting: Meeting, people: dict[str, Any], clinician: Any, *, skip: str = ""
) -> None:
    for slug, user in people.items():
        if slug == skip:
            continue
        member = meeting.board.members.filter(user=user).first()
        if member is not None:
            services.record_attendance(
                meeting=meeting, actor=clinician, specialty=member.specialty, mode="room", user=user
            )


def _present_demo_patients(
    clinician: Any, people: dict[str, Any], sarcoma: Board, thoracic: Board, molecular: Board
) -> None:
    talia = Patient.objects.filter(email__startswith="talia.brightwater@").first()
    oren = Patient.objects.filter(email__startswith="oren.castellane@").first()
    mila = Patient.objects.filter(given_name="Mila", family_name="Fenwick").first()
    if talia is not None:
        lung = CancerDiagnosis.objects.filter(patient=talia).first()
        report = GenotypingReport.objects.filter(patient=talia).first()
        if lung is not None:
            services.submit_case(
                access=_access(talia),
                actor=clinician,
                question="initial_plan",
                question_detail="Stage and EGFR exon 19 deletion: first-line osimertinib, or "
                "chemoradiation first?",
                urgency="urgent",
                diagnosis=lung,
                stage=lung.stages.order_by("-assessed_on").first(),
                genotyping=report,
                meeting=_next(thoracic),
                minutes=15,
            )
            if report is not None:
                services.submit_case(
                    access=_access(talia),
                    actor=clinician,
                    question="molecular",
                    question_detail="Co-mutations and resistance: what to test at progression?",
                    urgency="routine",
                    diagnosis=lung,
                    genotyping=report,
                    board=molecular,
                    meeting=_next(molecular),
                    minutes=10,
                )
    if mila is not None:
        osteo = CancerDiagnosis.objects.filter(patient=mila).first()
        if osteo is not None:
            services.submit_case(
                access=_access(mila),
                actor=clinician,
                question="initial_plan",
                question_detail="Neoadjuvant MAP chemotherapy, then limb-sparing surgery?",
                urgency="urgent",
                diagnosis=osteo,
                stage=osteo.stages.order_by("-assessed_on").first(),
                meeting=_next(sarcoma),
                minutes=15,
            )
    if oren is not None:
        chondro = CancerDiagnosis.objects.filter(patient=oren).first()
        meeting = _last(sarcoma)
        if chondro is not None and meeting is not None:
            case = services.submit_case(
                access=_access(oren),
                actor=clinician,
                question="molecular",
                question_detail="IDH1 R132C chondrosarcoma: resection or a trial of an IDH1 "
                "inhibitor?",
                urgency="routine",
                diagnosis=chondro,
                genotyping=GenotypingReport.objects.filter(patient=oren).first(),
                board=sarcoma,
            )
            services.place_case(
                case=case, meeting=meeting, minutes=20, actor=clinician, late_ok=True
            )
            services.lock_agenda(meeting=meeting, actor=clinician)
            _attend_all(meeting, people, clinician, skip="genetics")
            trial = Trial.objects.filter(nct_id="NCT99002003").first()
            services.record_recommendation(
                case=case,
                actor=clinician,
                kind="surgery",
                therapy="Wide resection of the proximal femur",
                concordant=True,
            )
            if trial is not None:
                services.record_recommendation(
                    case=case,
                    actor=clinician,
                    kind="trial_referral",
                    trial=trial,
                    concordant=False,
                    nonconcordance_reason="trial",
                )
            services.record_recommendation(
                case=case, actor=clinician, kind="genetic_counselling", concordant=True
            )
            services.sign_recommendations(case=case, actor=clinician)
            from medcenter.careplans import services as careplans

            plan = services.start_care_plan(case=case, actor=clinician, goal="curative")
            careplans.activate_plan(plan=plan, actor=clinician)


def _past_cases(clinician: Any, people: dict[str, Any], sarcoma: Board, thoracic: Board) -> None:
    """Four fictional patients presented at past meetings: one discussed without quorum
    (provisional), one postponed, one discussed with quorum and a non-concordant reason, one
    withdrawn (the question was answered in clinic)."""
    picker = random.Random(20261207)  # noqa: S311 - own draws; the shared generator is left alone
    today = timezone.localdate()
    for n, (given, family, code, description) in enumerate(PAST_PATIENTS):
        mrn = generate_mrn(picker)
        while Patient.objects.filter(mrn=mrn).exists():
            mrn = generate_mrn(picker)
        patient = Patient.objects.create(
            mrn=mrn,
            given_name=given,
            family_name=family,
            date_of_birth=date(1958 + 7 * n, 3 + n, 11 + n),
            sex="male" if n != 1 else "female",
            email=f"{given.lower()}.{family.lower()}@patients.example.test",
            city="Fairhaven",
        )
        diagnosis = oncology.record_diagnosis(
            patient=patient,
            actor=clinician,
            description=description,
            oncotree_code=code,
            diagnosed_on=today - timedelta(days=50 + 9 * n),
            basis="histology_primary",
        )
        board = sarcoma if code == "LIPO" else thoracic
        meetings = list(
            board.meetings.filter(status="scheduled", starts_at__lt=timezone.now()).order_by(
                "starts_at"
            )
        )
        if not meetings:
            continue
        meeting = meetings[min(n, len(meetings) - 1)]
        case = services.submit_case(
            access=_access(patient),
            actor=clinician,
            question="initial_plan",
            question_detail="Next step after staging?",
            urgency="routine",
            diagnosis=diagnosis,
            board=board,
        )
        services.place_case(case=case, meeting=meeting, minutes=10, actor=clinician, late_ok=True)
        if n == 1:
            services.postpone_case(case=case, actor=clinician)
            continue
        if n == 3:
            services.withdraw_case(
                case=case,
                reason="Answered in clinic: the patient chose treatment closer to home.",
                actor=clinician,
            )
            continue
        if n == 2:
            _attend_all(meeting, people, clinician)
        services.record_recommendation(
            case=case,
            actor=clinician,
            kind="systemic_therapy" if n == 2 else "further_imaging",
            therapy="Carboplatin + paclitaxel" if n == 2 else "",
            concordant=n != 2,
            nonconcordance_reason="comorbidity" if n == 2 else "",
        )
        services.sign_recommendations(case=case, actor=clinician)
