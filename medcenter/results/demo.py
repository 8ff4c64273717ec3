"""Demo results and documents: released labs, a tumor marker and the EGFR genotyping report
for the demo patients, one imaging report a clinician holds (with the reason), and the
14-year-old's adolescent-confidential result that her parent's proxy account never sees."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from medcenter.accounts.demo import staff_email
from medcenter.accounts.models import User
from medcenter.core.documents import Document as Pdf
from medcenter.core.seeding import DemoLogin
from medcenter.oncology.models import GenotypingReport, TumorMarker
from medcenter.patients.demo import PATIENT_DOMAIN
from medcenter.patients.models import Patient
from medcenter.results import services
from medcenter.results.models import ResultReport
from medcenter.results.services import ValueIn


def _at(days_ago: int, hour: int = 9) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _cbc(hemoglobin: str, platelets: str, anc: str) -> list[ValueIn]:
    def flag(value: str, low: str, high: str) -> str:
        v = Decimal(value)
        return "L" if v < Decimal(low) else "H" if v > Decimal(high) else "N"

    return [
        ValueIn(
            display="Hemoglobin",
            code="718-7",
            value_decimal=Decimal(hemoglobin),
            unit="g/dL",
            reference_low=Decimal("12.0"),
            reference_high=Decimal("16.0"),
            interpretation=flag(hemoglobin, "12.0", "16.0"),
        ),
        ValueIn(
            display="Platelets",
            code="777-3",
            value_decimal=Decimal(platelets),
            unit="10*9/L",
            reference_low=Decimal("150"),
            reference_high=Decimal("400"),
            interpretation=flag(platelets, "150", "400"),
        ),
        ValueIn(
            display="Neutrophils (absolute)",
            code="751-8",
            value_decimal=Decimal(anc),
            unit="10*9/L",
            reference_low=Decimal("1.8"),
            reference_high=Decimal("7.7"),
            interpretation=flag(anc, "1.8", "7.7"),
        ),
    ]


def _visit_summary(title: str, lines: list[str]) -> bytes:
    doc = Pdf(title=title)
    doc.heading(title)
    for line in lines:
        doc.paragraph(line)
    return doc.output()


def seed(*, rng: random.Random) -> list[DemoLogin]:
    talia = Patient.objects.filter(email=f"talia.brightwater@{PATIENT_DOMAIN}").first()
    oren = Patient.objects.filter(email=f"oren.castellane@{PATIENT_DOMAIN}").first()
    mila = Patient.objects.filter(given_name="Mila", family_name="Fenwick").first()
    if talia is None or oren is None or mila is None:
        return []
    if ResultReport.objects.filter(patient=talia).exists():
        return []
    clinician = User.objects.get(email=staff_email("clinician"))

    services.file_report(
        patient=talia,
        actor=clinician,
        category="lab",
        display="Complete blood count",
        code="58410-2",
        values=_cbc("11.4", "212", "3.9"),
        effective_at=_at(8, 8),
        issued_at=_at(8, 14),
    )
    services.file_report(
        patient=talia,
        actor=clinician,
        category="lab",
        display="Comprehensive metabolic panel",
        code="24323-8",
        effective_at=_at(8, 8),
        issued_at=_at(8, 15),
        values=[
            ValueIn(
                display="Creatinine",
                code="2160-0",
                value_decimal=Decimal("0.80"),
                unit="mg/dL",
                reference_low=Decimal("0.50"),
                reference_high=Decimal("1.10"),
                interpretation="N",
            ),
            ValueIn(
                display="Alanine aminotransferase (ALT)",
                code="1742-6",
                value_decimal=Decimal("19"),
                unit="U/L",
                reference_high=Decimal("35"),
                interpretation="N",
            ),
        ],
    )
    marker = TumorMarker.objects.filter(patient=talia).first()
    if marker is not None:
        services.file_tumor_marker(marker=marker, actor=clinician)
    egfr = GenotypingReport.objects.filter(patient=talia).first()
    if egfr is not None:
        services.file_genotyping_report(report=egfr, actor=clinician)
    services.file_document(
        patient=talia,
        actor=clinician,
        kind="visit_summary",
        title="Thoracic oncology visit summary",
        document_date=timezone.localdate() - timedelta(days=6),
        author="Thoracic oncology clinic",
        content=_visit_summary(
            "Thoracic oncology visit summary",
            [
                "Reason for visit: review of biopsy and tumor panel results.",
                "Plan: discuss treatment options at the thoracic tumor board; "
                "blood tests before the next visit.",
            ],
        ),
        filename="visit-summary.pdf",
        issued_at=_at(6, 16),
    )

    services.file_report(
        patient=oren,
        actor=clinician,
        category="lab",
        display="Complete blood count",
        code="58410-2",
        values=_cbc("13.1", "190", "4.4"),
        effective_at=_at(5, 8),
        issued_at=_at(5, 12),
    )
    scan = services.file_report(
        patient=oren,
        actor=clinician,
        category="imaging",
        display="CT chest with contrast",
        code="24627-2",
        sensitive_type="cancer_finding",
        effective_at=_at(1, 10),
        issued_at=_at(1, 15),
        conclusion="Several new small nodules in both lungs, suspicious for metastases.",
        values=[
            ValueIn(
                display="Impression",
                value_text="New bilateral pulmonary nodules, largest 7 mm.",
                interpretation="A",
            )
        ],
    )
    services.place_hold(
        item=scan,
        actor=clinician,
        reason=(
            "Patient is flying home alone tomorrow and has said he wants to hear news of a "
            "recurrence in person with his daughter; visit booked in 3 days."
        ),
        days=4,
    )

    services.file_report(
        patient=mila,
        actor=clinician,
        category="lab",
        display="Complete blood count",
        code="58410-2",
        values=_cbc("12.6", "265", "2.9"),
        effective_at=_at(3, 8),
        issued_at=_at(3, 13),
    )
    services.file_report(
        patient=mila,
        actor=clinician,
        category="lab",
        display="Pregnancy test (urine hCG)",
        code="2106-3",
        sensitive_type="reproductive",
        adolescent_confidential=True,
        values=[ValueIn(display="hCG, urine", code="2106-3", value_text="Negative")],
        effective_at=_at(3, 8),
        issued_at=_at(3, 10),
    )
    return []
