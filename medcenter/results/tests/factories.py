from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.patients.tests.factories import PatientFactory
from medcenter.results import services

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def report(patient=None, *, actor=None, display="Complete blood count", **kwargs):
    """A filed report (released by the rules) with two values: one normal, one low."""
    values = kwargs.pop(
        "values",
        [
            services.ValueIn(
                display="Hemoglobin",
                value_decimal=Decimal("10.2"),
                unit="g/dL",
                reference_low=Decimal("12"),
                reference_high=Decimal("16"),
                interpretation="L",
            ),
            services.ValueIn(
                display="Platelets",
                value_decimal=Decimal("250"),
                unit="10*9/L",
                reference_low=Decimal("150"),
                reference_high=Decimal("400"),
                interpretation="N",
            ),
        ],
    )
    return services.file_report(
        patient=patient or PatientFactory(),
        actor=actor or StaffUserFactory(roles=["clinician"]),
        category=kwargs.pop("category", "lab"),
        display=display,
        values=values,
        issued_at=kwargs.pop("issued_at", timezone.now() - timedelta(minutes=5)),
        **kwargs,
    )


def document(patient=None, *, actor=None, title="Visit summary", **kwargs):
    return services.file_document(
        patient=patient or PatientFactory(),
        actor=actor or StaffUserFactory(roles=["clinician"]),
        kind=kwargs.pop("kind", "visit_summary"),
        title=title,
        document_date=timezone.localdate(),
        content=kwargs.pop("content", PDF),
        filename=kwargs.pop("filename", "summary.pdf"),
        author=kwargs.pop("author", "Dr. Example"),
        issued_at=kwargs.pop("issued_at", timezone.now() - timedelta(minutes=5)),
        **kwargs,
    )
