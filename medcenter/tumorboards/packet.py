"""The case packet: a pure function over plain data the selectors read.

`build_packet` restages each diagnosis' latest stage under today's tables, re-annotates the
alterations against today's knowledge base, and lays out the trials the matcher found (each
criterion met, not met or unknown), treatment lines, performance status and recent labs. It
touches no database: the selectors hand it `PacketInput`, so it is tested and benchmarked on
its own. `packet_changes` compares a frozen packet with today's, for the meeting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from medcenter.oncology import staging
from medcenter.oncology.genomics import Annotator, make_alteration
from medcenter.oncology.genomics.alterations import AlterationError
from medcenter.oncology.genomics.knowledge import LEVEL_RANK
from medcenter.oncology.genomics.oncotree import UnknownTumorTypeError

PACKET_FORMAT = 1
RANK: dict[str, int] = {str(level.value): rank for level, rank in LEVEL_RANK.items()}
TRIALS_SHOWN = 10


@dataclass
class PacketInput:
    diagnoses: list[dict[str, Any]] = field(default_factory=list)
    tumor_type: str = ""
    variants: list[dict[str, Any]] = field(default_factory=list)
    trials: list[dict[str, Any]] = field(default_factory=list)  # matched, best first
    catalogue_version: str = ""
    treatments: list[dict[str, Any]] = field(default_factory=list)
    performance: list[dict[str, Any]] = field(default_factory=list)
    labs: list[dict[str, Any]] = field(default_factory=list)
    markers: list[dict[str, Any]] = field(default_factory=list)


def build_packet(data: PacketInput, *, annotator: Annotator) -> dict[str, Any]:
    """The packet for one case, JSON-ready, with the versions it was built on."""
    diagnoses, rules = _restaged(data.diagnoses)
    return {
        "format": PACKET_FORMAT,
        "versions": {
            "knowledge_base": annotator.version,
            "staging_rules": rules,
            "trial_catalogue": data.catalogue_version,
        },
        "diagnoses": diagnoses,
        "alterations": _annotated(data.tumor_type, data.variants, annotator),
        "trials": data.trials[:TRIALS_SHOWN],
        "treatments": data.treatments,
        "performance": data.performance,
        "labs": data.labs,
        "markers": data.markers,
    }


def _restaged(diagnoses: Sequence[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    rules: set[str] = set()
    found = []
    for diagnosis in diagnoses:
        row = {k: v for k, v in diagnosis.items() if k != "stage"}
        stored = diagnosis.get("stage")
        row["stage"] = None if stored is None else _restage(stored)
        if row["stage"] and row["stage"]["current_rule_version"]:
            rules.add(row["stage"]["current_rule_version"])
        found.append(row)
    return found, sorted(rules)


def _restage(stored: Mapping[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "scheme": stored["scheme"],
        "classification": stored["classification"],
        "recorded_group": stored.get("stage_group") or "",
        "recorded_rule_version": stored.get("rule_version") or "",
        "assessed_on": stored.get("assessed_on"),
        "categories": {k: stored.get(k) or "" for k in ("t", "n", "m", "grade")},
        "current_group": "",
        "current_rule_version": "",
        "changed": False,
        "note": "",
    }
    if stored["scheme"] == "reported":
        result["note"] = "reported"  # no table of ours: nothing to restage
        return result
    categories = {k: v for k, v in result["categories"].items() if v}
    facts = stored.get("facts") or {}
    try:
        now = staging.stage(
            scheme=stored["scheme"],
            classification=stored["classification"],
            categories=categories or None,
            facts=None if categories else facts,
        )
    except staging.StagingError:
        result["note"] = "unstageable"
        return result
    result["current_group"] = now.stage_group or ""
    result["current_rule_version"] = now.rule_version
    result["changed"] = (now.stage_group or "") != result["recorded_group"]
    return result


def _therapies(matches: Sequence[Any]) -> list[dict[str, str]]:
    rows = [
        {"therapy": m["therapy"], "level": m["level"]} if isinstance(m, Mapping) else m
        for m in matches
    ]
    return sorted(rows, key=lambda r: (RANK.get(r["level"], 9), r["therapy"]))


def _annotated(
    tumor_type: str, variants: Sequence[Mapping[str, Any]], annotator: Annotator
) -> list[dict[str, Any]]:
    alterations = []
    kept = []
    for variant in variants:
        try:
            alterations.append(
                make_alteration(
                    gene=variant["gene"],
                    change=variant.get("protein_short") or None,
                    kind=variant.get("kind") or None,
                    partner=variant.get("fusion_partner") or None,
                )
            )
            kept.append(variant)
        except AlterationError:
            continue
    try:
        annotations = annotator.annotate(tumor_type=tumor_type or "SOLID", alterations=alterations)
    except UnknownTumorTypeError:
        annotations = annotator.annotate(tumor_type="SOLID", alterations=alterations)
    rows = []
    for variant, annotation in zip(kept, annotations, strict=True):
        sensitive = [{"therapy": m.therapy, "level": m.level.value} for m in annotation.sensitive]
        resistant = [{"therapy": m.therapy, "level": m.level.value} for m in annotation.resistant]
        recorded = variant.get("annotation") or {}
        before = (
            _therapies(recorded.get("sensitive", [])),
            _therapies(recorded.get("resistant", [])),
        )
        now = (_therapies(sensitive), _therapies(resistant))
        if not (sensitive or resistant or before[0] or before[1]):
            continue  # a passenger: the packet lists what the board can act on
        rows.append(
            {
                "gene": variant["gene"],
                "label": annotation.alteration.label,
                "for": now[0],
                "against": now[1],
                "best_level": now[0][0]["level"] if now[0] else "",
                "changed": before != now,
                "recorded_version": variant.get("knowledge_version", ""),
            }
        )
    rows.sort(key=lambda r: (RANK.get(r["best_level"], 9), r["gene"]))
    return rows


def knowledge_level(packet: Mapping[str, Any], therapy: str) -> str:
    """The best evidence level today's knowledge base gives `therapy` for this case, or
    "none" (a therapy named on a sensitive line, compared without case or spaces)."""
    wanted = _key(therapy)
    best = "none"
    if not wanted:
        return best
    for alteration in packet.get("alterations", []):
        for line in alteration.get("for", []):
            named = _key(line["therapy"])
            same = named == wanted or wanted in named.split("+")
            if same and RANK.get(line["level"], 9) < RANK.get(best, 9):
                best = line["level"]
    return best


def _key(text: str) -> str:
    return "".join(text.lower().split())


def _identity(section: str, row: Mapping[str, Any]) -> str:
    if section == "diagnoses":
        stage = row.get("stage") or {}
        group = stage.get("current_group") or stage.get("recorded_group", "")
        return f"{row.get('description')}: {group}"
    if section == "alterations":
        levels = ", ".join(f"{t['therapy']} ({t['level']})" for t in row.get("for", []))
        against = ", ".join(t["therapy"] for t in row.get("against", []))
        return f"{row.get('label')}: {levels}" + (f"; against {against}" if against else "")
    if section == "trials":
        return f"{row.get('nct_id')} {'eligible' if row.get('eligible') else 'not eligible'}"
    if section == "treatments":
        return f"{row.get('regimen')} {row.get('started_on')}-{row.get('ended_on') or ''}"
    if section == "performance":
        return f"{row.get('scale')} {row.get('value')} {row.get('observed_on')}"
    return f"{row.get('name') or row.get('test')} {row.get('value')} {row.get('observed_on')}"


SECTIONS = ("diagnoses", "alterations", "trials", "treatments", "performance", "labs", "markers")


def packet_changes(frozen: Mapping[str, Any], current: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What changed since the packet was frozen, per section: lines added and lines gone."""
    changes = []
    for section in SECTIONS:
        before = [_identity(section, r) for r in frozen.get(section, [])]
        after = [_identity(section, r) for r in current.get(section, [])]
        added = [x for x in after if x not in before]
        removed = [x for x in before if x not in after]
        if added or removed:
            changes.append({"section": section, "added": added, "removed": removed})
    for name, value in current.get("versions", {}).items():
        if frozen.get("versions", {}).get(name) != value:
            changes.append(
                {
                    "section": f"version:{name}",
                    "added": [str(value)],
                    "removed": [str(frozen.get("versions", {}).get(name, ""))],
                }
            )
    return changes
