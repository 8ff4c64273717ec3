"""Messages as JSON under /api/v1/portal/ (the patient's or a proxy's own record).

GET  pools?patient=<id>                 the teams this record may write to
GET  threads?patient=<id>               the record's threads, newest first
POST threads                            start one (Idempotency-Key required)
POST threads/with-attachments           the same as multipart/form-data, with files
GET  threads/{id}                       one thread with its messages
POST threads/{id}/messages              add a message (Idempotency-Key required)
POST threads/{id}/messages/with-attachments   the same as multipart/form-data, with files

Files go through the browser form's checks (`core.uploads.check_upload`: type by content, size
cap, scanner; at most 5 a message) and are stored encrypted in `core.vault`; a refused file is
a 400 naming it under `attachments`, and nothing is written.
POST threads/{id}/read                  mark the thread's replies read for this reader

A message sent twice with the same key is one message, answered the same (R26); the same key
with another body is 422. Other people's threads are 404, as if they did not exist.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, UploadedFile
from ninja.responses import Status
from ninja.security import SessionAuth

from medcenter.core import idempotency
from medcenter.core.problems import errors
from medcenter.core.uploads import MAX_UPLOAD_BYTES, CheckedUpload, check_upload
from medcenter.messaging import selectors, services
from medcenter.messaging.models import Message, Pool, Thread
from medcenter.patients.access import PatientAccess

router = Router(tags=["portal"])


class Signed(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if user.is_authenticated else None


class PoolOut(Schema):
    id: UUID
    name: str
    kind: str
    reply_business_days: int
    phone: str


class AttachmentOut(Schema):
    id: UUID
    filename: str
    content_type: str
    size: int
    url: str


class MessageOut(Schema):
    id: UUID
    author_role: str
    mine: bool
    body: str
    sent_at: datetime
    read: bool
    attachments: list[AttachmentOut]


class ThreadOut(Schema):
    id: UUID
    patient: UUID
    pool: PoolOut
    subject: str
    status: str
    kind: str
    last_message_at: datetime | None
    unread: int


class ThreadDetailOut(ThreadOut):
    messages: list[MessageOut]


class ThreadIn(Schema):
    patient: UUID
    pool: UUID
    subject: str = Field(..., min_length=1, max_length=services.SUBJECT_MAX)
    body: str = Field(..., min_length=1, max_length=services.BODY_MAX)


class MessageIn(Schema):
    body: str = Field(..., min_length=1, max_length=services.BODY_MAX)


class ReadOut(Schema):
    marked: int


def _pool_out(pool: Pool) -> dict[str, Any]:
    return {
        "id": pool.public_id,
        "name": pool.label,
        "kind": pool.kind,
        "reply_business_days": pool.reply_business_days,
        "phone": pool.phone_number(),
    }


def _thread_out(thread: Thread, unread: int) -> dict[str, Any]:
    return {
        "id": thread.public_id,
        "patient": thread.patient.public_id,
        "pool": _pool_out(thread.pool),
        "subject": thread.subject,
        "status": thread.status,
        "kind": thread.kind,
        "last_message_at": thread.last_message_at,
        "unread": unread,
    }


def _message_out(message: Message, user: Any, patient_id: UUID, read: set[int]) -> dict[str, Any]:
    thread_id = message.thread.public_id
    return {
        "id": message.public_id,
        "author_role": message.author_role,
        "mine": message.author_id == user.pk,
        "body": message.body,
        "sent_at": message.created_at,
        "read": message.pk in read or message.author_id == user.pk,
        "attachments": [
            {
                "id": a.public_id,
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "url": reverse(
                    "messaging:portal_attachment", args=[patient_id, thread_id, a.public_id]
                ),
            }
            for a in message.attachments.all()
        ],
    }


def _key(request: HttpRequest) -> str:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        message = _("Send an Idempotency-Key header with each message.")
        raise ValidationError(
            {"Idempotency-Key": ValidationError(message, code="idempotency_key_missing")}
        )
    if not idempotency.valid_key(key):
        message = _("The Idempotency-Key header is too long or malformed.")
        raise ValidationError(
            {"Idempotency-Key": ValidationError(message, code="idempotency_key_invalid")}
        )
    return key


def _checked(files: list[UploadedFile] | None) -> list[CheckedUpload]:
    """Each file checked by its content, as the browser form checks it; every refusal is named
    under `attachments` and none of the files is kept."""
    files = files or []
    if len(files) > services.MAX_ATTACHMENTS:
        raise ValidationError({"attachments": [_("Please attach at most 5 files to one message.")]})
    cap = int(getattr(settings, "MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES))
    passed: list[CheckedUpload] = []
    problems: list[str] = []
    for upload in files:
        try:
            passed.append(check_upload(name=upload.name or "", content=upload.read(cap + 1)))
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError({"attachments": problems})
    return passed


def _thread_access(
    request: HttpRequest, thread_id: UUID, action: str
) -> tuple[PatientAccess, Thread]:
    found = Thread.objects.filter(public_id=thread_id).select_related("patient").first()
    if found is None:
        raise Http404
    access = selectors.get_access_for_messages(
        request.user, public_id=found.patient.public_id, action=action
    )
    return access, selectors.get_patient_thread(access, thread_id=thread_id)


def _detail(request: HttpRequest, access: PatientAccess, thread: Thread) -> dict[str, Any]:
    shown = selectors.thread_messages(thread, staff=False)
    read = selectors.read_by(request.user, shown)
    unread = sum(1 for m in shown if m.pk not in read and m.author_id != request.user.pk)
    return {
        **_thread_out(thread, unread),
        "messages": [_message_out(m, request.user, access.patient.public_id, read) for m in shown],
    }


@router.get("/pools", auth=Signed(), response={200: list[PoolOut], **errors(401, 404)})
def pools(request: HttpRequest, patient: UUID) -> Any:
    """The teams this record may write to, each with its reply target in business days."""
    access = selectors.get_access_for_messages(
        request.user, public_id=patient, action="message.pools_listed"
    )
    return Status(200, [_pool_out(p) for p in selectors.offered_pools(access.patient)])


@router.get("/threads", auth=Signed(), response={200: list[ThreadOut], **errors(401, 404)})
def threads(request: HttpRequest, patient: UUID) -> Any:
    """The record's threads, newest first (at most 200)."""
    access = selectors.get_access_for_messages(
        request.user, public_id=patient, action="message.threads_viewed"
    )
    rows = selectors.thread_list(access, request.user)
    return Status(200, [_thread_out(t, t.unread) for t in rows])  # type: ignore[attr-defined]


@router.post(
    "/threads",
    auth=Signed(),
    response={201: ThreadDetailOut, **errors(400, 401, 403, 404, 422)},
    openapi_extra=idempotency.header(required=True),
)
def start(request: HttpRequest, body: ThreadIn) -> Any:
    """Start a thread to one of the record's teams. Send an `Idempotency-Key`."""
    return _start(request, body, [])


@router.post(
    "/threads/with-attachments",
    auth=Signed(),
    response={201: ThreadDetailOut, **errors(400, 401, 403, 404, 422)},
    openapi_extra=idempotency.header(required=True),
)
def start_with_attachments(
    request: HttpRequest,
    body: Form[ThreadIn],
    attachments: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    """Start a thread with files (multipart/form-data; at most 5, each PDF, JPEG, PNG, TIFF or
    plain text). Send an `Idempotency-Key`: the same key and files again are the same thread."""
    return _start(request, body, attachments)


def _start(request: HttpRequest, body: ThreadIn, attachments: list[UploadedFile] | None) -> Any:
    key = _key(request)
    access = selectors.get_access_for_messages(
        request.user, public_id=body.patient, action="message.thread_starting"
    )
    pool = Pool.objects.filter(public_id=body.pool, is_active=True).first()
    if pool is None:
        raise ValidationError({"pool": [_("Please choose one of the teams listed.")]})
    thread = services.start_thread(
        request.user,
        access=access,
        pool=pool,
        subject=body.subject,
        body=body.body,
        files=_checked(attachments),
        idempotency_key=key,
    )
    thread = selectors.get_patient_thread(access, thread_id=thread.public_id)
    return Status(201, _detail(request, access, thread))


@router.get(
    "/threads/{thread_id}", auth=Signed(), response={200: ThreadDetailOut, **errors(401, 404)}
)
def thread(request: HttpRequest, thread_id: UUID) -> Any:
    """One thread and the messages meant for the patient."""
    access, found = _thread_access(request, thread_id, "message.thread_viewed")
    return Status(200, _detail(request, access, found))


@router.post(
    "/threads/{thread_id}/messages",
    auth=Signed(),
    response={201: MessageOut, **errors(400, 401, 403, 404, 422)},
    openapi_extra=idempotency.header(required=True),
)
def post_message(request: HttpRequest, thread_id: UUID, body: MessageIn) -> Any:
    """Add a message. The same `Idempotency-Key` again returns the same message, once."""
    return _post_message(request, thread_id, body, [])


@router.post(
    "/threads/{thread_id}/messages/with-attachments",
    auth=Signed(),
    response={201: MessageOut, **errors(400, 401, 403, 404, 422)},
    openapi_extra=idempotency.header(required=True),
)
def post_message_with_attachments(
    request: HttpRequest,
    thread_id: UUID,
    body: Form[MessageIn],
    attachments: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    """Add a message with files (multipart/form-data; at most 5). The same `Idempotency-Key`
    with the same text and files returns the same message, once; other files are 422."""
    return _post_message(request, thread_id, body, attachments)


def _post_message(
    request: HttpRequest, thread_id: UUID, body: MessageIn, attachments: list[UploadedFile] | None
) -> Any:
    key = _key(request)
    access, found = _thread_access(request, thread_id, "message.sending")
    message = services.post_patient_message(
        request.user,
        access=access,
        thread=found,
        body=body.body,
        files=_checked(attachments),
        idempotency_key=key,
    )
    message = (
        Message.objects.select_related("thread").prefetch_related("attachments").get(pk=message.pk)
    )
    return Status(201, _message_out(message, request.user, access.patient.public_id, set()))


@router.post(
    "/threads/{thread_id}/read", auth=Signed(), response={200: ReadOut, **errors(401, 404)}
)
def mark_read(request: HttpRequest, thread_id: UUID) -> Any:
    """Mark the thread's replies read for the signed-in reader."""
    _access, found = _thread_access(request, thread_id, "message.thread_read")
    return Status(200, {"marked": services.mark_read(request.user, thread=found)})
