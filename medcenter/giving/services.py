"""Writes for Give Now: starting a gift, applying what the gateway reports, refunds, plans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from medcenter.core import audit, outbox
from medcenter.core.throttle import check_hourly
from medcenter.giving import receipts, tallies, tokens
from medcenter.giving.gateways import CheckoutStart, Event, GatewayError, get_gateway
from medcenter.giving.models import (
    STATUS_RANK,
    Campaign,
    CaregiverNote,
    Donor,
    Frequency,
    Fund,
    Gift,
    GiftStatus,
    MatchingGift,
    MatchStatus,
    MonthlyPlan,
    NoteStatus,
    PlanStatus,
    Receipt,
    ReceiptStatus,
    Tribute,
    TributeDelivery,
)
from medcenter.giving.money import check_limits, fee_for

RECEIPT_KIND = "giving.receipt"
ECARD_KIND = "giving.ecard"
DONOR_LINK_KIND = "giving.donor_link"
ANNUAL_KIND = "giving.annual_summary"


@dataclass(frozen=True)
class TributeRequest:
    kind: str  # honor | memory
    honoree_name: str
    delivery: str = TributeDelivery.NONE
    recipient_name: str = ""
    recipient_email: str = ""
    recipient_address: str = ""
    recipient_language: str = "en"
    message: str = ""
    show_amount: bool = False


@dataclass(frozen=True)
class GiftRequest:
    """What a donor asks for, from the form or the API; amounts in minor units."""

    fund: str  # slug
    amount_minor: int
    currency: str
    frequency: str
    name: str
    email: str
    language: str
    cover_fee: bool = False
    campaign: str = ""
    anonymous: bool = False
    employer: str = ""
    address: str = ""
    tribute: TributeRequest | None = None


def covered_fee(amount_minor: int) -> int:
    """The gateway's fee on `amount_minor` (the configured rate), for the cover-the-fee box."""
    return fee_for(
        amount_minor,
        percent_bp=int(settings.GIVING_FEE_PERCENT_BP),
        fixed=int(settings.GIVING_FEE_FIXED_MINOR),
    )


def _absolute(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


@transaction.atomic
def _create_gift(*, wanted: GiftRequest, client_ip: str | None) -> Gift:
    check_hourly(
        Gift.objects.filter(client_ip=client_ip) if client_ip else Gift.objects.none(),
        at="created_at",
        limit=int(settings.GIVING_GIFTS_PER_HOUR),
        message=_(
            "We have received many gifts from this connection in the last hour. "
            "Please try again later, or call us to give by phone."
        ),
    )
    errors: dict[str, list[str]] = {}
    fund = Fund.objects.filter(slug=wanted.fund, is_active=True).first()
    if fund is None:
        errors["fund"] = [_("Choose where your gift goes.")]
    campaign = None
    if wanted.campaign:
        campaign = Campaign.objects.filter(slug=wanted.campaign, is_published=True).first()
        if campaign is None or campaign.ends_on < timezone.localdate():
            errors["campaign"] = [_("This campaign has ended. Your gift can still help.")]
        elif fund is not None and campaign.fund_id != fund.pk:
            fund = campaign.fund
    try:
        check_limits(wanted.amount_minor, wanted.currency)
    except ValidationError as error:
        errors["amount"] = error.messages
    if wanted.frequency not in Frequency.values:
        errors["frequency"] = [_("Choose one time or monthly.")]
    tribute = wanted.tribute
    if tribute is not None:
        if not tribute.honoree_name.strip():
            errors["honoree_name"] = [_("Tell us whom this gift honors.")]
        if tribute.delivery == TributeDelivery.ECARD and not tribute.recipient_email:
            errors["recipient_email"] = [_("Give the email address the card goes to.")]
        if tribute.delivery == TributeDelivery.LETTER and not tribute.recipient_address:
            errors["recipient_address"] = [_("Give the address the letter goes to.")]
    if errors:
        raise ValidationError(errors)
    assert fund is not None  # noqa: S101 - errors above otherwise
    email = wanted.email.strip().lower()
    donor, _created = Donor.objects.get_or_create(
        email=email, defaults={"name": wanted.name, "language": wanted.language}
    )
    Donor.objects.filter(pk=donor.pk).update(
        name=wanted.name, language=wanted.language, address=wanted.address or donor.address
    )
    donor.refresh_from_db()
    fee = covered_fee(wanted.amount_minor) if wanted.cover_fee else 0
    name = get_gateway().name
    plan = None
    if wanted.frequency == Frequency.MONTHLY:
        plan = MonthlyPlan.objects.create(
            donor=donor,
            fund=fund,
            amount_minor=wanted.amount_minor,
            fee_minor=fee,
            currency=wanted.currency,
            provider=name,
            anonymous=wanted.anonymous,
        )
    gift = Gift.objects.create(
        donor=donor,
        fund=fund,
        campaign=campaign,
        plan=plan,
        frequency=wanted.frequency,
        amount_minor=wanted.amount_minor,
        fee_minor=fee,
        currency=wanted.currency,
        provider=name,
        anonymous=wanted.anonymous,
        employer=wanted.employer,
        language=wanted.language,
        client_ip=client_ip,
    )
    tallies.record(gift=gift, before=None)
    if tribute is not None:
        Tribute.objects.create(
            gift=gift,
            kind=tribute.kind,
            honoree_name=tribute.honoree_name.strip(),
            delivery=tribute.delivery,
            recipient_name=tribute.recipient_name,
            recipient_email=tribute.recipient_email,
            recipient_address=tribute.recipient_address,
            recipient_language=tribute.recipient_language,
            message=tribute.message,
            show_amount=tribute.show_amount,
        )
    return gift


def start_gift(*, wanted: GiftRequest, client_ip: str | None = None) -> tuple[Gift, str]:
    """Record a pending gift and open the gateway's checkout; returns the gift and its URL.

    Raises ValidationError (per field), Throttled, or ValidationError when the gateway is down.
    """
    gift = _create_gift(wanted=wanted, client_ip=client_ip)
    token = tokens.gift_token(gift.public_id)
    success = _absolute(reverse("giving:thanks", kwargs={"token": token}))
    cancel = _absolute(reverse("giving:give") + f"?cancelled={token}")
    try:
        with transaction.atomic():
            start: CheckoutStart = get_gateway(gift.provider).checkout(
                gift=gift, plan=gift.plan, success_url=success, cancel_url=cancel
            )
            Gift.objects.filter(pk=gift.pk).update(checkout_ref=start.ref)
    except GatewayError:
        raise ValidationError(
            _("We could not reach our payment provider. Nothing was charged; please try again.")
        ) from None
    gift.checkout_ref = start.ref
    return gift, start.url


# --- What the gateway reports ------------------------------------------------------------------


def _advance(gift: Gift, status: str) -> bool:
    """Move `gift` to `status` if that is forward; never backwards."""
    if STATUS_RANK[GiftStatus(status)] <= STATUS_RANK[GiftStatus(gift.status)]:
        return False
    gift.status = status
    return True


def _queue_receipt(gift: Gift, receipt: Receipt) -> None:
    outbox.enqueue(
        kind=RECEIPT_KIND,
        to=gift.donor.email,
        dedupe_key=f"{RECEIPT_KIND}:{receipt.number}",
        language=gift.language,
        context={"receipt": str(receipt.public_id)},
        reference=f"gift:{gift.public_id}",
    )


def _queue_ecard(gift: Gift) -> None:
    try:
        tribute = gift.tribute  # loaded with the gift on the webhook path
    except Tribute.DoesNotExist:
        return
    if tribute.delivery != TributeDelivery.ECARD:
        return
    outbox.enqueue(
        kind=ECARD_KIND,
        to=tribute.recipient_email,
        dedupe_key=f"{ECARD_KIND}:{tribute.public_id}",
        language=tribute.recipient_language,
        context={"tribute": str(tribute.public_id)},
        reference=f"gift:{gift.public_id}",
    )


def mark_paid(
    *,
    gift: Gift,
    at: datetime,
    payment_ref: str,
    subscription_ref: str = "",
    counted: bool = True,
) -> bool:
    """Record the payment of a locked `gift`: receipt, email, e-card, the plan started.
    `counted` is False for a gift created in this transaction and not in the tallies yet."""
    if gift.status not in (GiftStatus.PENDING, GiftStatus.FAILED, GiftStatus.CANCELLED):
        return False
    before = tallies.snapshot(gift) if counted else None
    gift.status = GiftStatus.PAID
    gift.paid_at = at
    gift.payment_ref = gift.payment_ref or payment_ref
    gift.save(update_fields=["status", "paid_at", "payment_ref", "updated_at"])
    if gift.plan_id:
        MonthlyPlan.objects.filter(pk=gift.plan_id, status=PlanStatus.PENDING).update(
            status=PlanStatus.ACTIVE
        )
        if subscription_ref:
            MonthlyPlan.objects.filter(pk=gift.plan_id, subscription_ref="").update(
                subscription_ref=subscription_ref
            )
    receipt = receipts.issue_receipt(gift=gift)
    if receipt is not None:
        _queue_receipt(gift, receipt)
    _queue_ecard(gift)
    tallies.record(gift=gift, before=before)  # after the receipt counter (see tallies.py)
    return True


def apply_refund(*, gift: Gift, refunded_total: int) -> bool:
    """Record that `refunded_total` (cumulative) of a locked, paid `gift` has been refunded."""
    refunded_total = min(refunded_total, gift.total_minor)
    if refunded_total <= gift.refunded_minor:
        return False  # an older or repeated report
    before = tallies.snapshot(gift)
    gift.refunded_minor = refunded_total
    full = refunded_total >= gift.total_minor
    _advance(gift, GiftStatus.REFUNDED if full else GiftStatus.PARTIALLY_REFUNDED)
    gift.save(update_fields=["refunded_minor", "status", "updated_at"])
    receipt = receipts.reissue_after_refund(gift=gift)
    if receipt is not None:
        _queue_receipt(gift, receipt)
    tallies.record(gift=gift, before=before)  # after the receipt counter (see tallies.py)
    return True


def _gift_for(event: Event) -> Gift | None:
    # The donor (receipt email) and tribute (e-card) come in the same query; only the gift's
    # row is locked, so events for one donor's other gifts do not wait on each other.
    found = Gift.objects.select_for_update(of=("self",)).select_related("donor", "tribute")
    if event.gift:
        gift = found.filter(public_id=event.gift).first() if _is_uuid(event.gift) else None
        if gift is not None:
            return gift
    if event.checkout_ref:
        gift = found.filter(checkout_ref=event.checkout_ref).first()
        if gift is not None:
            return gift
    if event.payment_ref:
        return found.filter(payment_ref=event.payment_ref).first()
    return None


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _plan_for(event: Event) -> MonthlyPlan | None:
    found = MonthlyPlan.objects.select_for_update()
    if event.plan and _is_uuid(event.plan):
        plan = found.filter(public_id=event.plan).first()
        if plan is not None:
            return plan
    if event.subscription_ref:
        return found.filter(subscription_ref=event.subscription_ref).first()
    return None


def _installment(event: Event, at: datetime) -> str:
    plan = _plan_for(event)
    if plan is None:
        return "unknown_plan"
    if Gift.objects.filter(provider=plan.provider, payment_ref=event.payment_ref).exists():
        return "duplicate"
    total = event.amount_minor or plan.total_minor
    fee = plan.fee_minor if total == plan.total_minor else 0
    gift = Gift.objects.create(
        donor=plan.donor,
        fund=plan.fund,
        plan=plan,
        frequency=Frequency.MONTHLY,
        amount_minor=total - fee,
        fee_minor=fee,
        currency=plan.currency,
        provider=plan.provider,
        anonymous=plan.anonymous,
        language=plan.donor.language,
    )
    mark_paid(gift=gift, at=at, payment_ref=event.payment_ref, counted=False)
    return "installment"


def apply_event(*, event: Event) -> str:
    """Apply one verified event to our records (in the caller's transaction); the outcome."""
    at = datetime.fromtimestamp(event.created, tz=UTC) if event.created else timezone.now()
    if event.kind == "installment":
        return _installment(event, at)
    if event.kind == "plan_ended":
        plan = _plan_for(event)
        if plan is None:
            return "unknown_plan"
        MonthlyPlan.objects.filter(pk=plan.pk).exclude(status=PlanStatus.CANCELLED).update(
            status=PlanStatus.CANCELLED, cancelled_at=at
        )
        return "plan_cancelled"
    if event.kind not in ("paid", "failed", "expired", "refunded"):
        return "ignored"
    gift = _gift_for(event)
    if gift is None:
        return "unknown_gift"
    if event.kind == "paid":
        return (
            "paid"
            if mark_paid(
                gift=gift,
                at=at,
                payment_ref=event.payment_ref,
                subscription_ref=event.subscription_ref,
            )
            else "stale"
        )
    if event.kind in ("failed", "expired"):
        status = GiftStatus.FAILED if event.kind == "failed" else GiftStatus.CANCELLED
        before = tallies.snapshot(gift)
        if _advance(gift, status):
            gift.save(update_fields=["status", "updated_at"])
            tallies.record(gift=gift, before=before)
            return event.kind
        return "stale"
    # A refund implies the payment, even when its report has not arrived yet.
    mark_paid(gift=gift, at=at, payment_ref=event.payment_ref)
    return "refunded" if apply_refund(gift=gift, refunded_total=event.refunded_minor) else "stale"


# --- Back office --------------------------------------------------------------------------------


def refund_gift(*, gift: Gift, amount_minor: int, reason: str, actor: Any) -> Gift:
    """Refund part or all of a paid gift through its gateway; audited with the reason."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the gift is refunded.")]})
    if gift.status not in (GiftStatus.PAID, GiftStatus.PARTIALLY_REFUNDED):
        raise ValidationError(_("Only a paid gift can be refunded."))
    if not 0 < amount_minor <= gift.net_minor:
        raise ValidationError({"amount": [_("Refund more than nothing and at most what is left.")]})
    key = f"refund-{gift.public_id}-{gift.refunded_minor}-{amount_minor}"
    with transaction.atomic():
        locked = (
            Gift.objects.select_for_update(of=("self",))
            .select_related("donor", "fund")
            .get(pk=gift.pk)
        )
        try:
            get_gateway(locked.provider).refund(
                gift=locked, amount_minor=amount_minor, idempotency_key=key
            )
        except GatewayError:
            raise ValidationError(_("The payment provider refused the refund.")) from None
        apply_refund(gift=locked, refunded_total=locked.refunded_minor + amount_minor)
        audit.record(action="gift.refunded", actor=actor, target=locked, reason=reason[:500])
    return locked


# --- Monthly plans (the donor page) ---------------------------------------------------------


def _plan_key(plan: MonthlyPlan, what: str) -> str:
    return f"plan-{plan.public_id}-{what}"


def change_plan_amount(*, plan: MonthlyPlan, amount_minor: int) -> MonthlyPlan:
    """Change the monthly amount from the next installment."""
    check_limits(amount_minor, plan.currency)
    if plan.status == PlanStatus.CANCELLED:
        raise ValidationError(_("This monthly gift has been cancelled."))
    fee = covered_fee(amount_minor) if plan.fee_minor else 0
    try:
        get_gateway(plan.provider).change_plan(
            plan=plan,
            amount_minor=amount_minor + fee,
            idempotency_key=_plan_key(plan, f"amount-{amount_minor}"),
        )
    except GatewayError:
        raise ValidationError(
            _("We could not change your gift just now. Please try again.")
        ) from None
    MonthlyPlan.objects.filter(pk=plan.pk).update(amount_minor=amount_minor, fee_minor=fee)
    plan.refresh_from_db()
    return plan


def pause_plan(*, plan: MonthlyPlan, until: date) -> MonthlyPlan:
    """Skip installments until `until` (at most a year ahead)."""
    today = timezone.localdate()
    if not today < until <= today + timedelta(days=366):
        raise ValidationError({"until": [_("Choose a date within the next twelve months.")]})
    if plan.status == PlanStatus.CANCELLED:
        raise ValidationError(_("This monthly gift has been cancelled."))
    try:
        get_gateway(plan.provider).pause_plan(
            plan=plan, until=until, idempotency_key=_plan_key(plan, f"pause-{until}")
        )
    except GatewayError:
        raise ValidationError(
            _("We could not change your gift just now. Please try again.")
        ) from None
    MonthlyPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.PAUSED, paused_until=until)
    plan.refresh_from_db()
    return plan


def resume_plan(*, plan: MonthlyPlan) -> MonthlyPlan:
    """Resume a paused plan from its next month."""
    if plan.status != PlanStatus.PAUSED:
        return plan
    try:
        get_gateway(plan.provider).resume_plan(
            plan=plan, idempotency_key=_plan_key(plan, f"resume-{plan.paused_until}")
        )
    except GatewayError:
        raise ValidationError(
            _("We could not change your gift just now. Please try again.")
        ) from None
    MonthlyPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.ACTIVE, paused_until=None)
    plan.refresh_from_db()
    return plan


def cancel_plan(*, plan: MonthlyPlan) -> MonthlyPlan:
    """End a monthly gift; installments already made stay receipted."""
    if plan.status == PlanStatus.CANCELLED:
        return plan
    try:
        get_gateway(plan.provider).cancel_plan(plan=plan, idempotency_key=_plan_key(plan, "cancel"))
    except GatewayError:
        raise ValidationError(
            _("We could not change your gift just now. Please try again.")
        ) from None
    MonthlyPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.CANCELLED, cancelled_at=timezone.now()
    )
    plan.refresh_from_db()
    return plan


@transaction.atomic
def request_donor_link(*, email: str, language: str) -> None:
    """Email a signed link to the donor page if `email` gave; say nothing either way."""
    donor = Donor.objects.filter(email=email.strip().lower()).first()
    if donor is None:
        return
    hour = timezone.now().strftime("%Y%m%d%H")
    outbox.enqueue(
        kind=DONOR_LINK_KIND,
        to=donor.email,
        # At most one link an hour, so the form cannot be used to flood an inbox.
        dedupe_key=f"{DONOR_LINK_KIND}:{donor.public_id}:{hour}",
        language=language,
        context={"token": tokens.donor_token(donor.public_id)},
    )


@transaction.atomic
def send_annual_summaries(*, year: int) -> int:
    """Queue each donor's summary of the gifts received in `year`; returns how many."""
    donors = Donor.objects.filter(
        gifts__status__in=[GiftStatus.PAID, GiftStatus.PARTIALLY_REFUNDED],
        gifts__paid_at__year=year,
    ).distinct()
    batch: list[outbox.Notification] = []
    for donor in donors.iterator():
        outbox.enqueue(
            kind=ANNUAL_KIND,
            to=donor.email,
            dedupe_key=f"{ANNUAL_KIND}:{year}:{donor.public_id}",
            language=donor.language,
            context={"donor": str(donor.public_id), "year": year},
            batch=batch,
        )
    outbox.trigger_after_commit(batch)
    return len(batch)


def valid_receipt(gift: Gift) -> Receipt | None:
    return Receipt.objects.filter(gift=gift, status=ReceiptStatus.VALID).first()


# --- Thank a caregiver -----------------------------------------------------------------------


@transaction.atomic
def submit_caregiver_note(
    *,
    clinician_slug: str,
    writer_name: str,
    writer_email: str,
    message: str,
    allow_sharing: bool,
    client_ip: str | None,
) -> CaregiverNote:
    """Keep a thank-you note for a giving officer to screen before it is passed on."""
    from medcenter.directory.models import Clinician

    check_hourly(
        CaregiverNote.objects.filter(client_ip=client_ip)
        if client_ip
        else CaregiverNote.objects.none(),
        at="created_at",
        limit=int(settings.GIVING_GIFTS_PER_HOUR),
        message=_("We have received many notes from this connection. Please try again later."),
    )
    clinician = Clinician.objects.filter(slug=clinician_slug, is_active=True).first()
    if clinician is None:
        raise ValidationError({"clinician": [_("Choose whom you would like to thank.")]})
    return CaregiverNote.objects.create(
        writer_name=writer_name,
        writer_email=writer_email.strip().lower(),
        clinician=clinician,
        message=message,
        allow_sharing=allow_sharing,
        client_ip=client_ip,
    )


@transaction.atomic
def screen_note(*, note: CaregiverNote, approve: bool, actor: Any) -> CaregiverNote:
    """A giving officer passes a note on to the clinician, or keeps it back; audited."""
    note = CaregiverNote.objects.select_for_update().get(pk=note.pk)
    if note.status != NoteStatus.SUBMITTED:
        raise ValidationError(_("This note has already been screened."))
    note.status = NoteStatus.APPROVED if approve else NoteStatus.DECLINED
    note.screened_by = actor
    note.screened_at = timezone.now()
    note.save(update_fields=["status", "screened_by", "screened_at", "updated_at"])
    audit.record(action=f"caregiver_note.{note.status}", actor=actor, target=note)
    return note


# --- Back office: funds, campaigns, matching gifts ------------------------------------------

# "new" names the create pages (staff/giving/funds/new/), so no fund or campaign may take it.
RESERVED_SLUGS = frozenset({"new"})
# Employers match up to 3:1 (the most generous programs); more is a typing mistake.
MATCH_RATIO_LIMIT = 3


@dataclass(frozen=True)
class FundInput:
    slug: str
    kind: str
    name: str
    description: str = ""
    order: int = 0
    is_active: bool = True
    program: str = ""  # a directory program's slug, for a program fund


@dataclass(frozen=True)
class CampaignInput:
    slug: str
    fund: str  # slug
    title: str
    story: str
    goal_minor: int
    currency: str
    starts_on: date
    ends_on: date
    is_published: bool = True


def _forget_pages(paths: list[str]) -> None:
    """Drop the cached public pages at these (named) URLs in every language, after commit."""
    from django.utils import translation

    from medcenter.core.caching import forget_public_pages

    wanted: list[tuple[str, str]] = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            language = translation.get_language()
            wanted += [(language, reverse(name, kwargs=kwargs)) for name, kwargs in _pages(paths)]
    transaction.on_commit(lambda: forget_public_pages(wanted))


def _pages(paths: list[str]) -> list[tuple[str, dict[str, str]]]:
    pages: list[tuple[str, dict[str, str]]] = [("giving:give", {})]
    for path in paths:
        kind, slug = path.split(":", 1)
        pages.append((f"giving:{kind}", {kind: slug}))
    return pages


def _slug_errors(model: type[Fund] | type[Campaign], slug: str, pk: int | None) -> list[str]:
    if slug in RESERVED_SLUGS:
        return [_("Choose another web address; this one is reserved.")]
    others = model.objects.filter(slug=slug)
    if pk is not None:
        others = others.exclude(pk=pk)
    if others.exists():
        return [_("Another one already uses this web address.")]
    return []


@transaction.atomic
def save_fund(*, fund: Fund | None, data: FundInput, actor: Any) -> Fund:
    """Create a fund (`fund` None) or change one; audited, its public pages refreshed."""
    from medcenter.directory.models import Program
    from medcenter.giving.models import FundKind

    errors: dict[str, list[str]] = {}
    if slug_errors := _slug_errors(Fund, data.slug, fund.pk if fund else None):
        errors["slug"] = slug_errors
    if data.kind not in FundKind.values:
        errors["kind"] = [_("Choose what kind of fund this is.")]
    if not data.name.strip():
        errors["name"] = [_("Give the fund a name.")]
    program = None
    if data.program:
        program = Program.objects.filter(slug=data.program).first()
        if program is None:
            errors["program"] = [_("Choose a program from the list.")]
    if data.kind == FundKind.PROGRAM and program is None and "program" not in errors:
        errors["program"] = [_("A program fund names its program.")]
    if errors:
        raise ValidationError(errors)
    target = Fund.objects.select_for_update().get(pk=fund.pk) if fund else Fund()
    old_slug = target.slug
    target.slug = data.slug
    target.kind = data.kind
    target.name = data.name.strip()
    target.description = data.description.strip()
    target.order = data.order
    target.is_active = data.is_active
    target.program = program
    target.save()
    audit.record(action="fund.changed" if fund else "fund.created", actor=actor, target=target)
    _forget_pages([f"fund:{slug}" for slug in {old_slug, target.slug} if slug])
    return target


@transaction.atomic
def save_campaign(*, campaign: Campaign | None, data: CampaignInput, actor: Any) -> Campaign:
    """Create a campaign (`campaign` None) or change one; audited, its pages refreshed."""
    from medcenter.giving.money import CURRENCIES

    errors: dict[str, list[str]] = {}
    if slug_errors := _slug_errors(Campaign, data.slug, campaign.pk if campaign else None):
        errors["slug"] = slug_errors
    fund = Fund.objects.filter(slug=data.fund).first()
    if fund is None:
        errors["fund"] = [_("Choose the fund this campaign raises money for.")]
    if not data.title.strip():
        errors["title"] = [_("Give the campaign a title.")]
    if not data.story.strip():
        errors["story"] = [_("Tell the campaign's story.")]
    if data.currency not in CURRENCIES:
        errors["currency"] = [_("We cannot take gifts in this currency.")]
    elif (
        campaign is not None
        and data.currency != campaign.currency
        and campaign.gifts.exists()  # progress is counted in the campaign's currency
    ):
        errors["currency"] = [_("The currency cannot change once gifts have come in.")]
    if data.goal_minor <= 0:
        errors["goal"] = [_("Set a goal above zero.")]
    if data.ends_on < data.starts_on:
        errors["ends_on"] = [_("The campaign cannot end before it starts.")]
    if errors:
        raise ValidationError(errors)
    assert fund is not None  # noqa: S101 - errors above otherwise
    target = Campaign.objects.select_for_update().get(pk=campaign.pk) if campaign else Campaign()
    old_slug = target.slug
    target.slug = data.slug
    target.fund = fund
    target.title = data.title.strip()
    target.story = data.story.strip()
    target.goal_minor = data.goal_minor
    target.currency = data.currency
    target.starts_on = data.starts_on
    target.ends_on = data.ends_on
    target.is_published = data.is_published
    target.save()
    audit.record(
        action="campaign.changed" if campaign else "campaign.created", actor=actor, target=target
    )
    _forget_pages([f"campaign:{slug}" for slug in {old_slug, target.slug} if slug])
    return target


def _match_errors(*, gift: Gift, employer: str, amount_minor: int) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not employer.strip():
        errors["employer"] = [_("Name the employer that matches the gift.")]
    if amount_minor <= 0:
        errors["amount"] = [_("Enter the amount the employer gives.")]
    elif amount_minor > MATCH_RATIO_LIMIT * gift.amount_minor:
        errors["amount"] = [
            _("An employer matches at most %(ratio)s times the gift.")
            % {"ratio": MATCH_RATIO_LIMIT}
        ]
    return errors


@transaction.atomic
def record_match(
    *, gift: Gift, employer: str, amount_minor: int, note: str = "", actor: Any
) -> MatchingGift:
    """Record that the donor's employer will match a received gift; audited."""
    locked = Gift.objects.select_for_update(of=("self",)).get(pk=gift.pk)
    errors = _match_errors(gift=locked, employer=employer, amount_minor=amount_minor)
    if locked.status not in (GiftStatus.PAID, GiftStatus.PARTIALLY_REFUNDED):
        errors.setdefault("gift", []).append(_("Only a gift we have received can be matched."))
    elif MatchingGift.objects.filter(gift=locked).exclude(status=MatchStatus.DECLINED).exists():
        errors.setdefault("gift", []).append(_("This gift already has an employer match."))
    if errors:
        raise ValidationError(errors)
    match = MatchingGift.objects.create(
        gift=locked,
        employer=employer.strip(),
        amount_minor=amount_minor,
        currency=locked.currency,
        note=note.strip(),
        recorded_by=actor,
    )
    audit.record(action="matching_gift.recorded", actor=actor, target=match)
    return match


@transaction.atomic
def change_match(
    *, match: MatchingGift, employer: str, amount_minor: int, note: str = "", actor: Any
) -> MatchingGift:
    """Correct a match the employer has not answered yet; audited."""
    locked = MatchingGift.objects.select_for_update().select_related("gift").get(pk=match.pk)
    if locked.status != MatchStatus.RECORDED:
        raise ValidationError(_("The employer has answered; this match can no longer change."))
    errors = _match_errors(gift=locked.gift, employer=employer, amount_minor=amount_minor)
    if errors:
        raise ValidationError(errors)
    locked.employer = employer.strip()
    locked.amount_minor = amount_minor
    locked.note = note.strip()
    locked.save(update_fields=["employer", "amount_minor", "note", "updated_at"])
    audit.record(action="matching_gift.changed", actor=actor, target=locked)
    return locked


@transaction.atomic
def decide_match(*, match: MatchingGift, confirmed: bool, actor: Any) -> MatchingGift:
    """Record the employer's answer: confirmed (the money is coming) or declined; audited."""
    locked = MatchingGift.objects.select_for_update().get(pk=match.pk)
    if locked.status != MatchStatus.RECORDED:
        raise ValidationError(_("The employer's answer has already been recorded."))
    locked.status = MatchStatus.CONFIRMED if confirmed else MatchStatus.DECLINED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit.record(action=f"matching_gift.{locked.status}", actor=actor, target=locked)
    return locked
