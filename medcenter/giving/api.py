"""Give Now's JSON API (/api/v1/giving/): funds, campaign progress, starting a gift (with an
Idempotency-Key; answers the checkout URL), and the gateways' webhooks."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from medcenter.core import idempotency, problems
from medcenter.core.clientaddr import client_ip
from medcenter.core.problems import errors
from medcenter.giving import selectors, services, webhooks
from medcenter.giving.gateways import SignatureError
from medcenter.giving.money import format_money

router = Router(tags=["giving"])


class FundOut(Schema):
    slug: str
    kind: str
    name: str
    description: str


class CampaignOut(Schema):
    slug: str
    title: str
    fund: str
    currency: str
    goal_minor: int
    raised_minor: int = Field(..., description="Received, net of refunds, in minor units")
    percent: int
    gifts: int
    raised: str = Field(..., description="The raised amount, formatted in the request's language")
    starts_on: str
    ends_on: str


class TributeIn(Schema):
    kind: str = Field(..., pattern="^(honor|memory)$")
    honoree_name: str = Field(..., max_length=200)
    delivery: str = Field("none", pattern="^(none|ecard|letter)$")
    recipient_name: str = Field("", max_length=200)
    recipient_email: str = Field("", max_length=254)
    recipient_address: str = Field("", max_length=300)
    recipient_language: str = Field("en", max_length=10)
    message: str = Field("", max_length=1000)
    show_amount: bool = False


class GiftIn(Schema):
    fund: str = Field(..., max_length=50)
    amount_minor: int = Field(..., ge=1, le=10**12, description="Minor units (cents)")
    currency: str = Field("USD", pattern="^[A-Z]{3}$")
    frequency: str = Field("one_time", pattern="^(one_time|monthly)$")
    name: str = Field(..., min_length=1, max_length=200)
    email: str = Field(..., max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    cover_fee: bool = False
    campaign: str = Field("", max_length=50)
    anonymous: bool = False
    employer: str = Field("", max_length=200)
    tribute: TributeIn | None = None


class GiftOut(Schema):
    gift: str
    checkout_url: str
    amount_minor: int
    fee_minor: int
    currency: str


class WebhookOut(Schema):
    received: bool
    outcome: str


@router.get("/funds", response=list[FundOut])
def funds(request: HttpRequest) -> Any:
    """The funds a gift can go to, named in the request's language."""
    language = get_language() or "en"
    return [
        {
            "slug": f.slug,
            "kind": f.kind,
            "name": f.text("name", language),
            "description": f.text("description", language),
        }
        for f in selectors.active_funds()
    ]


@router.get("/campaigns/{slug}", response={200: CampaignOut, **errors(404)})
def campaign(request: HttpRequest, slug: str) -> Any:
    """A campaign's progress toward its goal, net of refunds."""
    found = selectors.get_campaign(slug=slug[:50])
    progress = selectors.campaign_progress(found)
    language = get_language() or "en"
    return Status(
        200,
        {
            "slug": found.slug,
            "title": found.text("title", language),
            "fund": found.fund.slug,
            "currency": found.currency,
            "goal_minor": found.goal_minor,
            "raised_minor": progress.raised_minor,
            "percent": progress.percent,
            "gifts": progress.gifts,
            "raised": format_money(progress.raised_minor, found.currency),
            "starts_on": found.starts_on.isoformat(),
            "ends_on": found.ends_on.isoformat(),
        },
    )


@router.post(
    "/gifts",
    response={201: GiftOut, **errors(400, 409, 422, 429)},
    openapi_extra=idempotency.header(required=True),
)
def start_gift(request: HttpRequest, body: GiftIn) -> Any:
    """Start a gift: answers the gateway's checkout URL. A repeat with the same
    Idempotency-Key answers the first response; the same key with another body is a 422."""
    key = request.headers.get("Idempotency-Key")
    if key is None or not idempotency.valid_key(key):
        message = _("Send an Idempotency-Key header (at most 200 printable characters).")
        raise ValidationError(
            {"Idempotency-Key": ValidationError(message, code="idempotency_key_missing")}
        )
    tribute = services.TributeRequest(**body.tribute.dict()) if body.tribute else None
    gift_request = services.GiftRequest(
        **{k: v for k, v in body.dict().items() if k != "tribute"},
        language=get_language() or "en",
        tribute=tribute,
    )
    address = client_ip(request)

    def action() -> idempotency.Answer:
        try:
            gift, url = services.start_gift(wanted=gift_request, client_ip=address)
        except problems.HANDLED as refusal:
            found = problems.answer_for(refusal)
            if found is None:  # pragma: no cover
                raise
            return idempotency.Answer(found.status, found.body)
        return idempotency.Answer(
            201,
            {
                "gift": str(gift.public_id),
                "checkout_url": url,
                "amount_minor": gift.amount_minor,
                "fee_minor": gift.fee_minor,
                "currency": gift.currency,
            },
        )

    answer = idempotency.run_once(
        scope="giving.gift", owner=f"ip:{address}", key=key, payload=body.dict(), action=action
    )
    if answer.status >= 400:
        response = problems.response(problems.Answer(answer.status, answer.body))
        if answer.status == 429:
            response["Retry-After"] = "3600"
        return response
    return Status(answer.status, answer.body)


@router.post(
    "/webhooks/{provider}",
    response={200: WebhookOut, **errors(400, 404, 413)},
    auth=None,
)
def webhook(request: HttpRequest, provider: str) -> Any:
    """A gateway's event, signed (`Stripe-Signature`); verified on the raw body, applied once."""
    if len(request.body) > webhooks.MAX_BYTES:
        return problems.response(
            problems.Answer(
                413, problems.body(413, detail=_("This request is too large."), code="too_large")
            )
        )
    try:
        outcome = webhooks.receive(
            provider=provider[:20],
            payload=request.body,
            signature=request.headers.get("Stripe-Signature", ""),
        )
    except LookupError:
        return _not_found()
    except SignatureError:
        raise ValidationError(
            _("The event's signature is missing, wrong or too old."), code="signature_invalid"
        ) from None
    return Status(200, {"received": True, "outcome": outcome})


def _not_found() -> HttpResponse:
    return problems.response(
        problems.Answer(404, problems.body(404, detail=_("Not found."), code="not_found"))
    )
