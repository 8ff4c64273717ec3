"""Read one staging table from parsed JSON, checking every name and value as it goes.

Each error names the place in the table (``axes[0].derive.measure[1]``) so a fault in a table
is found at import, long before it could stage a patient.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from medcenter.oncology.staging.model import (
    FACT_KINDS,
    INPUT_PREFIXES,
    Axis,
    Bands,
    BandsRule,
    Case,
    Category,
    ChoiceRule,
    Condition,
    Derivation,
    Fact,
    FactKind,
    R,
    ScoreComponent,
    ScoreRule,
    SiteGroup,
    SitesRule,
    TableError,
    normalize_code,
    normalize_word,
)

Rows = list[tuple[str, tuple[frozenset[str] | None, ...]]]


def _written(categories: tuple[Category, ...], prefixed: bool) -> dict[str, tuple[str, str]]:
    prefixes = ("", *INPUT_PREFIXES) if prefixed else ("",)
    return {
        prefix + category.code: (category.code, prefix)
        for category in categories
        for prefix in prefixes
    }


# --- reading JSON values, each with the place it came from for the error message ---------


def _object(value: object, where: str, allowed: Iterable[str]) -> dict[str, object]:
    if not isinstance(value, dict):
        raise TableError(f"{where}: expected an object")
    unknown = set(value) - set(allowed)
    if unknown:
        raise TableError(f"{where}: unknown keys {sorted(unknown)}")
    return value


def _dict(value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise TableError(f"{where}: expected an object")
    return value


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TableError(f"{where}: expected a non-empty string")
    return value


def _texts(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise TableError(f"{where}: expected a non-empty list")
    items = tuple(_text(item, f"{where}[{i}]") for i, item in enumerate(value))
    if len(set(items)) != len(items):
        raise TableError(f"{where}: repeated values")
    return items


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TableError(f"{where}: expected a number")
    return float(value)


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise TableError(f"{where}: expected true or false")
    return value


def _bands(value: object, where: str, result: type[R], valid: Iterable[R]) -> Bands[R]:
    data = _object(value, where, ("fact", "steps", "otherwise"))
    allowed = set(valid)
    steps: list[tuple[float, bool, R]] = []
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise TableError(f"{where}.steps: expected a non-empty list")
    for i, raw in enumerate(raw_steps):
        step = _object(raw, f"{where}.steps[{i}]", ("max", "below", "result"))
        if ("max" in step) == ("below" in step):
            raise TableError(f"{where}.steps[{i}]: give exactly one of max or below")
        inclusive = "max" in step
        bound = _number(step["max"] if inclusive else step["below"], f"{where}.steps[{i}]")
        if steps and bound <= steps[-1][0]:
            raise TableError(f"{where}.steps[{i}]: bounds must increase")
        steps.append((bound, inclusive, _result(step.get("result"), where, result, allowed)))
    otherwise = _result(data.get("otherwise"), f"{where}.otherwise", result, allowed)
    return Bands(tuple(steps), otherwise)


def _result(value: object, where: str, kind: type[R], allowed: set[R]) -> R:
    if isinstance(value, bool) or not isinstance(value, kind) or value not in allowed:
        raise TableError(f"{where}: {value!r} is not one of {sorted(allowed)}")
    return value


# --- facts, axes, rows --------------------------------------------------------------------


def _read_fact(name: str, value: object, where: str) -> Fact:
    data = _object(
        value,
        where,
        ("type", "label", "minimum", "maximum", "exclusive_minimum", "choices", "aliases"),
    )
    kind = next((k for k in FACT_KINDS if k == data.get("type")), None)
    if kind is None:
        raise TableError(f"{where}.type: expected one of {FACT_KINDS}")
    fact = Fact(name=name, kind=kind, label=_text(data.get("label"), f"{where}.label"))
    bounds = {k: _number(data[k], f"{where}.{k}") for k in ("minimum", "maximum") if k in data}
    if "exclusive_minimum" in data:
        bounds["minimum"] = _number(data["exclusive_minimum"], f"{where}.exclusive_minimum")
    if bounds and kind not in ("number", "count"):
        raise TableError(f"{where}: only numbers and counts have bounds")
    if kind == "count" and any(not b.is_integer() for b in bounds.values()):
        raise TableError(f"{where}: a count's bounds are whole numbers")
    fact = replace(
        fact,
        minimum=bounds.get("minimum"),
        maximum=bounds.get("maximum"),
        exclusive_minimum="exclusive_minimum" in data,
    )
    if kind in ("choice", "sites"):
        values = _texts(data.get("choices"), f"{where}.choices")
        if any(normalize_word(v) != v for v in values):
            raise TableError(f"{where}.choices: write choices in lower_snake_case")
        aliases = _dict(data.get("aliases", {}), f"{where}.aliases")
        spellings: dict[str, str] = {}
        for spelling, canonical in [(v, v) for v in values] + list(aliases.items()):
            if canonical not in values:
                raise TableError(f"{where}.aliases: {canonical!r} is not a choice")
            if spellings.setdefault(normalize_word(spelling), str(canonical)) != canonical:
                raise TableError(f"{where}: {spelling!r} is spelled like another choice")
        fact = replace(fact, values=values, spellings=spellings)
    elif "choices" in data or "aliases" in data:
        raise TableError(f"{where}: only choices and sites have choices")
    return fact


def _read_categories(value: object, where: str) -> tuple[Category, ...]:
    if not isinstance(value, list) or not value:
        raise TableError(f"{where}: expected a non-empty list")
    categories: list[Category] = []
    for i, raw in enumerate(value):
        data = _object(raw, f"{where}[{i}]", ("code", "label", "unknown", "parent_of"))
        parent_of = (
            _texts(data["parent_of"], f"{where}[{i}].parent_of") if "parent_of" in data else ()
        )
        categories.append(
            Category(
                code=_text(data.get("code"), f"{where}[{i}].code"),
                label=_text(data.get("label"), f"{where}[{i}].label"),
                unknown=_flag(data.get("unknown", False), f"{where}[{i}].unknown"),
                parent_of=parent_of,
            )
        )
    if len({c.code for c in categories}) != len(categories):
        raise TableError(f"{where}: repeated category codes")
    leaves = {c.code for c in categories if not c.parent_of}
    for category in categories:
        for child in category.parent_of:
            if child not in leaves:
                raise TableError(f"{where}: {category.code} lists {child!r}, not a leaf category")
    return tuple(categories)


class _AxisReader:
    """Reads one axis's derivation, checking every name against the scheme's facts."""

    def __init__(self, facts: Mapping[str, Fact], codes: set[str], where: str) -> None:
        self.facts = facts
        self.codes = codes
        self.where = where
        self.used: list[str] = []

    def fact(self, value: object, where: str, kinds: tuple[FactKind, ...]) -> Fact:
        name = _text(value, where)
        fact = self.facts.get(name)
        if fact is None:
            raise TableError(f"{where}: {name!r} is not a fact of this scheme")
        if fact.kind not in kinds:
            raise TableError(f"{where}: {name!r} is a {fact.kind}, expected {kinds}")
        if name not in self.used:
            self.used.append(name)
        return fact

    def category(self, value: object, where: str) -> str:
        code = _text(value, where)
        if code not in self.codes:
            raise TableError(f"{where}: {code!r} is not a category of this axis")
        return code

    def derivation(self, value: object) -> Derivation:
        where = f"{self.where}.derive"
        data = _object(
            value, where, ("order", "flags", "sites", "measure", "without_measure", "default")
        )
        order = _texts(data.get("order"), f"{where}.order")
        for code in order:
            self.category(code, f"{where}.order")
        self.codes = set(order)
        flags = tuple(self._flag(raw, f"{where}.flags[{i}]") for i, raw in _items(data, "flags"))
        sites = tuple(self._sites(raw, f"{where}.sites[{i}]") for i, raw in _items(data, "sites"))
        before = set(self.used)
        measure = tuple(
            self._case(raw, f"{where}.measure[{i}]") for i, raw in _items(data, "measure")
        )
        measure_facts = frozenset(self.used) - before
        default = self.category(data["default"], f"{where}.default") if "default" in data else None
        if bool(measure) == (default is not None):
            raise TableError(f"{where}: give a measure or a default, not both or neither")
        without = data.get("without_measure", [])
        without_measure = frozenset(
            self.category(code, f"{where}.without_measure") for code in _list(without, where)
        )
        rank = {code: i for i, code in enumerate(order)}
        tops = [_case_results(case) for case in measure]
        return Derivation(
            order=order,
            rank=rank,
            flags=flags,
            sites=sites,
            measure=measure,
            measure_facts=measure_facts,
            measure_top=max((rank[c] for results in tops for c in results), default=-1),
            without_measure=without_measure,
            default=default,
            facts=tuple(name for name in self.facts if name in self.used),
        )

    def _flag(self, value: object, where: str) -> tuple[str, str]:
        data = _object(value, where, ("fact", "category"))
        fact = self.fact(data.get("fact"), f"{where}.fact", ("flag",))
        return fact.name, self.category(data.get("category"), f"{where}.category")

    def _sites(self, value: object, where: str) -> SitesRule:
        data = _object(value, where, ("fact", "map", "groups"))
        fact = self.fact(data.get("fact"), f"{where}.fact", ("sites",))
        groups: dict[str, SiteGroup] = {}
        for name, raw in _dict(data.get("groups", {}), f"{where}.groups").items():
            group = _object(raw, f"{where}.groups.{name}", ("single", "multiple", "count_fact"))
            count = self.fact(group.get("count_fact"), f"{where}.groups.{name}", ("count",))
            groups[name] = SiteGroup(
                name=name,
                single=self.category(group.get("single"), f"{where}.groups.{name}.single"),
                multiple=self.category(group.get("multiple"), f"{where}.groups.{name}.multiple"),
                count_fact=count.name,
            )
        raw_map = data.get("map")
        mapping = _object(raw_map, f"{where}.map", fact.values)
        if set(mapping) != set(fact.values):
            raise TableError(f"{where}.map: map every site of {fact.name}, no more")
        for site, target in mapping.items():
            target = _text(target, f"{where}.map.{site}")
            if target.startswith("@"):
                if target[1:] not in groups:
                    raise TableError(f"{where}.map.{site}: no group {target[1:]!r}")
            else:
                self.category(target, f"{where}.map.{site}")
        return SitesRule(
            fact=fact.name, mapping={k: str(v) for k, v in mapping.items()}, groups=groups
        )

    def _case(self, value: object, where: str) -> Case:
        data = _object(value, where, ("when", "category", "bands", "choice", "score"))
        results = [k for k in ("category", "bands", "choice", "score") if k in data]
        if len(results) != 1:
            raise TableError(f"{where}: give exactly one of category, bands, choice, score")
        conditions = tuple(
            self._condition(name, raw, f"{where}.when.{name}")
            for name, raw in _dict(data.get("when", {}), f"{where}.when").items()
        )
        kind = results[0]
        result: str | BandsRule | ChoiceRule | ScoreRule
        if kind == "category":
            result = self.category(data["category"], f"{where}.category")
        elif kind == "bands":
            raw = _object(data["bands"], f"{where}.bands", ("fact", "steps", "otherwise"))
            fact = self.fact(raw.get("fact"), f"{where}.bands.fact", ("number", "count"))
            result = BandsRule(fact.name, _bands(raw, f"{where}.bands", str, self.codes))
        elif kind == "choice":
            raw = _object(data["choice"], f"{where}.choice", ("fact", "map"))
            fact = self.fact(raw.get("fact"), f"{where}.choice.fact", ("choice",))
            mapping = _object(raw.get("map"), f"{where}.choice.map", fact.values)
            if set(mapping) != set(fact.values):
                raise TableError(f"{where}.choice.map: map every choice of {fact.name}")
            result = ChoiceRule(
                fact.name,
                {k: self.category(v, f"{where}.choice.map.{k}") for k, v in mapping.items()},
            )
        else:
            result = self._score(data["score"], f"{where}.score")
        return Case(when=conditions, result=result)

    def _condition(self, name: str, value: object, where: str) -> Condition:
        fact = self.fact(name, where, ("flag", "count", "number", "choice"))
        if isinstance(value, dict):
            bounds = _object(value, where, ("min", "max"))
            if fact.kind not in ("count", "number") or not bounds:
                raise TableError(f"{where}: ranges apply to numbers and counts")
            return Condition(
                fact=name,
                minimum=_number(bounds["min"], where) if "min" in bounds else None,
                maximum=_number(bounds["max"], where) if "max" in bounds else None,
            )
        if fact.kind == "flag" and isinstance(value, bool):
            return Condition(fact=name, equals=value)
        if fact.kind == "count" and isinstance(value, int) and not isinstance(value, bool):
            return Condition(fact=name, equals=value)
        if fact.kind == "choice" and isinstance(value, str) and value in fact.values:
            return Condition(fact=name, equals=value)
        raise TableError(f"{where}: {value!r} cannot be compared with a {fact.kind}")

    def _score(self, value: object, where: str) -> ScoreRule:
        data = _object(value, where, ("components", "total"))
        components: list[ScoreComponent] = []
        low = high = 0
        for i, raw in _items(data, "components"):
            part = _object(raw, f"{where}.components[{i}]", ("score_fact", "raw_fact", "raw"))
            score = self.fact(part.get("score_fact"), f"{where}.components[{i}]", ("count",))
            if score.minimum is None or score.maximum is None:
                raise TableError(f"{where}.components[{i}]: a score needs a minimum and maximum")
            scores = range(int(score.minimum), int(score.maximum) + 1)
            low, high = low + scores.start, high + scores.stop - 1
            raw_fact: Fact | None = None
            raw_bands: Bands[int] | None = None
            if ("raw_fact" in part) != ("raw" in part):
                raise TableError(f"{where}.components[{i}]: give raw_fact and raw together")
            if "raw_fact" in part:
                raw_fact = self.fact(
                    part["raw_fact"], f"{where}.components[{i}]", ("count", "number")
                )
                raw_bands = _bands(part["raw"], f"{where}.components[{i}].raw", int, scores)
            components.append(
                ScoreComponent(score.name, raw_fact.name if raw_fact else None, raw_bands)
            )
        if not components:
            raise TableError(f"{where}.components: expected at least one component")
        total = _bands(data.get("total"), f"{where}.total", str, self.codes)
        if any(not low <= bound <= high for bound, _, _ in total.steps):
            raise TableError(f"{where}.total: bounds outside the possible totals {low}-{high}")
        return ScoreRule(tuple(components), total)


def _items(data: Mapping[str, object], key: str) -> Iterable[tuple[int, object]]:
    return enumerate(_list(data.get(key, []), key))


def _list(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise TableError(f"{where}: expected a list")
    return value


def _case_results(case: Case) -> tuple[str, ...]:
    result = case.result
    if isinstance(result, str):
        return (result,)
    if isinstance(result, BandsRule | ScoreRule):
        bands = result.bands if isinstance(result, BandsRule) else result.total
        return (*(step[2] for step in bands.steps), bands.otherwise)
    return tuple(result.mapping.values())


def _read_axis(value: object, where: str, facts: Mapping[str, Fact], earlier: list[Axis]) -> Axis:
    data = _object(
        value,
        where,
        ("id", "name", "label", "prefixed", "categories", "derive", "required_when"),
    )
    axis_id = _text(data.get("id"), f"{where}.id")
    categories = _read_categories(data.get("categories"), f"{where}.categories")
    spellings: dict[str, str] = {}
    for category in categories:
        if spellings.setdefault(normalize_code(category.code), category.code) != category.code:
            raise TableError(f"{where}: {category.code!r} is spelled like another category")
    required_when = None
    if "required_when" in data:
        condition = _object(
            data["required_when"], f"{where}.required_when", [a.id for a in earlier]
        )
        if len(condition) != 1:
            raise TableError(f"{where}.required_when: name exactly one earlier axis")
        other_id, values = next(iter(condition.items()))
        other = next(a for a in earlier if a.id == other_id)
        codes = _texts(values, f"{where}.required_when.{other_id}")
        if not set(codes) <= set(other.by_code):
            raise TableError(f"{where}.required_when: not categories of {other_id}")
        if other.required_when is not None:
            raise TableError(f"{where}.required_when: {other_id} is itself conditional")
        required_when = (other_id, frozenset(codes))
    prefixed = _flag(data.get("prefixed"), f"{where}.prefixed")
    reader = _AxisReader(facts, {c.code for c in categories}, where)
    derivation = reader.derivation(data.get("derive"))
    return Axis(
        id=axis_id,
        name=_text(data.get("name"), f"{where}.name"),
        label=_text(data.get("label"), f"{where}.label"),
        prefixed=prefixed,
        categories=categories,
        by_code={c.code: c for c in categories},
        spellings=spellings,
        written=_written(categories, prefixed),
        derivation=derivation,
        required_when=required_when,
    )


def _read_rows(
    value: object, axes: tuple[Axis, ...]
) -> list[tuple[str, tuple[frozenset[str] | None, ...]]]:
    rows: list[tuple[str, tuple[frozenset[str] | None, ...]]] = []
    for i, raw in enumerate(_list(value, "stage_groups")):
        where = f"stage_groups[{i}]"
        data = _object(raw, where, ("group", "when"))
        when = _object(data.get("when"), f"{where}.when", [a.id for a in axes])
        sets: list[frozenset[str] | None] = []
        for axis in axes:
            if axis.id not in when:
                sets.append(None)  # any category, including an unknown or absent one
                continue
            codes = _texts(when[axis.id], f"{where}.when.{axis.id}")
            if not set(codes) <= set(axis.by_code):
                raise TableError(f"{where}.when.{axis.id}: {codes} are not all categories")
            sets.append(frozenset(codes))
        rows.append((_text(data.get("group"), f"{where}.group"), tuple(sets)))
    if not rows:
        raise TableError("stage_groups: empty; write null when the source defines no groups")
    return rows


@dataclass(frozen=True, slots=True)
class RawTable:
    """A table read and checked, before its stage groups are compiled."""

    id: str
    title: str
    rule_version: str
    source: str
    reference: str
    uses_prefixes: bool
    facts: Mapping[str, Fact]
    axes: tuple[Axis, ...]
    rows: Rows | None  # None: the source defines no stage groups


def read_table(data: object) -> RawTable:
    """Read and check one table; raise TableError, naming the table, on any fault."""
    top = _object(
        data,
        "table",
        (
            "id",
            "title",
            "rule_version",
            "source",
            "reference",
            "uses_prefixes",
            "facts",
            "axes",
            "stage_groups",
        ),
    )
    scheme_id = _text(top.get("id"), "id")
    try:
        facts = {
            name: _read_fact(name, raw, f"facts.{name}")
            for name, raw in _dict(top.get("facts"), "facts").items()
        }
        axes_list: list[Axis] = []
        for i, raw in enumerate(_list(top.get("axes"), "axes")):
            axes_list.append(_read_axis(raw, f"axes[{i}]", facts, axes_list))
        axes = tuple(axes_list)
        if len({a.id for a in axes}) != len(axes) or not axes:
            raise TableError("axes: expected distinct axis ids")
        owner: dict[str, str] = {}
        for axis in axes:
            for name in axis.derivation.facts:
                if owner.setdefault(name, axis.id) != axis.id:
                    raise TableError(f"facts.{name}: used by both {owner[name]} and {axis.id}")
        unused = set(facts) - set(owner)
        if unused:
            raise TableError(f"facts: {sorted(unused)} are defined but derive nothing")
        raw_rows = top.get("stage_groups")
        return RawTable(
            id=scheme_id,
            title=_text(top.get("title"), "title"),
            rule_version=_text(top.get("rule_version"), "rule_version"),
            source=_text(top.get("source"), "source"),
            reference=_text(top.get("reference"), "reference"),
            uses_prefixes=_flag(top.get("uses_prefixes"), "uses_prefixes"),
            facts={name: replace(fact, axis=owner[name]) for name, fact in facts.items()},
            axes=axes,
            rows=None if raw_rows is None else _read_rows(raw_rows, axes),
        )
    except TableError as error:
        raise TableError(f"{scheme_id}: {error}") from None
