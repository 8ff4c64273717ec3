"""The case from inquiry to visa letter, through the services (the contract)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from medcenter.accounts.tests.factories import UserFactory
from medcenter.core.errors import Conflict
from medcenter.core.models import AuditEvent, Notification
from medcenter.core.uploads import check_upload
from medcenter.international import services
from medcenter.international.models import (
    Case,
    CaseStatus,
    CaseTask,
    EstimateStatus,
    LetterKind,
    TaskKind,
)
from medcenter.international.tests.factories import clinician, coordinator, inquiry_data, new_case

pytestmark = pytest.mark.django_db

EASTERN = ZoneInfo("America/New_York")


def _at(*args):
    return datetime(*args, tzinfo=EASTERN)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (_at(2026, 12, 7, 10, 0), _at(2026, 12, 9, 10, 0)),  # Monday -> Wednesday
        (_at(2026, 12, 11, 16, 30), _at(2026, 12, 15, 16, 30)),  # Friday -> Tuesday
        (_at(2026, 12, 12, 9, 0), _at(2026, 12, 15, 9, 0)),  # Saturday -> Tuesday
        (_at(2026, 12, 23, 11, 0), _at(2026, 12, 28, 11, 0)),  # Wed, Christmas holiday -> Mon
    ],
    ids=["weekday", "friday", "saturday", "holiday"],
)
def test_the_first_reply_is_due_two_business_days_later(received, due, settings):
    from medcenter.scheduling.models import AvailabilityException, ExceptionKind

    settings.TIME_ZONE = "America/New_York"
    AvailabilityException.objects.create(
        kind=ExceptionKind.HOLIDAY,
        starts_at=_at(2026, 12, 25, 0, 0),
        ends_at=_at(2026, 12, 26, 0, 0),
        reason="Christmas",
    )
    with time_machine.travel(received, tick=False):
        case = new_case(travel_from=None, travel_until=None)
    assert case.first_reply_due_at == due
    assert case.due_at == due
    task = case.tasks.get()
    assert (task.kind, task.due_at, task.done_at) == (TaskKind.FIRST_REPLY, due, None)


def test_an_inquiry_is_acknowledged_in_the_inquirers_language_once():
    case = new_case()
    notes = Notification.objects.filter(reference=f"international:{case.public_id}")
    assert [(n.kind, n.language, n.to) for n in notes] == [
        ("international.inquiry_received", "es", "lucia@example.test")
    ]
    assert AuditEvent.objects.filter(action="international.inquiry_received").count() == 1
    assert case.reference.startswith("IPC-")


def test_an_inquiry_with_bad_values_names_each_field():
    with pytest.raises(ValidationError) as caught:
        services.submit_inquiry(
            data=inquiry_data(
                service="surgery",
                payer="lottery",
                patient_birth_date=date(2999, 1, 1),
                travel_from=timezone.localdate() + timedelta(days=10),
                travel_until=timezone.localdate() + timedelta(days=5),
            )
        )
    assert set(caught.value.message_dict) == {
        "service",
        "payer",
        "patient_birth_date",
        "travel_until",
    }
    assert not Case.objects.exists()


def test_inquiries_are_throttled_per_connection(settings):
    from medcenter.core.throttle import Throttled

    settings.INTERNATIONAL_INQUIRIES_PER_HOUR = 2
    for _ in range(2):
        services.submit_inquiry(data=inquiry_data(), client_ip="203.0.113.9")
    with pytest.raises(Throttled):
        services.submit_inquiry(data=inquiry_data(), client_ip="203.0.113.9")
    services.submit_inquiry(data=inquiry_data(), client_ip="203.0.113.10")


def _pdf_upload(text="Informe de patología"):
    content = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return check_upload(name="informe.pdf", content=content)


def test_a_document_not_in_english_opens_a_translation_task_and_its_result_links_back():
    user = coordinator()
    case = services.submit_inquiry(data=inquiry_data(), documents=[_pdf_upload()])
    task = case.tasks.get(kind=TaskKind.TRANSLATION)
    source = task.document
    assert source.language == "es"

    translation = services.add_translation(task=task, upload=_pdf_upload(), actor=user)

    task.refresh_from_db()
    assert task.done_at is not None
    assert translation.translation_of == source
    assert translation.language == "en"


def test_english_documents_need_no_translation():
    case = services.submit_inquiry(
        data=inquiry_data(), documents=[_pdf_upload()], documents_language="en"
    )
    assert not case.tasks.filter(kind=TaskKind.TRANSLATION).exists()


def test_the_emailed_link_lets_one_account_follow_the_case():
    case = new_case()
    first, second = UserFactory(), UserFactory()
    token = services.follow_token(case)

    assert services.follow_case(user=first, token=token) == case
    assert services.follow_case(user=first, token=token) == case  # again: nothing changes
    with pytest.raises(Conflict):
        services.follow_case(user=second, token=token)
    with pytest.raises(ValidationError):
        services.follow_case(user=second, token=token + "x")
    with time_machine.travel(timezone.now() + timedelta(days=31)), pytest.raises(ValidationError):
        services.follow_case(user=first, token=token)


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        (CaseStatus.NEW, CaseStatus.UNDER_REVIEW, True),
        (CaseStatus.NEW, CaseStatus.RECORDS_REQUESTED, True),
        (CaseStatus.NEW, CaseStatus.SCHEDULED, False),
        (CaseStatus.UNDER_REVIEW, CaseStatus.OPINION_SENT, True),
        (CaseStatus.OPINION_SENT, CaseStatus.CLOSED, True),
        (CaseStatus.CLOSED, CaseStatus.NEW, False),
        (CaseStatus.DECLINED, CaseStatus.UNDER_REVIEW, False),
        (CaseStatus.IN_CARE, CaseStatus.FOLLOW_UP, True),
    ],
)
def test_status_moves_only_along_the_path(start, target, allowed):
    user = coordinator()
    case = new_case()
    Case.objects.filter(pk=case.pk).update(
        status=start, declined_reason="Earlier reason", clearance_override_reason="Approved"
    )
    case.refresh_from_db()
    if allowed:
        assert services.set_status(case=case, status=target, actor=user).status == target
    else:
        with pytest.raises(Conflict):
            services.set_status(case=case, status=target, actor=user)


def test_declining_needs_a_reason():
    user = coordinator()
    case = new_case()
    with pytest.raises(ValidationError) as caught:
        services.set_status(case=case, status=CaseStatus.DECLINED, actor=user, reason="  ")
    assert "reason" in caught.value.message_dict
    done = services.set_status(
        case=case, status=CaseStatus.DECLINED, actor=user, reason="Outside our programs"
    )
    assert done.declined_reason == "Outside our programs"


def test_a_person_without_the_role_cannot_coordinate():
    case = new_case()
    with pytest.raises(PermissionDenied):
        services.set_status(case=case, status=CaseStatus.UNDER_REVIEW, actor=clinician())


def _prices(user):
    services.set_price(code="CONSULT", description="Consultation", amount_cents=85_000, actor=user)
    services.set_price(
        code="MRI", description="MRI with contrast", amount_cents=320_050, actor=user
    )


def test_an_issued_estimate_keeps_its_rate_and_its_prices():
    user = coordinator()
    _prices(user)
    services.enter_rate(
        currency="MXN", per_usd=Decimal("17.25"), on_date=timezone.localdate(), actor=user
    )
    case = new_case()
    estimate = services.create_estimate(
        case=case,
        lines=[services.LineRequest("CONSULT", 2), services.LineRequest("mri", 1)],
        currency="MXN",
        actor=user,
    )
    services.enter_rate(
        currency="MXN", per_usd=Decimal("20"), on_date=timezone.localdate(), actor=user
    )
    services.set_price(code="CONSULT", description="Consultation", amount_cents=99_000, actor=user)

    estimate.refresh_from_db()
    assert estimate.total_cents == 2 * 85_000 + 320_050
    assert estimate.per_usd == Decimal("17.25")
    assert services.in_currency(estimate.total_cents, estimate.per_usd) == Decimal("84533.63")
    assert [line.price_item.version for line in estimate.lines.order_by("id")] == [1, 1]


def test_an_estimate_refuses_unknown_codes_and_missing_rates():
    user = coordinator()
    _prices(user)
    case = new_case()
    with pytest.raises(ValidationError):
        services.create_estimate(
            case=case, lines=[services.LineRequest("NOPE")], currency="USD", actor=user
        )
    with pytest.raises(ValidationError) as caught:
        services.create_estimate(
            case=case, lines=[services.LineRequest("MRI")], currency="EUR", actor=user
        )
    assert "currency" in caught.value.message_dict


def _accepted_case(user, follower):
    _prices(user)
    case = new_case()
    case.account = follower
    case.save()
    services.set_status(case=case, status=CaseStatus.UNDER_REVIEW, actor=user)
    estimate = services.create_estimate(
        case=case, lines=[services.LineRequest("CONSULT", 3)], currency="USD", actor=user
    )
    services.send_estimate(estimate=estimate, actor=user)
    services.accept_estimate(user=follower, estimate=estimate)
    case.refresh_from_db()
    return case, estimate


def test_clearance_needs_the_accepted_estimate_covered():
    user, follower = coordinator(), UserFactory()
    case, estimate = _accepted_case(user, follower)
    assert case.accepted_estimate_cents == 255_000
    assert estimate.case.tasks.filter(kind=TaskKind.CLEARANCE, done_at__isnull=True).exists()

    with pytest.raises(ValidationError):
        services.clear(case=case, actor=user)
    services.record_deposit(
        case=case,
        amount_cents=100_000,
        received_on=timezone.localdate(),
        reference="W1",
        actor=user,
    )
    with pytest.raises(ValidationError):
        services.clear(case=case, actor=user)
    services.add_guarantee(
        case=case,
        guarantor_kind="embassy",
        guarantor_name="Embassy of a fictional state",
        limit_cents=155_000,
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=90),
        scan=None,
        actor=user,
    )
    assert services.clear(case=case, actor=user).status == CaseStatus.CLEARED


def test_an_expired_guarantee_covers_nothing():
    user, follower = coordinator(), UserFactory()
    case, _estimate = _accepted_case(user, follower)
    services.add_guarantee(
        case=case,
        guarantor_kind="insurer",
        guarantor_name="Fictional Mutual",
        limit_cents=900_000,
        valid_from=timezone.localdate() - timedelta(days=60),
        valid_until=timezone.localdate() - timedelta(days=1),
        scan=None,
        actor=user,
    )
    with pytest.raises(ValidationError):
        services.clear(case=case, actor=user)


def test_the_database_refuses_cleared_without_cover_or_override():
    case = new_case()
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLEARED)
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(
            status=CaseStatus.CLEARED, clearance_override_reason="Board-approved charity care"
        )


def test_an_override_needs_its_permission_and_is_recorded():
    user, follower = coordinator(), UserFactory()
    case, _estimate = _accepted_case(user, follower)
    cleared = services.clear(case=case, actor=user, override_reason="Charity care approved")
    assert cleared.clearance_override_by == user
    assert cleared.status == CaseStatus.CLEARED


def test_accepting_twice_is_one_acceptance_and_a_newer_estimate_supersedes():
    user, follower = coordinator(), UserFactory()
    case, estimate = _accepted_case(user, follower)
    assert services.accept_estimate(user=follower, estimate=estimate).status == (
        EstimateStatus.ACCEPTED
    )
    newer = services.create_estimate(
        case=case, lines=[services.LineRequest("MRI")], currency="USD", actor=user
    )
    services.send_estimate(estimate=newer, actor=user)
    services.accept_estimate(user=follower, estimate=newer)
    estimate.refresh_from_db()
    case.refresh_from_db()
    assert estimate.status == EstimateStatus.SUPERSEDED
    assert case.accepted_estimate_cents == 320_050


def test_the_visa_letter_is_issued_once_cleared_and_mailed():
    user, follower = coordinator(), UserFactory()
    case, _estimate = _accepted_case(user, follower)
    facts = services.VisaFacts(
        inpatient="",
        outpatient="Consultation, MRI and biopsy",
        duration_days=10,
        companions=("Lucía Ferrán",),
        signatory_name="Dr. Imani Vale",
        signatory_title="Medical Director, International Patient Center",
    )
    with pytest.raises(Conflict):
        services.issue_visa_letter(case=case, facts=facts, actor=user)
    services.clear(case=case, actor=user, override_reason="Approved")
    letter = services.issue_visa_letter(case=case, facts=facts, actor=user)
    case.refresh_from_db()
    assert case.status == CaseStatus.VISA_LETTER
    assert letter.kind == LetterKind.VISA
    assert letter.facts["estimate_cents"] == 255_000
    assert Notification.objects.filter(
        kind="international.letter", to="lucia@example.test"
    ).exists()


def test_the_specialist_declines_with_a_reason_or_accepts_a_visit():
    user = coordinator()
    doctor = clinician()
    declined = new_case()
    services.assign_reviewer(case=declined, reviewer=doctor, actor=user)
    with pytest.raises(ValidationError):
        services.decide(case=declined, specialist=doctor, decision="declined")
    services.decide(case=declined, specialist=doctor, decision="declined", reason="Not our field")
    declined.refresh_from_db()
    assert declined.status == CaseStatus.DECLINED

    visit = new_case()
    with pytest.raises(PermissionDenied):  # not given to this specialist yet
        services.decide(case=visit, specialist=doctor, decision="visit")
    services.assign_reviewer(case=visit, reviewer=doctor, actor=user)
    services.decide(case=visit, specialist=doctor, decision="visit")
    assert visit.tasks.filter(kind=TaskKind.ESTIMATE, done_at__isnull=True).exists()
    with pytest.raises(PermissionDenied):
        services.decide(case=visit, specialist=user, decision="visit")


def test_the_remote_opinion_letter_goes_to_the_patient_and_the_home_physician():
    doctor = clinician()
    case = new_case()
    services.assign_reviewer(case=case, reviewer=doctor, actor=coordinator())
    opinion = services.decide(
        case=case, specialist=doctor, decision="remote", summary="We agree with the plan."
    )
    services.send_opinion_letter(opinion=opinion, actor=doctor)
    sent = Notification.objects.filter(kind="international.letter").order_by("to")
    assert [(n.to, n.language) for n in sent] == [
        ("ana.ruiz@example.test", "en"),
        ("lucia@example.test", "es"),
    ]
    case.refresh_from_db()
    assert case.status == CaseStatus.OPINION_SENT


def test_the_due_time_follows_the_earliest_open_task():
    user = coordinator()
    case = new_case()
    services.record_first_reply(case=case, actor=user)
    soon = timezone.now() + timedelta(days=1)
    services.add_task(
        case=case,
        kind=TaskKind.RECORDS,
        title="Ask for the MRI",
        due_at=soon,
        owner=user,
        actor=user,
    )
    case.refresh_from_db()
    assert case.due_at == soon
    task = CaseTask.objects.get(case=case, kind=TaskKind.RECORDS)
    services.complete_task(task=task, actor=user)
    case.refresh_from_db()
    assert case.due_at > timezone.now() + timedelta(days=365)
