"""How the audit-failure matrix (patients/tests/test_audit_failure_matrix.py) calls the
audited writes of tumorboards, careplans and the trial referral: each entry prepares what the
write needs (audited before the audit log is broken), then returns the write alone."""

from collections.abc import Callable
from typing import Any

from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.careplans import services as careplans
from medcenter.oncology.models import CancerDiagnosis
from medcenter.trials.models import Trial
from medcenter.tumorboards import services
from medcenter.tumorboards.tests.factories import make_board, make_meeting, specialty

TB = "medcenter.tumorboards.services."
CP = "medcenter.careplans.services."


def _board(
    ctx: Any, *, placed: bool = False, recommended: bool = False, signed: bool = False
) -> dict[str, Any]:
    board = make_board(f"audit-{ctx.patient.pk}")
    meeting = make_meeting(board)
    services.add_member(
        board=board,
        user=ctx.clinician,
        specialty=specialty("surgical-oncology"),
        role="chair",
        actor=ctx.clinician,
    )
    diagnosis = CancerDiagnosis.objects.create(
        patient=ctx.patient, kind="primary", description="Adenocarcinoma", oncotree_code="LUAD"
    )
    case = services.submit_case(
        access=ctx.access,
        actor=ctx.clinician,
        question="initial_plan",
        question_detail="Plan?",
        urgency="routine",
        diagnosis=diagnosis,
        board=board,
        meeting=meeting if placed else None,
    )
    found = {"board": board, "meeting": meeting, "diagnosis": diagnosis, "case": case}
    if recommended:
        found["rec"] = services.record_recommendation(
            case=case, actor=ctx.clinician, kind="surveillance", concordant=True
        )
    if signed:
        meeting.quorum_met = True
        meeting.save()
        services.sign_recommendations(case=case, actor=ctx.clinician)
    return found


def _plan(ctx: Any, *, active: bool = False) -> Any:
    plan = careplans.create_plan(
        patient=ctx.patient,
        actor=ctx.clinician,
        title="Plan",
        goals=["curative"],
        activities=[{"kind": "surgery", "detail": "Resection"}],
    )
    if active:
        careplans.activate_plan(plan=plan, actor=ctx.clinician)
    return plan


def _cancel(ctx: Any) -> Callable[[], Any]:
    b = _board(ctx, placed=True)
    return lambda: services.cancel_meeting(
        meeting=b["meeting"], reason="Holiday", actor=ctx.clinician
    )


def _add_member(ctx: Any) -> Callable[[], Any]:
    b = _board(ctx)
    user, discipline = StaffUserFactory(roles=["clinician"]), specialty("pathology")
    return lambda: services.add_member(
        board=b["board"],
        user=user,
        specialty=discipline,
        role="member",
        actor=ctx.clinician,
    )


def _rule(name: str) -> Any:
    from datetime import time

    from django.utils import timezone

    return services.BoardRule(
        name=name,
        kind="disease",
        frequency="weekly",
        weekday=1,
        starts_on=timezone.localdate(),
        start_time=time(7, 30),
        length_minutes=60,
        cutoff_hours=48,
    )


def _create_board(ctx: Any) -> Callable[[], Any]:
    return lambda: services.create_board(
        rule=_rule("Audit board"), slug=f"audit-new-{ctx.patient.pk}", actor=ctx.clinician
    )


def _change_board(ctx: Any) -> Callable[[], Any]:
    b = _board(ctx)
    return lambda: services.change_board(
        board=b["board"], rule=_rule("Renamed"), actor=ctx.clinician
    )


def _seat(ctx: Any) -> Callable[[], Any]:
    b = _board(ctx)
    email = str(StaffUserFactory(roles=["clinician"]).email)
    discipline = specialty("radiology")
    return lambda: services.seat_member(
        board=b["board"],
        email=email,
        specialty=discipline,
        role="coordinator",
        actor=ctx.clinician,
    )


def _remove_member(ctx: Any) -> Callable[[], Any]:
    b = _board(ctx)
    user = StaffUserFactory(roles=["clinician"])
    member = services.add_member(
        board=b["board"],
        user=user,
        specialty=specialty("radiology"),
        role="member",
        actor=ctx.clinician,
    )
    return lambda: services.remove_member(member=member, actor=ctx.clinician)


def _move(ctx: Any) -> Callable[[], Any]:
    b = _board(ctx, placed=True)
    return lambda: services.move_case(
        meeting=b["meeting"], case_id=str(b["case"].public_id), up=False, actor=ctx.clinician
    )


def _submit(ctx: Any) -> Callable[[], Any]:
    b = _board(ctx)
    return lambda: services.submit_case(
        access=ctx.access,
        actor=ctx.clinician,
        question="recurrence",
        question_detail="Next?",
        urgency="urgent",
        diagnosis=b["diagnosis"],
        board=b["board"],
    )


def _place(ctx: Any) -> Callable[[], Any]:
    b = _board(ctx)
    return lambda: services.place_case(
        case=b["case"], meeting=b["meeting"], minutes=10, actor=ctx.clinician
    )


def _reorder(ctx: Any) -> Callable[[], Any]:
    b = _board(ctx, placed=True)
    return lambda: services.reorder_agenda(
        meeting=b["meeting"], order=[str(b["case"].public_id)], actor=ctx.clinician
    )


def _postpone(ctx: Any) -> Callable[[], Any]:
    b = _board(ctx, placed=True)
    return lambda: services.postpone_case(case=b["case"], actor=ctx.clinician)


def _withdraw(ctx: Any) -> Callable[[], Any]:
    b = _board(ctx, placed=True)
    return lambda: services.withdraw_case(
        case=b["case"], reason="Answered in clinic", actor=ctx.clinician
    )


def _lock(ctx: Any) -> Callable[[], Any]:
    b = _board(ctx, placed=True)
    return lambda: services.lock_agenda(meeting=b["meeting"], actor=ctx.clinician)


def _attend(ctx: Any) -> Callable[[], Any]:
    b = _board(ctx, placed=True)
    return lambda: services.record_attendance(
        meeting=b["meeting"],
        actor=ctx.clinician,
        specialty=specialty("surgical-oncology"),
        mode="room",
        user=ctx.clinician,
    )


def _recommend(ctx: Any) -> Callable[[], Any]:
    b = _board(ctx, placed=True)
    return lambda: services.record_recommendation(
        case=b["case"], actor=ctx.clinician, kind="surveillance", concordant=True
    )


def _remove(ctx: Any) -> Callable[[], Any]:
    b = _board(ctx, placed=True, recommended=True)
    return lambda: services.remove_recommendation(recommendation=b["rec"], actor=ctx.clinician)


def _sign(ctx: Any) -> Callable[[], Any]:
    b = _board(ctx, placed=True, recommended=True)
    return lambda: services.sign_recommendations(case=b["case"], actor=ctx.clinician)


def _start_plan(ctx: Any) -> Callable[[], Any]:
    b = _board(ctx, placed=True, recommended=True, signed=True)
    return lambda: services.start_care_plan(case=b["case"], actor=ctx.clinician, goal="curative")


def _create_plan(ctx: Any) -> Callable[[], Any]:
    return lambda: _plan(ctx)


def _edit_plan(ctx: Any) -> Callable[[], Any]:
    plan = _plan(ctx)
    return lambda: careplans.edit_plan(
        plan=plan, actor=ctx.clinician, title="New", note="", goals=["curative"], statuses={}
    )


def _activate(ctx: Any) -> Callable[[], Any]:
    plan = _plan(ctx)
    return lambda: careplans.activate_plan(plan=plan, actor=ctx.clinician)


def _complete(ctx: Any) -> Callable[[], Any]:
    plan = _plan(ctx, active=True)
    task = plan.tasks.get(kind="book_visits")
    return lambda: careplans.complete_task(task=task, actor=ctx.clinician)


def _refer(ctx: Any) -> Callable[[], Any]:
    from medcenter.trials import services as trials

    trial = Trial.objects.create(nct_id="NCT09990099", brief_title="Audit trial")
    return lambda: trials.refer_candidate(
        trial=trial, patient=ctx.patient, actor=ctx.clinician, reason="board", explanation=[]
    )


WRITES: dict[str, Callable[[Any], Callable[[], Any]]] = {
    TB + "cancel_meeting": _cancel,
    TB + "add_member": _add_member,
    TB + "create_board": _create_board,
    TB + "change_board": _change_board,
    TB + "seat_member": _seat,
    TB + "remove_member": _remove_member,
    TB + "move_case": _move,
    TB + "submit_case": _submit,
    TB + "place_case": _place,
    TB + "reorder_agenda": _reorder,
    TB + "postpone_case": _postpone,
    TB + "withdraw_case": _withdraw,
    TB + "lock_agenda": _lock,
    TB + "record_attendance": _attend,
    TB + "record_recommendation": _recommend,
    TB + "remove_recommendation": _remove,
    TB + "sign_recommendations": _sign,
    TB + "start_care_plan": _start_plan,
    CP + "create_plan": _create_plan,
    CP + "edit_plan": _edit_plan,
    CP + "activate_plan": _activate,
    CP + "complete_task": _complete,
    "medcenter.trials.services.refer_candidate": _refer,
}
