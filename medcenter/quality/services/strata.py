"""Equity strata: which stratum a patient falls in, for each allow-listed stratifier kind."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from medcenter.patients.models import Patient

AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 17, "0-17"),
    (18, 39, "18-39"),
    (40, 64, "40-64"),
    (65, 74, "65-74"),
    (75, None, "75+"),
)
KINDS = ("language", "sex", "age_band", "area")
# Not a patient's fact: the program a measure's unit belongs to (see measures.BY_PROGRAM).
PROGRAM = "program"


class Demographics(NamedTuple):
    language: str
    sex: str
    born: date
    postal_code: str
    country: str


def demographics() -> dict[int, Demographics]:
    """Every patient's stratifying facts, in one read (no names, no identifiers)."""
    rows = Patient.objects.values_list(
        "pk", "preferred_language", "sex", "date_of_birth", "postal_code", "country"
    )
    return {
        pk: Demographics(lang, sex, born, postal or "", str(country or ""))
        for pk, lang, sex, born, postal, country in rows
    }


def age_band(born: date, on: date) -> str:
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    for low, high, label in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return AGE_BANDS[0][2]


def area(postal_code: str, country: str) -> str:
    """The 3-digit ZIP in the US (HIPAA's safe-harbor unit), else the country."""
    if country in ("", "US"):
        digits = postal_code.strip()[:3]
        return f"ZIP {digits}" if len(digits) == 3 and digits.isdigit() else "US"
    return country


def stratum(kind: str, person: Demographics, month: date) -> str:
    if kind == "language":
        return person.language
    if kind == "sex":
        return person.sex
    if kind == "age_band":
        return age_band(person.born, month)
    if kind == "area":
        return area(person.postal_code, person.country)
    raise ValueError(kind)
