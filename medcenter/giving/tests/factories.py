import json
import time
from datetime import date, timedelta

import factory
from django.conf import settings
from django.utils import timezone

from medcenter.giving import tallies
from medcenter.giving.gateways.base import sign
from medcenter.giving.models import Campaign, Donor, Fund, Gift, MonthlyPlan


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund

    slug = factory.Sequence(lambda n: f"fund-{n}")
    kind = "greatest_need"
    name = factory.Sequence(lambda n: f"Fund {n}")
    description = "Where the need is greatest."
    translations = factory.LazyFunction(lambda: {"es": {"name": "Donde más se necesita"}})


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    slug = factory.Sequence(lambda n: f"campaign-{n}")
    fund = factory.SubFactory(FundFactory)
    title = "Navigators for every family"
    story = "Every new patient meets a navigator."
    goal_minor = 10_000_000
    currency = "USD"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=50))


class DonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donor

    email = factory.Sequence(lambda n: f"donor{n}@example.test")
    name = factory.Sequence(lambda n: f"Donor Number{n}")
    language = "en"


class GiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gift

    donor = factory.SubFactory(DonorFactory)
    fund = factory.SubFactory(FundFactory)
    amount_minor = 5000
    currency = "USD"
    provider = "sandbox"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Counted in the tallies as the services count a new gift.
        gift = super()._create(model_class, *args, **kwargs)
        tallies.record(gift=gift, before=None)
        return gift


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthlyPlan

    donor = factory.SubFactory(DonorFactory)
    fund = factory.SubFactory(FundFactory)
    amount_minor = 2500
    currency = "USD"
    provider = "sandbox"


def event(
    stripe_type: str, obj: dict, *, event_id: str = "evt_test_1", created: int | None = None
) -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": stripe_type,
            "created": created or int(time.time()),
            "data": {"object": obj},
        }
    ).encode()


def paid_event(
    gift: Gift, *, event_id: str = "evt_paid_1", payment_ref: str = "pi_test_1"
) -> bytes:
    return event(
        "checkout.session.completed",
        {
            "id": gift.checkout_ref or "cs_test_1",
            "object": "checkout.session",
            "payment_status": "paid",
            "amount_total": gift.total_minor,
            "currency": gift.currency.lower(),
            "payment_intent": payment_ref,
            "metadata": {"gift": str(gift.public_id)},
        },
        event_id=event_id,
    )


def signed(body: bytes, *, secret: str | None = None, timestamp: int | None = None) -> str:
    return sign(body, secret=secret or settings.GIVING_SANDBOX_WEBHOOK_SECRET, timestamp=timestamp)


def today() -> date:
    return timezone.localdate()
