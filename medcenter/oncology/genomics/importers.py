"""Load upstream actionability data (MOAlmanac, CIViC) into a KnowledgeBase.

A center that wants the full upstream data downloads the files and loads them here, then merges:
`load_curated().merged_with(load_moalmanac(path))` — our curated entries win on conflicts. What
cannot be mapped (a disease with no OncoTree code, an unreadable variant) is skipped and counted
in `KnowledgeBase.skipped`.
"""

import csv
import json
import re
from collections import Counter
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process, utils

from medcenter.oncology.genomics.knowledge import (
    KnowledgeBase,
    KnowledgeBaseEntry,
    KnowledgeBaseError,
    make_entry,
)
from medcenter.oncology.genomics.oncotree import SOLID_TUMOR, OncoTree, load_oncotree

# Approvals withdrawn since upstream data was written; an upstream "FDA-approved" for them is
# dropped rather than shown to a clinician.
WITHDRAWN_APPROVALS = frozenset({"mobocertinib"})

MOALMANAC_LEVELS = {
    "FDA-Approved": "fda_this_type",
    "Guideline": "guideline",
    "Clinical evidence": "clinical_evidence",
    "Clinical trial": "clinical_evidence",
}
CIVIC_LEVELS = {"A": "guideline", "B": "clinical_evidence", "C": "clinical_evidence"}
CIVIC_SIGNIFICANCE = {
    "SENSITIVITYRESPONSE": "sensitive",
    "SENSITIVITY/RESPONSE": "sensitive",
    "RESISTANCE": "resistant",
}
# Disease names upstream sources use that OncoTree spells differently.
DISEASE_SYNONYMS = {
    "any solid tumor": SOLID_TUMOR,
    "solid tumor": SOLID_TUMOR,
    "lung non-small cell carcinoma": "NSCLC",
    "non-small cell lung carcinoma": "NSCLC",
    "lung cancer": "LUNG",
    "lung carcinoma": "LUNG",
    "lung adenocarcinoma": "LUAD",
    "lung squamous cell carcinoma": "LUSC",
    "melanoma": "MEL",
    "skin melanoma": "SKCM",
    "cutaneous melanoma": "SKCM",
    "colorectal cancer": "COADREAD",
    "colorectal adenocarcinoma": "COADREAD",
    "colon cancer": "COADREAD",
    "breast cancer": "BREAST",
    "her2-receptor positive breast cancer": "BREAST",
    "gastrointestinal stromal tumor": "GIST",
    "chondrosarcoma": "CHS",
    "acute myeloid leukemia": "AML",
    "chronic myeloid leukemia": "CML",
    "chronic myelogenous leukemia": "CML",
    "cholangiocarcinoma": "CHOL",
    "thyroid cancer": "THYROID",
    "papillary thyroid carcinoma": "THPA",
    "anaplastic thyroid carcinoma": "THAP",
    "medullary thyroid carcinoma": "THME",
    "pancreatic cancer": "PANCREAS",
    "pancreatic adenocarcinoma": "PAAD",
    "stomach cancer": "STOMACH",
    "gastric adenocarcinoma": "STAD",
    "ovarian cancer": "OVARY",
    "prostate cancer": "PROSTATE",
    "glioblastoma": "GB",
    "liposarcoma": "LIPO",
    "epithelioid sarcoma": "EPIS",
    "urinary bladder cancer": "BLADDER",
    "bladder carcinoma": "BLADDER",
}
# Disease Ontology identifiers CIViC files carry, for the diseases most evidence is about.
DOID_TO_ONCOTREE = {
    "3908": "NSCLC",
    "3910": "LUAD",
    "1909": "MEL",
    "9256": "COADREAD",
    "1612": "BREAST",
    "9253": "GIST",
    "9119": "AML",
    "8552": "CML",
}
FUZZY_THRESHOLD = 92


class DiseaseMapper:
    """Maps upstream disease names (and codes) to OncoTree codes."""

    def __init__(self, oncotree: OncoTree | None = None) -> None:
        self.oncotree = oncotree or load_oncotree()
        self._by_name = {name.lower(): code for code, name in self.oncotree.names.items()}
        self._choices = {code: name for code, name in self.oncotree.names.items()}

    def map(self, *, name: str = "", code: str = "", doid: str = "") -> str | None:
        if code:
            found = self.oncotree.find(code)
            if found is not None:
                return found
        key = name.strip().lower()
        if key in DISEASE_SYNONYMS:
            return DISEASE_SYNONYMS[key]
        if key in self._by_name:
            return self._by_name[key]
        doid_number = doid.strip().upper().removeprefix("DOID:")
        if doid_number in DOID_TO_ONCOTREE:
            return DOID_TO_ONCOTREE[doid_number]
        if not key:
            return None
        match = process.extractOne(
            name,
            self._choices,
            scorer=fuzz.token_sort_ratio,
            processor=utils.default_process,
            score_cutoff=FUZZY_THRESHOLD,
        )
        return str(match[2]) if match else None


def _entry(
    data: Mapping[str, Any], origin: str, skipped: Counter[str]
) -> KnowledgeBaseEntry | None:
    try:
        return make_entry(data, origin=origin)
    except KnowledgeBaseError:
        skipped["alteration or field not readable"] += 1
        return None


def load_moalmanac(path: Path, *, oncotree: OncoTree | None = None) -> KnowledgeBase:
    """Load MOAlmanac's referenced-list JSON; unmappable records are skipped and counted."""
    with Path(path).open(encoding="utf-8") as handle:
        records = json.load(handle)
    diseases = DiseaseMapper(oncotree)
    skipped: Counter[str] = Counter()
    entries: list[KnowledgeBaseEntry] = []
    for record in records:
        reason, data = _moalmanac_record(record, diseases)
        if reason:
            skipped[reason] += 1
            continue
        entry = _entry(data, "moalmanac", skipped)
        if entry is not None:
            entries.append(entry)
    return KnowledgeBase(
        entries=tuple(entries),
        name="MOAlmanac",
        skipped=dict(skipped),
        version=f"MOAlmanac {Path(path).name}",
    )


def _moalmanac_record(
    record: Mapping[str, Any], diseases: DiseaseMapper
) -> tuple[str, dict[str, Any]]:
    if record.get("_deprecated"):
        return "deprecated upstream", {}
    implication = str(record.get("predictive_implication") or "")
    level = MOALMANAC_LEVELS.get(implication)
    if level is None:
        return f"evidence level not imported: {implication or 'none'}", {}
    therapy = str(record.get("therapy_name") or "").strip()
    if not therapy:
        return "no therapy (prognostic or risk statement)", {}
    if record.get("therapy_resistance") == 1:
        direction = "resistant"
    elif record.get("therapy_sensitivity") == 1:
        direction = "sensitive"
    else:
        return "neither sensitivity nor resistance stated", {}
    drugs = {part.strip().lower() for part in therapy.split("+")}
    if level == "fda_this_type" and drugs & WITHDRAWN_APPROVALS:
        return "FDA approval since withdrawn", {}
    gene, alteration = _moalmanac_feature(record)
    if not gene:
        return f"feature type not matched: {record.get('feature_type')}", {}
    tumor_type = diseases.map(
        name=str(record.get("oncotree_term") or record.get("disease") or ""),
        code=str(record.get("oncotree_code") or ""),
    )
    if tumor_type is None:
        return "disease not mapped to OncoTree", {}
    reviewed = str(record.get("last_updated") or record.get("publication_date") or "")[:10]
    return "", {
        "gene": gene,
        "alteration": alteration,
        "tumor_type": tumor_type,
        "therapy": therapy,
        "level": level,
        "direction": direction,
        "source": f"MOAlmanac assertion {record.get('assertion_id')}: {record.get('citation')}",
        "reviewed": reviewed or date.today().isoformat(),
        "note": str(record.get("context") or ""),
    }


def _moalmanac_feature(record: Mapping[str, Any]) -> tuple[str, str]:
    feature_type = record.get("feature_type")
    if feature_type == "Somatic Variant":
        gene = str(record.get("gene") or "")
        protein = str(record.get("protein_change") or "")
        if protein:
            return gene, protein
        return gene, _variant_class(
            str(record.get("variant_annotation") or ""), str(record.get("exon") or "")
        )
    if feature_type == "Copy Number":
        direction = str(record.get("direction") or "")
        word = {"Amplification": "amplification", "Deletion": "loss"}.get(direction)
        return (str(record.get("gene") or ""), word) if word else ("", "")
    if feature_type == "Rearrangement":
        first, second = str(record.get("gene1") or ""), str(record.get("gene2") or "")
        if first and second:
            return second, f"{first}::{second}"
        return first, "fusion"
    return "", ""


def _variant_class(annotation: str, exon: str) -> str:
    if annotation == "Deletion" and exon:
        return f"exon {exon} deletion"
    if annotation == "Insertion" and exon:
        return f"exon {exon} insertion"
    if annotation == "Splice Site" and exon:
        return f"exon {exon} skipping"
    if annotation in ("Nonsense", "Frameshift", "Splice Site"):
        return "truncating mutation"
    if exon:
        return f"exon {exon} mutation"
    return "oncogenic mutation"


def load_civic_tsv(path: Path, *, oncotree: OncoTree | None = None) -> KnowledgeBase:
    """Load CIViC's ClinicalEvidenceSummaries.tsv; unmappable rows are skipped and counted."""
    diseases = DiseaseMapper(oncotree)
    skipped: Counter[str] = Counter()
    entries: list[KnowledgeBaseEntry] = []
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            reason, items = _civic_row(row, diseases)
            if reason:
                skipped[reason] += 1
                continue
            for data in items:
                entry = _entry(data, "civic", skipped)
                if entry is not None:
                    entries.append(entry)
    return KnowledgeBase(
        entries=tuple(entries),
        name="CIViC",
        skipped=dict(skipped),
        version=f"CIViC {Path(path).name}",
    )


def _civic_row(row: Mapping[str, str], diseases: DiseaseMapper) -> tuple[str, list[dict[str, Any]]]:
    def value(column: str) -> str:
        return (row.get(column) or "").strip()

    if value("evidence_type").upper() != "PREDICTIVE":
        return f"evidence type not imported: {value('evidence_type') or 'none'}", []
    if value("evidence_status").upper() not in ("ACCEPTED", ""):
        return "evidence not accepted", []
    if value("is_flagged").lower() in ("true", "1", "yes"):
        return "flagged in CIViC", []
    if "GERMLINE" in value("variant_origin").upper():
        return "germline evidence", []
    if value("evidence_direction").upper() == "DOES_NOT_SUPPORT":
        return "evidence does not support", []
    level = CIVIC_LEVELS.get(value("evidence_level").upper())
    if level is None:
        return f"evidence level not imported: {value('evidence_level') or 'none'}", []
    direction = CIVIC_SIGNIFICANCE.get(value("significance").upper().replace(" ", ""))
    if direction is None:
        return f"significance not imported: {value('significance') or 'none'}", []
    profile = value("molecular_profile")
    if re.search(r"\b(AND|OR|NOT)\b", profile) or not profile:
        return "complex molecular profile", []
    gene, _sep, variant = profile.partition(" ")
    if "::" in gene:
        variant, gene = gene, gene.split("::")[-1]
    tumor_type = diseases.map(name=value("disease"), doid=value("doid"))
    if tumor_type is None:
        return "disease not mapped to OncoTree", []
    therapies = [t.strip() for t in value("therapies").split(",") if t.strip()]
    if not therapies:
        return "no therapy", []
    interaction = value("therapy_interaction_type").upper()
    if interaction == "SUBSTITUTES":
        named = therapies
    elif interaction == "SEQUENTIAL":
        named = [" then ".join(therapies)]
    else:
        named = [" + ".join(therapies)]
    reviewed = value("last_review_date")[:10]
    try:
        date.fromisoformat(reviewed)
    except ValueError:
        reviewed = date.today().isoformat()
    source = f"CIViC EID{value('evidence_id')}: {value('citation')}".strip()
    return "", [
        {
            "gene": gene,
            "alteration": variant.strip() or "mutation",
            "tumor_type": tumor_type,
            "therapy": therapy,
            "level": level,
            "direction": direction,
            "source": source,
            "reviewed": reviewed,
        }
        for therapy in named
    ]
