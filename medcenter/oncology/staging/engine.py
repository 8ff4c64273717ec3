"""Stage one tumor against one table: read categories or derive them from facts, then look up
the stage group precompiled for that combination."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from medcenter.oncology.staging.derive import (
    Errors,
    FactReader,
    add_error,
    derive,
    is_blank,
)
from medcenter.oncology.staging.model import (
    INPUT_PREFIXES,
    Axis,
    Outcome,
    Reason,
    Scheme,
    normalize_code,
)
from medcenter.oncology.staging.tables import load_schemes

CLASSIFICATIONS: Mapping[str, str] = MappingProxyType(
    {
        "clinical": "c",
        "pathological": "p",
        "post_therapy_clinical": "yc",
        "post_therapy_pathological": "yp",
    }
)
_PATHOLOGICAL = frozenset({"pathological", "post_therapy_pathological"})

SCHEMES: Mapping[str, Scheme] = MappingProxyType(load_schemes())


class StagingError(ValidationError):
    """Input that cannot be staged; `errors` maps each field (an axis such as "t", a fact such
    as "size_cm", or "scheme") to the messages that say what to fix."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors: dict[str, list[str]] = {field: list(msgs) for field, msgs in errors.items()}
        super().__init__(self.errors)


@dataclass(frozen=True, slots=True)
class StageResult:
    """One computed stage, with the rule version that produced it so it can be stored with it.

    `categories` holds the bare codes (T2, N0…); `labels` the codes as written for this
    classification (cT2, ypN0…). `derived_from` names, for each axis derived from facts, the
    facts it came from; axes given as categories are absent from it. `stage_group` is None
    whenever the source defines no group for the combination; `stage_group_note` then says why.
    """

    scheme: str
    rule_version: str
    classification: str
    prefix: str
    categories: Mapping[str, str]
    labels: Mapping[str, str]
    stage_group: str | None
    stage_group_note: str | None
    derived_from: Mapping[str, tuple[str, ...]]


def stage(
    *,
    scheme: str,
    classification: str = "clinical",
    categories: Mapping[str, str] | None = None,
    facts: Mapping[str, object] | None = None,
) -> StageResult:
    """Stage a tumor from categories, raw facts or both; raise StagingError on any gap."""
    table = (
        SCHEMES.get(scheme) or SCHEMES.get(scheme.strip().lower())
        if isinstance(scheme, str)
        else None
    )
    if table is None:
        raise StagingError(
            {
                "scheme": [
                    _("%(value)s is not a staging scheme; use one of %(choices)s.")
                    % {"value": scheme, "choices": ", ".join(SCHEMES)}
                ]
            }
        )
    errors: Errors = {}
    prefix = CLASSIFICATIONS.get(classification) if isinstance(classification, str) else None
    if prefix is None:
        add_error(
            errors,
            "classification",
            _("%(value)s is not a classification; use one of %(choices)s.")
            % {"value": classification, "choices": ", ".join(CLASSIFICATIONS)},
        )
    # type() first: isinstance against an ABC is slow, and nearly every call passes a dict.
    if (
        categories is not None
        and type(categories) is not dict
        and not isinstance(categories, Mapping)
    ):
        add_error(
            errors,
            "categories",
            _('Give the categories as pairs of axis and category, such as {"t": "T1"}.'),
        )
        categories = None
    if facts is not None and type(facts) is not dict and not isinstance(facts, Mapping):
        add_error(
            errors,
            "facts",
            _('Give the facts as pairs of name and value, such as {"size_cm": 4.5}.'),
        )
        facts = None
    given = _given_categories(table, categories, errors) if categories else {}
    reader = _fact_reader(table, facts, errors) if facts else None
    values: dict[str, str] = {}
    m_written = ""
    derived_from: dict[str, tuple[str, ...]] = {}
    for axis in table.axes:
        text = given.get(axis.id)
        if text is not None:
            found = axis.written.get(text) if isinstance(text, str) else None
            if found is None:
                found = _read_category(table, axis, text, errors)
            if found is not None:
                values[axis.id] = found[0]
                if axis.id == "m":
                    m_written = found[1]
            continue
        if reader is not None and (used := reader.used(axis)):
            code = derive(axis, reader)
            if code is not None:
                values[axis.id] = code
                derived_from[axis.id] = used
        elif _required(axis, values):
            _missing(axis, errors)
    if errors:
        raise StagingError(errors)
    outcome = table.lookup[tuple(map(values.get, table.axis_by_id))]
    # An M1 written pM1 was confirmed under the microscope; see _labels.
    labels_key = (classification, m_written in ("p", "yp"))
    labels = outcome.labels.get(labels_key)
    if labels is None:
        labels = outcome.labels.setdefault(
            labels_key, _labels(table, classification, outcome, labels_key[1])
        )
    note = None
    if outcome.group is None:
        language = get_language()
        note = outcome.notes.get(language)
        if note is None:
            note = outcome.notes.setdefault(language, _note(table, outcome))
    return StageResult(
        scheme=table.id,
        rule_version=table.rule_version,
        classification=classification,
        prefix=(prefix or "") if table.uses_prefixes else "",
        # Copies, so a caller who edits a result cannot change the cached ones.
        categories=dict(outcome.categories),
        labels=dict(labels),
        stage_group=outcome.group,
        stage_group_note=note,
        derived_from=derived_from,
    )


def _given_categories(
    table: Scheme, categories: Mapping[str, object], errors: Errors
) -> dict[str, object]:
    given: dict[str, object] = {}
    for key, value in categories.items():
        axis = table.axis_by_id.get(key)
        if axis is None and isinstance(key, str):
            axis = table.axis_by_id.get(key.strip().lower())
        if axis is None:
            add_error(
                errors,
                str(key),
                _("%(value)s is not a category axis of %(scheme)s; use one of %(choices)s.")
                % {
                    "value": key,
                    "scheme": _(table.title),
                    "choices": ", ".join(a.id for a in table.axes),
                },
            )
        elif not is_blank(value):
            given[axis.id] = value
    return given


def _fact_reader(table: Scheme, facts: Mapping[str, object], errors: Errors) -> FactReader:
    if table.facts.keys() >= facts.keys():
        return FactReader(table, facts, errors)
    for name in facts:
        if name not in table.facts:
            add_error(
                errors,
                str(name),
                _("%(value)s is not a fact that %(scheme)s uses; use one of %(choices)s.")
                % {"value": name, "scheme": _(table.title), "choices": ", ".join(table.facts)},
            )
    return FactReader(table, facts, errors)


def _read_category(
    table: Scheme, axis: Axis, text: object, errors: Errors
) -> tuple[str, str] | None:
    """The category's code and the prefix it was written with ("" if none)."""
    if isinstance(text, str):
        spelled = normalize_code(text)
        code = axis.spellings.get(spelled)
        if code is not None:
            return code, ""
        if axis.prefixed:
            for written in INPUT_PREFIXES:
                if spelled.startswith(written.upper()):
                    code = axis.spellings.get(spelled[len(written) :])
                    if code is not None:
                        return code, written
    add_error(
        errors,
        axis.id,
        _("%(value)s is not a %(axis)s category of %(scheme)s; use one of %(choices)s.")
        % {
            "value": text,
            "axis": axis.name,
            "scheme": _(table.title),
            "choices": ", ".join(c.code for c in axis.categories),
        },
    )
    return None


def _required(axis: Axis, values: Mapping[str, str]) -> bool:
    if axis.required_when is None:
        return True
    other, codes = axis.required_when
    # Unknown while the other axis failed: its own error comes first.
    return values.get(other) in codes


def _missing(axis: Axis, errors: Errors) -> None:
    add_error(
        errors,
        axis.id,
        _(
            "Give the %(axis)s category (one of %(choices)s) or the facts that determine it "
            "(%(facts)s)."
        )
        % {
            "axis": axis.name,
            "choices": ", ".join(c.code for c in axis.categories),
            "facts": ", ".join(axis.derivation.facts),
        },
    )


def _labels(
    table: Scheme, classification: str, outcome: Outcome, m_confirmed: bool
) -> dict[str, str]:
    if not table.uses_prefixes:
        return dict(outcome.categories)
    prefix = CLASSIFICATIONS[classification]
    labels: dict[str, str] = {}
    for axis in table.axes:
        code = outcome.categories.get(axis.id)
        if code is None:
            continue
        written = prefix if axis.prefixed else ""
        if axis.prefixed and axis.id == "m" and classification in _PATHOLOGICAL:
            # AJCC: pM0 is not a valid category, so pathological stage uses cM0; an M1 is
            # cM1 unless microscopically confirmed, which only the caller can say (pM1).
            written = "p" if code != "M0" and m_confirmed else "c"
        labels[axis.id] = written + code
    return labels


def _note(table: Scheme, outcome: Outcome) -> str:
    title = _(table.title)
    if outcome.reason is Reason.NO_GROUPS:
        return _("%(source)s defines no stage groups for %(scheme)s.") % {
            "source": _(table.source),
            "scheme": title,
        }
    if outcome.reason is Reason.UNKNOWN:
        return " ".join(
            _("The stage group cannot be determined while %(axis)s is %(code)s: %(label)s.")
            % {
                "axis": table.axis_by_id[axis_id].name,
                "code": code,
                "label": _(table.axis_by_id[axis_id].by_code[code].label),
            }
            for axis_id, code in outcome.values
        )
    if outcome.reason is Reason.PARENT:
        return " ".join(
            _("%(code)s does not determine the stage group; give one of %(choices)s.")
            % {
                "code": code,
                "choices": ", ".join(table.axis_by_id[axis_id].by_code[code].parent_of),
            }
            for axis_id, code in outcome.values
        )
    return _("%(scheme)s defines no stage group for %(combination)s.") % {
        "scheme": title,
        "combination": " ".join(code for _axis, code in outcome.values),
    }


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    code: str
    label: str


@dataclass(frozen=True, slots=True)
class AxisInfo:
    id: str
    name: str
    label: str
    prefixed: bool
    categories: tuple[CategoryInfo, ...]
    facts: tuple[str, ...]
    required_when: Mapping[str, tuple[str, ...]] | None


@dataclass(frozen=True, slots=True)
class FactInfo:
    name: str
    type: str
    label: str
    axis: str
    choices: tuple[str, ...]
    minimum: float | None
    exclusive_minimum: bool
    maximum: float | None


@dataclass(frozen=True, slots=True)
class SchemeInfo:
    id: str
    title: str
    rule_version: str
    source: str
    reference: str
    axes: tuple[AxisInfo, ...]
    facts: tuple[FactInfo, ...]
    has_stage_groups: bool
    stage_groups: tuple[str, ...]


def list_schemes() -> tuple[SchemeInfo, ...]:
    """Every scheme with its categories and facts, labels in the active language."""
    return tuple(_info(table) for table in SCHEMES.values())


def _info(table: Scheme) -> SchemeInfo:
    return SchemeInfo(
        id=table.id,
        title=_(table.title),
        rule_version=table.rule_version,
        source=_(table.source),
        reference=table.reference,
        axes=tuple(
            AxisInfo(
                id=axis.id,
                name=axis.name,
                label=_(axis.label),
                prefixed=axis.prefixed and table.uses_prefixes,
                categories=tuple(CategoryInfo(c.code, _(c.label)) for c in axis.categories),
                facts=axis.derivation.facts,
                required_when=(
                    {axis.required_when[0]: tuple(sorted(axis.required_when[1]))}
                    if axis.required_when
                    else None
                ),
            )
            for axis in table.axes
        ),
        facts=tuple(
            FactInfo(
                name=fact.name,
                type=fact.kind,
                label=_(fact.label),
                axis=fact.axis,
                choices=fact.values,
                minimum=fact.minimum,
                exclusive_minimum=fact.exclusive_minimum,
                maximum=fact.maximum,
            )
            for fact in table.facts.values()
        ),
        has_stage_groups=table.stage_groups is not None,
        stage_groups=table.stage_groups or (),
    )
