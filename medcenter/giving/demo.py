"""The demo center's giving: five funds, two campaigns and 2,000 fictional gifts.

Donors are invented (names built from syllables, addresses at example.test). Gifts are written
in bulk (one INSERT per table, not 2,000 services), as paid sandbox gifts with their receipts,
so the back office, campaign progress and donor pages have something to show.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from medcenter.core.seeding import DemoLogin
from medcenter.giving import tallies
from medcenter.giving.models import (
    Campaign,
    Donor,
    Frequency,
    Fund,
    FundKind,
    Gift,
    GiftStatus,
    Receipt,
    ReceiptCounter,
)
from medcenter.giving.receipts import COUNTER

GIFTS = 2000
FUNDS = [
    (
        "greatest-need",
        FundKind.GREATEST_NEED,
        "Greatest need",
        "Where the center needs help most this year.",
        {
            "es": "Donde más se necesita",
            "pt-br": "Onde mais precisamos",
            "zh-hans": "最需要的地方",
            "ar": "حيث الحاجة أكبر",
            "ru": "Там, где нужнее всего",
        },
    ),
    (
        "patient-navigation",
        FundKind.NAVIGATION,
        "Patient navigation",
        "Navigators guide each new patient and family through treatment.",
        {
            "es": "Navegación de pacientes",
            "pt-br": "Navegação de pacientes",
            "zh-hans": "患者导航",
            "ar": "توجيه المرضى",
            "ru": "Сопровождение пациентов",
        },
    ),
    (
        "research",
        FundKind.RESEARCH,
        "Cancer research",
        "Early-phase trials and the laboratories behind them.",
        {
            "es": "Investigación del cáncer",
            "pt-br": "Pesquisa sobre o câncer",
            "zh-hans": "癌症研究",
            "ar": "أبحاث السرطان",
            "ru": "Исследования рака",
        },
    ),
    (
        "nursing-fellowship",
        FundKind.FELLOWSHIP,
        "Nursing fellowship",
        "A year of oncology training for new nurses.",
        {
            "es": "Beca de enfermería",
            "pt-br": "Bolsa de enfermagem",
            "zh-hans": "护理奖学金",
            "ar": "زمالة التمريض",
            "ru": "Стипендия для медсестёр",
        },
    ),
    (
        "program",
        FundKind.PROGRAM,
        "A program of your choice",
        "Support one of our multidisciplinary programs.",
        {
            "es": "Un programa a su elección",
            "pt-br": "Um programa de sua escolha",
            "zh-hans": "您选择的项目",
            "ar": "برنامج من اختيارك",
            "ru": "Программа на ваш выбор",
        },
    ),
]
SYLLABLES = ["ka", "lo", "mi", "ren", "sa", "tor", "vel", "zu", "an", "bri", "dal", "fen"]
LANGUAGES = ["en", "en", "en", "es", "es", "pt-br", "zh-hans", "ar", "ru"]
AMOUNTS = [2500, 5000, 5000, 10000, 10000, 25000, 50000, 100000]


def _name(rng: random.Random) -> str:
    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()

    return f"{word()} {word()}"


def seed(*, rng: random.Random) -> list[DemoLogin]:
    if Fund.objects.exists():
        return []
    from medcenter.directory.models import Program

    program = Program.objects.order_by("order", "pk").first()
    funds = []
    for order, (slug, kind, name, description, names) in enumerate(FUNDS):
        funds.append(
            Fund.objects.create(
                slug=slug,
                kind=kind,
                name=name,
                description=description,
                translations={lang: {"name": value} for lang, value in names.items()},
                program=program if kind == FundKind.PROGRAM else None,
                order=order,
            )
        )
    today = timezone.localdate()
    campaigns = [
        Campaign.objects.create(
            slug="navigators-for-every-family",
            fund=funds[1],
            title="Navigators for every family",
            story="Every new patient should meet a navigator in their own language.",
            translations={"es": {"title": "Navegadores para cada familia"}},
            goal_minor=50_000_000,
            starts_on=today - timedelta(days=60),
            ends_on=today + timedelta(days=120),
        ),
        Campaign.objects.create(
            slug="nursing-fellows-2027",
            fund=funds[3],
            title="Ten nursing fellows",
            story="Ten new oncology nurses, trained at the bedside for a year.",
            goal_minor=25_000_000,
            starts_on=today - timedelta(days=30),
            ends_on=today + timedelta(days=200),
        ),
    ]
    donors = Donor.objects.bulk_create(
        [
            Donor(
                email=f"donor{n}@example.test",
                name=_name(rng),
                language=rng.choice(LANGUAGES),
            )
            for n in range(400)
        ]
    )
    now = timezone.now()
    gifts = []
    for n in range(GIFTS):
        donor = rng.choice(donors)
        fund = rng.choice(funds)
        campaign = next((c for c in campaigns if c.fund_id == fund.pk), None)
        amount = rng.choice(AMOUNTS)
        status = GiftStatus.PAID if n % 25 else GiftStatus.PARTIALLY_REFUNDED
        paid_at = now - timedelta(days=rng.randint(0, 420), minutes=rng.randint(0, 1440))
        gifts.append(
            Gift(
                donor=donor,
                fund=fund,
                campaign=campaign if campaign and rng.randrange(10) < 6 else None,
                frequency=Frequency.ONE_TIME,
                amount_minor=amount,
                fee_minor=0 if n % 3 else (amount * 3) // 100,
                refunded_minor=amount // 2 if status == GiftStatus.PARTIALLY_REFUNDED else 0,
                currency="USD",
                status=status,
                provider="sandbox",
                payment_ref=f"pi_demo_{n:05d}",
                paid_at=paid_at,
                anonymous=n % 11 == 0,
                language=donor.language,
            )
        )
    created = Gift.objects.bulk_create(gifts)
    # Created in bulk, so their time is set after (the list sorts by it).
    for gift, source in zip(created, gifts, strict=True):
        gift.created_at = source.paid_at or now
    Gift.objects.bulk_update(created, ["created_at"], batch_size=500)
    tallies.rebuild()  # created in bulk, past the services that keep them
    counter, _new = ReceiptCounter.objects.get_or_create(name=COUNTER)
    first = counter.value + 1
    ReceiptCounter.objects.filter(pk=counter.pk).update(value=F("value") + len(created))
    Receipt.objects.bulk_create(
        [
            Receipt(
                number=first + i,
                gift=gift,
                amount_minor=gift.net_minor,
                deductible_minor=gift.deductible_minor,
                currency=gift.currency,
                language=gift.language,
            )
            for i, gift in enumerate(created)
        ]
    )
    return []
