"""Regenerate the shipped reference files from their upstream releases.

The product reads only the files in `data/`; this runs when a new upstream release is adopted:

    .venv/bin/python -m medcenter.oncology.genomics.datasets \\
        --oncotree ../shared/datasets/oncotree/oncotree_2025_10_03.json \\
        --hotspots ../shared/datasets/hotspots/hotspots_v2.txt
"""

import argparse
import csv
import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
ONCOTREE_ATTRIBUTION = (
    "MSK OncoTree, CC BY 4.0 (https://oncotree.mskcc.org; Kundra et al., "
    "JCO Clin Cancer Inform 2021). Derived: parent codes, names and retired-code aliases only."
)
HOTSPOTS_ATTRIBUTION = (
    "Cancer Hotspots, Chang et al. 2016/2018, ODbL (cancerhotspots.org; Chang et al., "
    "Nat Biotechnol 2016; Chang et al., Cancer Discov 2018). This derived database is made "
    "available under the Open Database License (ODbL) 1.0."
)


def build_oncotree_parents(tree_path: Path) -> dict[str, Any]:
    """Parent map, names and retired-code aliases from an OncoTree nested JSON release."""
    with tree_path.open(encoding="utf-8") as handle:
        tree = json.load(handle)
    parents: dict[str, str | None] = {}
    names: dict[str, str] = {}
    retired: dict[str, set[str]] = {}
    stack = list(tree.values())
    while stack:
        node = stack.pop()
        code = node["code"]
        if code != "TISSUE":
            parent = node.get("parent")
            parents[code] = None if parent in (None, "TISSUE") else parent
            names[code] = node["name"]
            for field in ("history", "revocations", "precursors"):
                for old in node.get(field) or []:
                    retired.setdefault(old.strip().upper(), set()).add(code)
        stack.extend(node.get("children", {}).values())
    aliases = {
        old: _common_ancestor(sorted(codes), parents)
        for old, codes in retired.items()
        if old not in parents
    }
    return {
        "metadata": {
            "source": "MSK OncoTree",
            "version": tree_path.stem,
            "license": "CC BY 4.0",
            "attribution": ONCOTREE_ATTRIBUTION,
            "generated_by": "medcenter.oncology.genomics.datasets.build_oncotree_parents",
        },
        "parents": dict(sorted(parents.items())),
        "names": dict(sorted(names.items())),
        "aliases": dict(sorted((k, v) for k, v in aliases.items() if v is not None)),
    }


def _common_ancestor(codes: list[str], parents: dict[str, str | None]) -> str | None:
    """A retired code split into several (ALL → BLL, TLL) maps to their nearest common node."""

    def chain(code: str) -> list[str]:
        out: list[str] = []
        current: str | None = code
        while current is not None:
            out.append(current)
            current = parents.get(current)
        return out

    chains = [chain(code) for code in codes]
    shared = set(chains[0]).intersection(*chains[1:])
    for code in chains[0]:
        if code in shared:
            return code
    return None


def build_hotspots(hotspots_path: Path) -> dict[str, Any]:
    """Residue, type and sample count per hotspot from a Cancer Hotspots TSV release."""
    with hotspots_path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("Data available under")]
    spots: dict[str, dict[str, tuple[str, str, int, int]]] = {}
    for row in csv.DictReader(lines, delimiter="\t"):
        gene = row["Hugo_Symbol"].strip()
        position = row["Amino_Acid_Position"].strip()
        count = int(row.get("Mutation_Count") or 0)
        if position.endswith("_splice"):
            entry = (position, "splice", count, int(position[1:].removesuffix("_splice")))
        elif "-" in position:
            entry = (position, "indel", count, int(position.split("-")[0]))
        else:
            ref = row["Reference_Amino_Acid"].split(":")[0].strip()
            entry = (f"{ref}{position}", "single", count, int(position))
        known = spots.setdefault(gene, {}).get(entry[0])
        if known is None or known[2] < count:
            spots[gene][entry[0]] = entry
    hotspots = {
        gene: [
            [residue, kind, count]
            for residue, kind, count, _start in sorted(
                rows.values(), key=lambda e: (e[3], e[1], e[0])
            )
        ]
        for gene, rows in sorted(spots.items())
    }
    return {
        "metadata": {
            "source": "Cancer Hotspots v2 (single-residue, splice and in-frame indel hotspots)",
            "version": hotspots_path.name,
            "license": "ODbL-1.0",
            "attribution": HOTSPOTS_ATTRIBUTION,
            "fields": ["residue", "type (single, indel, splice)", "samples"],
            "generated_by": "medcenter.oncology.genomics.datasets.build_hotspots",
        },
        "hotspots": hotspots,
    }


def dump(data: dict[str, Any]) -> str:
    """JSON with one line per map entry, so a regenerated file diffs line by line."""
    lines = ["{"]
    sections = list(data.items())
    for index, (key, value) in enumerate(sections):
        comma = "," if index < len(sections) - 1 else ""
        if key == "metadata" or not isinstance(value, dict):
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}")
            continue
        lines.append(f"  {json.dumps(key)}: {{")
        items = list(value.items())
        for inner, (name, item) in enumerate(items):
            tail = "," if inner < len(items) - 1 else ""
            lines.append(f"    {json.dumps(name)}: {json.dumps(item, ensure_ascii=False)}{tail}")
        lines.append(f"  }}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--oncotree", type=Path, help="OncoTree nested JSON release")
    parser.add_argument("--hotspots", type=Path, help="Cancer Hotspots v2 TSV")
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    args = parser.parse_args()
    if args.oncotree:
        target = args.out / "oncotree_parents.json"
        target.write_text(dump(build_oncotree_parents(args.oncotree)), encoding="utf-8")
        print(f"wrote {target}")
    if args.hotspots:
        target = args.out / "hotspots.json"
        target.write_text(dump(build_hotspots(args.hotspots)), encoding="utf-8")
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
