"""mCODE resources read into the oncology record's terms. Pure functions: no database.

Each reader raises McodeError, with a message staff can act on, when a resource lacks what the
record needs; the import then refuses that resource alone.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from medcenter.fhir.mcode import codes
from medcenter.fhir.mcode.reading import (
    Json,
    code_in,
    codings,
    components,
    display_in,
    effective_date,
    extension_value,
    number_text,
    parse_date,
    profiles,
    quantity_text,
    text_of,
    value_of,
)
from medcenter.oncology import staging
from medcenter.oncology.genomics import Alteration, load_oncotree, make_alteration, normalize_gene
from medcenter.oncology.models import CancerDiagnosis, DiagnosisKind

_ICD10_PRIMARY = re.compile(r"^(C[0-6]\d|C7[0-6A]|C8\d|C9[0-6]|D0\d)")
_ICD10_SECONDARY = re.compile(r"^(C7[7-9]|C7B)")
_TOPOGRAPHY = re.compile(r"^C\d\d(\.\d)?$")
_MORPHOLOGY = re.compile(r"^\d{4}/\d$")
_PROTEIN_IN_TEXT = re.compile(r"p\.(\([^)]*\)|[^\s)]+)")
_SEMANTIC_TAG = re.compile(r"\s+\((?:qualifier value|finding)\)$")


class McodeError(ValueError):
    """A resource that cannot be read into the record; the message says what is missing."""


def cancer_condition_kind(resource: Json) -> str | None:
    """DiagnosisKind of a cancer Condition, by profile, category or ICD-10-CM code; else None."""
    declared = profiles(resource)
    if codes.PRIMARY_CANCER_CONDITION in declared:
        return DiagnosisKind.PRIMARY
    if codes.SECONDARY_CANCER_CONDITION in declared:
        return DiagnosisKind.SECONDARY
    categories = resource.get("category") or []
    if any(code_in(c, codes.SNOMED) == codes.PRIMARY_CATEGORY for c in categories):
        return DiagnosisKind.PRIMARY
    if any(code_in(c, codes.SNOMED) == codes.SECONDARY_CATEGORY for c in categories):
        return DiagnosisKind.SECONDARY
    icd10 = code_in(resource.get("code"), codes.ICD10CM).upper()
    if _ICD10_SECONDARY.match(icd10):
        return DiagnosisKind.SECONDARY
    if _ICD10_PRIMARY.match(icd10):
        return DiagnosisKind.PRIMARY
    return None


def diagnosis_fields(resource: Json) -> dict[str, Any]:
    """The CancerDiagnosis fields a Primary or Secondary Cancer Condition gives."""
    code = resource.get("code") or {}
    body_sites = [s for s in resource.get("bodySite") or [] if isinstance(s, dict)]
    topography = morphology = ""
    for concept in [code, *body_sites]:
        for coding in codings(concept):
            value = str(coding.get("code") or "")
            if coding.get("system") not in codes.ICDO3_SYSTEMS:
                continue
            if _TOPOGRAPHY.match(value) and not topography:
                topography = value
            elif _MORPHOLOGY.match(value) and not morphology:
                morphology = value
    histology = extension_value(resource, codes.HISTOLOGY_EXTENSION)
    for coding in codings(histology):
        value = str(coding.get("code") or "")
        if coding.get("system") in codes.ICDO3_SYSTEMS and _MORPHOLOGY.match(value):
            morphology = morphology or value
    snomed = code_in(code, codes.SNOMED)
    laterality = ""
    for element in [*body_sites, resource]:
        side = extension_value(element, codes.LATERALITY_EXTENSION)
        laterality = codes.LATERALITY_BY_CODE.get(code_in(side, codes.SNOMED), "")
        if laterality:
            break
    onset = resource.get("onsetPeriod") or {}
    diagnosed_on = (
        parse_date(resource.get("onsetDateTime"))
        or parse_date(onset.get("start"))
        or parse_date(resource.get("recordedDate"))
        or parse_date(extension_value(resource, codes.ASSERTED_DATE_EXTENSION))
    )
    status = code_in(resource.get("clinicalStatus"), codes.CONDITION_CLINICAL)
    return {
        "description": (
            str(code.get("text") or "") or display_in(code, codes.SNOMED) or text_of(code)
        )[:200],
        "oncotree_code": code_in(code, codes.ONCOTREE) or codes.ONCOTREE_BY_SNOMED.get(snomed, ""),
        "icd10_code": code_in(code, codes.ICD10CM)[:10],
        "icdo3_topography": topography,
        "icdo3_morphology": morphology,
        "snomed_code": snomed[:20],
        "body_site": _words(body_sites[0])[:200] if body_sites else "",
        "laterality": laterality,
        "histology": _words(histology)[:200],
        "diagnosed_on": diagnosed_on,
        "clinical_status": codes.CLINICAL_STATUSES.get(status, "unknown"),
        "source_identifier": str(resource.get("id") or "")[:200],
    }


def _words(concept: object) -> str:
    """A concept as words (its SNOMED CT display, text or any display), never a bare code."""
    if not isinstance(concept, dict):
        return ""
    displays = [str(c["display"]) for c in codings(concept) if c.get("display")]
    return (
        display_in(concept, codes.SNOMED)
        or str(concept.get("text") or "")
        or next(iter(displays), "")
    )


def related_primary_reference(resource: Json) -> str:
    """The reference a Secondary Cancer Condition gives to its primary ("" if none)."""
    value = extension_value(resource, *codes.RELATED_PRIMARY_EXTENSIONS)
    return str(value.get("reference") or "") if isinstance(value, dict) else ""


# --- TNM ---------------------------------------------------------------------------------


@dataclass
class StageReading:
    """What a stage group and its category observations say, before any scheme is applied."""

    classification: str
    categories: dict[str, str] = field(default_factory=dict)  # axis → label as written (cT3)
    stage_group: str = ""
    method: str = ""  # staging method code (SNOMED or NCIt)
    method_display: str = ""
    assessed_on: date | None = None
    mixed: bool = False  # categories of another classification than the group's

    @property
    def bare(self) -> dict[str, str]:
        return {axis: codes.split_category(label)[1] for axis, label in self.categories.items()}


def category_axis(resource: Json) -> tuple[str, str | None] | None:
    """(axis, classification) of a TNM category observation, from its code or its profile."""
    for coding in codings(resource.get("code")):
        found = codes.CATEGORY_TYPES.get(str(coding.get("code") or ""))
        if found is not None:
            return found
    declared = profiles(resource)
    for axis, profile in codes.CATEGORY_PROFILE.items():
        if profile in declared:
            return axis, None
    return None


def stage_group_classification(resource: Json) -> str | None:
    for coding in codings(resource.get("code")):
        code = str(coding.get("code") or "")
        if code in codes.STAGE_GROUP_TYPES:
            return codes.STAGE_GROUP_TYPES[code]
    return None


def category_label(resource: Json) -> str | None:
    """The category an observation holds (cT3); None when the source says it is absent."""
    concept = resource.get("valueCodeableConcept")
    if concept is None:
        if resource.get("dataAbsentReason"):
            return None
        raise McodeError(_("The TNM category has no value."))
    for coding in codings(concept):
        if coding.get("system") == codes.DATA_ABSENT:
            return None
        label = codes.TNM_CATEGORIES.get(str(coding.get("code") or ""))
        if label is not None:
            return label
    for text in [concept.get("text"), *(c.get("display") for c in codings(concept))]:
        label = codes.category_from_text(str(text)) if text else None
        if label is not None:
            return label
    raise McodeError(
        _("“%(value)s” is not a TNM category this import can read.") % {"value": text_of(concept)}
    )


def stage_group_label(resource: Json) -> str:
    """The stage group an observation holds (IIIC); "" when the source says it is absent."""
    concept = resource.get("valueCodeableConcept")
    if concept is None:
        if resource.get("dataAbsentReason"):
            return ""
        raise McodeError(_("The stage group has no value."))
    for coding in codings(concept):
        if coding.get("system") == codes.DATA_ABSENT:
            return ""
        label = codes.STAGE_GROUPS.get(str(coding.get("code") or ""))
        if label is not None:
            return label
    for text in [concept.get("text"), *(c.get("display") for c in codings(concept))]:
        label = codes.stage_group_from_text(str(text)) if text else None
        if label is not None:
            return label
    raise McodeError(
        _("“%(value)s” is not a stage group this import can read.") % {"value": text_of(concept)}
    )


def read_stage(group: Json | None, members: list[Json]) -> StageReading:
    """Read a TNM stage group (or, without one, categories that belong together)."""
    classification = stage_group_classification(group) if group is not None else None
    member_classes: set[str] = set()
    categories: dict[str, str] = {}
    for member in members:
        axis_and_class = category_axis(member)
        if axis_and_class is None:
            continue
        axis, member_class = axis_and_class
        label = category_label(member)
        if label is None:
            continue
        prefix, bare = codes.split_category(label)
        if not prefix and member_class is not None:
            label = ("c" if member_class == codes.CLINICAL else "p") + bare
            prefix = label[0]
        if bare[:1].lower() != axis:
            raise McodeError(
                _("%(category)s was given as the %(axis)s category.")
                % {"category": label, "axis": axis.upper()}
            )
        if categories.get(axis, label) != label:
            raise McodeError(
                _("Two different %(axis)s categories: %(first)s and %(second)s.")
                % {"axis": axis.upper(), "first": categories[axis], "second": label}
            )
        categories[axis] = label
        if prefix:
            member_classes.add(codes.PATHOLOGICAL if prefix.endswith("p") else codes.CLINICAL)
    if classification is None:
        classification = member_classes.pop() if len(member_classes) == 1 else codes.CLINICAL
    reading = StageReading(
        classification=classification,
        categories=categories,
        mixed=bool(member_classes - {classification}),
    )
    if any(label.startswith("y") for label in categories.values()):
        reading.classification = "post_therapy_" + classification
    sources = ([group] if group is not None else []) + members
    if group is not None:
        reading.stage_group = stage_group_label(group)
    for source in sources:
        method = source.get("method")
        reading.method = code_in(method, codes.SNOMED, codes.NCIT)
        if reading.method or method:
            reading.method_display = text_of(method)
            break
    dates = [d for d in (effective_date(s) for s in sources) if d is not None]
    reading.assessed_on = dates[0] if dates else None
    return reading


# --- Performance status and tumor markers -------------------------------------------------


def performance_score(resource: Json) -> int:
    kind, value = value_of(resource)
    if kind == "Quantity" and isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if kind not in ("Integer", "Quantity") or not isinstance(value, int):
        raise McodeError(_("The performance status has no score as a whole number."))
    return value


def marker_value(resource: Json) -> str:
    """The result of a tumor marker test as the record keeps it: text, with units."""
    kind, value = value_of(resource)
    if kind == "CodeableConcept":
        # SNOMED CT displays end in a semantic tag, "Positive (qualifier value)".
        return _SEMANTIC_TAG.sub("", text_of(value))
    if kind == "Quantity":
        return quantity_text(value)
    if kind == "Ratio":
        return "{}/{}".format(
            quantity_text(value.get("numerator") or {}),
            quantity_text(value.get("denominator") or {}),
        )
    if kind == "Range":
        return "{} to {}".format(
            quantity_text(value.get("low") or {}), quantity_text(value.get("high") or {})
        )
    if kind in ("String", "Integer"):
        return number_text(value)
    if kind == "Boolean":
        return _("yes") if value else _("no")
    raise McodeError(_("The tumor marker test has no result."))


def marker_interpretation(resource: Json) -> str:
    for concept in resource.get("interpretation") or []:
        code = code_in(concept, codes.INTERPRETATION)
        if code in codes.INTERPRETATIONS:
            return codes.INTERPRETATIONS[code]
        text = text_of(concept)
        if text:
            return text[:40]
    return ""


# --- Genomics ------------------------------------------------------------------------------


def genes_studied(resource: Json, *, every_coding: bool) -> list[str]:
    """HGNC symbols of the gene-studied components, in order; a region may list several
    genes as codings of one component, a variant gives one gene in several code systems."""
    genes: list[str] = []
    for component in components(resource, codes.GENE_STUDIED):
        concept = component.get("valueCodeableConcept") or {}
        names = [str(c.get("display") or "") for c in codings(concept) if c.get("display")]
        if not names and concept.get("text"):
            names = [str(concept["text"])]
        if not names:
            # Some feeds send the symbol as the code; an HGNC id ("HGNC:1100") is not one.
            names = [
                str(c["code"])
                for c in codings(concept)
                if c.get("code") and not re.fullmatch(r"(HGNC:)?\d+", str(c["code"]))
            ]
        for name in names if every_coding else names[:1]:
            symbol = normalize_gene(name)
            if symbol not in genes:
                genes.append(symbol)
    return genes


def is_pertinent_negative(resource: Json) -> bool:
    return code_in(resource.get("valueCodeableConcept"), codes.LOINC) == codes.ABSENT


def _component_text(resource: Json, code: str) -> str:
    for component in components(resource, code):
        concept = component.get("valueCodeableConcept") or {}
        for coding in codings(concept):
            text = str(coding.get("code") or coding.get("display") or "")
            if text:
                return text
        if concept.get("text"):
            return str(concept["text"])
    return ""


def _component_quantity(resource: Json, code: str) -> Json | None:
    for component in components(resource, code):
        quantity = component.get("valueQuantity")
        if isinstance(quantity, dict) and quantity.get("value") is not None:
            return quantity
    return None


def variant_alteration(resource: Json) -> Alteration:
    """The alteration a GenomicVariant observation reports, for the genomics package."""
    genes = genes_studied(resource, every_coding=False)
    if not genes:
        raise McodeError(_("The variant names no gene."))
    protein = _component_text(resource, codes.PROTEIN_HGVS)
    if not protein:
        for component in components(resource, codes.VARIATION_CODE):
            for coding in codings(component.get("valueCodeableConcept")):
                match = _PROTEIN_IN_TEXT.search(str(coding.get("display") or ""))
                if match:
                    protein = match.group(0)
                    break
    kind: str | None = None
    for code in (codes.DNA_CHANGE_TYPE, codes.MOLECULAR_CONSEQUENCE):
        kind = kind or codes.SO_KINDS.get(_component_text(resource, code))
    dna = _component_text(resource, codes.CODING_HGVS) or _component_text(
        resource, codes.GENOMIC_HGVS
    )
    gene = genes[0]
    if len(genes) >= 2 and not protein and kind in (None, "fusion"):
        gene, kind = "::".join(genes[:2]), "fusion"
    elif kind is None and not protein and dna:
        dna_change = dna.rsplit(":", 1)[-1]
        kind = (
            "snv"
            if ">" in dna_change
            else "indel"
            if re.search("del|ins|dup", dna_change)
            else None
        )
    vaf: str | None = None
    frequency = _component_quantity(resource, codes.ALLELIC_FREQUENCY)
    if frequency is not None:
        # LOINC defines a fraction, but feeds send percentages, with or without the unit.
        percent = "%" in (frequency.get("unit"), frequency.get("code")) or frequency["value"] > 1
        vaf = number_text(frequency["value"]) + ("%" if percent else "")
    copies = _component_quantity(resource, codes.COPY_NUMBER)
    return make_alteration(
        gene=gene,
        change=protein or None,
        kind=kind,
        vaf=vaf,
        copy_number=number_text(copies["value"]) if copies else None,
    )


def specimen_text(specimen: Json) -> str:
    """A specimen in a few words: its type and where it was taken from."""
    collection = specimen.get("collection") or {}
    parts = [text_of(specimen.get("type")), text_of(collection.get("bodySite"))]
    return ", ".join(p for p in parts if p)


def staging_scheme(diagnosis: CancerDiagnosis) -> str | None:
    """The staging scheme of ours that applies to a primary cancer, or None."""
    if diagnosis.kind != DiagnosisKind.PRIMARY:
        return None
    scheme: str | None = None
    oncotree = load_oncotree()
    found = oncotree.find(diagnosis.oncotree_code) if diagnosis.oncotree_code else None
    small_cell = diagnosis.icdo3_morphology[:4] in codes.SMALL_CELL_MORPHOLOGY
    if diagnosis.snomed_code in codes.NSCLC_SNOMED or (
        found is not None and "NSCLC" in oncotree.lineage(found)
    ):
        scheme = "nsclc"
    for site in (diagnosis.icd10_code.upper(), diagnosis.icdo3_topography.upper()):
        if scheme is None and site.startswith("C34") and not small_cell:
            scheme = "nsclc"
        for prefix, site_scheme in codes.BONE_SITES.items():
            if scheme is None and site.startswith(prefix):
                scheme = site_scheme
    return scheme if scheme in staging.SCHEMES else None
