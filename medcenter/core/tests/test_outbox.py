"""SECURITY.md R28: the outbox loses no message and sends none twice, whatever a worker dies
doing and however many workers run at once."""

import threading
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from medcenter.core import outbox
from medcenter.core.models import Notification, NotificationStatus
from medcenter.core.models import NotificationChannel as Channel
from medcenter.core.outbox import delivery
from medcenter.core.outbox.sms import MemoryGateway

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sender(settings):
    settings.DEFAULT_FROM_EMAIL = "no-reply@aster-valley.example"
    settings.SMS_GATEWAY = "medcenter.core.outbox.sms.MemoryGateway"
    MemoryGateway.reset()
    yield
    MemoryGateway.reset()


class WorkerKilled(BaseException):
    """A worker killed mid-task (SIGKILL, OOM, a deploy): no `except Exception` runs."""


def _referral():
    """What the messages are about (any reference will do: core knows no domain)."""
    return uuid.uuid4().hex[:8]


def _due(referral, channel=Channel.SMS, n=1):
    """`n` test messages already due, written straight to the outbox (no task queued)."""
    to = "+15555550100" if channel == Channel.SMS else "rowan@example.test"
    return Notification.objects.bulk_create(
        Notification(
            kind="core.test",
            channel=channel,
            to=to,
            context={"reference": referral},
            dedupe_key=f"outbox-test:{referral}:{channel}:{i}",
            due_at=timezone.now() - timedelta(seconds=1),
        )
        for i in range(n)
    )


def _message_ids():
    return [message.message()["Message-ID"] for message in mail.outbox]


def _status(note):
    note.refresh_from_db()
    return note.status


# --- A worker dies -----------------------------------------------------------------------------


def test_a_notification_claimed_by_a_dead_worker_is_sent_once_after_the_lease():
    (note,) = _due(_referral())
    assert outbox.claim(note.pk) is not None  # the worker claims it, then dies before sending
    note.refresh_from_db()
    claimed_at = note.claimed_at

    with time_machine.travel(claimed_at + outbox.LEASE - timedelta(seconds=1), tick=False):
        sent_within_the_lease = outbox.deliver_due()
    assert sent_within_the_lease == 0
    assert MemoryGateway.attempts == []
    assert _status(note) == NotificationStatus.SENDING

    with time_machine.travel(claimed_at + outbox.LEASE + timedelta(seconds=1), tick=False):
        sent_after_the_lease = outbox.deliver_due()
        sent_on_the_next_sweep = outbox.deliver_due()

    assert (sent_after_the_lease, sent_on_the_next_sweep) == (1, 0)
    assert MemoryGateway.attempts == [str(note.public_id)]
    assert list(MemoryGateway.sent) == [str(note.public_id)]
    note.refresh_from_db()
    assert note.status == NotificationStatus.SENT
    assert note.attempts == 2


def test_a_batch_claimed_by_a_dead_worker_is_sent_once_by_another_after_the_lease():
    referral = _referral()
    notes = _due(referral, n=5) + _due(referral, Channel.EMAIL, n=5)
    token, claimed = outbox.claim_batch(limit=4)  # the worker claims four, then dies
    assert len(claimed) == 4 and token

    assert outbox.deliver_due() == 6  # another worker sends the rest, not the claimed four
    with time_machine.travel(timezone.now() + outbox.LEASE + timedelta(seconds=1)):
        assert outbox.deliver_due() == 4
        assert outbox.deliver_due() == 0

    texts = sorted(str(n.public_id) for n in notes if n.channel == Channel.SMS)
    emails = sorted(f"<{n.public_id}@aster-valley.example>" for n in notes if n.channel == "email")
    assert sorted(MemoryGateway.attempts) == texts
    assert sorted(_message_ids()) == emails
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    claimed_ids = {n.pk for n in claimed}
    attempts = dict(Notification.objects.values_list("pk", "attempts"))
    assert all(attempts[pk] == (2 if pk in claimed_ids else 1) for pk in attempts)


def test_a_worker_killed_after_the_gateway_took_the_text_causes_no_second_text(monkeypatch):
    (note,) = _due(_referral())
    real_send = delivery.send

    def send_then_die(*args, **kwargs):
        real_send(*args, **kwargs)
        raise WorkerKilled

    monkeypatch.setattr(delivery, "send", send_then_die)
    with pytest.raises(WorkerKilled):
        outbox.deliver(note.pk)
    monkeypatch.setattr(delivery, "send", real_send)
    assert _status(note) == NotificationStatus.SENDING  # sent, but not known to be

    with time_machine.travel(timezone.now() + outbox.LEASE + timedelta(seconds=1)):
        assert outbox.deliver_due() == 1

    key = str(note.public_id)
    assert MemoryGateway.attempts == [key, key]  # the retry re-sends with the same key...
    assert list(MemoryGateway.sent) == [key]  # ...and the gateway delivers one text
    assert _status(note) == NotificationStatus.SENT


def test_a_worker_killed_after_the_email_went_resends_it_with_the_same_message_id(monkeypatch):
    """SMTP has no idempotency key: the retry is a second copy, but the same message (the same
    Message-ID), which mail systems and clients recognise as one. The only window is between
    the server accepting the email and the row being marked sent."""
    (note,) = _due(_referral(), channel=Channel.EMAIL)
    real_send = delivery.send

    def send_then_die(*args, **kwargs):
        real_send(*args, **kwargs)
        raise WorkerKilled

    monkeypatch.setattr(delivery, "send", send_then_die)
    with pytest.raises(WorkerKilled):
        outbox.deliver(note.pk)
    monkeypatch.setattr(delivery, "send", real_send)
    with time_machine.travel(timezone.now() + outbox.LEASE + timedelta(seconds=1)):
        assert outbox.deliver_due() == 1

    assert len(set(_message_ids())) == 1
    assert len(mail.outbox) == 2
    assert mail.outbox[0].body == mail.outbox[1].body
    assert _status(note) == NotificationStatus.SENT


def test_an_email_delivered_twice_goes_out_once_with_the_rows_message_id():
    (note,) = _due(_referral(), channel=Channel.EMAIL)

    first, second = outbox.deliver(note.pk), outbox.deliver(note.pk)

    assert (first, second) == (True, False)
    assert _message_ids() == [f"<{note.public_id}@aster-valley.example>"]


def test_the_message_id_stays_well_formed_when_the_sender_has_a_display_name(settings):
    settings.DEFAULT_FROM_EMAIL = "Aster Valley Cancer Center <no-reply@aster-valley.example>"
    (note,) = _due(_referral(), channel=Channel.EMAIL)

    outbox.deliver(note.pk)

    assert _message_ids() == [f"<{note.public_id}@aster-valley.example>"]


def test_a_gateway_failure_is_retried_later_and_sent_once(monkeypatch):
    (note,) = _due(_referral())

    def down(self, **kwargs):
        raise ConnectionError

    monkeypatch.setattr(MemoryGateway, "send", down)
    assert outbox.deliver(note.pk) is False
    monkeypatch.undo()
    note.refresh_from_db()
    assert note.status == NotificationStatus.PENDING
    assert note.last_error == "ConnectionError"
    assert outbox.deliver_due() == 0  # backed off: not due again yet

    with time_machine.travel(note.due_at + timedelta(seconds=1)):
        assert outbox.deliver_due() == 1
    assert list(MemoryGateway.sent) == [str(note.public_id)]
    assert _status(note) == NotificationStatus.SENT


# --- Workers racing ----------------------------------------------------------------------------


def _together(n, work):
    """Run `work(i)` in n threads released together; return their results (or exceptions)."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # recorded, so the test can show it
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_the_same_due_messages_send_each_exactly_once():
    referral = _referral()
    texts = _due(referral, Channel.SMS, n=20)
    emails = _due(referral, Channel.EMAIL, n=20)

    results = _together(2, lambda _i: outbox.deliver_due())

    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 40
    assert sorted(MemoryGateway.attempts) == sorted(str(n.public_id) for n in texts)
    assert sorted(_message_ids()) == sorted(f"<{n.public_id}@aster-valley.example>" for n in emails)
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.django_db(transaction=True)
def test_twenty_workers_given_the_same_message_send_it_once():
    (note,) = _due(_referral())

    results = _together(20, lambda _i: outbox.deliver(note.pk))

    assert results.count(True) == 1
    assert results.count(False) == 19
    assert MemoryGateway.attempts == [str(note.public_id)]
    note.refresh_from_db()
    assert (note.status, note.attempts) == (NotificationStatus.SENT, 1)
