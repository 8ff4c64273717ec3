"""Give Now: funds, campaigns, gifts, monthly plans, tributes, receipts, gateway events,
caregiver notes and fundraising opt-outs. Money is integer minor units plus a currency code."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medcenter.core.models import PublicModel


class FundKind(models.TextChoices):
    GREATEST_NEED = "greatest_need", _("Greatest need")
    PROGRAM = "program", _("A program")
    RESEARCH = "research", _("Research")
    NAVIGATION = "navigation", _("Patient navigation")
    FELLOWSHIP = "fellowship", _("Nursing fellowship")


class Fund(PublicModel):
    """Where a gift goes: a designation the donor chooses."""

    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=16, choices=FundKind.choices)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    # {"es": {"name": ..., "description": ...}, ...}; English is the fields above.
    translations = models.JSONField(default=dict, blank=True)
    program = models.ForeignKey(
        "directory.Program", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def text(self, field: str, language: str) -> str:
        found = (self.translations.get(language) or {}).get(field)
        return str(found) if found else str(getattr(self, field))


class Campaign(PublicModel):
    """A time-boxed appeal with a goal, counted net of refunds."""

    slug = models.SlugField(unique=True)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="campaigns")
    title = models.CharField(max_length=160)
    story = models.TextField()
    translations = models.JSONField(default=dict, blank=True)
    goal_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="USD")
    starts_on = models.DateField()
    ends_on = models.DateField()
    is_published = models.BooleanField(default=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(goal_minor__gt=0), name="giving_campaign_goal"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="giving_campaign_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def text(self, field: str, language: str) -> str:
        found = (self.translations.get(language) or {}).get(field)
        return str(found) if found else str(getattr(self, field))


class Donor(PublicModel):
    """Who gave: the address receipts and the donor link go to. Not an account."""

    email = models.EmailField(unique=True)  # stored lower-cased
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=10, default="en")

    def __str__(self) -> str:
        return self.name


class Frequency(models.TextChoices):
    ONE_TIME = "one_time", _("One time")
    MONTHLY = "monthly", _("Monthly")


class PlanStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the first payment")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    CANCELLED = "cancelled", _("Cancelled")


class MonthlyPlan(PublicModel):
    """A monthly gift: the gateway's subscription, each installment a gift of its own."""

    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="plans")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    amount_minor = models.BigIntegerField()
    fee_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default="pending")
    paused_until = models.DateField(null=True, blank=True)
    provider = models.CharField(max_length=20)
    subscription_ref = models.CharField(max_length=100, blank=True, db_index=True)
    anonymous = models.BooleanField(default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="giving_plan_amount"),
            models.CheckConstraint(condition=Q(fee_minor__gte=0), name="giving_plan_fee"),
        ]

    def __str__(self) -> str:
        return f"plan {self.public_id}"

    @property
    def total_minor(self) -> int:
        return self.amount_minor + self.fee_minor


class GiftStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    FAILED = "failed", _("Payment failed")
    CANCELLED = "cancelled", _("Cancelled")
    PAID = "paid", _("Paid")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partly refunded")
    REFUNDED = "refunded", _("Refunded")


# A gift only moves forward in this order, whatever order the gateway's events arrive in.
# failed and cancelled end a checkout, but a payment the gateway reports later still wins.
STATUS_RANK = {
    GiftStatus.PENDING: 0,
    GiftStatus.FAILED: 1,
    GiftStatus.CANCELLED: 1,
    GiftStatus.PAID: 2,
    GiftStatus.PARTIALLY_REFUNDED: 3,
    GiftStatus.REFUNDED: 4,
}
RECEIVED = (GiftStatus.PAID, GiftStatus.PARTIALLY_REFUNDED, GiftStatus.REFUNDED)


class GiftQuerySet(models.QuerySet["Gift"]):
    def received(self) -> GiftQuerySet:
        return self.filter(status__in=RECEIVED)


class Gift(PublicModel):
    """One payment: a one-time gift, or one installment of a monthly plan."""

    # No single-column indexes on donor and fund: the composite indexes below lead with them,
    # and every index is one more write on each webhook's update of the gift.
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="gifts", db_index=False)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="gifts", db_index=False)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="gifts"
    )
    plan = models.ForeignKey(
        MonthlyPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="gifts"
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default="one_time")
    amount_minor = models.BigIntegerField()  # the gift itself
    fee_minor = models.BigIntegerField(default=0)  # the gateway's fee, covered by the donor
    refunded_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=GiftStatus.choices, default="pending")
    provider = models.CharField(max_length=20)
    checkout_ref = models.CharField(max_length=100, blank=True, db_index=True)
    payment_ref = models.CharField(max_length=100, blank=True, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    anonymous = models.BooleanField(default=False)
    employer = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=10, default="en")
    # IRS Publication 1771: what the donor received in return, and its good-faith value.
    benefit_description = models.CharField(max_length=300, blank=True)
    benefit_value_minor = models.BigIntegerField(default=0)
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    objects = GiftQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="giving_gift_amount"),
            models.CheckConstraint(condition=Q(fee_minor__gte=0), name="giving_gift_fee"),
            models.CheckConstraint(
                condition=Q(refunded_minor__gte=0)
                & Q(refunded_minor__lte=models.F("amount_minor") + models.F("fee_minor")),
                name="giving_gift_refund_bounds",
            ),
            models.CheckConstraint(
                condition=Q(benefit_value_minor__gte=0), name="giving_gift_benefit"
            ),
            # One installment per invoice, whatever the number of events that report it.
            models.UniqueConstraint(
                fields=["provider", "payment_ref"],
                condition=~Q(payment_ref=""),
                name="giving_gift_payment_once",
            ),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="giving_gift_created"),
            # A donor's gifts by date (the email filter), without walking the whole date index.
            models.Index(fields=["donor", "-created_at", "-id"], name="giving_gift_donor"),
            models.Index(fields=["status", "-created_at", "-id"], name="giving_gift_status"),
            models.Index(fields=["fund", "-created_at", "-id"], name="giving_gift_fund"),
            models.Index(fields=["-amount_minor", "-id"], name="giving_gift_amount_ix"),
            models.Index(fields=["fund", "-amount_minor", "-id"], name="giving_gift_fund_amount"),
            models.Index(
                fields=["status", "-amount_minor", "-id"], name="giving_gift_status_amount"
            ),
        ]
        permissions = [
            ("refund_gift", "Can refund a gift"),
            ("export_gift", "Can export gifts"),
            ("reconcile_gift", "Can reconcile gateway events"),
            ("screen_caregivernote", "Can screen caregiver notes"),
            ("build_fundraising_list", "Can build a fundraising list from patient data"),
        ]

    def __str__(self) -> str:
        return f"gift {self.public_id}"

    @property
    def total_minor(self) -> int:
        return self.amount_minor + self.fee_minor

    @property
    def net_minor(self) -> int:
        return self.total_minor - self.refunded_minor

    @property
    def deductible_minor(self) -> int:
        return max(0, self.net_minor - self.benefit_value_minor)


class GiftTally(models.Model):
    """How many gifts, and how much money, sit in one (fund, campaign, status, currency,
    frequency, gateway) group. Kept by `tallies.record` in the transaction that creates a gift
    or changes its state or refund, so the list's totals and a campaign's progress read a few
    rows instead of a million; `tallies.rebuild` recounts after bulk loads."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="+")
    campaign_key = models.BigIntegerField(default=0)  # the campaign's id; 0 for none
    status = models.CharField(max_length=20, choices=GiftStatus.choices)
    currency = models.CharField(max_length=3)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    provider = models.CharField(max_length=20)
    gifts = models.BigIntegerField(default=0)
    amount_minor = models.BigIntegerField(default=0)
    fee_minor = models.BigIntegerField(default=0)
    refunded_minor = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "campaign_key", "status", "currency", "frequency", "provider"],
                name="giving_tally_group",
            )
        ]
        indexes = [
            models.Index(
                fields=["campaign_key", "currency", "status"], name="giving_tally_campaign"
            )
        ]

    def __str__(self) -> str:
        return f"tally {self.fund_id}/{self.campaign_key}/{self.status}/{self.currency}"


class TributeKind(models.TextChoices):
    HONOR = "honor", _("In honor of")
    MEMORY = "memory", _("In memory of")


class TributeDelivery(models.TextChoices):
    NONE = "none", _("No card")
    ECARD = "ecard", _("An e-card by email")
    LETTER = "letter", _("A printed letter we mail")


class Tribute(PublicModel):
    gift = models.OneToOneField(Gift, on_delete=models.CASCADE, related_name="tribute")
    kind = models.CharField(max_length=8, choices=TributeKind.choices)
    honoree_name = models.CharField(max_length=200)
    delivery = models.CharField(max_length=8, choices=TributeDelivery.choices, default="none")
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_email = models.EmailField(blank=True)
    recipient_address = models.CharField(max_length=300, blank=True)
    recipient_language = models.CharField(max_length=10, default="en")
    message = models.TextField(blank=True, max_length=1000)
    show_amount = models.BooleanField(default=False)
    letter_printed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"tribute {self.public_id}"


class ReceiptStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    VOID = "void", _("Void")


class ReceiptCounter(models.Model):
    """The next receipt number; incremented in the transaction that issues the receipt."""

    name = models.CharField(max_length=20, unique=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class Receipt(PublicModel):
    """A tax receipt (IRS written acknowledgment). Never edited: a refund voids and reissues."""

    number = models.BigIntegerField(unique=True)
    gift = models.ForeignKey(Gift, on_delete=models.PROTECT, related_name="receipts")
    amount_minor = models.BigIntegerField()  # the net amount received
    deductible_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=6, choices=ReceiptStatus.choices, default="valid")
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=10, default="en")

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gte=0), name="giving_receipt_amount"),
            models.CheckConstraint(
                condition=Q(deductible_minor__gte=0), name="giving_receipt_deductible"
            ),
            # At most one valid receipt per gift.
            models.UniqueConstraint(
                fields=["gift"], condition=Q(status="valid"), name="giving_receipt_one_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"receipt {self.number}"


class GatewayEvent(models.Model):
    """A webhook event we applied: its id is unique, so it is applied once."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=100)
    type = models.CharField(max_length=80)
    gift_public_id = models.CharField(max_length=36, blank=True, db_index=True)
    payload = models.JSONField(default=dict)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=10, default="webhook")  # webhook | sweep
    outcome = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="giving_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_id}"


class SandboxStatus(models.TextChoices):
    OPEN = "open", "open"
    COMPLETE = "complete", "complete"
    EXPIRED = "expired", "expired"


class SandboxSession(PublicModel):
    """The sandbox gateway's own record of a hosted checkout (it stands for Stripe's side)."""

    ref = models.CharField(max_length=60, unique=True)
    mode = models.CharField(max_length=12)  # payment | subscription
    gift_public_id = models.CharField(max_length=36)
    plan_public_id = models.CharField(max_length=36, blank=True)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    success_url = models.CharField(max_length=500)
    cancel_url = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=SandboxStatus.choices, default="open")
    payment_ref = models.CharField(max_length=60, blank=True)
    refunded_minor = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return self.ref


class SandboxSubscription(PublicModel):
    ref = models.CharField(max_length=60, unique=True)
    plan_public_id = models.CharField(max_length=36)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, default="active")  # active | canceled
    paused_until = models.DateField(null=True, blank=True)
    next_charge_on = models.DateField()
    installments = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return self.ref


class SandboxEvent(models.Model):
    """Every event the sandbox sent, so `list_events` can return what a webhook missed."""

    event_id = models.CharField(max_length=60, unique=True)
    created = models.DateTimeField(db_index=True)
    payload = models.JSONField()

    def __str__(self) -> str:
        return self.event_id


class NoteStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for screening")
    APPROVED = "approved", _("Approved and passed on")
    DECLINED = "declined", _("Not passed on")


class CaregiverNote(PublicModel):
    """A thank-you to a clinician, screened by a giving officer before it is passed on."""

    writer_name = models.CharField(max_length=200)
    writer_email = models.EmailField()
    clinician = models.ForeignKey("directory.Clinician", on_delete=models.PROTECT, related_name="+")
    message = models.TextField(max_length=2000)
    allow_sharing = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=NoteStatus.choices, default="submitted")
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    screened_at = models.DateTimeField(null=True, blank=True)
    gift = models.OneToOneField(
        Gift, on_delete=models.SET_NULL, null=True, blank=True, related_name="caregiver_note"
    )
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    def __str__(self) -> str:
        return f"note {self.public_id}"


class FundraisingOptOut(PublicModel):
    """A patient's choice not to be asked for gifts (45 CFR 164.514(f)(2)(ii)); reversible."""

    patient = models.OneToOneField("patients.Patient", on_delete=models.CASCADE, related_name="+")
    opted_out = models.BooleanField(default=True)
    changed_at = models.DateTimeField()
    via = models.CharField(max_length=20, default="link")  # link | one_click | staff

    def __str__(self) -> str:
        return f"opt-out {self.public_id}"


class MatchStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded, waiting for the employer")
    CONFIRMED = "confirmed", _("Confirmed by the employer")
    DECLINED = "declined", _("Declined by the employer")


class MatchingGift(PublicModel):
    """An employer's match of a received gift: recorded by a giving officer from the donor's
    request, then confirmed (or declined) when the employer answers. Counted apart from the
    gift, never receipted to the donor (the employer is the giver)."""

    gift = models.ForeignKey(Gift, on_delete=models.PROTECT, related_name="matches")
    employer = models.CharField(max_length=200)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=MatchStatus.choices, default="recorded")
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="giving_match_amount"),
            # One employer match per gift at a time; a declined one may be recorded again.
            models.UniqueConstraint(
                fields=["gift"], condition=~Q(status="declined"), name="giving_match_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"match {self.public_id}"
