"""An import's batch: bundles unpacked, each resource checked against its FHIR R4 model and
sorted by what it is to the oncology record."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError as SchemaError

from medcenter.fhir.mcode import codes
from medcenter.fhir.mcode.mapping import cancer_condition_kind, category_axis
from medcenter.fhir.mcode.reading import Json, code_in, extension_value, profiles
from medcenter.fhir.mcode.report import ImportReport
from medcenter.oncology.models import DiagnosisKind

_WITHDRAWN = frozenset({"entered-in-error", "cancelled", "refuted"})


class Kind(StrEnum):
    PATIENT = "patient"
    PRIMARY = "primary"
    SECONDARY = "secondary"
    STAGE_GROUP = "stage_group"
    CATEGORY = "category"
    PERFORMANCE = "performance"
    TUMOR_MARKER = "tumor_marker"
    VARIANT = "variant"
    REGION = "region"
    GENOMICS_REPORT = "genomics_report"
    LAB = "lab"
    PREGNANCY = "pregnancy"
    TREATMENT = "treatment"
    WITHDRAWN = "withdrawn"
    OTHER = "other"


ONCOLOGY = frozenset(Kind) - {Kind.PATIENT, Kind.WITHDRAWN, Kind.OTHER}


@dataclass
class Entry:
    key: str  # "Type/id" as the source wrote it
    resource: Json
    full_url: str
    kind: Kind = Kind.OTHER


def read_batch(
    resources: Iterable[Mapping[str, Any]] | Mapping[str, Any], result: ImportReport
) -> list[Entry]:
    """Unpack bundles and validate every resource; the invalid ones go to the report."""
    items = [resources] if isinstance(resources, Mapping) else list(resources)
    pending: list[tuple[object, str]] = [(item, "") for item in reversed(items)]
    entries: dict[str, Entry] = {}
    refused: set[str] = set()
    position = 0
    while pending:
        item, full_url = pending.pop()
        position += 1
        if not isinstance(item, Mapping) or not isinstance(item.get("resourceType"), str):
            result.errors[_("item %(number)s") % {"number": position}] = _(
                "This is not a FHIR resource."
            )
            continue
        resource_type = item["resourceType"]
        key = f"{resource_type}/{item['id']}" if item.get("id") else f"{resource_type} #{position}"
        if resource_type == "Bundle":
            bundled = item.get("entry") or []
            if isinstance(bundled, list):
                # The bundle itself is checked without its resources, which are checked alone.
                shell = [
                    {k: v for k, v in e.items() if k != "resource"} if isinstance(e, Mapping) else e
                    for e in bundled
                ]
                problem = _validate({**item, "entry": shell})[1]
            else:
                problem, bundled = _validate(item)[1], []
            if problem:
                result.errors[key] = problem
            for entry in reversed(bundled):
                if isinstance(entry, Mapping) and entry.get("resource") is not None:
                    pending.append((entry["resource"], str(entry.get("fullUrl") or "")))
            continue
        resource, problem = _validate(item)
        if resource is None:
            result.errors[key] = problem
            continue
        if key in refused:
            continue
        if key in entries:
            if entries[key].resource != resource:
                del entries[key]
                refused.add(key)
                result.errors[key] = _("This resource appears twice, with different content.")
            continue
        entries[key] = Entry(key=key, resource=resource, full_url=full_url, kind=_kind(resource))
    return list(entries.values())


def _validate(resource: Mapping[str, Any]) -> tuple[Json | None, str]:
    unknown = _("%(type)s is not a FHIR R4 resource type.") % {"type": resource["resourceType"]}
    try:
        model = get_fhir_model_class(str(resource["resourceType"]))
    except ValueError:
        return None, unknown
    try:
        checked = model.model_validate(dict(resource))
    except SchemaError as error:
        problems = "; ".join(
            "{}: {}".format(".".join(str(part) for part in problem["loc"]), problem["msg"])
            for problem in error.errors()[:5]
        )
        return None, _("This does not match the FHIR R4 %(type)s resource: %(problems)s") % {
            "type": resource["resourceType"],
            "problems": problems,
        }
    dumped: Json = checked.model_dump(mode="json", exclude_none=True)
    # Data types (Address, Coding…) have models too, but are not resources.
    if dumped.get("resourceType") != resource["resourceType"]:
        return None, unknown
    return dumped, ""


def _kind(resource: Json) -> Kind:
    resource_type = resource["resourceType"]
    declared = profiles(resource)
    code = resource.get("code")
    if resource_type == "Patient":
        return Kind.PATIENT
    if resource_type == "Condition":
        condition_kind = cancer_condition_kind(resource)
        if condition_kind is None:
            return Kind.OTHER
        verification = code_in(resource.get("verificationStatus"), codes.CONDITION_VERIFICATION)
        if verification in _WITHDRAWN:
            return Kind.WITHDRAWN
        return Kind.PRIMARY if condition_kind == DiagnosisKind.PRIMARY else Kind.SECONDARY
    if resource_type == "Observation":
        kind = _observation_kind(resource, declared, code_in(code, codes.LOINC))
    elif resource_type == "MedicationStatement":
        # Ours, with its setting; other medication resources are read but not imported.
        if extension_value(resource, codes.THERAPY_SETTING_URL) is None:
            return Kind.OTHER
        if resource.get("status") == "entered-in-error":
            return Kind.WITHDRAWN
        return Kind.TREATMENT
    elif resource_type == "DiagnosticReport" and (
        codes.GENOMICS_REPORT in declared
        or code_in(code, codes.LOINC) == codes.GENOMICS_REPORT_CODE
    ):
        kind = Kind.GENOMICS_REPORT
    else:
        return Kind.OTHER
    if kind is not Kind.OTHER and resource.get("status") in _WITHDRAWN:
        return Kind.WITHDRAWN
    return kind


def _observation_kind(resource: Json, declared: set[str], loinc: str) -> Kind:
    if codes.TNM_STAGE_GROUP in declared or code_in(
        resource.get("code"), codes.SNOMED, codes.LOINC
    ) in (codes.STAGE_GROUP_TYPES):
        return Kind.STAGE_GROUP
    if category_axis(resource) is not None:
        return Kind.CATEGORY
    if loinc in (codes.ECOG, codes.KARNOFSKY):
        return Kind.PERFORMANCE
    if codes.TUMOR_MARKER_TEST in declared:
        return Kind.TUMOR_MARKER
    if codes.GENOMIC_VARIANT in declared or loinc == codes.GENOMIC_VARIANT_CODE:
        return Kind.VARIANT
    if codes.GENOMIC_REGION_STUDIED in declared or loinc == codes.REGION_STUDIED_CODE:
        return Kind.REGION
    if loinc in codes.LAB_TEST_BY_LOINC and "valueQuantity" in resource:
        return Kind.LAB
    if (
        loinc == codes.PREGNANCY_STATUS
        or code_in(resource.get("code"), codes.BREASTFEEDING_SYSTEM) == codes.BREASTFEEDING
    ):
        return Kind.PREGNANCY
    return Kind.OTHER
