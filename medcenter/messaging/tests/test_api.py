"""/api/v1/portal/ threads and messages: access, the error contract, R4, R26; FHIR Communication."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from medcenter.accounts.tests.factories import sign_in_verified
from medcenter.core import vault
from medcenter.messaging.models import Attachment, Message, Thread
from medcenter.patients.tests.factories import CareRelationshipFactory

API = "/api/v1/portal"
FHIR = "/fhir/R4"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, body, key="key-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_lists_the_records_threads_and_pools(msg):
    client = _client(msg.user_a)

    threads = client.get(f"{API}/threads", {"patient": msg.patient_a.public_id}).json()
    pools = client.get(f"{API}/pools", {"patient": msg.patient_a.public_id}).json()

    assert [t["id"] for t in threads] == [str(msg.thread_a.public_id)]
    assert {p["reply_business_days"] for p in pools} == {1, 2}


def test_starts_a_thread_once_per_key_and_refuses_a_changed_body(msg):
    client = _client(msg.user_a)
    body = {
        "patient": str(msg.patient_a.public_id),
        "pool": str(msg.nurse.public_id),
        "subject": "API",
        "body": "Hello",
    }

    answers = [_post(client, f"{API}/threads", body) for _ in range(5)]

    assert {a.status_code for a in answers} == {201}
    assert len({a.content for a in answers}) == 1
    assert Thread.objects.filter(subject="API").count() == 1
    changed = _post(client, f"{API}/threads", {**body, "body": "Other"})
    assert changed.status_code == 422
    assert changed["Content-Type"].startswith("application/problem+json")


def test_a_message_sent_twice_is_one(msg):
    client = _client(msg.user_a)
    url = f"{API}/threads/{msg.thread_a.public_id}/messages"

    answers = [_post(client, url, {"body": "Twice"}, key="m-1") for _ in range(3)]

    assert [a.status_code for a in answers] == [201, 201, 201]
    assert len({a.json()["id"] for a in answers}) == 1
    assert Message.objects.filter(body="Twice").count() == 1
    assert _post(client, url, {"body": "Changed"}, key="m-1").status_code == 422


def test_posts_need_an_idempotency_key(msg):
    response = _post(
        _client(msg.user_a),
        f"{API}/threads/{msg.thread_a.public_id}/messages",
        {"body": "x"},
        key=None,
    )

    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_missing"


def test_extra_fields_are_not_written(msg):
    client = _client(msg.user_a)
    body = {
        "patient": str(msg.patient_a.public_id),
        "pool": str(msg.nurse.public_id),
        "subject": "R4",
        "body": "b",
        "status": "closed",
        "assigned_to": str(msg.nurse_user.public_id),
        "kind": "alert",
        "internal": True,
        "author_role": "staff",
    }

    assert _post(client, f"{API}/threads", body).status_code == 201
    thread = Thread.objects.get(subject="R4")
    assert (thread.status, thread.assigned_to, thread.kind) == ("open", None, "normal")
    assert thread.messages.get().author_role == "patient"


@pytest.mark.parametrize("who", ["user_a", "proxy_no_messages", "nurse_user"])
def test_other_peoples_threads_are_404_on_every_endpoint(msg, who):
    client = _client(getattr(msg, who))
    if who == "nurse_user":
        sign_in_verified(client, msg.nurse_user)
    b, a = msg.thread_b.public_id, msg.patient_b.public_id
    responses = [
        client.get(f"{API}/threads", {"patient": a}),
        client.get(f"{API}/pools", {"patient": a}),
        client.get(f"{API}/threads/{b}"),
        _post(client, f"{API}/threads/{b}/messages", {"body": "x"}),
        client.post(f"{API}/threads/{b}/read"),
        _post(
            client,
            f"{API}/threads",
            {"patient": str(a), "pool": str(msg.nurse.public_id), "subject": "s", "body": "b"},
        ),
    ]
    for response in responses:
        assert response.status_code == 404
        assert b"secret" not in response.content and b"Zephyrine" not in response.content
    assert Message.objects.filter(thread=msg.thread_b).count() == 2


def test_a_proxy_without_the_messages_scope_gets_404(msg):
    client = _client(msg.proxy_no_messages)

    assert client.get(f"{API}/threads", {"patient": msg.patient_a.public_id}).status_code == 404
    assert client.get(f"{API}/threads/{msg.thread_a.public_id}").status_code == 404


def test_reading_marks_replies_read(msg):
    client = _client(msg.user_b)
    url = f"{API}/threads/{msg.thread_b.public_id}"

    assert client.get(url).json()["unread"] == 1
    assert client.post(f"{url}/read").json() == {"marked": 1}
    assert client.get(url).json()["unread"] == 0


# --- attachments (multipart/form-data) ------------------------------------------------------

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _file(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _post_files(client, url, data, files, key="f-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, {**data, "attachments": files}, **headers)


def test_a_message_with_attachments_is_stored_encrypted_and_downloadable(msg):
    client = _client(msg.user_a)
    url = f"{API}/threads/{msg.thread_a.public_id}/messages/with-attachments"

    response = _post_files(
        client, url, {"body": "Scan attached"}, [_file("scan.txt", b"my scan notes\n")]
    )

    assert response.status_code == 201
    shown = response.json()["attachments"]
    assert [(a["filename"], a["content_type"]) for a in shown] == [("scan.txt", "text/plain")]
    stored = Attachment.objects.get(public_id=shown[0]["id"])
    assert vault.fetch(key=stored.vault_key) == b"my scan notes\n"
    download = client.get(shown[0]["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content if download.streaming else [download.content]) == (
        b"my scan notes\n"
    )
    assert download["Content-Disposition"].startswith("attachment")


def test_a_message_with_attachments_sent_twice_is_one_and_other_files_are_422(msg):
    client = _client(msg.user_a)
    url = f"{API}/threads/{msg.thread_a.public_id}/messages/with-attachments"

    answers = [
        _post_files(client, url, {"body": "Twice"}, [_file("a.txt", b"same\n")], key="k")
        for _ in range(3)
    ]
    changed = _post_files(client, url, {"body": "Twice"}, [_file("a.txt", b"other\n")], key="k")

    assert [a.status_code for a in answers] == [201, 201, 201]
    assert len({a.json()["id"] for a in answers}) == 1
    assert Message.objects.filter(body="Twice").count() == 1
    assert Attachment.objects.filter(message__body="Twice").count() == 1
    assert changed.status_code == 422
    assert changed.json()["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ([("eicar.txt", EICAR)], "eicar.txt"),
        ([("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200))], "tool.exe"),
        ([(f"n{i}.txt", b"note\n") for i in range(6)], "at most 5 files"),
    ],
)
def test_a_refused_attachment_is_a_clear_400_and_nothing_is_written(msg, files, expected):
    client = _client(msg.user_a)
    before = Message.objects.count()

    response = _post_files(
        client,
        f"{API}/threads/{msg.thread_a.public_id}/messages/with-attachments",
        {"body": "With a bad file"},
        [_file(name, content) for name, content in files],
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert expected in " ".join(response.json()["errors"]["attachments"])
    assert Message.objects.count() == before


def test_a_refused_attachment_is_explained_in_the_users_language(msg):
    response = _client(msg.user_a).post(
        f"{API}/threads/{msg.thread_a.public_id}/messages/with-attachments",
        {"body": "x", "attachments": [_file(f"n{i}.txt", b"note\n") for i in range(6)]},
        HTTP_IDEMPOTENCY_KEY="es-1",
        HTTP_ACCEPT_LANGUAGE="es",
    )

    assert response.status_code == 400
    assert response.json()["errors"]["attachments"] == [
        "Adjunte como máximo 5 archivos por mensaje."
    ]


def test_starts_a_thread_with_attachments_once_per_key(msg):
    client = _client(msg.user_a)
    data = {
        "patient": str(msg.patient_a.public_id),
        "pool": str(msg.nurse.public_id),
        "subject": "With files",
        "body": "See the two files",
    }

    answers = [
        _post_files(
            client,
            f"{API}/threads/with-attachments",
            data,
            [_file("one.txt", b"one\n"), _file("two.txt", b"two\n")],
            key="t-1",
        )
        for _ in range(2)
    ]

    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    thread = Thread.objects.get(subject="With files")
    assert sorted(thread.messages.get().attachments.values_list("filename", flat=True)) == [
        "one.txt",
        "two.txt",
    ]


def test_attachments_to_another_patients_thread_are_404_and_not_stored(msg):
    client = _client(msg.user_a)
    before = Attachment.objects.count()

    responses = [
        _post_files(
            client,
            f"{API}/threads/{msg.thread_b.public_id}/messages/with-attachments",
            {"body": "x"},
            [_file("x.txt", b"x\n")],
        ),
        _post_files(
            client,
            f"{API}/threads/with-attachments",
            {
                "patient": str(msg.patient_b.public_id),
                "pool": str(msg.nurse.public_id),
                "subject": "s",
                "body": "b",
            },
            [_file("x.txt", b"x\n")],
            key="t-b",
        ),
    ]

    assert [r.status_code for r in responses] == [404, 404]
    assert all(b"secret" not in r.content for r in responses)
    assert Attachment.objects.count() == before


def test_anonymous_is_401(msg):
    assert Client().get(f"{API}/threads", {"patient": msg.patient_a.public_id}).status_code == 401


# --- FHIR Communication ------------------------------------------------------------------


def test_fhir_search_returns_the_patients_messages_without_internal_notes(msg):
    from medcenter.accounts.tests.factories import verified
    from medcenter.messaging import services

    services.post_staff_reply(
        verified(msg.nurse_user), thread=msg.thread_b, body="nb", internal=True
    )
    client = _client(msg.user_b)

    bundle = client.get(f"{FHIR}/Communication", {"patient": f"Patient/{msg.patient_b.public_id}"})

    data = bundle.json()
    assert bundle.status_code == 200 and data["resourceType"] == "Bundle"
    assert data["total"] == 2
    texts = [e["resource"]["payload"][0]["contentString"] for e in data["entry"]]
    assert "nb" not in texts and "Reply to B" in texts
    first = next(e["resource"] for e in data["entry"] if e["resource"].get("inResponseTo"))
    assert first["recipient"][0]["reference"] == f"Patient/{msg.patient_b.public_id}"


def test_fhir_own_search_without_a_patient(msg):
    response = _client(msg.user_b).get(f"{FHIR}/Communication")

    assert response.status_code == 200 and response.json()["total"] == 2


def test_fhir_read_and_attachments(msg):
    message = msg.thread_b.messages.order_by("id").first()
    response = _client(msg.user_b).get(f"{FHIR}/Communication/{message.public_id}")

    resource = response.json()
    assert response.status_code == 200 and resource["resourceType"] == "Communication"
    assert resource["payload"][1]["contentAttachment"]["title"] == "gp.txt"


@pytest.mark.parametrize("who", ["user_a", "proxy_no_messages"])
def test_fhir_other_patients_and_missing_scope_are_404(msg, who):
    client = _client(getattr(msg, who))
    message = msg.thread_b.messages.first()
    target = msg.patient_b if who == "user_a" else msg.patient_a

    search = client.get(f"{FHIR}/Communication", {"patient": f"Patient/{target.public_id}"})
    read = client.get(f"{FHIR}/Communication/{message.public_id}")

    assert search.status_code == 404 and read.status_code == 404
    assert b"secret" not in search.content + read.content


def test_fhir_staff_with_a_care_relationship_may_search(msg):
    from medcenter.accounts.tests.factories import StaffUserFactory

    clinician = StaffUserFactory(roles=["clinician"])
    CareRelationshipFactory(staff=clinician, patient=msg.patient_b)
    client = Client()
    sign_in_verified(client, clinician)

    response = client.get(
        f"{FHIR}/Communication", {"patient": f"Patient/{msg.patient_b.public_id}"}
    )

    assert response.status_code == 200 and response.json()["total"] == 2
