"""Events as JSON under /api/v1/events/.

GET  /                                upcoming sessions (program, audience, language, virtual,
                                      start, end: the listing's filters)
GET  /{session_id}                    one session with its seats left
POST /{session_id}/registrations      register (Idempotency-Key header required); 201 with
                                      the status: registered or waitlisted

Registration here is anonymous by design: it never attaches the caller's session user, so a
cross-site request cannot register someone's account (the page form does that, with CSRF).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from medcenter.core import idempotency, problems
from medcenter.core.clientaddr import client_ip
from medcenter.core.problems import errors
from medcenter.core.throttle import AnonRateThrottle, AuthRateThrottle
from medcenter.events import selectors, services
from medcenter.events.forms import EventFilterForm
from medcenter.events.models import EventSession

router = Router(tags=["events"])


class FiltersIn(Schema):
    program: str | None = Field(None, max_length=50, description="a program's slug")
    kind: str | None = Field(None, max_length=20, description="support_group, workshop, wellness")
    audience: str | None = Field(None, max_length=20)
    language: str | None = Field(None, max_length=10)
    virtual: str | None = Field(None, description="yes: online only; no: in person only")
    start: str | None = Field(None, description="YYYY-MM-DD")
    end: str | None = Field(None, description="YYYY-MM-DD")


class SessionOut(Schema):
    id: UUID
    series: str
    title: str
    kind: str
    audience: str
    language: str
    program: str | None
    virtual: bool
    location: str | None
    start: datetime
    end: datetime
    time_zone: str
    capacity: int
    seats_left: int
    status: str
    url: str


class SessionsOut(Schema):
    sessions: list[SessionOut]


class RegisterIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    email: str = Field(..., min_length=3, max_length=254)
    phone: str = Field("", max_length=40)
    language: str = Field("en", max_length=10)


class RegistrationOut(Schema):
    id: UUID
    status: str
    session: UUID


def session_out(session: EventSession) -> dict[str, Any]:
    series = session.series
    return {
        "id": session.public_id,
        "series": series.slug,
        "title": series.localized("title"),
        "kind": series.kind,
        "audience": series.audience,
        "language": series.language,
        "program": series.program.slug if series.program else None,
        "virtual": series.is_virtual,
        "location": series.location.slug if series.location else None,
        "start": session.local_start,
        "end": session.local_end,
        "time_zone": series.time_zone,
        "capacity": session.capacity,
        "seats_left": selectors.seats_left(session),
        "status": session.status,
        "url": series.get_absolute_url(),
    }


@router.get("/", response={200: SessionsOut, **errors(400)}, auth=None, summary="Upcoming sessions")
def list_sessions(request: HttpRequest, filters: Query[FiltersIn]) -> Any:
    data = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    form = EventFilterForm(data or None)
    if form.is_bound and not form.is_valid():
        raise ValidationError(
            {
                name: ValidationError(next(iter(messages)), code="invalid")
                for name, messages in form.errors.items()
            }
        )
    return Status(
        200, {"sessions": [session_out(s) for s in selectors.find_sessions(form.filters())]}
    )


def _session(session_id: UUID) -> EventSession:
    found = (
        selectors.with_seats(
            EventSession.objects.listed().select_related("series__location", "series__program")
        )
        .filter(public_id=session_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


@router.get(
    "/{session_id}", response={200: SessionOut, **errors(404)}, auth=None, summary="One session"
)
def read_session(request: HttpRequest, session_id: UUID) -> Any:
    return Status(200, session_out(_session(session_id)))


@router.post(
    "/{session_id}/registrations",
    auth=None,
    response={201: RegistrationOut, **errors(400, 404, 422, 429)},
    openapi_extra=idempotency.header(required=True),
    throttle=[AnonRateThrottle("120/m"), AuthRateThrottle("240/m")],
    summary="Register for a session",
)
def register(request: HttpRequest, session_id: UUID, body: RegisterIn) -> Any:
    """Register, or join the waitlist when the session is full. Send an `Idempotency-Key`;
    a repeat with it returns the first answer."""
    key = request.headers.get("Idempotency-Key")
    if key is None or not idempotency.valid_key(key):
        message = _("Send an Idempotency-Key header (at most 200 printable characters).")
        raise ValidationError(
            {"Idempotency-Key": ValidationError(message, code="idempotency_key_missing")}
        )
    address = client_ip(request)

    def action() -> idempotency.Answer:
        try:
            session = _session(session_id)
            made = services.register_for_session(
                session=session,
                name=body.name,
                email=body.email,
                phone=body.phone,
                language=body.language,
                client_ip=address,
            )
            return idempotency.Answer(
                201,
                {
                    "id": str(made.public_id),
                    "status": made.status,
                    "session": str(session.public_id),
                },
            )
        except problems.HANDLED as refusal:
            found = problems.answer_for(refusal)
            if found is None:  # pragma: no cover
                raise
            return idempotency.Answer(found.status, found.body)

    _check_email(body.email)
    answer = idempotency.run_once(
        scope="events.register",
        owner=f"ip:{address}",
        key=key,
        payload=[str(session_id), body.dict()],
        action=action,
    )
    if answer.status >= 400:
        return problems.response(problems.Answer(answer.status, answer.body))
    return Status(answer.status, answer.body)


def _check_email(value: str) -> None:
    from django.core.validators import validate_email

    try:
        validate_email(value)
    except ValidationError as error:
        raise ValidationError(
            {"email": ValidationError(_("Enter a valid email address."), code="invalid")}
        ) from error
