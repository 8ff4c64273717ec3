"""Demo international cases: a price list, staff-entered exchange rates, and cases at every
stage from five countries, in their languages. Every person is fictional."""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from medcenter.core.seeding import DemoLogin
from medcenter.international import services
from medcenter.international.models import Case, CaseStatus

PRICES = (
    ("SECOND_OPINION", "Remote second opinion (records and imaging review)", 250_000),
    ("CONSULT", "New-patient consultation with a specialist", 85_000),
    ("MRI", "MRI with contrast, one region", 320_050),
    ("CT", "CT of chest, abdomen and pelvis", 240_000),
    ("PET_CT", "PET-CT, whole body", 610_000),
    ("BIOPSY", "Image-guided biopsy with pathology", 480_000),
    ("PATHOLOGY_REVIEW", "Review of outside pathology slides", 95_000),
    ("TUMOR_BOARD", "Multidisciplinary tumor board review", 60_000),
)
RATES = (("MXN", "17.25"), ("SAR", "3.75"), ("CNY", "7.12"), ("RUB", "92.40"), ("BRL", "5.02"))


@dataclass(frozen=True)
class DemoCase:
    country: str
    language: str
    currency: str
    inquirer: str
    role: str
    email: str
    patient: str
    born: date
    condition: str
    service: str
    payer: str
    stage: str


CASES = (
    DemoCase("MX", "es", "MXN", "Lucía Ferrán Olvera", "family", "lucia.ferran@example.com",
             "Tomás Ferrán Olvera", date(1961, 4, 2), "sarcoma en la pierna derecha",
             "consultation", "self", CaseStatus.SCHEDULED),
    DemoCase("SA", "ar", "SAR", "عائشة الحربي", "patient", "aisha.h@example.com",
             "عائشة الحربي", date(1979, 9, 14), "سرطان الثدي", "treatment", "embassy",
             CaseStatus.VISA_LETTER),
    DemoCase("CN", "zh-hans", "CNY", "王磊", "family", "wang.lei@example.com", "王秀英",
             date(1958, 1, 20), "肺癌", "remote_opinion", "self", CaseStatus.OPINION_SENT),
    DemoCase("RU", "ru", "RUB", "Ольга Смирнова", "patient", "olga.s@example.com",
             "Ольга Смирнова", date(1984, 6, 30), "лимфома Ходжкина", "consultation",
             "insurer", CaseStatus.UNDER_REVIEW),
    DemoCase("BR", "pt-br", "BRL", "Dra. Helena Prado", "physician", "helena.prado@example.com",
             "João Mendes Prado", date(2009, 11, 3), "osteossarcoma no joelho", "consultation",
             "self", CaseStatus.NEW),
    DemoCase("MX", "es", "MXN", "Rafael Ibarra", "patient", "r.ibarra@example.com",
             "Rafael Ibarra", date(1990, 2, 8), "melanoma", "remote_opinion", "self",
             CaseStatus.DECLINED),
    DemoCase("SA", "ar", "SAR", "خالد العتيبي", "family", "khalid.o@example.com",
             "نورة العتيبي", date(1966, 12, 1), "ورم في الدماغ", "treatment", "employer",
             CaseStatus.CLEARED),
    DemoCase("RU", "ru", "RUB", "Дмитрий Орлов", "patient", "d.orlov@example.com",
             "Дмитрий Орлов", date(1972, 3, 3), "рак почки", "consultation", "self",
             CaseStatus.CLOSED),
    DemoCase("CN", "zh-hans", "CNY", "周晓岚", "patient", "zhou.xl@example.com", "周晓岚",
             date(1975, 8, 8), "胃癌", "treatment", "self", CaseStatus.IN_CARE),
    DemoCase("BR", "pt-br", "BRL", "Marina Tavares", "family", "marina.t@example.com",
             "Paulo Tavares", date(1955, 5, 19), "câncer de próstata", "consultation",
             "insurer", CaseStatus.FOLLOW_UP),
    DemoCase("MX", "es", "MXN", "Elvira Tostado Ruelas", "patient", "e.tostado@example.com",
             "Elvira Tostado Ruelas", date(1988, 10, 12), "tumor en el ovario", "consultation",
             "self", CaseStatus.RECORDS_REQUESTED),
)  # fmt: skip

# The visit summary the demo's seen patients received (English, and in their language).
SUMMARY = (
    "Seen by orthopaedic, medical and radiation oncology. The biopsy confirmed the diagnosis; "
    "the tumor board recommends treatment at home with the plan attached."
)
SUMMARY_IN = {
    "es": "Le vieron oncología ortopédica, médica y radioterápica. La biopsia confirmó el "
    "diagnóstico; el comité de tumores recomienda tratarse en casa con el plan adjunto.",
    "ru": (
        "Вас осмотрели ортопед-онколог, онколог и радиотерапевт. "  # noqa: RUF001
        "Биопсия подтвердила диагноз; онкоконсилиум рекомендует лечение дома "
        "по приложенному плану."
    ),
    "pt-br": "Atendido pela oncologia ortopédica, clínica e radioterápica. A biópsia confirmou o "
    "diagnóstico; o comitê de tumores recomenda o tratamento em casa com o plano anexo.",
    "zh-hans": (
        "骨肿瘤科、肿瘤内科和放疗科已为您就诊。活检证实了诊断；"  # noqa: RUF001
        "肿瘤委员会建议按所附方案在当地治疗。"
    ),
    "ar": "فحصك أطباء أورام العظام والأورام والعلاج الإشعاعي. أكدت الخزعة التشخيص؛ وتوصي لجنة "
    "الأورام بالعلاج في بلدك وفق الخطة المرفقة.",
}


def seed(*, rng: random.Random) -> list[DemoLogin]:
    from medcenter.accounts.demo import staff_email
    from medcenter.accounts.models import User

    if Case.objects.exists():
        return []
    coordinator = User.objects.get(email=staff_email("international_coordinator"))
    specialist = User.objects.get(email=staff_email("clinician"))
    for code, description, cents in PRICES:
        services.set_price(
            code=code, description=description, amount_cents=cents, actor=coordinator
        )
    today = timezone.localdate()
    for currency, per_usd in RATES:
        services.enter_rate(
            currency=currency,
            per_usd=Decimal(per_usd),
            on_date=today - timedelta(days=rng.randint(0, 6)),
            actor=coordinator,
        )
    for number, demo in enumerate(CASES):
        _case(demo, number, coordinator, specialist)
    return []


def _case(demo: DemoCase, number: int, coordinator: object, specialist: object) -> Case:
    from medcenter.accounts.models import User

    today = timezone.localdate()
    case = services.submit_inquiry(
        data={
            "inquirer_role": demo.role,
            "inquirer_name": demo.inquirer,
            "email": demo.email,
            "phone": "",
            "country": demo.country,
            "language": demo.language,
            "patient_name": demo.patient,
            "patient_birth_date": demo.born,
            "condition_text": demo.condition,
            "service": demo.service,
            "travel_from": today + timedelta(days=21 + number),
            "travel_until": today + timedelta(days=35 + number),
            "payer": demo.payer,
            "message": "",
        }
    )
    # A follower account for the cases far enough along to have letters to read.
    if demo.stage not in (CaseStatus.NEW,):
        follower, _created = User.objects.get_or_create(
            email=f"intl-{number}@aster-valley.example",
            defaults={"full_name": demo.inquirer},
        )
        case.account = follower
        case.save(update_fields=["account"])
    if demo.stage == CaseStatus.NEW:
        return case
    services.assign_coordinator(case=case, coordinator=coordinator, actor=coordinator)
    services.record_first_reply(case=case, actor=coordinator)
    services.assign_reviewer(case=case, reviewer=specialist, actor=coordinator)
    if demo.stage == CaseStatus.DECLINED:
        services.decide(
            case=case,
            specialist=specialist,
            decision="declined",
            reason="Best treated close to home; we sent names of centers nearby.",
        )
        return case
    if demo.stage == CaseStatus.UNDER_REVIEW:
        return case
    if demo.stage == CaseStatus.RECORDS_REQUESTED:
        services.set_status(
            case=case,
            status=CaseStatus.RECORDS_REQUESTED,
            actor=coordinator,
            note="Please send the pathology report and the CT images.",
        )
        return case
    if demo.service == "remote_opinion":
        opinion = services.decide(
            case=case,
            specialist=specialist,
            decision="remote",
            summary=(
                "We reviewed the records and imaging. We agree with the proposed plan and "
                "suggest a PET-CT before surgery."
            ),
        )
        services.send_opinion_letter(opinion=opinion, actor=specialist)
        return case
    services.decide(case=case, specialist=specialist, decision="visit")
    estimate = services.create_estimate(
        case=case,
        lines=[
            services.LineRequest("CONSULT", 2),
            services.LineRequest("MRI"),
            services.LineRequest("BIOPSY"),
            services.LineRequest("TUMOR_BOARD"),
        ],
        currency=demo.currency,
        actor=coordinator,
    )
    services.send_estimate(estimate=estimate, actor=coordinator)
    if demo.stage == CaseStatus.OPINION_SENT:
        return case
    services.accept_estimate(user=case.account, estimate=estimate)
    services.record_deposit(
        case=case,
        amount_cents=estimate.total_cents,
        received_on=today,
        reference=f"WIRE-{number:04d}",
        actor=coordinator,
    )
    services.clear(case=case, actor=coordinator)
    if demo.stage == CaseStatus.CLEARED:
        return case
    services.issue_visa_letter(
        case=case,
        facts=services.VisaFacts(
            inpatient="",
            outpatient="Consultations, MRI, image-guided biopsy and tumor board review",
            duration_days=14,
            companions=(demo.inquirer,) if demo.role == "family" else (),
            signatory_name="Dr. Imani Okafor-Lund",
            signatory_title="Medical Director, International Patient Center",
        ),
        actor=coordinator,
    )
    if demo.stage == CaseStatus.VISA_LETTER:
        return case
    case.refresh_from_db()
    services.set_status(case=case, status=CaseStatus.SCHEDULED, actor=coordinator)
    if demo.stage == CaseStatus.SCHEDULED:
        return case
    case.refresh_from_db()
    services.set_status(case=case, status=CaseStatus.IN_CARE, actor=coordinator)
    if demo.stage == CaseStatus.IN_CARE:
        return case
    services.send_visit_summary(
        case=case,
        facts=services.SummaryFacts(
            summary=SUMMARY,
            summary_translated=SUMMARY_IN.get(demo.language, ""),
            follow_ups=("CT of the chest and abdomen in 3 months",),
            follow_up_due=today + timedelta(days=90),
        ),
        actor=coordinator,
    )
    if demo.stage == CaseStatus.FOLLOW_UP:
        return case
    case.refresh_from_db()
    services.set_status(case=case, status=CaseStatus.CLOSED, actor=coordinator)
    return case
