"""The Patient Gateway as JSON under /api/v1/portal/.

GET records                 the records the signed-in person may open (own, then proxied)
GET records/{id}/home       what needs attention on one record: every home panel's items

Both are reads a page may poll: sent with `X-Session-Poll: 1` they never extend the session
(SECURITY R7). Not-yours and outside-the-grant are the same 404 problem as a missing record.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from ninja.security import SessionAuth

from medcenter.core.problems import errors
from medcenter.portal import selectors

router = Router(tags=["portal"])


class Signed(SessionAuth):
    """Any signed-in person; what they may see is decided per record."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if user.is_authenticated else None


class RecordOut(Schema):
    public_id: UUID
    name: str
    basis: str
    scopes: list[str]


class ItemOut(Schema):
    title: str
    url: str
    detail: str = ""
    count: int | None = None
    urgent: bool = False


class PanelOut(Schema):
    key: str
    label: str
    items: list[ItemOut]


class HomeOut(Schema):
    record: RecordOut
    panels: list[PanelOut]


def _record(access: Any) -> RecordOut:
    return RecordOut(
        public_id=access.patient.public_id,
        name=access.patient.display_name,
        basis=access.basis,
        scopes=sorted(access.scopes),
    )


@router.get("/records", auth=Signed(), response={200: list[RecordOut], **errors(401)})
def records(request: HttpRequest) -> Any:
    """The records the person may open, each named: their own first, then each proxied one."""
    return Status(200, [_record(a) for a in selectors.records_for(request.user)])


@router.get("/records/{public_id}/home", auth=Signed(), response={200: HomeOut, **errors(401, 404)})
def home(request: HttpRequest, public_id: UUID) -> Any:
    """One record's home: unread replies, new results, questionnaires due, open check-ins,
    next visits, as each installed app registers them (outside the grant: left out)."""
    page = selectors.record_home(request.user, public_id=public_id)
    return Status(
        200,
        HomeOut(
            record=_record(page.access),
            panels=[
                PanelOut(
                    key=view.panel.key,
                    label=str(view.panel.label),
                    items=[
                        ItemOut(
                            title=str(i.title),
                            url=i.url,
                            detail=str(i.detail),
                            count=i.count,
                            urgent=i.urgent,
                        )
                        for i in view.items
                    ],
                )
                for view in page.panels
            ],
        ),
    )
