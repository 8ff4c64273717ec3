from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medcenter.accounts.tests.factories import UserFactory, sign_in_verified
from medcenter.careplans import selectors, services
from medcenter.careplans.models import CarePlan, NavigatorTask, PlanStatus, TaskKind
from medcenter.core.models import AuditEvent, Notification
from medcenter.oncology.models import TreatmentCourse
from medcenter.patients.tests.factories import PatientFactory, ProxyGrantFactory, born_years_ago
from medcenter.tumorboards.tests.factories import staff

pytestmark = pytest.mark.django_db

ACTIVITIES = [
    {"kind": "systemic_therapy", "detail": "Osimertinib", "evidence_level": "fda_this_type"},
    {"kind": "genetic_counselling", "detail": ""},
    {"kind": "trial_referral", "detail": "NCT09990001"},
]


def make_plan(patient=None, **fields):
    patient = patient or PatientFactory(user=UserFactory())
    return services.create_plan(
        patient=patient,
        actor=staff("clinician"),
        title="Lung adenocarcinoma",
        goals=["life_prolonging"],
        activities=ACTIVITIES,
        source_reference="case-1",
        **fields,
    )


def test_a_plan_needs_a_goal_and_an_activity():
    patient = PatientFactory()
    with pytest.raises(ValidationError) as error:
        services.create_plan(
            patient=patient, actor=staff("clinician"), title="x", goals=[], activities=[]
        )
    assert "goals" in error.value.message_dict
    assert not CarePlan.objects.exists()


def test_a_second_start_from_the_same_recommendation_opens_the_same_draft():
    plan = make_plan()
    again = services.create_plan(
        patient=plan.patient,
        actor=staff("clinician"),
        title="again",
        goals=["curative"],
        activities=ACTIVITIES,
        source_reference="case-1",
    )
    assert again == plan


def test_activation_opens_tasks_with_due_dates_and_tells_the_patient_without_clinical_content():
    patient = PatientFactory(preferred_language="es", user=UserFactory())
    plan = make_plan(patient)
    services.activate_plan(plan=plan, actor=staff("clinician"))
    today = timezone.localdate()
    due = dict(NavigatorTask.objects.filter(plan=plan).values_list("kind", "due_on"))
    assert due[TaskKind.FOLLOW_UP] == today + timedelta(days=30)
    assert {
        TaskKind.BOOK_VISITS,
        TaskKind.COUNSELLING,
        TaskKind.TRIAL_CONTACT,
        TaskKind.COST_COVERAGE,
        TaskKind.INTERPRETER,
    } <= set(due)
    note = Notification.objects.get(kind="careplans.plan_ready")
    assert note.language == "es"
    assert set(note.context) == {"plan", "patient"}
    with pytest.raises(ValidationError):
        services.activate_plan(plan=plan, actor=staff("clinician"))


def test_an_english_speaker_gets_no_interpreter_task():
    plan = make_plan(PatientFactory(preferred_language="en"))
    services.activate_plan(plan=plan, actor=staff("clinician"))
    assert not plan.tasks.filter(kind=TaskKind.INTERPRETER).exists()


@pytest.mark.parametrize(
    ("outcome", "reason", "field"),
    [("", "", "outcome"), ("declined", "", "reason"), ("not_done", " ", "reason")],
)
def test_the_follow_up_needs_its_answer_and_a_reason(outcome, reason, field):
    plan = make_plan()
    services.activate_plan(plan=plan, actor=staff("clinician"))
    task = plan.tasks.get(kind=TaskKind.FOLLOW_UP)
    with pytest.raises(ValidationError) as error:
        services.complete_task(
            task=task, actor=staff("nurse_navigator"), outcome=outcome, reason=reason
        )
    assert field in error.value.message_dict


def test_the_queue_puts_overdue_first_and_prefills_an_implemented_recommendation():
    navigator = staff("nurse_navigator")
    plan = make_plan()
    services.activate_plan(plan=plan, actor=staff("clinician"))
    plan.tasks.filter(kind=TaskKind.COST_COVERAGE).update(
        due_on=timezone.localdate() - timedelta(days=2)
    )
    TreatmentCourse.objects.create(
        patient=plan.patient,
        regimen="osimertinib",
        agents=["osimertinib"],
        setting="metastatic",
        started_on=timezone.localdate(),
    )
    rows = selectors.navigator_queue(navigator)
    assert rows[0]["task"].kind == TaskKind.COST_COVERAGE and rows[0]["overdue"]
    follow = next(r for r in rows if r["task"].kind == TaskKind.FOLLOW_UP)
    assert follow["suggested"] == "implemented"


def _portal(client, patient):
    return client.get(reverse("careplans:portal_plan", kwargs={"public_id": patient.public_id}))


def test_the_patient_reads_the_plan_in_their_language_with_one_audit_event():
    plan = make_plan()
    services.activate_plan(plan=plan, actor=staff("clinician"))
    client = Client()
    client.force_login(plan.patient.user)
    before = AuditEvent.objects.count()
    with_language = client.get(
        "/es" + reverse("careplans:portal_plan", kwargs={"public_id": plan.patient.public_id})[3:]
    )
    assert with_language.status_code == 200
    body = with_language.content.decode()
    assert "Osimertinib" in body  # free text as written
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.last()
    assert event.patient_public_id == str(plan.patient.public_id)
    pdf = client.get(
        reverse("careplans:portal_plan_pdf", kwargs={"public_id": plan.patient.public_id})
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("scopes", "age", "confidential", "sees"),
    [
        (["results"], 45, False, True),
        (["appointments"], 45, False, False),
        (["results"], 15, True, False),  # R5: a teen's confidential plan stays hidden
        (["results"], 15, False, True),
    ],
)
def test_proxies_need_the_results_scope_and_never_see_confidential_plans(
    scopes, age, confidential, sees
):
    patient = PatientFactory(date_of_birth=born_years_ago(age))
    plan = make_plan(patient)
    services.activate_plan(plan=plan, actor=staff("clinician"))
    CarePlan.objects.filter(pk=plan.pk).update(is_confidential=confidential)
    grant = ProxyGrantFactory(patient=patient, scopes=scopes, consent_recorded_at=timezone.now())
    client = Client()
    client.force_login(grant.proxy)
    response = _portal(client, patient)
    if "results" not in scopes:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert ("Osimertinib" in response.content.decode()) is sees


def test_a_revoked_proxy_is_refused_at_once():
    patient = PatientFactory()
    plan = make_plan(patient)
    services.activate_plan(plan=plan, actor=staff("clinician"))
    grant = ProxyGrantFactory(
        patient=patient, scopes=["results"], consent_recorded_at=timezone.now()
    )
    client = Client()
    client.force_login(grant.proxy)
    assert _portal(client, patient).status_code == 200
    grant.revoked_at = timezone.now()
    grant.save()
    assert _portal(client, patient).status_code == 404


def test_the_navigator_closes_the_follow_up_on_the_page():
    from medcenter.patients.tests.factories import CareRelationshipFactory

    plan = make_plan()
    services.activate_plan(plan=plan, actor=staff("clinician"))
    navigator = staff("nurse_navigator")
    CareRelationshipFactory(staff=navigator, patient=plan.patient)
    client = Client()
    sign_in_verified(client, navigator)
    task = plan.tasks.get(kind=TaskKind.FOLLOW_UP)
    url = reverse("careplans:task", kwargs={"task_id": task.public_id})
    refused = client.post(url, {"outcome": "declined", "reason": ""})
    assert refused.status_code == 200
    assert "Give the reason." in refused.content.decode()
    done = client.post(url, {"outcome": "declined", "reason": "Wants a second opinion"})
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.outcome == "declined" and task.status == "done"
    queue = client.get(reverse("careplans:queue"))
    assert queue.status_code == 200


def test_staff_edit_then_activate_on_the_page_and_mass_assignment_is_ignored():
    from medcenter.patients.tests.factories import CareRelationshipFactory

    plan = make_plan()
    clinician = staff("clinician")
    CareRelationshipFactory(staff=clinician, patient=plan.patient)
    client = Client()
    sign_in_verified(client, clinician)
    url = reverse("careplans:plan", kwargs={"plan_id": plan.public_id})
    assert client.get(url).status_code == 200
    statuses = {f"activity_{a.public_id}": "scheduled" for a in plan.activities.all()}
    response = client.post(
        url,
        {
            "title": "<script>alert(1)</script>",
            "goals": ["curative"],
            "note": "Bring your medicines.",
            **statuses,
            "status": "active",
            "patient": "1",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT  # R4: status is not client-writable
    page = client.get(url).content.decode()
    assert "<script>alert(1)</script>" not in page  # R16
    assert (
        client.post(reverse("careplans:activate", kwargs={"plan_id": plan.public_id})).status_code
        == 302
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE


def test_the_plan_ready_notice_is_sent_once_and_carries_no_clinical_content(mailoutbox):
    from medcenter.core import outbox

    patient = PatientFactory(user=UserFactory(), preferred_language="es")
    plan = make_plan(patient)
    services.activate_plan(plan=plan, actor=staff("clinician"))
    note = Notification.objects.get(kind="careplans.plan_ready")
    message = outbox.render(note)
    assert message is not None
    assert "Osimertinib" not in message.body and "Lung" not in message.subject
    outbox.deliver(note.pk)
    outbox.deliver(note.pk)  # a second worker finds it already sent (R28)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [patient.email]


def test_a_new_course_with_a_recommended_drug_prefills_the_follow_up_on_its_page():
    from medcenter.oncology.services import record_treatment_course
    from medcenter.patients.tests.factories import CareRelationshipFactory

    clinician = staff("clinician")
    patient = PatientFactory(user=UserFactory())
    plan = services.create_plan(
        patient=patient,
        actor=clinician,
        title="Lung adenocarcinoma",
        goals=["life_prolonging"],
        activities=[{"kind": "systemic_therapy", "detail": "Osimertinib 80 mg daily"}],
    )
    services.activate_plan(plan=plan, actor=clinician)
    task = NavigatorTask.objects.select_related("plan").get(plan=plan, kind=TaskKind.FOLLOW_UP)
    navigator = staff("nurse_navigator")
    CareRelationshipFactory(staff=navigator, patient=patient)
    client = Client()
    sign_in_verified(client, navigator)
    url = reverse("careplans:task", kwargs={"task_id": task.public_id})
    today = timezone.localdate()
    # Before the plan, or another drug: no answer is suggested.
    for regimen, started in (("Osimertinib", today - timedelta(days=40)), ("Erlotinib", today)):
        record_treatment_course(
            patient=patient,
            actor=clinician,
            regimen=regimen,
            setting="neoadjuvant",
            started_on=started,
        )
    assert selectors.follow_up_suggestion(task)["outcome"] == ""
    assert client.get(url).context["form"]["outcome"].value() in ("", None)
    record_treatment_course(
        patient=patient,
        actor=clinician,
        regimen="osimertinib + bevacizumab",
        setting="neoadjuvant",
        started_on=today,
    )
    suggestion = selectors.follow_up_suggestion(task)
    assert suggestion["outcome"] == "implemented"
    assert suggestion["course"].regimen == "osimertinib + bevacizumab"
    page = client.get(url)
    assert page.context["form"]["outcome"].value() == "implemented"
    assert '<option value="implemented" selected>' in page.content.decode()
    assert "osimertinib + bevacizumab" in page.content.decode()
    # The navigator may still answer otherwise; the suggestion is only where the form starts.
    done = client.post(url, {"outcome": "changed", "reason": "Dose reduced"})
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.outcome == "changed"
    assert selectors.follow_up_suggestion(task)["outcome"] == ""
