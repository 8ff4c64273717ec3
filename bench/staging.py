"""Throughput of the staging engine: generated cases over every scheme, half given as
categories and half as raw facts, timed in one process. Target: at least 50,000 cases/s.

    .venv/bin/python bench/staging.py [--cases 100000]
"""

import argparse
import os
import sys
import time
from collections.abc import Callable
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcenter.settings")

import django  # noqa: E402

django.setup()

from medcenter.oncology.staging import (  # noqa: E402
    CLASSIFICATIONS,
    SCHEMES,
    StagingError,
    stage,
)

Case = dict[str, object]


def category_cases() -> list[Case]:
    """Every combination of every table that stages without an error, in each classification."""
    cases: list[Case] = []
    classifications = cycle(CLASSIFICATIONS)
    for table in SCHEMES.values():
        for key in table.lookup:
            categories = {axis.id: code for axis, code in zip(table.axes, key, strict=True) if code}
            case: Case = {
                "scheme": table.id,
                "classification": next(classifications),
                "categories": categories,
            }
            if _stages(case):
                cases.append(case)
    return cases


# Deterministic variety from the case number alone: no random module, the same cases each run.
BONE_SITES = [[], [], [], ["lung"], ["bone"], ["lung", "liver"]]
LUNG_NODES = [[], [], ["ipsilateral_hilar"], ["subcarinal"], ["supraclavicular"]]
LUNG_METASTASES = [
    {"metastasis_sites": []},
    {"metastasis_sites": []},
    {"metastasis_sites": ["pleura"]},
    {"metastasis_sites": ["liver"], "extrathoracic_metastasis_count": 1},
    {"metastasis_sites": ["brain", "bone"]},
]
LUNG_INVASION = [[], [], [], ["visceral_pleura"], ["chest_wall"], ["carina"]]
DIFFERENTIATION = ["well", "moderate", "poor"]


def _size(i: int, top: int) -> float:
    return 0.3 + (i * 37 % (top * 10)) / 10


def bone_appendicular(i: int) -> Case:
    return {
        "size_cm": _size(i, 20),
        "discontinuous": i % 9 == 0,
        "regional_node_metastasis": i % 11 == 0,
        "metastasis_sites": BONE_SITES[i % len(BONE_SITES)],
        "differentiation": DIFFERENTIATION[i % 3],
    }


def bone_pelvis(i: int) -> Case:
    return {
        "size_cm": _size(i, 20),
        "pelvic_segments": 1 + i % 3,
        "extraosseous_extension": i % 2 == 0,
        "sacral_neuroforamen_extension": i % 13 == 0,
        "regional_node_metastasis": False,
        "metastasis_sites": BONE_SITES[i % len(BONE_SITES)],
        "differentiation": DIFFERENTIATION[i % 3],
    }


def bone_spine(i: int) -> Case:
    return {
        "vertebral_segments": 1 + i % 5,
        "nonadjacent_segments": i % 7 == 0,
        "spinal_canal_extension": i % 17 == 0,
        "regional_node_metastasis": i % 19 == 0,
        "metastasis_sites": BONE_SITES[i % len(BONE_SITES)],
        "differentiation": DIFFERENTIATION[i % 3],
    }


def soft_tissue(i: int) -> Case:
    return {
        "size_cm": _size(i, 25),
        "regional_node_metastasis": i % 23 == 0,
        "metastasis_sites": [] if i % 7 else ["lung"],
        "differentiation_score": 1 + i % 3,
        "mitotic_count": i * 7 % 40,
        "necrosis_percent": i * 13 % 100,
    }


def nsclc(i: int) -> Case:
    return {
        "size_cm": _size(i, 9),
        "invaded_structures": LUNG_INVASION[i % len(LUNG_INVASION)],
        "separate_nodule_same_lobe": i % 29 == 0,
        "node_sites": LUNG_NODES[i % len(LUNG_NODES)],
        **LUNG_METASTASES[i % len(LUNG_METASTASES)],
    }


def enneking(i: int) -> Case:
    if i % 3 == 0:
        return {"behaviour": "benign", "activity": ["latent", "active", "aggressive"][i % 3]}
    return {
        "behaviour": "malignant",
        "grade": "low" if i % 2 else "high",
        "compartment": "intra" if i % 4 < 2 else "extra",
        "metastasis": i % 10 == 0,
    }


FACTS: dict[str, Callable[[int], Case]] = {
    "bone_appendicular": bone_appendicular,
    "bone_pelvis": bone_pelvis,
    "bone_spine": bone_spine,
    "soft_tissue_trunk_extremities": soft_tissue,
    "nsclc": nsclc,
    "enneking": enneking,
}


def fact_cases(count: int) -> list[Case]:
    schemes = list(FACTS)
    classifications = list(CLASSIFICATIONS)
    cases = []
    for i in range(count):
        scheme = schemes[i % len(schemes)]
        case: Case = {
            "scheme": scheme,
            "classification": classifications[i // len(schemes) % len(classifications)],
            "facts": FACTS[scheme](i // len(schemes)),
        }
        if not _stages(case):
            raise SystemExit(f"generated case {i} does not stage: {case}")
        cases.append(case)
    return cases


def _stages(case: Case) -> bool:
    try:
        stage(**case)
    except StagingError:
        return False
    return True


def timed(cases: list[Case]) -> tuple[float, float, int]:
    """Wall seconds, this process's CPU seconds (steady on a shared machine), cases with a group."""
    grouped = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for case in cases:
        if stage(**case).stage_group is not None:
            grouped += 1
    return time.perf_counter() - started, time.process_time() - cpu_started, grouped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    count = parser.parse_args().cases
    by_categories = list(islice(cycle(category_cases()), count // 2))
    by_facts = fact_cases(count - len(by_categories))
    stage(**by_facts[0])  # warm the translation machinery

    rows = []
    for mode, cases in (("categories", by_categories), ("raw facts", by_facts)):
        rows.append((mode, len(cases), *timed(cases)))
    rows.append(
        ("overall", count, *(sum(row[i] for row in rows) for i in (2, 3)), sum(r[4] for r in rows))
    )

    print(f"staging {count:,} cases over {len(SCHEMES)} schemes")
    print(
        f"{'mode':<12}{'cases':>10}{'seconds':>10}{'cases/s':>11}"
        f"{'CPU s':>8}{'cases/CPU s':>13}{'with group':>12}"
    )
    for mode, n, wall, cpu, grouped in rows:
        print(
            f"{mode:<12}{n:>10,}{wall:>10.3f}{n / wall:>11,.0f}"
            f"{cpu:>8.3f}{n / cpu:>13,.0f}{grouped:>12,}"
        )


if __name__ == "__main__":
    main()
