"""The Messages section and the staff inbox over HTTP: status, access, content."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medcenter.accounts.tests.factories import sign_in_verified
from medcenter.core import vault
from medcenter.core.models import AuditEvent
from medcenter.messaging.models import Attachment, Message, Thread, ThreadStatus
from medcenter.messaging.tests.conftest import TEXT_FILE
from medcenter.messaging.tests.factories import pool_worker

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _client(user, *, staff=False):
    client = Client()
    if staff:
        sign_in_verified(client, user)
    else:
        client.force_login(user)
    return client


def _url(name, patient, *args):
    return reverse(name, args=[patient.public_id, *args])


def test_the_patient_sees_their_threads_not_others(msg):
    response = _client(msg.user_a).get(_url("messaging:portal_threads", msg.patient_a))

    body = response.content.decode()
    assert response.status_code == 200
    assert "A&#x27;s" in body and "secret" not in body
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )


@pytest.mark.parametrize("name", ["messaging:portal_new_thread", "messaging:portal_ask_trial"])
def test_every_form_says_not_for_emergencies_and_gives_the_phone(msg, name):
    body = _client(msg.user_a).get(_url(name, msg.patient_a)).content.decode()

    assert "not for emergencies" in body
    assert django_settings.CENTER["phone"] in body


def test_the_thread_form_says_not_for_emergencies(msg):
    url = _url("messaging:portal_thread", msg.patient_a, msg.thread_a.public_id)
    body = _client(msg.user_a).get(url).content.decode()

    assert "not for emergencies" in body and django_settings.CENTER["phone"] in body


def test_the_new_thread_form_offers_the_patients_pools_with_reply_targets(msg):
    body = _client(msg.user_a).get(_url("messaging:portal_new_thread", msg.patient_a)).content
    text = body.decode()

    assert "replies within 2 business days" in text
    assert "replies within 1 business day" in text


def test_a_patient_starts_a_thread_with_an_attachment(msg):
    client = _client(msg.user_a)
    url = _url("messaging:portal_new_thread", msg.patient_a)

    response = client.post(
        url,
        {
            "pool": msg.nurse.pk,
            "subject": "Fatigue",
            "body": "Tired since Monday",
            "idempotency_key": "abc",
            "attachments": SimpleUploadedFile("note.txt", TEXT_FILE, "text/plain"),
        },
    )

    thread = Thread.objects.get(subject="Fatigue")
    assert response.status_code == 302
    assert thread.patient == msg.patient_a
    assert thread.messages.get().attachments.count() == 1


def test_a_refused_attachment_keeps_everything_typed(msg):
    client = _client(msg.user_a)
    url = _url("messaging:portal_new_thread", msg.patient_a)
    evil = SimpleUploadedFile("x.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")

    response = client.post(
        url,
        {"pool": msg.nurse.pk, "subject": "Keep me", "body": "Typed words", "attachments": evil},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "not a type of file we accept" in body
    assert "Keep me" in body and "Typed words" in body
    assert not Thread.objects.filter(subject="Keep me").exists()


def test_a_good_file_is_kept_when_another_field_fails(msg):
    client = _client(msg.user_a)
    url = _url("messaging:portal_new_thread", msg.patient_a)
    good = SimpleUploadedFile("keep.txt", TEXT_FILE, "text/plain")

    response = client.post(
        url, {"pool": msg.nurse.pk, "subject": "", "body": "x", "attachments": good}
    )

    assert response.status_code == 400
    assert "keep.txt" in response.content.decode()


@pytest.mark.parametrize(
    "name_args",
    [
        ("messaging:portal_threads", ()),
        ("messaging:portal_new_thread", ()),
        ("messaging:portal_ask_trial", ()),
        ("messaging:portal_thread", ("thread",)),
    ],
)
def test_a_proxy_without_the_messages_scope_gets_404(msg, name_args):
    name, extra = name_args
    args = [msg.thread_a.public_id] if extra else []
    client = _client(msg.proxy_no_messages)

    assert client.get(_url(name, msg.patient_a, *args)).status_code == 404
    assert client.post(_url(name, msg.patient_a, *args), {"body": "x"}).status_code in (404, 405)


def test_a_proxy_with_the_messages_scope_writes_as_themselves(msg):
    client = _client(msg.proxy_messages)
    url = _url("messaging:portal_thread", msg.patient_a, msg.thread_a.public_id)

    response = client.post(url, {"body": "From the spouse"})

    assert response.status_code == 302
    message = Message.objects.get(body="From the spouse")
    assert message.author == msg.proxy_messages and message.author_role == "proxy"


def test_cross_patient_thread_and_attachment_are_404_with_no_data(msg):
    client = _client(msg.user_a)
    attachment = Attachment.objects.get(message__thread=msg.thread_b)
    urls = [
        _url("messaging:portal_thread", msg.patient_a, msg.thread_b.public_id),
        _url(
            "messaging:portal_attachment",
            msg.patient_a,
            msg.thread_b.public_id,
            attachment.public_id,
        ),
        _url("messaging:portal_thread", msg.patient_b, msg.thread_b.public_id),
        _url(
            "messaging:portal_attachment",
            msg.patient_b,
            msg.thread_b.public_id,
            attachment.public_id,
        ),
    ]
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (404, 405), url
            assert b"secret" not in response.content
    assert Message.objects.filter(thread=msg.thread_b).count() == 2


def test_the_attachment_downloads_as_an_attachment_audited(msg):
    client = _client(msg.user_b)
    attachment = Attachment.objects.get(message__thread=msg.thread_b)
    url = _url(
        "messaging:portal_attachment", msg.patient_b, msg.thread_b.public_id, attachment.public_id
    )

    response = client.get(url)

    assert response.status_code == 200
    assert response.content == TEXT_FILE
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(
        action="message.attachment_opened", patient_public_id=str(msg.patient_b.public_id)
    ).exists()


def test_a_tampered_attachment_is_never_served(msg):
    attachment = Attachment.objects.get(message__thread=msg.thread_b)
    path = next(p for key, p in vault.stored_documents() if key == attachment.vault_key)
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    url = _url(
        "messaging:portal_attachment", msg.patient_b, msg.thread_b.public_id, attachment.public_id
    )

    response = _client(msg.user_b).get(url)

    assert response.status_code == 404
    assert TEXT_FILE not in response.content


def test_patient_status_and_assignee_are_not_client_writable(msg):
    other = pool_worker(msg.nurse)
    client = _client(msg.user_a)

    client.post(
        _url("messaging:portal_new_thread", msg.patient_a),
        {
            "pool": msg.nurse.pk,
            "subject": "Mass",
            "body": "assign",
            "patient": msg.patient_b.pk,
            "status": "closed",
            "assigned_to": other.pk,
            "kind": "alert",
            "due_at": "2000-01-01T00:00:00Z",
            "internal": "on",
            "author_role": "staff",
        },
    )
    client.post(
        _url("messaging:portal_thread", msg.patient_a, msg.thread_a.public_id),
        {"body": "more", "status": "closed", "internal": "on", "author_role": "staff"},
    )

    thread = Thread.objects.get(subject="Mass")
    assert thread.patient == msg.patient_a and thread.status == ThreadStatus.OPEN
    assert thread.assigned_to is None and thread.kind == "normal"
    assert thread.due_at > timezone.now()
    assert not Message.objects.filter(thread__patient=msg.patient_a, internal=True).exists()
    assert set(
        Message.objects.filter(thread__patient=msg.patient_a).values_list("author_role", flat=True)
    ) == {"patient"}


def test_posts_need_a_csrf_token(msg):
    client = Client(enforce_csrf_checks=True)
    client.force_login(msg.user_a)
    staff = Client(enforce_csrf_checks=True)
    sign_in_verified(staff, msg.nurse_user)
    before = Message.objects.count()

    assert (
        client.post(
            _url("messaging:portal_new_thread", msg.patient_a),
            {"pool": msg.nurse.pk, "subject": "s", "body": "b"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            _url("messaging:portal_thread", msg.patient_a, msg.thread_a.public_id), {"body": "b"}
        ).status_code
        == 403
    )
    staff_url = reverse("messaging:staff_thread", args=[msg.thread_a.public_id])
    for action in ("reply", "claim", "close"):
        assert staff.post(staff_url, {"action": action, "body": "b"}).status_code == 403
    assert Message.objects.count() == before


def test_payloads_in_subject_and_body_are_escaped_everywhere(msg):
    client = _client(msg.user_a)
    client.post(
        _url("messaging:portal_new_thread", msg.patient_a),
        {"pool": msg.nurse.pk, "subject": XSS[:140], "body": XSS},
    )
    thread = Thread.objects.get(patient=msg.patient_a, subject=XSS[:140])
    pages = [
        client.get(_url("messaging:portal_threads", msg.patient_a)),
        client.get(_url("messaging:portal_thread", msg.patient_a, thread.public_id)),
        _client(msg.nurse_user, staff=True).get(reverse("messaging:staff_inbox")),
        _client(msg.nurse_user, staff=True).get(
            reverse("messaging:staff_thread", args=[thread.public_id])
        ),
    ]
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body


def test_showing_a_thread_changes_nothing_and_marking_it_read_is_a_post(msg):
    from medcenter.messaging.models import ReadReceipt
    from medcenter.messaging.selectors import unread_count
    from medcenter.patients.access import resolve_access

    access = resolve_access(msg.user_b, msg.patient_b)
    client = _client(msg.user_b)
    receipts = ReadReceipt.objects.count()
    read_url = _url("messaging:portal_thread_read", msg.patient_b, msg.thread_b.public_id)

    page = client.get(_url("messaging:portal_thread", msg.patient_b, msg.thread_b.public_id))

    assert page.status_code == 200
    assert ReadReceipt.objects.count() == receipts  # R12: a GET has no side effects
    assert unread_count(access, msg.user_b) == 1
    body = page.content.decode()
    assert f'hx-post="{read_url}"' in body and 'hx-trigger="load"' in body
    assert f'action="{read_url}"' in body  # without JavaScript: the button
    assert client.get(read_url).status_code == 405

    marked = client.post(read_url)

    assert marked.status_code == 302
    assert unread_count(access, msg.user_b) == 0
    assert AuditEvent.objects.filter(
        action="message.thread_read", patient_public_id=str(msg.patient_b.public_id)
    ).exists()
    again = client.get(_url("messaging:portal_thread", msg.patient_b, msg.thread_b.public_id))
    assert read_url not in again.content.decode()  # nothing left to mark


def test_the_pages_own_mark_read_request_answers_an_empty_fragment(msg):
    client = _client(msg.user_b)
    read_url = _url("messaging:portal_thread_read", msg.patient_b, msg.thread_b.public_id)

    response = client.post(read_url, HTTP_HX_REQUEST="true")

    assert response.status_code == 200 and response.content == b""


def test_marking_read_needs_a_csrf_token_and_is_404_for_another_patient(msg):
    from medcenter.messaging.models import ReadReceipt

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(msg.user_b)
    other = _client(msg.user_a)
    receipts = ReadReceipt.objects.count()

    refused = strict.post(
        _url("messaging:portal_thread_read", msg.patient_b, msg.thread_b.public_id)
    )
    hidden = [
        other.post(_url("messaging:portal_thread_read", msg.patient_b, msg.thread_b.public_id)),
        other.post(_url("messaging:portal_thread_read", msg.patient_a, msg.thread_b.public_id)),
    ]

    assert refused.status_code == 403
    assert [r.status_code for r in hidden] == [404, 404]
    assert all(b"secret" not in r.content for r in hidden)
    assert ReadReceipt.objects.count() == receipts


def test_staff_reading_a_thread_changes_nothing_until_they_mark_it_read(msg):
    from medcenter.messaging.models import ReadReceipt

    client = _client(msg.nurse_user, staff=True)
    thread_url = reverse("messaging:staff_thread", args=[msg.thread_a.public_id])
    read_url = reverse("messaging:staff_thread_read", args=[msg.thread_a.public_id])
    mine = ReadReceipt.objects.filter(reader=msg.nurse_user)
    before = mine.count()

    page = client.get(thread_url)

    assert page.status_code == 200 and mine.count() == before
    assert f'hx-post="{read_url}"' in page.content.decode()
    assert client.post(read_url).status_code == 302
    assert mine.count() > before


def test_ask_trial_prefills_a_message_to_the_trials_pool(msg):
    from medcenter.trials.models import Trial

    Trial.objects.create(nct_id="NCT01234567", brief_title="A demo study", program=msg.program)
    client = _client(msg.user_a)
    url = _url("messaging:portal_ask_trial", msg.patient_a) + "?trial=NCT01234567"

    body = client.get(url).content.decode()

    assert "Question about the trial NCT01234567" in body
    assert "A demo study" in body
    response = client.post(
        url,
        {"pool": msg.nurse.pk, "subject": "Question about the trial NCT01234567", "body": "Fit?"},
    )
    assert response.status_code == 302
    assert Thread.objects.get(subject__contains="NCT01234567").pool == msg.nurse


@pytest.mark.parametrize("trial", ["", "nope", "NCT0000000X", "NCT99999999", "%00"])
def test_ask_trial_with_a_bad_or_unknown_trial_is_the_plain_form(msg, trial):
    url = _url("messaging:portal_ask_trial", msg.patient_a) + f"?trial={trial}"

    assert _client(msg.user_a).get(url).status_code in (200, 400)


# --- staff ---------------------------------------------------------------------------------


def test_the_inbox_lists_overdue_first_and_pages_by_key(msg):
    threads = list(Thread.objects.filter(pool=msg.nurse))
    past = timezone.now() - timedelta(days=1)
    Thread.objects.filter(pk=msg.thread_a.pk).update(due_at=past)
    client = _client(msg.nurse_user, staff=True)

    body = client.get(reverse("messaging:staff_inbox")).content.decode()

    assert "Overdue" in body
    assert body.index("A&#x27;s") < body.index("B&#x27;s secret subject")
    assert len(threads) == 2
    assert client.get(reverse("messaging:staff_inbox") + "?cursor=%%%&view=zzz").status_code == 200


def test_the_inbox_needs_the_permission(msg):
    from medcenter.accounts.tests.factories import StaffUserFactory

    no_perm = StaffUserFactory()
    assert _client(no_perm, staff=True).get(reverse("messaging:staff_inbox")).status_code == 403


def test_staff_of_another_pool_cannot_open_the_thread_or_its_files(msg):
    attachment = Attachment.objects.get(message__thread=msg.thread_b)
    client = _client(msg.outsider, staff=True)
    for url in (
        reverse("messaging:staff_thread", args=[msg.thread_b.public_id]),
        reverse("messaging:staff_attachment", args=[msg.thread_b.public_id, attachment.public_id]),
    ):
        for method in ("get", "post"):
            response = getattr(client, method)(
                url, {"action": "close"} if method == "post" else None
            )
            assert response.status_code in (404, 405)
            assert b"secret" not in response.content
    msg.thread_b.refresh_from_db()
    assert msg.thread_b.status == ThreadStatus.OPEN


def test_the_nurse_claims_replies_notes_and_closes(msg):
    client = _client(msg.nurse_user, staff=True)
    url = reverse("messaging:staff_thread", args=[msg.thread_a.public_id])

    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "claim"}).status_code == 302
    assert (
        client.post(url, {"action": "reply", "body": "Note", "internal": "on"}).status_code == 302
    )
    assert client.post(url, {"action": "reply", "body": "Answer"}).status_code == 302
    assert client.post(url, {"action": "reply", "body": ""}).status_code == 400
    assert client.post(url, {"action": "close"}).status_code == 302

    thread = Thread.objects.get(pk=msg.thread_a.pk)
    assert thread.assigned_to == msg.nurse_user and thread.status == ThreadStatus.CLOSED
    patient_page = _client(msg.user_a).get(
        _url("messaging:portal_thread", msg.patient_a, thread.public_id)
    )
    text = patient_page.content.decode()
    assert "Answer" in text and "Note" not in text


def test_the_staff_attachment_download(msg):
    attachment = Attachment.objects.get(message__thread=msg.thread_b)
    client = _client(msg.nurse_user, staff=True)

    response = client.get(
        reverse("messaging:staff_attachment", args=[msg.thread_b.public_id, attachment.public_id])
    )

    assert response.status_code == 200 and response.content == TEXT_FILE
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_reply_notice_has_no_clinical_content(msg):
    from medcenter.core import outbox
    from medcenter.core.models import Notification

    note = Notification.objects.get(
        kind="messaging.reply", patient_public_id=msg.patient_b.public_id
    )
    rendered = outbox.render(note)

    assert rendered is not None
    text = rendered.subject + rendered.body
    assert "You have a new message" in text
    assert "secret" not in text and "Reply to B" not in text
    assert str(msg.thread_b.public_id) in rendered.body


def test_opening_the_inbox_is_an_audited_listing(msg):
    client = _client(msg.nurse_user, staff=True)
    before = AuditEvent.objects.filter(action="message.inbox_viewed").count()

    client.get(reverse("messaging:staff_inbox"))

    assert AuditEvent.objects.filter(action="message.inbox_viewed").count() == before + 1


def test_the_nurse_hands_a_thread_to_a_colleague_or_another_team(msg):
    colleague = pool_worker(msg.nurse, full_name="Colleague Nurse")
    client = _client(msg.nurse_user, staff=True)
    url = reverse("messaging:staff_thread", args=[msg.thread_a.public_id])

    to_colleague = client.post(
        url, {"action": "reassign", "pool": msg.nurse.pk, "assignee": colleague.pk}
    )
    outsider = client.post(
        url, {"action": "reassign", "pool": msg.nurse.pk, "assignee": msg.outsider.pk}
    )

    assert to_colleague.status_code == 302, to_colleague.content.decode()[-3000:]
    assert outsider.status_code == 400
    assert "does not work that team" in outsider.content.decode()
    assert Thread.objects.get(pk=msg.thread_a.pk).assigned_to == colleague
    away = client.post(url, {"action": "reassign", "pool": msg.scheduling.pk})
    assert away.status_code == 302 and away["Location"].endswith("/staff/messages/")
    assert Thread.objects.get(pk=msg.thread_a.pk).pool == msg.scheduling
