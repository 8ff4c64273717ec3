"""Search by gene: which genes a trial *requires* an alteration in, and what gene a visitor
means by what they typed ("EGFRm", "HER2+", "ALK rearranged", "exon 19 deletion").

Pure Python over the stored structured criteria (the dicts `eligibility.parse_criteria`
produces, with the team's corrections) and the team's biomarker requirements; the result is
stored per trial (`RequiredGene`) so that a search filters on an index instead of reading
criteria on every request.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from medcenter.trials.matcher.vocabulary import (
    BIOMARKER_GENES,
    CHANGE_GENES,
    GENE_FAMILIES,
    gene_symbols,
)

# Classes that stand for any alteration of the gene: a trial that rules one of them out
# excludes the gene's alterations as a whole ("EGFR mutation" in an exclusion).
BROAD_CLASSES = frozenset({"mutation", "oncogenic mutation", "alteration", "any"})

# How a gene is best known to a patient, for the result page ("HER2 (ERBB2)").
KNOWN_AS = {
    "ERBB2": "HER2",
    "CD274": "PD-L1",
    "ESR1": "ER",
    "PGR": "PR",
}

# What people type for a gene beyond its symbols and the parser's spellings.
_EXTRA_NAMES = {
    "her2": ("ERBB2",),
    "her-2": ("ERBB2",),
    "her2/neu": ("ERBB2",),
    "neu": ("ERBB2",),
    "pd-l1": ("CD274",),
    "pdl1": ("CD274",),
    "ros": ("ROS1",),
    "ntrk": ("NTRK1", "NTRK2", "NTRK3"),
    "er": ("ESR1",),
    "pr": ("PGR",),
}
# Changes that name their gene without it ("exon 19 deletion" is EGFR's).
_CHANGE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bex(?:on)?\s*19\b|\b19\s*del\b|\bdel\s*19\b|\bex19del\b", re.I), "EGFR"),
    (re.compile(r"\bex(?:on)?\s*21\b", re.I), "EGFR"),
    (re.compile(r"\bmet\s*ex(?:on)?\s*14\b|\bex(?:on)?\s*14\s*skip", re.I), "MET"),
)


def _names() -> dict[str, tuple[str, ...]]:
    names: dict[str, tuple[str, ...]] = {}
    for spelling, symbol in gene_symbols().items():
        names.setdefault(spelling.lower(), (symbol,))
    for symbol in BIOMARKER_GENES:
        names[symbol.lower()] = (symbol,)
    for family, genes in GENE_FAMILIES.items():
        names.setdefault(family.lower(), tuple(genes))
    for change, symbol in CHANGE_GENES.items():
        names.setdefault(change.lower(), (symbol,))
    names.update(_EXTRA_NAMES)
    return names


_NAMES = _names()
# Longest first, so "BRCA1/2" wins over "BRCA1" and "HER2/neu" over "HER2"; a trailing "m"
# ("EGFRm") or any punctuation ("ALK+", "KRAS-mutant") may follow the name.
_NAME_RE = re.compile(
    r"(?<![a-z0-9])(?P<name>"
    + "|".join(re.escape(n) for n in sorted(_NAMES, key=len, reverse=True))
    + r")m?(?![a-z0-9])",
    re.IGNORECASE,
)


def genes_named(text: str) -> tuple[str, ...]:
    """The HGNC symbols a visitor's gene or biomarker text names, in the order written:
    "HER2" and "erbb2" are ERBB2, "EGFRm", "EGFR-mutant" and "exon 19 deletion" EGFR,
    "BRCA1/2" both BRCA genes. Empty when it names none."""
    found: list[str] = []
    cleaned = " ".join(text.split())[:100]
    for mention in _NAME_RE.finditer(cleaned):
        found.extend(_NAMES[mention.group("name").lower()])
    for pattern, symbol in _CHANGE_PATTERNS:
        if pattern.search(cleaned):
            found.append(symbol)
    return tuple(dict.fromkeys(found))


def known_as(gene: str) -> str:
    """A gene as people know it: "HER2 (ERBB2)", "EGFR"."""
    common = KNOWN_AS.get(gene)
    return f"{common} ({gene})" if common else gene


def _classes(criterion: Mapping[str, Any]) -> set[str]:
    return {str(c) for c in criterion.get("classes") or ["mutation"]}


def required_genes(
    criteria: Iterable[Mapping[str, Any]],
    requirements: Iterable[Mapping[str, Any]] = (),
) -> dict[str, list[str]]:
    """The genes a trial requires an alteration in, each with the classes it admits.

    A gene is required when an inclusion criterion asks for its alteration (alone, or as one
    of the read alternatives: "EGFR-mutant or ALK-positive" lets either in), when an
    exclusion rules out its absence ("EGFR mutation negative"), or when the team's
    biomarker requirements ask for it. It is not required, whatever else the trial says,
    when a criterion rules its alterations out: a wild-type inclusion ("EGFR wild-type"), an
    exclusion of the gene's alterations as a whole ("EGFR mutation or ALK rearrangement"),
    or one that covers every class the trial asked for. A narrower exclusion ("EGFR T790M"
    in an EGFR-mutant trial) leaves the gene required.

    `criteria` are the active structured criteria as dicts (section, kind, gene, classes,
    present, alternatives).
    """
    wanted: dict[str, set[str]] = defaultdict(set)
    ruled_out: dict[str, set[str]] = defaultdict(set)

    def read(criterion: Mapping[str, Any], section: str, *, alternative: bool) -> None:
        kind = criterion.get("kind")
        if kind == "text":
            # Read alternatives of an inclusion: any one will do, so each admits its gene.
            # Alternatives of an exclusion exclude each on its own; "all_of" parts only
            # together, which rules nothing out alone.
            for item in criterion.get("alternatives") or []:
                if isinstance(item, Mapping):
                    read(item, str(item.get("section") or section), alternative=True)
            return
        if kind != "biomarker":
            return
        gene = str(criterion.get("gene") or "").upper()
        if not gene:
            return
        present = criterion.get("present", True) is not False
        requires = present if section == "inclusion" else not present
        if requires:
            wanted[gene] |= _classes(criterion)
        elif not alternative or section == "exclusion":
            ruled_out[gene] |= _classes(criterion)

    for criterion in criteria:
        read(criterion, str(criterion.get("section") or "inclusion"), alternative=False)
    for requirement in requirements:
        read(
            {**requirement, "kind": "biomarker", "section": "inclusion"},
            "inclusion",
            alternative=False,
        )
    required: dict[str, list[str]] = {}
    for gene, classes in wanted.items():
        against = ruled_out.get(gene, set())
        if against & BROAD_CLASSES or (against and classes <= against):
            continue
        required[gene] = sorted(classes)
    return dict(sorted(required.items()))
