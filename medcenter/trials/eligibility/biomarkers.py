"""Biomarker criteria: which genes must (or must not) carry which alteration classes."""

import itertools
import re
from collections.abc import Iterable, Sequence
from typing import Any

from medcenter.oncology.genomics.alterations import AlterationError, make_alteration
from medcenter.oncology.genomics.classes import classify
from medcenter.oncology.genomics.hotspots import load_hotspots
from medcenter.oncology.genomics.protein import ProteinChangeError
from medcenter.trials.eligibility.context import (
    _CANCER_GATE,
    _HARMLESS_OR,
    EXCLUSION,
    INCLUSION,
    Criterion,
    _Context,
    _Found,
    _text,
)
from medcenter.trials.eligibility.genes import (
    _gene_mentions,
    _has_specific,
    _orphan_changes,
    _Reading,
    _readings,
)

_DEFINITION = re.compile(
    r"\b(?:is|are)\s+defined\s+(?:as|by)\b|\bdefinition\b|^\W*(?:note|n\.b\.)\b|"
    r"^\W*[\w+/-]+(?:\s+[\w+/-]+){0,3},?\s+defined\s+as\b",
    re.IGNORECASE,
)
_EXCLUSION_BIOMARKER_LEAD = re.compile(
    r"^\W*(?:(?:patients?|subjects?|participants?|tumou?rs?|individuals?)\s+(?:with|whose|"
    r"who\s+(?:have|has|harbou?r)|harbou?ring|having|positive\s+for)\s+)?(?:(?:a|an|the|any|known|"
    r"documented|confirmed|presence\s+of|evidence\s+of|history\s+of|tumou?rs?|harbou?ring|with|"
    r"activating|sensiti[sz]ing|oncogenic|driver|actionable|pathogenic|deleterious|germline|"
    r"somatic|or|and|and/or|other|of)\s+)*$",
    re.IGNORECASE,
)
_UNREAD_GENE_ALTERNATIVE = re.compile(
    r"[^.;]{0,60}?\b(?:or|and/or)\s+(?!(?:ISH|IHC|FISH|NGS|PCR|CISH|SISH|ER|PR|HR|TKI|FDA|"
    r"CLIA|CAP|ASCO|DNA|RNA|ctDNA|AJCC|WHO|ECOG|ULN)\b)(?![ACDEFGHIKLMNPQRSTVWY]\d)"
    r"[A-Z][A-Z0-9]{2,}[A-Za-z0-9-]*",
)


def _read_biomarkers(ctx: _Context) -> list[_Found]:
    text = ctx.text
    mentions = _gene_mentions(text)
    extra = _orphan_changes(text, mentions)
    mentions = sorted(mentions + extra)
    triple = re.search(r"\btriple[\s-]*negative\b|\bTNBC\b", text, re.I)
    if not mentions and triple is None:
        return []
    if ctx.conditional or ctx.permissive or ctx.lead_conditional or len(text) > 300:
        return []
    if _DEFINITION.search(text):
        return []  # "PR-positive is defined as ≥ 1% of tumor cells"
    # Genes inside brackets are examples or definitions, unless the bracket continues a gene's
    # own description ("HER2 overexpression (IHC 3+ or ISH+)"), which its tail reads.
    mentions = [m for m in mentions if not _inside_parentheses(text, m.start)]
    if not mentions and triple is None:
        return []
    if (
        ctx.section == EXCLUSION
        and mentions
        and not _EXCLUSION_BIOMARKER_LEAD.match(text[: mentions[0].start])
    ):
        return []
    readings = _readings(text, mentions)
    if triple is not None and ctx.section == INCLUSION and not ctx.prohibited:
        for gene, classes in (
            ("ESR1", ["overexpression"]),
            ("PGR", ["overexpression"]),
            ("ERBB2", ["overexpression", "amplification"]),
        ):
            readings.append(
                _Reading(
                    (gene,),
                    [],
                    classes,
                    "negative",
                    triple.start(),
                    triple.end(),
                    False,
                    triple.end(),
                )
            )
    readings = [r for r in readings if not r.skip and (r.positive or r.negative)]
    if not readings:
        return []
    if ctx.section == INCLUSION and _UNREAD_GENE_ALTERNATIVE.match(text, readings[-1].gene_end):
        return []  # "PTEN loss or PIK3CB gain": an alternative gene this reader does not know
    if ctx.section == INCLUSION and re.search(
        r"\bor\b[^,;.]{0,40}$",
        _HARMLESS_OR.sub(" ", text[: readings[0].start])[-45:],
        re.I,
    ):
        return []  # "complex karyotype and/or TP53 mutation": the other way in is not a gene
    if ctx.section == INCLUSION:
        # An "or" outside the biomarkers offers another way in ("Burkitt lymphoma or
        # high-grade lymphoma with MYC rearrangement"); a list of subtypes reads alike.
        outside = text[: readings[0].start] + " " + text[max(r.end for r in readings) :]
        if re.search(r"\bor\b", _HARMLESS_OR.sub(" ", outside), re.I) or text.count(";") >= 2:
            return []
    if re.search(
        r"\b(?:prior|previous|history)\b", text[: readings[0].start], re.I
    ) and _CANCER_GATE.search(text):
        return []  # "No prior hormone receptor-positive breast cancer": another cancer
    stated = {(g, bool(r.positive)) for r in readings for g in r.genes if r.positive or r.negative}
    if any((gene, not present) in stated for gene, present in stated):
        return []  # "(HR+ and HER2-) or (HR- and HER2-)": nested logic this reader does not follow
    groups = _or_groups(readings, text)
    if groups is None:
        return []  # "MET amplification, RET mutation, …" with no connective: any-of or all-of?
    found: list[_Found] = []
    for group in groups:
        genes = {r.genes for r in group}
        criteria = [
            c for reading in _merge_readings(group) for c in _reading_criteria(reading, ctx)
        ]
        if not criteria:
            continue
        start, end = group[0].start, max(r.end for r in group)
        negated = all(not r.positive for r in group)
        if ctx.section == INCLUSION and len(group) > 1 and len(genes) > 1 and not negated:
            # "EGFR-mutant or ALK-positive": any one will do.
            found.append(_Found(start, end, _text(ctx.section, ctx.source, alternatives=criteria)))
            continue
        for criterion in criteria:
            if criterion["kind"] == "text" and ctx.section == INCLUSION:
                found.append(_Found(start, end, criterion))
            elif criterion["kind"] == "text":
                found.extend(_Found(start, end, a) for a in criterion["alternatives"])
            else:
                found.append(_Found(start, end, criterion))
    if ctx.section == EXCLUSION and len(groups) > 1:
        return []  # "HR+/HER2-", "ER+ HER2+" as one exclusion need both
    return found


def _or_groups(readings: list[_Reading], text: str) -> list[list[_Reading]] | None:
    """Readings joined by "or" (any of) in groups; groups are joined by "and" (all of). A bare
    comma takes the list's closing connective ("EGFR, ALK, or ROS1"); a comma after "and/or"
    closes the alternatives ("ER+ and/or PR+, HER2-")."""
    kinds: list[str] = []
    for a, b in itertools.pairwise(readings):
        gap = text[a.gene_end : b.start].replace("and/or", "or")
        if a.genes == b.genes and not re.search(r"\band\b|\bwith\b|;", gap, re.I):
            kinds.append("or")  # one gene, several changes: "EGFR L858R, EGFR exon 19 deletion"
        elif re.search(r"\bor\b|\bnor\b", gap, re.I):
            kinds.append("or")
        elif re.search(r"\band\b|/|\bwith\b|;|\bbut\b|\bplus\b|\bwithout\b", gap, re.I) or not (
            gap.strip(" ()")
        ):
            kinds.append("and")
        else:
            kinds.append("comma")
    for index, kind in enumerate(kinds):
        if kind != "comma":
            continue
        later = next((k for k in kinds[index + 1 :] if k != "comma"), None)
        earlier = next((k for k in reversed(kinds[:index]) if k != "comma"), None)
        if later is not None:
            kinds[index] = later
        elif earlier is not None:
            kinds[index] = "and"
        else:
            return None
    groups: list[list[_Reading]] = [[readings[0]]]
    for reading, kind in zip(readings[1:], kinds, strict=True):
        if kind == "or":
            groups[-1].append(reading)
        else:
            groups.append([reading])
    return groups


def _reading_criteria(reading: _Reading, ctx: _Context) -> list[Criterion]:
    """The criteria of one gene (or family of genes) and its stated classes."""
    criteria: list[Criterion] = []
    for classes, stated in ((reading.positive, True), (reading.negative, False)):
        if not classes:
            continue
        present = not stated if ctx.prohibited and ctx.section == INCLUSION else stated
        genes = reading.genes
        if len(genes) > 1 and ctx.section == EXCLUSION and not present:
            continue  # "excluded if RAS wild-type": all of them absent, not one
        per_gene = [
            ctx.criterion(
                "biomarker", gene=gene, classes=list(dict.fromkeys(classes)), present=present
            )
            for gene in genes
        ]
        if len(genes) > 1 and ctx.section == INCLUSION and present:
            # "BRCA1/2 mutation", "hormone receptor-positive": any of the genes will do.
            criteria.append(_text(ctx.section, ctx.source, alternatives=per_gene))
        else:
            criteria.extend(per_gene)
    return criteria


def _inside_parentheses(text: str, position: int) -> bool:
    return text.count("(", 0, position) > text.count(")", 0, position)


def _merge_readings(readings: list[_Reading]) -> list[_Reading]:
    """One criterion per gene and direction: "EGFR L858R, EGFR exon 19 deletion" is any-of."""
    merged: dict[tuple[tuple[str, ...], bool], _Reading] = {}
    for reading in readings:
        for positive in (True, False):
            classes = reading.positive if positive else reading.negative
            if not classes:
                continue
            key = (reading.genes, positive)
            previous = merged.get(key)
            if previous is None:
                merged[key] = reading._replace(
                    positive=list(classes) if positive else [],
                    negative=[] if positive else list(classes),
                )
                continue
            combined = (previous.positive if positive else previous.negative) + list(classes)
            if _has_specific(combined):
                combined = [c for c in combined if _has_specific([c])]
            merged[key] = previous._replace(
                positive=combined if positive else [],
                negative=[] if positive else combined,
                end=max(previous.end, reading.end),
            )
    return list(merged.values())


# --- What a note says -----------------------------------------------------------------------

_NOTE_NOT_RESULT = re.compile(
    r"\b(?:test(?:ed|ing)?\s+for|screen\w*\s+for|pending|awaiting|sent\s+for)[^.;]{0,30}$",
    re.IGNORECASE,
)
_GENERIC_CLASSES = frozenset(
    {
        "mutation",
        "oncogenic mutation",
        "truncating mutation",
        "fusion",
        "amplification",
        "loss",
        "overexpression",
    }
)


def note_biomarkers(sentence: str) -> list[dict[str, Any]]:
    """The gene results one sentence of a note states, read by the criteria's gene readers:
    [{gene, classes, present}], a positive one with every class a genotyping report would
    give it ("EGFR L858R" → L858R, L858X, exon 21 mutation, …); "triple negative" is ER, PR
    and HER2 absent; a test ordered or pending states nothing."""
    mentions = _gene_mentions(sentence)
    mentions = sorted(mentions + _orphan_changes(sentence, mentions))
    triple = re.search(r"\btriple[\s-]*negative\b", sentence, re.I)
    readings = _readings(sentence, mentions) if mentions else []
    found: list[dict[str, Any]] = []
    if triple is not None:
        for gene, classes in (
            ("ESR1", ["overexpression"]),
            ("PGR", ["overexpression"]),
            ("ERBB2", ["overexpression", "amplification"]),
        ):
            found.append({"gene": gene, "classes": classes, "present": False})
    for reading in readings:
        if reading.skip:
            continue
        if _NOTE_NOT_RESULT.search(sentence[max(0, reading.start - 60) : reading.start]):
            continue
        for gene in reading.genes:
            # "HR-positive", "BRCA1/2-mutated": one of them, unknown which, so none is claimed.
            if reading.positive and len(reading.genes) == 1:
                found.append(
                    {
                        "gene": gene,
                        "classes": _report_classes(gene, reading.positive),
                        "present": True,
                    }
                )
            if reading.negative:
                found.append({"gene": gene, "classes": list(reading.negative), "present": False})
    return found


def merge_note_biomarkers(found: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per gene and presence, with the classes of all its mentions."""
    merged: dict[tuple[str, bool], dict[str, Any]] = {}
    for item in found:
        key = (item["gene"], item["present"])
        if key in merged:
            merged[key]["classes"].extend(
                c for c in item["classes"] if c not in merged[key]["classes"]
            )
        else:
            merged[key] = {
                "gene": item["gene"],
                "classes": list(item["classes"]),
                "present": item["present"],
            }
    return list(merged.values())


def _report_classes(gene: str, classes: Sequence[str]) -> list[str]:
    """Stated changes plus every class a genotyping report would give them."""
    names: list[str] = []
    for name in classes:
        for derived in _derived_classes(gene, name):
            if derived not in names:
                names.append(derived)
    return names


def _derived_classes(gene: str, name: str) -> list[str]:
    if name in _GENERIC_CLASSES:
        return [name] if name != "oncogenic mutation" else ["oncogenic mutation", "mutation"]
    try:
        alteration = make_alteration(gene=gene, change=name)
    except (AlterationError, ProteinChangeError):
        return [name, "mutation"]
    hotspot = load_hotspots().match(alteration)
    derived = classify(alteration, hotspot)
    return [name, *sorted(c.name for c in derived if c.gene == gene and c.name != name)]
