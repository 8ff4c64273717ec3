"""FHIR R4 Communication over the messaging domain: one message of a thread between a patient
(or their proxy) and a pool of the care team.

- id: the message's public id. The thread is an identifier (`.../message-thread`) and its
  subject the `topic`; a message after the first is `inResponseTo` the one before it.
- sender: the patient (Patient/<id>), else a display only (a proxy, "Care team"): staff
  accounts and proxies are not FHIR resources here, so no id of theirs leaves.
- payload: the text, and each attachment as a contentAttachment whose url is the audited
  download route of the portal.
- Internal notes and unanswered alerts are never served: they are for staff.

Read and search (`patient=Patient/<id>`, the user's own record when none is named, `_count`,
`_offset`) go through `get_patient_for(..., scope="messages")`: other patients, and proxies
without the messages scope, are 404. Validated with fhir.resources' R4B Communication, which
is the same as R4 (4.0.1) for the elements used here.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from fhir.resources.R4B.communication import Communication as FhirCommunication

from medcenter.fhir import mappers
from medcenter.fhir.scheduling import (
    _check_names,
    _instant,
    _invalid,
    _not_found,
    _one,
    _paged,
    _patient_access,
    _reference_id,
    _uuid,
    page_offset,
    page_size,
    signed_in,
)
from medcenter.messaging.models import AuthorRole, Message
from medcenter.patients.models import Patient, ProxyScope

mappers.MODELS["Communication"] = FhirCommunication

THREAD_SYSTEM = mappers.SYSTEM + "/message-thread"
CATEGORY_SYSTEM = mappers.SYSTEM + "/message-pool"
READ = "message.fhir_read"
MAX_COUNT = 100


def communication(message: Message, *, previous: Message | None = None) -> dict[str, Any]:
    thread = message.thread
    patient = _ref_patient(thread.patient)
    if message.author_role == AuthorRole.PATIENT:
        sender: dict[str, Any] = patient
        recipient = [{"display": thread.pool.label}]
    elif message.author_role == AuthorRole.PROXY:
        sender = {"display": str(AuthorRole.PROXY.label)}
        recipient = [{"display": thread.pool.label}]
    else:
        sender = {"display": str(AuthorRole.STAFF.label)}
        recipient = [patient]
    payload: list[dict[str, Any]] = [{"contentString": message.body}]
    for attachment in message.attachments.all():
        url = reverse(
            "messaging:portal_attachment",
            args=[thread.patient.public_id, thread.public_id, attachment.public_id],
        )
        payload.append(
            {
                "contentAttachment": {
                    "contentType": attachment.content_type,
                    "title": attachment.filename,
                    "size": attachment.size,
                    "url": url,
                }
            }
        )
    return mappers.validated(
        {
            "resourceType": "Communication",
            "id": str(message.public_id),
            "identifier": [{"system": THREAD_SYSTEM, "value": str(thread.public_id)}],
            "status": "completed",
            "category": [
                {
                    "coding": [{"system": CATEGORY_SYSTEM, "code": thread.pool.kind}],
                    "text": thread.pool.label,
                }
            ],
            "subject": patient,
            "topic": {"text": thread.subject},
            "inResponseTo": [{"reference": f"Communication/{previous.public_id}"}]
            if previous is not None
            else None,
            "sent": _instant(message.created_at),
            "sender": sender,
            "recipient": recipient,
            "payload": payload,
        }
    )


def _ref_patient(patient: Patient) -> dict[str, Any]:
    return {"reference": f"Patient/{patient.public_id}"}


def _shown() -> QuerySet[Message]:
    return (
        Message.objects.filter(internal=False)
        .select_related("thread", "thread__patient", "thread__pool", "thread__pool__program")
        .prefetch_related("attachments")
    )


def _previous(rows: QuerySet[Message]) -> dict[int, Message]:
    """Each message's predecessor in its thread, for the messages of `rows`' threads (one
    query, whatever the page)."""
    by_thread: dict[int, list[Message]] = {}
    siblings = Message.objects.filter(
        thread_id__in=rows.values("thread_id"), internal=False
    ).order_by("created_at", "id")
    for m in siblings.only("id", "public_id", "thread_id", "created_at"):
        by_thread.setdefault(m.thread_id, []).append(m)
    found: dict[int, Message] = {}
    for ordered in by_thread.values():
        for before, after in pairwise(ordered):
            found[after.pk] = before
    return found


def read_communication(request: HttpRequest, resource_id: str) -> dict[str, Any]:
    user = signed_in(request)
    public_id = _uuid(resource_id)
    found = _shown().filter(public_id=public_id).first() if public_id else None
    if found is None:
        raise _not_found()
    _patient_access(
        user, request, found.thread.patient.public_id, action=READ, scope=ProxyScope.MESSAGES
    )
    return communication(found, previous=_previous(_shown().filter(pk=found.pk)).get(found.pk))


def search_communications(request: HttpRequest) -> dict[str, Any]:
    user = signed_in(request)
    params = request.GET
    _check_names(params, ("patient", "_offset"))
    page_size(params, cap=MAX_COUNT)
    page_offset(params)
    reference = _one(params, "patient")
    if reference is not None:
        public_id = _reference_id(reference, "Patient")
        if public_id is None:
            raise _not_found()
    else:
        own = None if user.is_staff else Patient.objects.filter(user=user).first()
        if own is None:
            raise _invalid("Say whose messages: patient=Patient/<id>.")
        public_id = own.public_id
    access = _patient_access(user, request, public_id, action=READ, scope=ProxyScope.MESSAGES)
    rows = _shown().filter(thread__patient=access.patient).order_by("-created_at", "-id")
    previous = _previous(rows)
    return _paged(
        request, "Communication", rows, lambda m: communication(m, previous=previous.get(m.pk))
    )


CAPABILITIES = [
    {
        "type": "Communication",
        "documentation": (
            "Secure messages of the Patient Gateway: the patient, proxies with the messages "
            "scope, and staff with a basis for the patient. Internal notes are never served. "
            "patient is required except for a patient's own."
        ),
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": [
            {"name": "patient", "type": "reference"},
            {"name": "_count", "type": "number"},
        ],
    }
]
