"""The International Patient Center as JSON under /api/v1/international/.

POST inquiries        open a case (Idempotency-Key header required; throttled per connection)
GET  cases/{id}       one case: for the account that follows it, or international staff
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status
from ninja.security import SessionAuth

from medcenter.core import idempotency, problems
from medcenter.core.clientaddr import client_ip
from medcenter.core.problems import errors
from medcenter.international import selectors, services
from medcenter.international.models import Case, CaseStatus

router = Router(tags=["international"])


class Signed(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated else None


class InquiryIn(Schema):
    inquirer_role: str = Field(..., max_length=10)
    inquirer_name: str = Field(..., min_length=1, max_length=200)
    email: str = Field(..., max_length=254)
    phone: str = Field("", max_length=40)
    country: str = Field(..., min_length=2, max_length=2)
    language: str = Field(..., max_length=10)
    patient_name: str = Field(..., min_length=1, max_length=200)
    patient_birth_date: date
    condition_text: str = Field(..., min_length=1, max_length=300)
    service: str = Field(..., max_length=20)
    travel_from: date | None = None
    travel_until: date | None = None
    payer: str = Field(..., max_length=10)
    message: str = Field("", max_length=4000)
    home_physician_name: str = Field("", max_length=200)
    home_physician_email: str = Field("", max_length=254)


class CaseOut(Schema):
    id: UUID
    reference: str
    status: str
    status_label: str
    service: str
    country: str
    language: str
    received_at: datetime
    first_reply_due_at: datetime
    next_step: str
    documents: int
    letters: list[str]


def case_out(
    case: Case, *, next_step: str = "", documents: int = 0, letters: list[str] | None = None
) -> dict[str, Any]:
    return {
        "id": case.public_id,
        "reference": case.reference,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "service": case.service,
        "country": str(case.country),
        "language": case.language,
        "received_at": case.received_at,
        "first_reply_due_at": case.first_reply_due_at,
        "next_step": str(next_step),
        "documents": documents,
        "letters": letters or [],
    }


@router.post(
    "/inquiries",
    response={201: CaseOut, **errors(400, 409, 422, 429)},
    openapi_extra=idempotency.header(required=True),
)
def inquire(request: HttpRequest, body: InquiryIn) -> Any:
    """Open a case. Send an `Idempotency-Key`: the same request sent again is one case."""
    address = client_ip(request)

    def action() -> idempotency.Answer:
        data = body.dict()
        data["country"] = data["country"].upper()
        case = services.submit_inquiry(data=data, account=request.user, client_ip=address)
        return idempotency.Answer(201, _jsonable(case_out(case)))

    owner = str(request.user.pk) if request.user.is_authenticated else f"ip:{address}"
    return problems.once(
        request,
        scope="international.inquiry",
        payload=body.dict(),
        action=action,
        required=True,
        owner=owner,
    )


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (
            v.isoformat()
            if isinstance(v, date | datetime)
            else str(v)
            if isinstance(v, UUID)
            else v
        )
        for k, v in data.items()
    }


@router.get("/cases/{case_id}", auth=Signed(), response={200: CaseOut, **errors(401, 403, 404)})
def read(request: HttpRequest, case_id: UUID) -> Any:
    """A case: for the account that follows it (or its patient), or international staff."""
    user = request.user
    if user.is_staff:
        case = selectors.get_case_for_staff(user, public_id=case_id)
        found = selectors.case_file(case)
        next_step = selectors.NEXT_STEPS.get(CaseStatus(case.status), "")
    else:
        found = selectors.get_case_for_follower(user, public_id=case_id)
        next_step = found.next_step
    return Status(
        200,
        case_out(
            found.case,
            next_step=str(next_step),
            documents=len(found.documents),
            letters=[letter.number for letter in found.letters],
        ),
    )
