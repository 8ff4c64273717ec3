from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from medcenter.accounts.tests.factories import UserFactory, verified
from medcenter.core.models import AuditEvent, Notification
from medcenter.core.uploads import check_upload
from medcenter.messaging import services
from medcenter.messaging.models import (
    AuthorRole,
    Message,
    PoolKind,
    Thread,
    ThreadKind,
    ThreadStatus,
)
from medcenter.messaging.selectors import offered_pools, unread_count
from medcenter.messaging.tests.factories import (
    PoolFactory,
    ProgramFactory,
    pool_worker,
    put_in_program,
)
from medcenter.patients.access import resolve_access
from medcenter.patients.tests.factories import PatientFactory, ProxyGrantFactory
from medcenter.scheduling.models import AvailabilityException, ExceptionKind

NY = ZoneInfo("America/New_York")


@pytest.fixture
def setup(db):
    program = ProgramFactory()
    nurse = PoolFactory(program=program, reply_business_days=2)
    scheduling = PoolFactory(kind=PoolKind.SCHEDULING, program=None, reply_business_days=1)
    billing = PoolFactory(kind=PoolKind.BILLING, program=None, reply_business_days=3)
    other = PoolFactory(program=ProgramFactory())
    user = UserFactory()
    patient = PatientFactory(user=user)
    put_in_program(patient, program)
    return {
        "program": program,
        "nurse": nurse,
        "scheduling": scheduling,
        "billing": billing,
        "other": other,
        "user": user,
        "patient": patient,
        "access": resolve_access(user, patient),
    }


def test_offers_the_patients_program_nurse_line_scheduling_and_billing(setup):
    offered = {p.pk for p in offered_pools(setup["patient"])}

    assert offered == {setup["nurse"].pk, setup["scheduling"].pk, setup["billing"].pk}


def test_starts_a_thread_due_in_the_pools_business_days(setup):
    thread = services.start_thread(
        setup["user"], access=setup["access"], pool=setup["nurse"], subject="Dose", body="Hello"
    )

    assert thread.patient == setup["patient"]
    assert thread.status == ThreadStatus.OPEN
    assert thread.due_at is not None and thread.due_at > timezone.now()
    message = thread.messages.get()
    assert (message.author, message.author_role, message.internal) == (
        setup["user"],
        AuthorRole.PATIENT,
        False,
    )
    assert AuditEvent.objects.filter(action="message.thread_started").count() == 1


@pytest.mark.parametrize(
    ("subject", "body", "field"),
    [
        ("", "Hello", "subject"),
        ("Hi", "", "body"),
        ("Hi", "   ", "body"),
        ("x" * 151, "Hello", "subject"),
        ("Hi", "x" * 5001, "body"),
    ],
)
def test_refuses_a_thread_with_bad_text(setup, subject, body, field):
    with pytest.raises(ValidationError) as caught:
        services.start_thread(
            setup["user"], access=setup["access"], pool=setup["nurse"], subject=subject, body=body
        )

    assert field in caught.value.message_dict
    assert not Thread.objects.exists()


def test_refuses_a_pool_outside_the_patients_care(setup):
    with pytest.raises(ValidationError):
        services.start_thread(
            setup["user"], access=setup["access"], pool=setup["other"], subject="Hi", body="Hi"
        )


def test_a_proxy_writes_as_themselves(setup):
    proxy = UserFactory()
    ProxyGrantFactory(
        proxy=proxy,
        patient=setup["patient"],
        scopes=["messages"],
        relationship="spouse",
        consent_recorded_at=timezone.now(),
    )
    access = resolve_access(proxy, setup["patient"])

    thread = services.start_thread(
        proxy, access=access, pool=setup["scheduling"], subject="Ride", body="Need a ride"
    )

    message = thread.messages.get()
    assert (message.author, message.author_role) == (proxy, AuthorRole.PROXY)


def test_a_proxy_without_the_messages_scope_may_not_write(setup):
    proxy = UserFactory()
    ProxyGrantFactory(
        proxy=proxy,
        patient=setup["patient"],
        scopes=["appointments"],
        relationship="spouse",
        consent_recorded_at=timezone.now(),
    )
    access = resolve_access(proxy, setup["patient"])

    with pytest.raises(PermissionDenied):
        services.start_thread(
            proxy, access=access, pool=setup["scheduling"], subject="Ride", body="Need a ride"
        )


def test_the_same_idempotency_key_starts_one_thread(setup):
    def send():
        return services.start_thread(
            setup["user"],
            access=setup["access"],
            pool=setup["nurse"],
            subject="Dose",
            body="Hello",
            idempotency_key="k-1",
        )

    first, second = send(), send()

    assert first.pk == second.pk
    assert Thread.objects.count() == 1 and Message.objects.count() == 1
    with pytest.raises(services.KeyReused):
        services.start_thread(
            setup["user"],
            access=setup["access"],
            pool=setup["nurse"],
            subject="Dose",
            body="Changed",
            idempotency_key="k-1",
        )


def test_the_same_key_sends_one_message(setup):
    thread = services.start_thread(
        setup["user"], access=setup["access"], pool=setup["nurse"], subject="Dose", body="Hello"
    )
    for _ in range(3):
        services.post_patient_message(
            setup["user"], access=setup["access"], thread=thread, body="Again", idempotency_key="m"
        )

    assert thread.messages.count() == 2


def test_attachments_are_stored_encrypted(setup, settings, tmp_path):
    settings.DOCUMENT_ROOT = tmp_path
    upload = check_upload(name="note.txt", content=b"PLAINTEXT-MARKER hello\n")

    thread = services.start_thread(
        setup["user"],
        access=setup["access"],
        pool=setup["nurse"],
        subject="File",
        body="See file",
        files=[upload],
    )

    attachment = thread.messages.get().attachments.get()
    assert attachment.filename == "note.txt"
    stored = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert stored and b"PLAINTEXT-MARKER" not in stored


def test_staff_reply_answers_the_thread_and_notifies_without_clinical_content(setup):
    thread = services.start_thread(
        setup["user"], access=setup["access"], pool=setup["nurse"], subject="Nausea", body="Help"
    )
    nurse = verified(pool_worker(setup["nurse"]))

    reply = services.post_staff_reply(nurse, thread=thread, body="Take the ondansetron")

    thread.refresh_from_db()
    assert thread.due_at is None and thread.assigned_to == nurse
    assert reply.author_role == AuthorRole.STAFF
    note = Notification.objects.get(kind="messaging.reply")
    assert "Nausea" not in str(note.context) and "ondansetron" not in str(note.context)
    assert unread_count(setup["access"], setup["user"]) == 1


def test_internal_notes_stay_with_staff(setup):
    thread = services.start_thread(
        setup["user"], access=setup["access"], pool=setup["nurse"], subject="Q", body="Q"
    )
    nurse = verified(pool_worker(setup["nurse"]))

    services.post_staff_reply(nurse, thread=thread, body="Called pharmacy", internal=True)

    thread.refresh_from_db()
    assert thread.due_at is not None  # a note is not an answer
    assert not Notification.objects.filter(kind="messaging.reply").exists()
    assert unread_count(setup["access"], setup["user"]) == 0


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("member", True), ("manager", True), ("other_pool", False), ("no_mfa", False)],
)
def test_only_the_pools_staff_may_reply(setup, who, allowed):
    thread = services.start_thread(
        setup["user"], access=setup["access"], pool=setup["nurse"], subject="Q", body="Q"
    )
    staff = {
        "member": lambda: verified(pool_worker(setup["nurse"])),
        "manager": lambda: verified(pool_worker(manage=True)),
        "other_pool": lambda: verified(pool_worker(setup["other"])),
        "no_mfa": lambda: pool_worker(setup["nurse"]),
    }[who]()
    if allowed:
        services.post_staff_reply(staff, thread=thread, body="A")
        assert thread.messages.count() == 2
    else:
        with pytest.raises(PermissionDenied):
            services.post_staff_reply(staff, thread=thread, body="A")


def test_claim_reassign_and_close(setup):
    thread = services.start_thread(
        setup["user"], access=setup["access"], pool=setup["nurse"], subject="Q", body="Q"
    )
    first = verified(pool_worker(setup["nurse"]))
    second = verified(pool_worker(setup["nurse"]))
    services.claim_thread(first, thread=thread)
    with pytest.raises(services.Conflict):
        services.claim_thread(second, thread=thread)

    services.reassign_thread(first, thread=thread, pool=setup["scheduling"])
    thread.refresh_from_db()
    assert thread.pool == setup["scheduling"] and thread.assigned_to is None

    manager = verified(pool_worker(manage=True))
    services.close_thread(manager, thread=thread)
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.CLOSED and thread.due_at is None
    with pytest.raises(ValidationError):
        services.post_patient_message(
            setup["user"], access=setup["access"], thread=thread, body="x"
        )


def test_raise_alert_is_one_thread_per_dedupe_key(setup):
    due = timezone.now() + timedelta(hours=4)

    def raise_it():
        return services.raise_alert(
            setup["patient"],
            subject="Severe symptom",
            body="Nausea 4/4",
            due_at=due,
            dedupe_key="qr:123",
            program=setup["program"],
        )

    first, second = raise_it(), raise_it()

    assert first.pk == second.pk
    assert Thread.objects.filter(dedupe_key="qr:123").count() == 1
    assert (first.pool, first.kind, first.due_at) == (setup["nurse"], ThreadKind.ALERT, due)
    assert first.messages.get().internal


def test_raise_alert_without_a_program_nurse_line_uses_the_default_pool(setup):
    thread = services.raise_alert(
        setup["patient"], subject="S", body="B", due_at=timezone.now(), dedupe_key="x"
    )

    assert thread.pool.slug == services.DEFAULT_NURSE_POOL


def test_an_alert_shows_to_the_patient_only_once_answered(setup):
    from medcenter.messaging.selectors import patient_threads

    thread = services.raise_alert(
        setup["patient"],
        subject="S",
        body="B",
        due_at=timezone.now(),
        dedupe_key="y",
        program=setup["program"],
    )
    assert not patient_threads(setup["access"]).exists()

    services.post_staff_reply(verified(pool_worker(setup["nurse"])), thread=thread, body="Call us")

    assert list(patient_threads(setup["access"])) == [thread]


@pytest.mark.parametrize(
    ("sent", "days", "due"),
    [
        # Thursday 10:00 + 2 business days -> Monday 10:00 (the weekend is not counted)
        (datetime(2026, 3, 5, 10, 0), 2, datetime(2026, 3, 9, 10, 0)),
        # Friday 16:00 + 1 -> Monday 16:00
        (datetime(2026, 3, 6, 16, 0), 1, datetime(2026, 3, 9, 16, 0)),
        # Saturday + 1 -> Monday
        (datetime(2026, 3, 7, 9, 0), 1, datetime(2026, 3, 9, 9, 0)),
        # Friday + 3 -> Wednesday
        (datetime(2026, 3, 6, 9, 0), 3, datetime(2026, 3, 11, 9, 0)),
    ],
)
def test_due_counts_business_days_across_a_weekend(setup, sent, days, due):
    from medcenter.scheduling.referrals import add_business_days

    tz = timezone.get_current_timezone()
    assert add_business_days(sent.replace(tzinfo=tz), days) == due.replace(tzinfo=tz)


def test_due_skips_a_center_holiday(setup):
    from medcenter.scheduling.referrals import add_business_days

    tz = timezone.get_current_timezone()
    AvailabilityException.objects.create(
        kind=ExceptionKind.HOLIDAY,
        starts_at=datetime(2026, 3, 9, 0, 0, tzinfo=tz),
        ends_at=datetime(2026, 3, 10, 0, 0, tzinfo=tz),
    )

    due = add_business_days(datetime(2026, 3, 6, 16, 0, tzinfo=tz), 1)

    assert due == datetime(2026, 3, 10, 16, 0, tzinfo=tz)


def test_a_thread_sent_on_friday_is_overdue_only_after_the_weekend(setup):
    tz = timezone.get_current_timezone()
    with time_machine.travel(datetime(2026, 3, 6, 15, 0, tzinfo=tz), tick=False):
        thread = services.start_thread(
            setup["user"],
            access=setup["access"],
            pool=setup["scheduling"],
            subject="Q",
            body="Q",
        )
    assert thread.due_at == datetime(2026, 3, 9, 15, 0, tzinfo=tz)
    with time_machine.travel(datetime(2026, 3, 8, 23, 0, tzinfo=tz), tick=False):
        assert thread.due_at > timezone.now()  # Sunday night: not overdue
    with time_machine.travel(datetime(2026, 3, 9, 15, 1, tzinfo=tz), tick=False):
        assert thread.due_at < timezone.now()  # Monday afternoon: overdue
