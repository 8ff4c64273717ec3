"""SECURITY.md R12 over every messaging route, the patient's and the staff inbox's: a POST
without a CSRF token changes nothing, a GET changes nothing whatever its query string, and
the two "mark read" actions refuse GET."""

from django.test import Client

from medcenter.accounts.tests.factories import sign_in_verified
from medcenter.messaging.models import Attachment, Message, ReadReceipt, Thread
from medcenter.patients.tests.routes import app_route_urls

# Everything a form of these pages could carry, so that a view reading request.GET by
# mistake would act on it.
TEMPTING = {
    "action": "close",
    "body": "Sent by a link",
    "subject": "Sent by a link",
    "note": "Sent by a link",
    "confirm": "yes",
    "read": "1",
}


def _urls(msg):
    """(name, url, client kind) for every messaging route, on patient B's thread (a staff
    reply to read, an attachment to fetch), for B and for the nurse of B's pool."""
    attachment = Attachment.objects.get(message__thread=msg.thread_b)
    values = {
        "public_id": msg.patient_b.public_id,
        "thread_id": msg.thread_b.public_id,
        "attachment_id": attachment.public_id,
    }
    return app_route_urls("messaging", values)


def _clients(msg, *, enforce_csrf_checks=False):
    patient = Client(enforce_csrf_checks=enforce_csrf_checks)
    patient.force_login(msg.user_b)
    staff = Client(enforce_csrf_checks=enforce_csrf_checks)
    sign_in_verified(staff, msg.nurse_user)
    return {"patient": patient, "staff": staff}


def _state():
    return (
        Thread.objects.count(),
        Message.objects.count(),
        Message.objects.filter(internal=True).count(),
        Attachment.objects.count(),
        ReadReceipt.objects.count(),
        sorted(
            Thread.objects.values_list(
                "pk", "status", "assigned_to_id", "pool_id", "due_at", "closed_at"
            )
        ),
    )


def test_every_route_is_swept(msg):
    names = {name for name, _url, _kind in _urls(msg)}

    assert {
        "messaging:portal_threads",
        "messaging:portal_new_thread",
        "messaging:portal_thread",
        "messaging:portal_thread_read",
        "messaging:portal_attachment",
        "messaging:staff_inbox",
        "messaging:staff_thread",
        "messaging:staff_thread_read",
        "messaging:staff_attachment",
    } <= names


def test_no_post_without_a_csrf_token_changes_anything(msg):
    clients = _clients(msg, enforce_csrf_checks=True)
    data = {**TEMPTING, "pool": msg.scheduling.pk, "assignee": msg.nurse_user.pk}
    before = _state()

    for name, url, kind in _urls(msg):
        response = clients[kind].post(url, data)

        assert response.status_code in (403, 405), name

    assert _state() == before


def test_no_get_changes_anything_whatever_its_query_string(msg):
    clients = _clients(msg)
    query = {**TEMPTING, "pool": msg.scheduling.pk, "assignee": msg.nurse_user.pk}
    before = _state()

    statuses = {}
    for name, url, kind in _urls(msg):
        statuses[name] = clients[kind].get(url, query).status_code

    assert _state() == before
    # The pages themselves opened: the sweep read them, not a refusal.
    assert statuses["messaging:portal_thread"] == 200
    assert statuses["messaging:staff_thread"] == 200
    assert statuses["messaging:portal_attachment"] == 200
    assert statuses["messaging:portal_thread_read"] == 405
    assert statuses["messaging:staff_thread_read"] == 405
