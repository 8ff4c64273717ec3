"""The outbox's contract for the domains that use it: enqueue in the caller's transaction,
templates per kind, the recipient's preferences and quiet hours, retries, forgetting secrets."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from medcenter.core import outbox
from medcenter.core.models import Notification, NotificationStatus
from medcenter.core.outbox import delivery
from medcenter.core.outbox.sms import MemoryGateway

pytestmark = pytest.mark.django_db

LATER = timezone.now() + timedelta(days=400)


@pytest.fixture(autouse=True)
def _texts_in_memory(settings):
    settings.SMS_GATEWAY = "medcenter.core.outbox.sms.MemoryGateway"
    MemoryGateway.reset()
    yield
    MemoryGateway.reset()


def _enqueue(**overrides):
    fields = {
        "kind": "core.test",
        "to": "rowan@example.test",
        "context": {"reference": "R-1"},
        "dedupe_key": "test:R-1",
    }
    return outbox.enqueue(**{**fields, **overrides})


def quiet_until_later(notification):
    return outbox.Decision(send=False, not_before=LATER, reason="quiet hours")


def category_turned_off(notification):
    return outbox.Decision(send=False, reason="opted out")


def test_a_message_enqueued_in_a_transaction_is_sent_once_it_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        note = _enqueue()
        assert mail.outbox == []  # nothing leaves before the change is committed

    assert [m.to for m in mail.outbox] == [["rowan@example.test"]]
    assert "R-1" in mail.outbox[0].body
    note.refresh_from_db()
    assert (note.status, note.attempts) == (NotificationStatus.SENT, 1)


def test_a_rolled_back_transaction_leaves_no_message(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _enqueue()
        raise RuntimeError("the change failed")

    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_the_same_purpose_is_queued_once():
    first = _enqueue()
    second = _enqueue(to="someone.else@example.test")

    assert first is not None and second is None
    assert Notification.objects.count() == 1


def test_an_unregistered_kind_is_refused_when_queued():
    with pytest.raises(LookupError):
        _enqueue(kind="nobody.registered_this")
    assert not Notification.objects.exists()


def test_messages_are_plain_text_and_not_html_escaped():
    note = _enqueue(context={"reference": "O'Brien & <Sons>"})

    assert outbox.deliver(note.pk) is True
    assert "O'Brien & <Sons>" in mail.outbox[0].body


def test_the_language_is_the_nearest_site_language():
    assert outbox.site_language("pt") == "pt-br"
    assert outbox.site_language("zh") == "zh-hans"
    assert outbox.site_language("ES") == "es"
    assert outbox.site_language("xx") == "en"
    assert outbox.site_language("") == "en"


def no_longer_applies(notification):
    return None


def test_quiet_hours_defer_a_text_without_dropping_it(settings):
    settings.OUTBOX_POLICY = "medcenter.core.tests.test_outbox_delivery.quiet_until_later"
    note = _enqueue(channel=outbox.NotificationChannel.SMS, to="+15555550100")

    assert outbox.deliver(note.pk) is False
    note.refresh_from_db()
    assert (note.status, note.due_at, note.attempts) == (NotificationStatus.PENDING, LATER, 0)
    assert MemoryGateway.attempts == []

    settings.OUTBOX_POLICY = "medcenter.core.outbox.policy.always_allow"
    with time_machine.travel(LATER + timedelta(seconds=1)):
        assert outbox.deliver_due() == 1
    assert list(MemoryGateway.sent) == [str(note.public_id)]


def test_a_category_the_recipient_turned_off_is_withdrawn(settings):
    settings.OUTBOX_POLICY = "medcenter.core.tests.test_outbox_delivery.category_turned_off"
    note = _enqueue()

    assert outbox.deliver(note.pk) is False
    note.refresh_from_db()
    assert (note.status, note.last_error) == (NotificationStatus.CANCELLED, "opted out")
    assert mail.outbox == []


def test_a_message_that_no_longer_applies_is_withdrawn_not_sent():
    outbox.register("core.test_obsolete", templates="core/notices/test", context=no_longer_applies)
    note = _enqueue(kind="core.test_obsolete")

    assert outbox.deliver(note.pk) is False
    note.refresh_from_db()
    assert note.status == NotificationStatus.CANCELLED
    assert mail.outbox == []


def test_a_secret_in_the_context_is_forgotten_once_sent():
    outbox.register("core.test_secret", templates="core/notices/test", forget_context=True)
    note = _enqueue(kind="core.test_secret", context={"reference": "123456"})

    assert outbox.deliver(note.pk) is True
    assert "123456" in mail.outbox[0].body
    note.refresh_from_db()
    assert note.context == {}


def test_a_failing_provider_is_retried_with_back_off_then_given_up(monkeypatch):
    def down(note, message):
        raise ConnectionError

    monkeypatch.setattr(delivery, "send", down)
    note = _enqueue()
    delays = []
    for _attempt in range(outbox.MAX_ATTEMPTS):
        with time_machine.travel(note.due_at + timedelta(seconds=1)):
            outbox.deliver_due()
        before = note.due_at
        note.refresh_from_db()
        delays.append(note.due_at - before)

    assert note.status == NotificationStatus.FAILED
    assert note.attempts == outbox.MAX_ATTEMPTS
    assert note.last_error == "ConnectionError"
    assert delays[1] > delays[0] and delays[-2] > delays[1]  # backing off


def test_a_withdrawn_message_is_never_sent():
    note = _enqueue(reference="thing:1", due_at=timezone.now() + timedelta(hours=1))

    assert outbox.withdraw(reference="thing:1", kinds=["core.test"]) == 1
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert outbox.deliver_due() == 0
    note.refresh_from_db()
    assert note.status == NotificationStatus.CANCELLED


def test_the_deliver_command_sends_what_is_due():
    _enqueue(dedupe_key="a")
    _enqueue(dedupe_key="b", due_at=timezone.now() + timedelta(hours=1))
    out = StringIO()

    call_command("outbox_deliver", stdout=out)

    assert out.getvalue().strip() == "messages_sent=1"
    assert len(mail.outbox) == 1
