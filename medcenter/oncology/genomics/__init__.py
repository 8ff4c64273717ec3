"""Tumor genotyping and actionability: read test results, normalize, annotate with therapies.

Pure Python, no database. The shipped reference data lives in `data/` (see data/NOTICE.md).
"""

from medcenter.oncology.genomics.alterations import (
    Alteration,
    AlterationError,
    AlterationKind,
    alteration_from_mapping,
    make_alteration,
    normalize_gene,
)
from medcenter.oncology.genomics.annotate import (
    AlterationAnnotation,
    Annotator,
    TherapyMatch,
    annotate,
    default_annotator,
)
from medcenter.oncology.genomics.classes import AlterationClass, classify
from medcenter.oncology.genomics.hotspots import Hotspot, HotspotIndex, load_hotspots
from medcenter.oncology.genomics.importers import load_civic_tsv, load_moalmanac
from medcenter.oncology.genomics.knowledge import (
    Direction,
    EvidenceLevel,
    KnowledgeBase,
    KnowledgeBaseEntry,
    KnowledgeBaseError,
    load_curated,
)
from medcenter.oncology.genomics.oncotree import (
    SOLID_TUMOR,
    OncoTree,
    UnknownTumorTypeError,
    load_oncotree,
)
from medcenter.oncology.genomics.parsers import GenomicsParseError, read_maf, read_table, read_vcf
from medcenter.oncology.genomics.protein import (
    ChangeType,
    ProteinChange,
    ProteinChangeError,
    parse_protein_change,
)
from medcenter.oncology.genomics.report import GenotypingReport, GenotypingReportError, make_report

__all__ = [
    "SOLID_TUMOR",
    "Alteration",
    "AlterationAnnotation",
    "AlterationClass",
    "AlterationError",
    "AlterationKind",
    "Annotator",
    "ChangeType",
    "Direction",
    "EvidenceLevel",
    "GenomicsParseError",
    "GenotypingReport",
    "GenotypingReportError",
    "Hotspot",
    "HotspotIndex",
    "KnowledgeBase",
    "KnowledgeBaseEntry",
    "KnowledgeBaseError",
    "OncoTree",
    "ProteinChange",
    "ProteinChangeError",
    "TherapyMatch",
    "UnknownTumorTypeError",
    "alteration_from_mapping",
    "annotate",
    "classify",
    "default_annotator",
    "load_civic_tsv",
    "load_curated",
    "load_hotspots",
    "load_moalmanac",
    "load_oncotree",
    "make_alteration",
    "make_report",
    "normalize_gene",
    "parse_protein_change",
    "read_maf",
    "read_table",
    "read_vcf",
]
