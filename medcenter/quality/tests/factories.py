"""Helpers for the quality tests: analysts, a PDF source document, an entered month."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from medcenter.accounts.tests.factories import StaffUserFactory, verified
from medcenter.core.uploads import check_upload
from medcenter.quality import services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def analyst() -> Any:
    user: Any = StaffUserFactory(roles=["quality_analyst"])
    return verified(user)


def document() -> Any:
    return check_upload(name="nhsn-report.pdf", content=PDF)


def upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("nhsn-report.pdf", PDF, content_type="application/pdf")


def catalogue() -> None:
    with transaction.atomic():
        services.install_catalogue()


def enter(
    code: str, month: date, numerator: int, denominator: float, actor: Any = None, **kw: Any
) -> Any:
    return services.record_entry(
        measure_code=code,
        month=month,
        numerator=numerator,
        denominator=denominator,
        actor=actor or analyst(),
        document=document(),
        **kw,
    )
