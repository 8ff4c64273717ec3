"""Setting boards up (members with a discipline and a role, the meeting rule) and ordering a
meeting's agenda, through the services and the staff pages."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medcenter.accounts.tests.factories import sign_in_verified
from medcenter.core.models import AuditEvent
from medcenter.tumorboards import services
from medcenter.tumorboards.models import Board, BoardCase, CaseStatus, MemberRole
from medcenter.tumorboards.tests.factories import (
    add_members,
    case_world,
    make_board,
    make_meeting,
    specialty,
    staff,
)

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script>'


def client_for(user):
    client = Client()
    sign_in_verified(client, user)
    return client


def rule(**changes):
    fields = {
        "name": "Sarcoma board",
        "kind": "disease",
        "frequency": "weekly",
        "weekday": 2,
        "starts_on": timezone.localdate(),
        "start_time": time(7, 30),
        "length_minutes": 60,
        "cutoff_hours": 48,
        "oncotree_roots": ["bone", "SOFT_TISSUE"],
    }
    fields.update(changes)
    return services.BoardRule(**fields)


def board_form(**changes):
    data = {
        "name": "Sarcoma board",
        "slug": "sarcoma",
        "kind": "disease",
        "oncotree_roots": "BONE, SOFT_TISSUE",
        "quorum": "",
        "frequency": "weekly",
        "weekday": "2",
        "week_of_month": "1",
        "starts_on": timezone.localdate().isoformat(),
        "start_time": "07:30",
        "length_minutes": "60",
        "cutoff_hours": "48",
        "location": "Room 4",
    }
    data.update(changes)
    return data


# --- Services: boards and members -----------------------------------------------------------


def test_a_new_board_lays_out_eight_weeks_of_meetings_on_its_weekday():
    actor = staff("clinician")
    board = services.create_board(rule=rule(), slug="", actor=actor)
    assert board.slug == "sarcoma-board"
    assert board.oncotree_roots == ["BONE", "SOFT_TISSUE"]
    starts = list(board.meetings.values_list("starts_at", flat=True))
    assert 8 <= len(starts) <= 9
    assert {timezone.localtime(s).weekday() for s in starts} == {2}
    assert all(m.cutoff_at == m.starts_at - timedelta(hours=48) for m in board.meetings.all())
    assert AuditEvent.objects.filter(action="tumorboard.board_created").count() == 1


def test_a_monthly_rule_meets_on_the_nth_weekday():
    board = services.create_board(
        rule=rule(frequency="monthly", weekday=3, week_of_month=-1),
        slug="molecular",
        actor=staff("clinician"),
    )
    for start in board.meetings.values_list("starts_at", flat=True):
        local = timezone.localtime(start).date()
        assert local.weekday() == 3
        assert (local + timedelta(days=7)).month != local.month  # the last Thursday


def test_board_rule_mistakes_are_field_messages():
    make_board("sarcoma")
    with pytest.raises(ValidationError) as refused:
        services.create_board(
            rule=rule(
                name=" ",
                oncotree_roots=["NOT_A_CODE"],
                length_minutes=5,
                quorum=[["pathology", "astrology"]],
            ),
            slug="sarcoma",
            actor=staff("clinician"),
        )
    fields = refused.value.message_dict
    assert set(fields) >= {"name", "oncotree_roots", "length_minutes", "quorum", "slug"}
    assert "NOT_A_CODE" in fields["oncotree_roots"][0]
    with pytest.raises(ValidationError) as reserved:
        services.create_board(rule=rule(), slug="add", actor=staff("clinician"))
    assert "slug" in reserved.value.message_dict


def test_changing_the_rule_moves_empty_meetings_and_keeps_those_with_cases():
    world = case_world()  # the case sits on a meeting a week from now
    board = world.board
    services.schedule_meetings(board=board, until=timezone.localdate() + timedelta(weeks=4))
    weekday = (board.weekday + 1) % 7
    specialty("pathology")
    services.change_board(
        board=board,
        rule=rule(name="Thoracic board", weekday=weekday, quorum=[["pathology"]]),
        actor=world.people["coordinator"],
    )
    board.refresh_from_db()
    assert board.weekday == weekday and board.quorum == [["pathology"]]
    future = board.meetings.filter(starts_at__gt=timezone.now())
    kept = {timezone.localtime(m.starts_at).weekday() for m in future}
    assert kept == {
        weekday,
        world.meeting.starts_at.astimezone(timezone.get_current_timezone()).weekday(),
    }
    assert board.meetings.filter(pk=world.meeting.pk).exists()


def test_members_are_seated_by_email_with_a_discipline_and_a_role():
    board = make_board("sarcoma", roots=["BONE"])
    actor = staff("clinician")
    person = staff("clinician")
    member = services.seat_member(
        board=board,
        email=person.email.upper(),
        specialty=specialty("pathology"),
        role=MemberRole.CHAIR,
        actor=actor,
    )
    assert (member.user, member.role, member.specialty.slug) == (person, "chair", "pathology")
    again = services.seat_member(
        board=board,
        email=person.email,
        specialty=specialty("radiology"),
        role=MemberRole.COORDINATOR,
        actor=actor,
    )
    assert again.pk == member.pk and again.role == "coordinator"
    with pytest.raises(ValidationError) as unknown:
        services.seat_member(
            board=board, email="nobody@example.org", specialty=None, role="chair", actor=actor
        )
    assert "email" in unknown.value.message_dict
    patient_user = staff()
    patient_user.is_staff = False
    patient_user.save()
    with pytest.raises(ValidationError):
        services.seat_member(
            board=board,
            email=patient_user.email,
            specialty=specialty("pathology"),
            role="member",
            actor=actor,
        )


def test_the_last_chair_cannot_leave_but_a_member_can():
    board = make_board("sarcoma", roots=["BONE"])
    people = add_members(board)
    chair = board.members.get(user=people["surgical-oncology"])
    with pytest.raises(ValidationError):
        services.remove_member(member=chair, actor=people["coordinator"])
    pathologist = board.members.get(user=people["pathology"])
    services.remove_member(member=pathologist, actor=people["coordinator"])
    pathologist.refresh_from_db()
    assert pathologist.is_active is False


# --- Services: the agenda's order -----------------------------------------------------------


def more_cases(world, count):
    cases = [world.case]
    for n in range(count):
        cases.append(
            BoardCase.objects.create(
                patient=world.patient,
                board=world.board,
                meeting=world.meeting,
                submitted_by=world.submitter,
                question="recurrence",
                question_detail=f"Case {n}",
                diagnosis=world.diagnosis,
                status=CaseStatus.ON_AGENDA,
                minutes=10,
                position=n + 2,
            )
        )
    return cases


def order(meeting):
    return list(
        meeting.cases.filter(status=CaseStatus.ON_AGENDA)
        .order_by("position", "submitted_at")
        .values_list("pk", flat=True)
    )


def test_a_case_moves_up_and_down_and_stays_put_at_either_end():
    world = case_world()
    first, second, third = more_cases(world, 2)
    actor = world.people["coordinator"]
    services.move_case(meeting=world.meeting, case_id=str(third.public_id), up=True, actor=actor)
    assert order(world.meeting) == [first.pk, third.pk, second.pk]
    services.move_case(meeting=world.meeting, case_id=str(first.public_id), up=True, actor=actor)
    services.move_case(meeting=world.meeting, case_id=str(second.public_id), up=False, actor=actor)
    assert order(world.meeting) == [first.pk, third.pk, second.pk]
    services.move_case(meeting=world.meeting, case_id=str(first.public_id), up=False, actor=actor)
    assert order(world.meeting) == [third.pk, first.pk, second.pk]


def test_a_locked_or_cancelled_agenda_keeps_its_order():
    world = case_world()
    first, second = more_cases(world, 1)
    actor = world.people["coordinator"]
    services.lock_agenda(meeting=world.meeting, actor=actor)
    with pytest.raises(ValidationError, match="locked"):
        services.move_case(
            meeting=world.meeting, case_id=str(second.public_id), up=True, actor=actor
        )
    with pytest.raises(ValidationError, match="locked"):
        services.reorder_agenda(
            meeting=world.meeting, order=[str(second.public_id), str(first.public_id)], actor=actor
        )
    assert order(world.meeting) == [first.pk, second.pk]
    other = make_meeting(world.board, days=14)
    services.cancel_meeting(meeting=other, reason="Holiday", actor=actor)
    with pytest.raises(ValidationError, match="cancelled"):
        services.move_case(meeting=other, case_id=str(first.public_id), up=True, actor=actor)


def test_a_case_not_on_the_agenda_or_an_incomplete_order_is_refused():
    world = case_world()
    first, _second = more_cases(world, 1)
    actor = world.people["coordinator"]
    with pytest.raises(ValidationError):
        services.move_case(meeting=world.meeting, case_id="nope", up=True, actor=actor)
    with pytest.raises(ValidationError):
        services.reorder_agenda(
            meeting=world.meeting, order=[str(first.public_id)] * 2, actor=actor
        )


def test_an_agenda_already_over_time_names_the_overrun_when_reordered():
    world = case_world()  # 15 minutes
    more_cases(world, 1)  # 25 minutes
    world.meeting.length_minutes = 20
    world.meeting.save()
    with pytest.raises(ValidationError, match="5 minutes over"):
        services.move_case(
            meeting=world.meeting,
            case_id=str(world.case.public_id),
            up=False,
            actor=world.people["coordinator"],
        )


# --- Pages ----------------------------------------------------------------------------------


def test_a_clinician_makes_a_board_and_seats_its_chair_through_the_pages():
    clinician = staff("clinician")
    client = client_for(clinician)
    assert client.get(reverse("tumorboards:boards")).status_code == 200
    assert client.get(reverse("tumorboards:add_board")).status_code == 200
    for slug in ("pathology", "radiology", "radiation-oncology"):
        specialty(slug)
    made = client.post(
        reverse("tumorboards:add_board"),
        board_form(name=XSS, is_active="false", quorum="pathology\nradiology, radiation-oncology"),
    )
    assert made.status_code == 302
    board = Board.objects.get(slug="sarcoma")
    assert board.is_active is True  # R4: not a field of the form
    assert board.quorum == [["pathology"], ["radiology", "radiation-oncology"]]
    page = client.get(made["Location"])
    assert page.status_code == 200
    assert XSS not in page.content.decode()  # R16
    seated = client.post(
        reverse("tumorboards:board_member", kwargs={"board_slug": "sarcoma"}),
        {"email": clinician.email, "specialty": "pathology", "role": "chair", "board": "x"},
    )
    assert seated.status_code == 302
    assert board.members.get().role == "chair"


def test_board_form_mistakes_come_back_as_field_messages_with_the_entries_kept():
    client = client_for(staff("clinician"))
    response = client.post(
        reverse("tumorboards:add_board"),
        board_form(oncotree_roots="BONE, NOT_A_CODE", location="Room 9"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "NOT_A_CODE is not an OncoTree code." in body
    assert response.context["form"]["location"].value() == "Room 9"
    assert not Board.objects.exists()
    unknown = client.post(
        reverse("tumorboards:board_member", kwargs={"board_slug": make_board("lung").slug}),
        {"email": "nobody@example.org", "specialty": specialty("pathology").slug, "role": "chair"},
    )
    assert unknown.status_code == 200
    assert "No active staff member has this email." in unknown.content.decode()
    assert unknown.context["form"]["email"].value() == "nobody@example.org"


def test_who_may_set_a_board_up():
    board = make_board("thoracic")
    people = add_members(board)
    board_url = reverse("tumorboards:board", kwargs={"board_slug": board.slug})
    # The coordinator (a nurse navigator) sets up their own board, but makes no new ones.
    coordinator = client_for(people["coordinator"])
    assert coordinator.get(board_url).status_code == 200
    assert coordinator.get(reverse("tumorboards:add_board")).status_code == 403
    changed = coordinator.post(board_url, board_form(name="Thoracic board", slug="other"))
    assert changed.status_code == 302
    board.refresh_from_db()
    assert board.slug == "thoracic" and board.location == "Room 4"  # slug is not editable
    # A navigator who does not lead this board gets nothing of it.
    outsider = client_for(staff("nurse_navigator"))
    assert outsider.get(board_url).status_code == 404
    assert outsider.get(reverse("tumorboards:boards")).status_code == 200
    member = board.members.get(user=people["pathology"])
    remove = reverse("tumorboards:remove_member", kwargs={"board_slug": board.slug})
    leaving = {"member": str(member.public_id)}
    assert outsider.post(remove, leaving).status_code == 404
    assert client_for(staff("scheduler")).get(board_url).status_code == 403
    assert (
        client_for(staff("quality_analyst")).get(reverse("tumorboards:boards")).status_code == 403
    )
    assert coordinator.get(remove).status_code == 405
    other = make_board("sarcoma", roots=["BONE"])
    stranger = add_members(other)["pathology"]
    elsewhere = {"member": str(other.members.get(user=stranger).public_id)}
    assert coordinator.post(remove, elsewhere).status_code == 404  # not this board's member
    assert coordinator.post(remove, leaving).status_code == 302
    member.refresh_from_db()
    assert member.is_active is False


def test_board_set_up_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    sign_in_verified(client, staff("clinician"))
    response = client.post(reverse("tumorboards:add_board"), board_form())
    assert response.status_code == 403
    assert not Board.objects.exists()


def test_the_coordinator_moves_a_case_with_htmx_and_without():
    world = case_world()
    first, second = more_cases(world, 1)
    url = reverse("tumorboards:move", kwargs={"meeting_id": world.meeting.public_id})
    coordinator = client_for(world.people["coordinator"])
    page = coordinator.get(
        reverse("tumorboards:meeting", kwargs={"meeting_id": world.meeting.public_id})
    )
    assert f'id="move-up-{second.public_id}"' in page.content.decode()
    swapped = coordinator.post(
        url, {"case": str(second.public_id), "direction": "up"}, headers={"HX-Request": "true"}
    )
    assert swapped.status_code == 200
    body = swapped.content.decode()
    assert body.lstrip().startswith('<div id="agenda">') and "<html" not in body
    assert body.index(f"move-up-{second.public_id}") < body.index(f"move-up-{first.public_id}")
    assert order(world.meeting) == [second.pk, first.pk]
    plain = coordinator.post(url, {"case": str(second.public_id), "direction": "down"})
    assert plain.status_code == 302
    assert order(world.meeting) == [first.pk, second.pk]
    bad = coordinator.post(url, {"case": "not-a-uuid", "direction": "sideways"})
    assert bad.status_code == 302
    member = client_for(world.people["pathology"])  # a member, not the chair or coordinator
    assert member.post(url, {"case": str(second.public_id), "direction": "up"}).status_code == 403
    assert order(world.meeting) == [first.pk, second.pk]
