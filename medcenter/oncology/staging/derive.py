"""Derive a category from raw facts (a size, flags, sites, scores) as a table describes.

Every message here is for the person who entered the facts and is keyed by the fact's name,
so a form can show it beside the right field. A fact that cannot be read, or one that is
needed and missing, makes the axis fail: the caller then reports the errors and never stages.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import Enum
from typing import Final

from django.utils.translation import gettext as _

from medcenter.oncology.staging.model import (
    Axis,
    BandsRule,
    Case,
    ChoiceRule,
    Derivation,
    Fact,
    FactValue,
    Scheme,
    ScoreRule,
    SitesRule,
    normalize_word,
)

Errors = dict[str, list[str]]

_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})


class Absent(Enum):
    """A fact that was not given, or was given but could not be read (its error is recorded)."""

    MISSING = "missing"
    INVALID = "invalid"


MISSING: Final = Absent.MISSING
INVALID: Final = Absent.INVALID


def add_error(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def is_blank(value: object) -> bool:
    """Forms post an empty field as ""; it means the same as leaving the fact out."""
    return value is None or (isinstance(value, str) and not value.strip())


def _bound(value: float) -> str:
    return f"{value:g}"


class FactReader:
    """The raw facts of one staging call, each read and checked once, on first use."""

    __slots__ = ("_parsed", "errors", "given", "raw", "scheme")

    def __init__(self, scheme: Scheme, raw: Mapping[str, object], errors: Errors) -> None:
        self.scheme = scheme
        self.raw = raw
        self.errors = errors
        self.given = {
            name
            for name, value in raw.items()
            if value is not None and (not isinstance(value, str) or value.strip())
        }
        self._parsed: dict[str, FactValue | Absent] = {}

    def used(self, axis: Axis) -> tuple[str, ...]:
        """The facts given for `axis`, in the table's order; empty when none were."""
        return tuple(filter(self.given.__contains__, axis.derivation.facts))

    def value(self, name: str) -> FactValue | Absent:
        parsed = self._parsed.get(name)
        if parsed is None:
            if name in self.given:
                parsed = self._read(self.scheme.facts[name], self.raw[name])
            else:
                parsed = MISSING
            self._parsed[name] = parsed
        return parsed

    def _fail(self, fact: Fact, message: str) -> Absent:
        add_error(self.errors, fact.name, message)
        return INVALID

    def _read(self, fact: Fact, raw: object) -> FactValue | Absent:
        if fact.kind == "number":
            return self._number(fact, raw)
        if fact.kind == "count":
            return self._count(fact, raw)
        if fact.kind == "flag":
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
                return raw.strip().lower() in _TRUE
            return self._fail(fact, _("Enter true or false."))
        if fact.kind == "choice":
            choice = _spelled(fact, raw)
            if choice is None:
                return self._fail(
                    fact,
                    _("%(value)s is not one of the choices; use one of %(choices)s.")
                    % {"value": raw, "choices": ", ".join(fact.values)},
                )
            return choice
        return self._sites(fact, raw)

    def _number(self, fact: Fact, raw: object) -> float | Absent:
        number: float | None = None
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            number = float(raw)
        elif isinstance(raw, str):
            try:
                number = float(raw.strip())
            except ValueError:
                number = None
        if number is None or not math.isfinite(number):
            return self._fail(fact, _("Enter a number, such as 4.5."))
        low, high = fact.minimum, fact.maximum
        too_low = low is not None and (number <= low if fact.exclusive_minimum else number < low)
        if too_low or (high is not None and number > high):
            if high is not None and low is not None:
                return self._fail(
                    fact,
                    _("Enter a number from %(minimum)s to %(maximum)s.")
                    % {"minimum": _bound(low), "maximum": _bound(high)},
                )
            if low is not None and fact.exclusive_minimum:
                return self._fail(
                    fact, _("Enter a number greater than %(minimum)s.") % {"minimum": _bound(low)}
                )
            return self._fail(
                fact, _("Enter a number of at least %(minimum)s.") % {"minimum": _bound(low or 0)}
            )
        return number

    def _count(self, fact: Fact, raw: object) -> int | Absent:
        count: int | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            count = raw
        elif isinstance(raw, str) and raw.strip().isdigit():
            count = int(raw.strip())
        low, high = fact.minimum, fact.maximum
        if (
            count is None
            or (low is not None and count < low)
            or (high is not None and count > high)
        ):
            if low is not None and high is not None:
                return self._fail(
                    fact,
                    _("Enter a whole number from %(minimum)s to %(maximum)s.")
                    % {"minimum": _bound(low), "maximum": _bound(high)},
                )
            return self._fail(
                fact,
                _("Enter a whole number of at least %(minimum)s.") % {"minimum": _bound(low or 0)},
            )
        return count

    def _sites(self, fact: Fact, raw: object) -> tuple[str, ...] | Absent:
        if not isinstance(raw, list | tuple) or not all(isinstance(s, str) for s in raw):
            return self._fail(fact, _('Enter a list of sites, such as ["lung"].'))
        sites: list[str] = []
        failed = False
        for text in raw:
            site = _spelled(fact, text)
            if site is None:
                failed = True
                add_error(
                    self.errors,
                    fact.name,
                    _("%(site)s is not a site this scheme knows; use one of %(choices)s.")
                    % {"site": text, "choices": ", ".join(fact.values)},
                )
            elif site not in sites:
                sites.append(site)
        return INVALID if failed else tuple(sites)


def _spelled(fact: Fact, text: object) -> str | None:
    if not isinstance(text, str):
        return None
    return fact.spellings.get(text) or fact.spellings.get(normalize_word(text))


def _needs(facts: FactReader, axis: Axis, fact_name: str) -> None:
    label = _(facts.scheme.facts[fact_name].label)
    add_error(
        facts.errors,
        fact_name,
        _("The %(axis)s category needs %(fact)s.") % {"axis": axis.name, "fact": label},
    )


def derive(axis: Axis, facts: FactReader) -> str | None:
    """The category of `axis` that the facts give, or None once the errors say why."""
    rule = axis.derivation
    rank = rule.rank
    found: list[str] = []
    failed = False
    for fact, category in rule.flags:
        value = facts.value(fact)
        if value is True:
            found.append(category)
        elif value is INVALID:
            failed = True
    for sites in rule.sites:
        if not _from_sites(sites, axis, facts, found):
            failed = True
    if rule.measure:
        best = max(map(rank.__getitem__, found), default=-1)
        # A flag at or beyond the measure's top category (a discontinuous bone tumor is T3
        # whatever its size) makes the measure unnecessary; so does a category the source
        # assigns without it (AJCC lung: a T2 feature with unknown size is T2a).
        settled = best >= rule.measure_top or (
            best >= 0 and rule.order[best] in rule.without_measure
        )
        if not settled or not rule.measure_facts.isdisjoint(facts.given):
            measured = _measure(rule, axis, facts)
            if measured is None:
                failed = True
            else:
                found.append(measured)
    if failed:
        return None
    if not found:
        return rule.default
    if len(found) == 1:
        return found[0]
    return max(found, key=rank.__getitem__)


def _from_sites(rule: SitesRule, axis: Axis, facts: FactReader, found: list[str]) -> bool:
    value = facts.value(rule.fact)
    sites: tuple[str, ...] = value if isinstance(value, tuple) else ()
    ok = value is not INVALID
    for site in sites:
        target = rule.mapping[site]
        if not target.startswith("@"):
            found.append(target)
    for group in rule.groups.values():
        organs = [site for site in sites if rule.mapping[site] == "@" + group.name]
        count = facts.value(group.count_fact)
        if count is INVALID:
            ok = False
        elif not organs:
            if count is not MISSING and value is not INVALID:
                ok = False
                add_error(
                    facts.errors,
                    group.count_fact,
                    _("Also list where these metastases are in %(fact)s.") % {"fact": rule.fact},
                )
        elif len(organs) > 1:
            if isinstance(count, int) and count < len(organs):
                ok = False
                add_error(
                    facts.errors,
                    group.count_fact,
                    _("%(count)s metastases cannot be in %(organs)s different organs.")
                    % {"count": count, "organs": len(organs)},
                )
            else:
                found.append(group.multiple)
        elif count is MISSING:
            ok = False
            _needs(facts, axis, group.count_fact)
        else:
            found.append(group.single if count == 1 else group.multiple)
    return ok


def _measure(rule: Derivation, axis: Axis, facts: FactReader) -> str | None:
    for case in rule.measure:
        matched = _matches(case, axis, facts)
        if matched is None:
            return None
        if matched:
            return _result(case, axis, facts)
    add_error(
        facts.errors,
        axis.id,
        _("These facts do not determine the %(axis)s category.") % {"axis": axis.name},
    )
    return None


def _matches(case: Case, axis: Axis, facts: FactReader) -> bool | None:
    for condition in case.when:
        value = facts.value(condition.fact)
        if value is MISSING:
            if facts.scheme.facts[condition.fact].kind != "flag":
                _needs(facts, axis, condition.fact)
                return None
            value = False  # a feature not reported is taken as absent
        if value is INVALID:
            return None
        if not condition.holds(value):
            return False
    return True


def _result(case: Case, axis: Axis, facts: FactReader) -> str | None:
    result = case.result
    if isinstance(result, str):
        return result
    if isinstance(result, BandsRule | ChoiceRule):
        value = facts.value(result.fact)
        if value is MISSING:
            _needs(facts, axis, result.fact)
            return None
        if isinstance(result, ChoiceRule):
            return result.mapping[value] if isinstance(value, str) else None
        return result.bands.pick(value) if isinstance(value, int | float) else None
    return _score(result, axis, facts)


def _score(rule: ScoreRule, axis: Axis, facts: FactReader) -> str | None:
    total = 0
    ok = True
    for part in rule.components:
        score = facts.value(part.score_fact)
        raw = facts.value(part.raw_fact) if part.raw_fact else MISSING
        if score is INVALID or raw is INVALID:
            ok = False
        elif score is not MISSING and raw is not MISSING:
            ok = False
            add_error(
                facts.errors,
                str(part.raw_fact),
                _("Give %(score)s or %(raw)s, not both.")
                % {"score": part.score_fact, "raw": part.raw_fact},
            )
        elif isinstance(score, int):
            total += score
        elif part.raw is not None and isinstance(raw, int | float):
            total += part.raw.pick(raw)
        else:
            ok = False
            _needs(facts, axis, part.score_fact)
    return rule.total.pick(total) if ok else None
