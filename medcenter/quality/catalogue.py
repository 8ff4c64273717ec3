"""The measures the center reports, as data installed by `install_catalogue` (idempotent).

Names, definitions and plain explanations carry their five translations as data (names here,
the longer texts in `catalogue_texts`): a measure's words are content, edited as new versions,
not interface strings in the catalogs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from medcenter.quality.catalogue_texts import TEXTS

LANG_KEYS = ("es", "pt-br", "zh-hans", "ar", "ru")


@dataclass(frozen=True)
class Spec:
    code: str
    aim: str
    kind: str
    direction: str
    source: str
    name: str
    definition: str
    numerator: str
    denominator: str
    explanation: str
    names: tuple[str, str, str, str, str]  # es, pt-br, zh-hans, ar, ru
    steward: str = "Quality & Safety office"
    after: str = ""
    exclusions: str = ""
    target: float | None = None
    unit: str = ""
    per: int = 1
    gap: float = 0.05
    is_public: bool = True
    benchmarks: tuple[tuple[float, str, int, bool], ...] = field(default=())

    def translations(self) -> dict[str, Any]:
        texts = TEXTS.get(self.code, {})
        translations: dict[str, Any] = {}
        for lang, name in zip(LANG_KEYS, self.names, strict=True):
            translations[lang] = {"name": name}
            if lang in texts:
                definition, explanation = texts[lang]
                translations[lang] |= {"definition": definition, "explanation": explanation}
        return translations


NHSN = "CDC NHSN: the SIR's national baseline is 1.0 by definition"

SPECS: tuple[Spec, ...] = (
    Spec(
        "referral-to-first-visit-days",
        "timely",
        "median",
        "lower",
        "computed",
        "Days from referral to first visit",
        "The median number of days from the day a referral arrives to the patient's first visit.",
        "Days from receipt to the first completed visit, per referral.",
        "Referrals whose first completed visit falls in the month.",
        "How long people wait, from our receiving a referral to being seen.",
        (
            "Días desde la derivación hasta la primera consulta",
            "Dias do encaminhamento à primeira consulta",
            "从转诊到首次就诊的天数",
            "الأيام من الإحالة إلى الزيارة الأولى",
            "Дни от направления до первого визита",
        ),
        unit="days",
        target=10,
    ),
    Spec(
        "referral-seen-within-14-days",
        "timely",
        "proportion",
        "higher",
        "computed",
        "Referrals seen within 14 days",
        "The share of referred patients first seen within 14 days of the referral.",
        "Referrals whose first completed visit is at most 14 days after receipt.",
        "Referrals whose first completed visit falls in the month.",
        "Out of every 100 people referred to us, how many were seen within two weeks.",
        (
            "Derivaciones atendidas en 14 días",
            "Encaminhamentos atendidos em 14 dias",
            "14天内就诊的转诊",
            "الإحالات التي رُئيت خلال 14 يومًا",
            "Направления, принятые за 14 дней",
        ),
        target=0.8,
        benchmarks=((0.7, "Demo figure", 2025, True),),
    ),
    Spec(
        "consult-letter-within-30-days",
        "timely",
        "proportion",
        "higher",
        "computed",
        "Consult letter sent within 30 days",
        "The share of referred patients' first visits whose consult letter reached the referring "
        "physician within 30 days.",
        "First visits with the consult letter sent within 30 days of the visit.",
        "Referrals whose first completed visit falls in the month.",
        "Whether the doctor who sent a patient hears back from us in time.",
        (
            "Carta de consulta enviada en 30 días",
            "Carta de consulta enviada em 30 dias",
            "30天内发送会诊信",
            "إرسال خطاب الاستشارة خلال 30 يومًا",
            "Консультативное письмо отправлено за 30 дней",
        ),
        after="CMS50 (closing the referral loop)",
        target=0.9,
    ),
    Spec(
        "message-reply-hours",
        "timely",
        "median",
        "lower",
        "computed",
        "Hours to answer a patient's message",
        "The median hours from a patient's portal message to the care team's first reply.",
        "Hours from each patient message to the next care-team reply in the same conversation.",
        "Patient messages sent in the month that were answered.",
        "How quickly the care team answers messages sent through the patient portal.",
        (
            "Horas para responder un mensaje",
            "Horas para responder a uma mensagem",
            "回复患者消息的小时数",
            "ساعات الرد على رسالة المريض",
            "Часы до ответа на сообщение",
        ),
        unit="hours",
        target=24,
        exclusions="Internal staff notes.",
    ),
    Spec(
        "stage-within-30-days",
        "effective",
        "proportion",
        "higher",
        "computed",
        "Cancer stage recorded within 30 days",
        "The share of new primary cancers with a stage recorded within 30 days of the diagnosis "
        "or the first visit, whichever is later.",
        "Primary cancers staged within 30 days of the later of diagnosis and first visit.",
        "Primary cancers whose later date (diagnosis or first visit) falls in the month.",
        "Knowing a cancer's stage early guides the choice of treatment.",
        (
            "Estadio registrado en 30 días",
            "Estadiamento registrado em 30 dias",
            "30天内记录分期",
            "تسجيل المرحلة خلال 30 يومًا",
            "Стадия записана за 30 дней",
        ),
        after="ASCO QOPI",
        target=0.9,
    ),
    Spec(
        "board-review-within-60-days",
        "effective",
        "proportion",
        "higher",
        "computed",
        "New cancers reviewed by a tumor board within 60 days",
        "The share of new primary cancers discussed at a tumor board within 60 days of diagnosis.",
        "Primary cancers discussed at a board meeting within 60 days of diagnosis.",
        "Primary cancers diagnosed in the month.",
        "Several specialists reviewing a new cancer together improves the plan.",
        (
            "Revisión por comité de tumores en 60 días",
            "Revisão por comitê de tumores em 60 dias",
            "60天内经肿瘤委员会讨论",
            "مراجعة مجلس الأورام خلال 60 يومًا",
            "Разбор на онкоконсилиуме за 60 дней",
        ),
        after="CoC standards",
        target=0.8,
    ),
    Spec(
        "board-concordance",
        "effective",
        "proportion",
        "higher",
        "computed",
        "Board recommendations that follow guidelines",
        "The share of signed tumor board recommendations marked concordant with guidelines.",
        "Signed, current recommendations marked guideline-concordant.",
        "Recommendations signed in the month and not superseded.",
        "How often the board's advice follows published treatment guidelines.",
        (
            "Recomendaciones conformes a las guías",
            "Recomendações conforme as diretrizes",
            "符合指南的委员会建议",
            "توصيات المجلس المطابقة للإرشادات",
            "Рекомендации консилиума по клиническим руководствам",
        ),
        after="CoC standards",
        target=0.9,
    ),
    Spec(
        "new-patients-in-trial",
        "effective",
        "proportion",
        "higher",
        "computed",
        "New patients enrolled in a clinical trial",
        "The share of new patients who enrolled in a clinical trial.",
        "New patients with a trial enrollment.",
        "Patients whose first completed visit falls in the month.",
        "Clinical trials give access to new treatments; this counts how many new patients join one.",
        (
            "Pacientes nuevos en un ensayo clínico",
            "Novos pacientes em um ensaio clínico",
            "参加临床试验的新患者",
            "مرضى جدد مسجلون في تجربة سريرية",
            "Новые пациенты в клиническом исследовании",
        ),
        target=0.05,
    ),
    Spec(
        "symptom-reports-on-treatment",
        "patient_centered",
        "proportion",
        "higher",
        "computed",
        "Symptom reports completed during treatment",
        "The share of patient-months on treatment with at least one completed symptom check-in.",
        "Patient-months on treatment with a completed symptom check-in.",
        "Patient-months with an active treatment course.",
        "Reporting symptoms weekly lets the team act before problems grow.",
        (
            "Informes de síntomas durante el tratamiento",
            "Relatos de sintomas durante o tratamento",
            "治疗期间完成的症状报告",
            "تقارير الأعراض أثناء العلاج",
            "Отчёты о симптомах во время лечения",
        ),
        target=0.7,
    ),
    Spec(
        "pain-scored-at-treatment-visits",
        "patient_centered",
        "proportion",
        "higher",
        "computed",
        "Pain scored at treatment visits",
        "The share of visits by patients receiving chemotherapy at which pain was scored, in a "
        "check-in answered from 7 days before the visit to the visit itself.",
        "Visits with a pain answer in a check-in from 7 days before to the end of the visit.",
        "Completed visits in the month, with a clinician or in an infusion chair, of patients "
        "whose course of systemic anticancer therapy is under way that day.",
        "Asking about pain at every visit during treatment is the first step to relieving it.",
        (
            "Dolor evaluado en las visitas de tratamiento",
            "Dor avaliada nas visitas de tratamento",
            "治疗就诊时评估疼痛",
            "تقييم الألم في زيارات العلاج",
            "Оценка боли на визитах лечения",
        ),
        after="CMS157 (pain intensity quantified)",
        exclusions="Visits for scans only.",
        target=0.9,
    ),
    Spec(
        "no-shows",
        "efficient",
        "proportion",
        "lower",
        "computed",
        "Missed appointments",
        "The share of appointments due in the month that the patient did not attend.",
        "Appointments marked as not attended.",
        "Appointments due in the month: attended, checked in or not attended.",
        "Missed visits delay care and leave time unused that another patient could have had.",
        (
            "Citas perdidas",
            "Consultas perdidas",
            "未到诊的预约",
            "المواعيد الفائتة",
            "Пропущенные приёмы",
        ),
        target=0.05,
    ),
    Spec(
        "slot-fill",
        "efficient",
        "proportion",
        "higher",
        "computed",
        "Clinic time booked",
        "Booked clinician minutes over the minutes offered in the clinicians' weekly hours.",
        "Minutes booked with a clinician.",
        "Minutes in clinicians' weekly hours, less holidays, leave and blocked time.",
        "How much of the time our doctors make available is used by patients.",
        (
            "Tiempo de consulta reservado",
            "Tempo de consulta reservado",
            "已预约的门诊时间",
            "وقت العيادة المحجوز",
            "Занятое время приёма",
        ),
        target=0.85,
        is_public=False,
    ),
    Spec(
        "waitlist-offers-accepted",
        "efficient",
        "proportion",
        "higher",
        "computed",
        "Earlier-appointment offers accepted",
        "The share of earlier appointments offered from the waitlist that patients accepted.",
        "Offers accepted.",
        "Offers made in the month and answered, declined or expired.",
        "When a time frees up, how often a waiting patient can take it.",
        (
            "Ofertas de cita anticipada aceptadas",
            "Ofertas de consulta antecipada aceitas",
            "接受提前预约的比例",
            "عروض المواعيد المبكرة المقبولة",
            "Принятые предложения более раннего приёма",
        ),
        target=0.5,
    ),
    Spec(
        "clabsi-sir",
        "safe",
        "ratio",
        "lower",
        "entered",
        "Central line bloodstream infections (SIR)",
        "CLABSI standardized infection ratio: observed infections over those NHSN predicts.",
        "Observed central line-associated bloodstream infections.",
        "Infections predicted by the NHSN risk model.",
        "Below 1.0 means fewer infections than expected for hospitals like ours.",
        (
            "Infecciones asociadas a vía central (SIR)",
            "Infecções de cateter central (SIR)",
            "中心静脉导管相关血流感染（SIR）",
            "عدوى مجرى الدم المرتبطة بالقسطرة المركزية (SIR)",
            "Инфекции кровотока, связанные с центральным катетером (SIR)",
        ),
        steward="CDC NHSN",
        target=1.0,
        benchmarks=((1.0, NHSN, 2022, False),),
    ),
    Spec(
        "cauti-sir",
        "safe",
        "ratio",
        "lower",
        "entered",
        "Catheter-associated urinary tract infections (SIR)",
        "CAUTI standardized infection ratio: observed infections over those NHSN predicts.",
        "Observed catheter-associated urinary tract infections.",
        "Infections predicted by the NHSN risk model.",
        "Below 1.0 means fewer infections than expected for hospitals like ours.",
        (
            "Infecciones urinarias por sonda (SIR)",
            "Infecções urinárias por cateter (SIR)",
            "导尿管相关尿路感染（SIR）",
            "عدوى المسالك البولية المرتبطة بالقسطرة (SIR)",
            "Инфекции мочевых путей, связанные с катетером (SIR)",
        ),
        steward="CDC NHSN",
        target=1.0,
        benchmarks=((1.0, NHSN, 2022, False),),
    ),
    Spec(
        "cdiff-sir",
        "safe",
        "ratio",
        "lower",
        "entered",
        "C. difficile infections (SIR)",
        "Hospital-onset C. difficile standardized infection ratio from NHSN.",
        "Observed hospital-onset C. difficile infections.",
        "Infections predicted by the NHSN risk model.",
        "Below 1.0 means fewer infections than expected for hospitals like ours.",
        (
            "Infecciones por C. difficile (SIR)",
            "Infecções por C. difficile (SIR)",
            "艰难梭菌感染（SIR）",
            "عدوى المطثية العسيرة (SIR)",
            "Инфекции C. difficile (SIR)",
        ),
        steward="CDC NHSN",
        target=1.0,
        benchmarks=((1.0, NHSN, 2022, False),),
    ),
    Spec(
        "falls-per-1000-patient-days",
        "safe",
        "rate",
        "lower",
        "entered",
        "Falls per 1,000 patient days",
        "Inpatient falls per 1,000 patient days.",
        "Falls reported in the month.",
        "Patient days in the month.",
        "How often patients fall while in our care.",
        (
            "Caídas por 1.000 días-paciente",
            "Quedas por 1.000 pacientes-dia",
            "每1000患者日跌倒次数",
            "السقوط لكل 1000 يوم مريض",
            "Падения на 1000 койко-дней",
        ),
        per=1000,
        target=2.0,
        benchmarks=((2.5, "Demo figure", 2025, True),),
    ),
    Spec(
        "hcahps-top-box",
        "patient_centered",
        "proportion",
        "higher",
        "entered",
        "Patients who would definitely recommend us",
        "HCAHPS: the share of surveyed patients answering 'definitely yes' to recommending the "
        "hospital.",
        "Respondents answering 'definitely yes'.",
        "Survey respondents in the month.",
        "What patients tell an independent survey about their stay.",
        (
            "Pacientes que nos recomendarían sin duda",
            "Pacientes que com certeza nos recomendariam",
            "肯定会推荐我们的患者",
            "المرضى الذين سيوصون بنا بالتأكيد",
            "Пациенты, которые точно порекомендуют нас",
        ),
        steward="CMS HCAHPS",
        target=0.8,
        benchmarks=((0.72, "Demo figure", 2025, True),),
    ),
)

STRATIFIERS = (
    ("language", "Preferred language", "language"),
    ("sex", "Sex", "sex"),
    ("age-band", "Age band", "age_band"),
    ("area", "Area (3-digit ZIP or country)", "area"),
    ("program", "Program", "program"),
)
