"""Load the staging tables in ``schemes/`` and precompile each into one lookup dict.

Each table is one JSON file: categories with their definitions, how raw facts derive each
category, and the stage-group rows. ``reader`` checks it; here its rows are expanded into a
dict keyed by the tuple of categories, so staging itself is a single dict lookup. A table
whose rows give one combination two different groups raises ``TableError`` at import, so an
inconsistent table can never stage a patient.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from medcenter.oncology.staging.model import (
    SCHEMES_DIR,
    Axis,
    Key,
    Outcome,
    Reason,
    Scheme,
    TableError,
)
from medcenter.oncology.staging.reader import Rows, read_table


def _domains(axes: tuple[Axis, ...]) -> list[tuple[str | None, ...]]:
    return [
        tuple(c.code for c in axis.categories) + ((None,) if axis.required_when else ())
        for axis in axes
    ]


def _compile_lookup(
    axes: tuple[Axis, ...],
    rows: Rows | None,
) -> dict[Key, Outcome]:
    """Every combination of categories → its stage group, or why it has none.

    Raises TableError when two rows give one combination different groups.
    """
    keys = list(itertools.product(*_domains(axes)))
    if rows is None:
        return {key: _outcome(axes, key, None) for key in keys}
    direct: dict[Key, str | None] = {}
    for key in keys:
        groups = {
            group
            for group, sets in rows
            if all(s is None or v in s for s, v in zip(sets, key, strict=True))
        }
        if len(groups) > 1:
            shown = " ".join(v for v in key if v is not None)
            raise TableError(f"{shown} is in more than one stage group: {sorted(groups)}")
        direct[key] = groups.pop() if groups else None
    return {key: _outcome(axes, key, direct) for key in keys}


def _outcome(axes: tuple[Axis, ...], key: Key, direct: Mapping[Key, str | None] | None) -> Outcome:
    present = [(axis, code) for axis, code in zip(axes, key, strict=True) if code is not None]
    categories = MappingProxyType({axis.id: code for axis, code in present})
    if direct is None:
        return Outcome(None, Reason.NO_GROUPS, categories=categories)
    group = direct[key]
    if group is not None:
        return Outcome(group, Reason.NONE, categories=categories)
    parents = [(a.id, c) for a, c in present if a.by_code[c].parent_of]
    if parents:
        # A category with subcategories (T1 of T1a to T1c) still stages when every subcategory
        # lands in the same group: lung T2 N1 M0 is IIB whether T2a or T2b.
        options = [
            axis.by_code[code].parent_of
            if code is not None and axis.by_code[code].parent_of
            else (code,)
            for axis, code in zip(axes, key, strict=True)
        ]
        groups = {direct[child] for child in itertools.product(*options)}
        if len(groups) == 1 and None not in groups:
            return Outcome(groups.pop(), Reason.NONE, categories=categories)
    unknown = tuple((a.id, c) for a, c in present if a.by_code[c].unknown)
    if unknown:
        return Outcome(None, Reason.UNKNOWN, unknown, categories)
    if parents:
        return Outcome(None, Reason.PARENT, tuple(parents), categories)
    return Outcome(None, Reason.UNDEFINED, tuple((a.id, c) for a, c in present), categories)


def load_scheme(data: object) -> Scheme:
    """Check one table (parsed JSON) and precompile it; raise TableError on any fault."""
    table = read_table(data)
    try:
        lookup = _compile_lookup(table.axes, table.rows)
    except TableError as error:
        raise TableError(f"{table.id}: {error}") from None
    return Scheme(
        id=table.id,
        title=table.title,
        rule_version=table.rule_version,
        source=table.source,
        reference=table.reference,
        uses_prefixes=table.uses_prefixes,
        axes=table.axes,
        axis_by_id={a.id: a for a in table.axes},
        facts=table.facts,
        stage_groups=(
            None if table.rows is None else tuple(dict.fromkeys(g for g, _ in table.rows))
        ),
        lookup=lookup,
    )


def load_schemes(directory: Path = SCHEMES_DIR) -> dict[str, Scheme]:
    """Every table in `directory`, by id; a file's name must be its table's id."""
    schemes: dict[str, Scheme] = {}
    for path in sorted(directory.glob("*.json")):
        scheme = load_scheme(json.loads(path.read_text(encoding="utf-8")))
        if scheme.id != path.stem:
            raise TableError(f"{path.name}: the file holds table {scheme.id!r}")
        schemes[scheme.id] = scheme
    return schemes
