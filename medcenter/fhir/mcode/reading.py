"""Small readers over FHIR JSON (already validated): codings, references, dates, extensions."""

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

Json = dict[str, Any]

_REFERENCE_RE = re.compile(r"(?:^|/)([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(?:/_history/[^/]+)?$")
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def codings(concept: object) -> list[Json]:
    """The codings of a CodeableConcept (or a lone Coding), never None."""
    if not isinstance(concept, dict):
        return []
    if "coding" in concept:
        return [c for c in concept.get("coding") or [] if isinstance(c, dict)]
    return [concept] if "code" in concept else []


def code_in(concept: object, *systems: str) -> str:
    """The first code of `concept` in any of `systems` ("" if none)."""
    for coding in codings(concept):
        if coding.get("system") in systems and coding.get("code"):
            return str(coding["code"])
    return ""


def text_of(concept: object) -> str:
    """What a person reads: the concept's text, else its first display, else its first code."""
    if not isinstance(concept, dict):
        return ""
    if concept.get("text"):
        return str(concept["text"]).strip()
    for coding in codings(concept):
        if coding.get("display"):
            return str(coding["display"]).strip()
    for coding in codings(concept):
        if coding.get("code"):
            return str(coding["code"]).strip()
    return ""


def display_in(concept: object, system: str) -> str:
    for coding in codings(concept):
        if coding.get("system") == system and coding.get("display"):
            return str(coding["display"]).strip()
    return ""


def profiles(resource: Json) -> set[str]:
    """The resource's declared profiles, without their versions."""
    meta = resource.get("meta") or {}
    return {str(p).split("|", 1)[0] for p in meta.get("profile") or []}


def extensions(element: object, *urls: str) -> Iterator[Json]:
    if not isinstance(element, dict):
        return
    for extension in element.get("extension") or []:
        if isinstance(extension, dict) and extension.get("url") in urls:
            yield extension


def extension_value(element: object, *urls: str) -> Any:
    """The value[x] of the first extension with one of `urls`, or None."""
    for extension in extensions(element, *urls):
        for key, value in extension.items():
            if key.startswith("value"):
                return value
    return None


def reference_key(reference: object) -> str:
    """ "Type/id" for a relative or absolute reference; other references as written."""
    if isinstance(reference, dict):
        reference = reference.get("reference")
    if not isinstance(reference, str) or not reference:
        return ""
    match = _REFERENCE_RE.search(reference)
    return f"{match.group(1)}/{match.group(2)}" if match else reference


def references(resource: Json, name: str) -> list[str]:
    """The reference keys of an element that holds one Reference or a list of them."""
    value = resource.get(name)
    items = value if isinstance(value, list) else [value]
    return [key for key in (reference_key(item) for item in items) if key]


def subject_key(resource: Json) -> str:
    return reference_key(resource.get("subject") or resource.get("patient"))


def parse_date(value: object) -> date | None:
    """The calendar day of a FHIR date or dateTime as written; None for a partial date."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    match = _DATE_RE.match(value)
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def effective_date(resource: Json) -> date | None:
    """When an observation or report applies: effective[x], else when it was issued."""
    period = resource.get("effectivePeriod") or {}
    for value in (
        resource.get("effectiveDateTime"),
        resource.get("effectiveInstant"),
        period.get("start"),
        period.get("end"),
        resource.get("issued"),
    ):
        found = parse_date(value)
        if found is not None:
            return found
    return None


def value_of(resource: Json) -> tuple[str, Any]:
    """The value[x] of an observation or component as (type suffix, value); ("", None)."""
    for key, value in resource.items():
        if key.startswith("value") and value is not None:
            return key[len("value") :], value
    return "", None


def components(resource: Json, code: str) -> list[Json]:
    """The components whose code includes `code`, in order."""
    return [
        c
        for c in resource.get("component") or []
        if any(coding.get("code") == code for coding in codings(c.get("code")))
    ]


def quantity_text(quantity: Json) -> str:
    """47 {Recurrence score} as "47 Recurrence score"; "<5 ng/mL" keeps its comparator."""
    number = quantity.get("value")
    if number is None:
        return ""
    text = f"{quantity.get('comparator', '')}{number_text(number)}"
    unit = quantity.get("unit") or quantity.get("code") or ""
    return f"{text} {unit}".strip() if unit and unit != "1" else text


def number_text(number: object) -> str:
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return str(number)
