"""The questionnaire engine: a FHIR R4 Questionnaire read into plain objects, and the rules
that judge a set of answers against it. Pure Python, no ORM, no Django: the same functions
serve the portal form, the API, the loader and the tests.

Answers are a dict from `linkId` to a value (a choice's code, an int, a Decimal, a str, a
bool, a date) or, for a repeating choice, a list of codes; a repeating group's answer is a list
of instances, each a dict of its questions' answers in the same shape (a medicine per row,
say). Raw answers from a form (strings) or from JSON are coerced by `judge`; problems come
back as `Problem` codes per `linkId` (inside an instance, per `group[index].linkId`, see
`instance_key`), which the caller words in the user's language.

Supported: item types choice, integer, decimal, string, text, boolean, date, group, display;
`required`, `repeats` (on choices, and on groups: at most `MAX_INSTANCES` instances, no
repeating group inside another, no symptom or emergency question inside one, and no enableWhen
from outside naming a question inside; one inside may name its own instance's questions or any
question outside), `answerOption` with `valueCoding` (or `valueString`,
`valueInteger`) and a score (`ordinalValue` or `itemWeight` extension), `maxLength`, the
`minValue`/`maxValue` extensions, `enableWhen` (exists, =, !=, >, <, >=, <=) with
`enableBehavior` any/all, and translations of every text through the standard `translation`
extension. Our own two item extensions mark a symptom (its score counts towards alerts) and
an emergency question (a yes means "call now").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
SYMPTOM = "https://medcenter.example/fhir/StructureDefinition/questionnaire-symptom"
EMERGENCY = "https://medcenter.example/fhir/StructureDefinition/questionnaire-emergency"

TYPES = frozenset(
    {"choice", "integer", "decimal", "string", "text", "boolean", "date", "group", "display"}
)
ANSWERED = TYPES - {"group", "display"}
OPERATORS = frozenset({"exists", "=", "!=", ">", "<", ">=", "<="})
LINK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
STRING_MAX = 255  # FHIR "string" items: one line
TEXT_MAX = 4000  # "text" items without their own maxLength
NUMBER_LIMIT = Decimal("1000000000")  # no answer is a bigger number; keeps arithmetic sane
MAX_INSTANCES = 20  # rows of one repeating group; bounds the work a request can ask for


class DefinitionError(ValueError):
    """The Questionnaire resource uses something the engine cannot honour."""


Texts = Mapping[str, str]  # language (lower case, "pt-br") -> text


def normalise_language(code: str) -> str:
    return code.replace("_", "-").lower()


def text_in(texts: Texts, language: str, default: str = "en") -> str:
    """The text in `language`, else in its base language, else in the resource's own."""
    lang = normalise_language(language)
    for key in (lang, lang.split("-")[0], normalise_language(default)):
        if texts.get(key):
            return texts[key]
    return next(iter(texts.values()), "")


@dataclass(frozen=True)
class Option:
    code: str
    texts: Texts
    score: int | None = None


@dataclass(frozen=True)
class Condition:
    question: str
    operator: str
    answer: Any


@dataclass(frozen=True)
class Item:
    link_id: str
    type: str
    texts: Texts
    required: bool = False
    repeats: bool = False
    options: tuple[Option, ...] = ()
    enable_when: tuple[Condition, ...] = ()
    enable_behavior: str = "any"
    items: tuple[Item, ...] = ()
    max_length: int | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    symptom: bool = False
    emergency: bool = False
    code: str = ""

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)

    @property
    def repeating_group(self) -> bool:
        return self.type == "group" and self.repeats

    def questions(self) -> Iterator[Item]:
        """The answered items below this one (a repeating group's questions)."""
        return (i for i in _walk(self.items) if i.type in ANSWERED)


@dataclass(frozen=True)
class Form:
    url: str
    version: str
    name: str
    status: str
    language: str
    titles: Texts
    items: tuple[Item, ...]
    descriptions: Texts = field(default_factory=dict)

    def walk(self) -> Iterator[Item]:
        """Every item, depth first, in the order the form shows them."""
        yield from _walk(self.items)

    def item(self, link_id: str) -> Item | None:
        return next((i for i in self.walk() if i.link_id == link_id), None)

    def top(self) -> Iterator[Item]:
        """Every item answered once per response: the walk, not into repeating groups (the
        repeating group itself is included)."""
        yield from _walk(self.items, into_repeats=False)

    def top_item(self, link_id: str) -> Item | None:
        return next((i for i in self.top() if i.link_id == link_id), None)

    @property
    def symptoms(self) -> list[Item]:
        return [i for i in self.walk() if i.symptom]

    @property
    def emergencies(self) -> list[Item]:
        return [i for i in self.walk() if i.emergency]


def _walk(items: tuple[Item, ...], *, into_repeats: bool = True) -> Iterator[Item]:
    for item in items:
        yield item
        if into_repeats or not item.repeating_group:
            yield from _walk(item.items, into_repeats=into_repeats)


def instance_key(group: str, index: int, link_id: str) -> str:
    """The key of one question in one instance of a repeating group: `meds[0].dose`."""
    return f"{group}[{index}].{link_id}"


# --- Reading a FHIR Questionnaire ---------------------------------------------------------


def _texts(node: Mapping[str, Any], name: str, language: str) -> dict[str, str]:
    texts: dict[str, str] = {}
    value = node.get(name)
    if isinstance(value, str) and value:
        texts[normalise_language(language)] = value
    meta = node.get(f"_{name}")
    if isinstance(meta, Mapping):
        for ext in meta.get("extension", []) or []:
            if not isinstance(ext, Mapping) or ext.get("url") != TRANSLATION:
                continue
            parts = {p.get("url"): p for p in ext.get("extension", []) if isinstance(p, Mapping)}
            lang = (parts.get("lang") or {}).get("valueCode")
            content = (parts.get("content") or {}).get("valueString")
            if isinstance(lang, str) and isinstance(content, str) and content:
                texts[normalise_language(lang)] = content
    return texts


def _extension(node: Mapping[str, Any], url: str) -> Mapping[str, Any] | None:
    for ext in node.get("extension", []) or []:
        if isinstance(ext, Mapping) and ext.get("url") == url:
            return ext
    return None


def _ext_value(ext: Mapping[str, Any] | None) -> Any:
    if ext is None:
        return None
    for key, value in ext.items():
        if key.startswith("value"):
            return value
    return None


def _number(value: Any, where: str) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise DefinitionError(f"{where}: not a number: {value!r}") from None
    if not number.is_finite():
        raise DefinitionError(f"{where}: not a finite number")
    return number


def _option(raw: Mapping[str, Any], language: str, where: str) -> Option:
    score_value = _ext_value(_extension(raw, ORDINAL) or _extension(raw, ITEM_WEIGHT))
    coding = raw.get("valueCoding")
    if isinstance(coding, Mapping):
        code = coding.get("code")
        texts = _texts(coding, "display", language)
        score_value = (
            score_value
            if score_value is not None
            else _ext_value(_extension(coding, ORDINAL) or _extension(coding, ITEM_WEIGHT))
        )
    elif "valueString" in raw:
        code, texts = raw["valueString"], _texts(raw, "valueString", language)
    elif "valueInteger" in raw:
        code = str(raw["valueInteger"])
        texts = {normalise_language(language): code}
    else:
        raise DefinitionError(f"{where}: options need valueCoding, valueString or valueInteger")
    if not isinstance(code, str) or not code:
        raise DefinitionError(f"{where}: an option without a code")
    score = _number(score_value, where)
    return Option(
        code=code, texts=texts or {"en": code}, score=None if score is None else int(score)
    )


def _condition(raw: Mapping[str, Any], where: str) -> Condition:
    question, operator = raw.get("question"), raw.get("operator")
    if not isinstance(question, str) or operator not in OPERATORS:
        raise DefinitionError(f"{where}: enableWhen needs a question and a known operator")
    answers = [(k, v) for k, v in raw.items() if k.startswith("answer")]
    if len(answers) != 1:
        raise DefinitionError(f"{where}: enableWhen needs exactly one answer[x]")
    kind, value = answers[0]
    if kind == "answerCoding":
        value = value.get("code") if isinstance(value, Mapping) else None
    elif kind == "answerDecimal":
        value = _number(value, where)
    elif kind == "answerDate" and isinstance(value, str):
        value = _date(value)
    if value is None or (operator == "exists" and not isinstance(value, bool)):
        raise DefinitionError(f"{where}: enableWhen answer is not usable")
    return Condition(question=question, operator=operator, answer=value)


def _item(raw: Any, language: str, seen: set[str]) -> Item:
    if not isinstance(raw, Mapping):
        raise DefinitionError("an item is not an object")
    link_id, kind = raw.get("linkId"), raw.get("type")
    if not isinstance(link_id, str) or not LINK_ID.match(link_id):
        raise DefinitionError(f"bad linkId {link_id!r}")
    if link_id in seen:
        raise DefinitionError(f"linkId {link_id!r} is used twice")
    seen.add(link_id)
    if kind not in TYPES:
        raise DefinitionError(f"{link_id}: unsupported item type {kind!r}")
    repeats = bool(raw.get("repeats", False))
    if repeats and kind not in ("choice", "group"):
        raise DefinitionError(f"{link_id}: only choice and group items may repeat")
    options = tuple(_option(o, language, link_id) for o in raw.get("answerOption", []) or [])
    if kind == "choice" and not options:
        raise DefinitionError(f"{link_id}: a choice item needs answerOption")
    behavior = raw.get("enableBehavior", "any")
    if behavior not in ("any", "all"):
        raise DefinitionError(f"{link_id}: enableBehavior is any or all")
    max_length = raw.get("maxLength")
    if max_length is not None and (not isinstance(max_length, int) or max_length < 1):
        raise DefinitionError(f"{link_id}: maxLength is a positive whole number")
    codes = raw.get("code") or []
    code = codes[0].get("code", "") if codes and isinstance(codes[0], Mapping) else ""
    return Item(
        link_id=link_id,
        type=kind,
        texts=_texts(raw, "text", language),
        required=bool(raw.get("required", False)),
        repeats=repeats,
        options=options,
        enable_when=tuple(_condition(c, link_id) for c in raw.get("enableWhen", []) or []),
        enable_behavior=behavior,
        items=tuple(_item(child, language, seen) for child in raw.get("item", []) or []),
        max_length=max_length,
        min_value=_number(_ext_value(_extension(raw, MIN_VALUE)), link_id),
        max_value=_number(_ext_value(_extension(raw, MAX_VALUE)), link_id),
        symptom=bool(_ext_value(_extension(raw, SYMPTOM))),
        emergency=bool(_ext_value(_extension(raw, EMERGENCY))),
        code=code if isinstance(code, str) else "",
    )


def parse(resource: Mapping[str, Any]) -> Form:
    """Read a FHIR Questionnaire; raise DefinitionError for what the engine cannot honour."""
    if not isinstance(resource, Mapping) or resource.get("resourceType") != "Questionnaire":
        raise DefinitionError("not a FHIR Questionnaire")
    url = resource.get("url")
    if not isinstance(url, str) or not url:
        raise DefinitionError("a Questionnaire needs its canonical url")
    language = resource.get("language") or "en"
    seen: set[str] = set()
    items = tuple(_item(raw, language, seen) for raw in resource.get("item", []) or [])
    form = Form(
        url=url,
        version=str(resource.get("version") or "1"),
        name=str(resource.get("name") or ""),
        status=str(resource.get("status") or "draft"),
        language=normalise_language(language),
        titles=_texts(resource, "title", language) or {"en": url},
        descriptions=_texts(resource, "description", language),
        items=items,
    )
    for item in form.walk():
        for condition in item.enable_when:
            target = form.item(condition.question)
            if target is None or target.type not in ANSWERED:
                raise DefinitionError(
                    f"{item.link_id}: enableWhen names {condition.question!r}, not a question"
                )
    _check_repeating_groups(form)
    return form


def _check_repeating_groups(form: Form) -> None:
    top = {i.link_id for i in form.top()}
    for group in form.walk():
        if not group.repeating_group:
            continue
        inside = {i.link_id for i in _walk(group.items)}
        for item in _walk(group.items):
            if item.repeating_group:
                raise DefinitionError(f"{item.link_id}: a repeating group inside another")
            if item.symptom or item.emergency:
                raise DefinitionError(
                    f"{item.link_id}: symptom and emergency questions cannot repeat"
                )
            for condition in item.enable_when:
                if condition.question not in inside and condition.question not in top:
                    raise DefinitionError(
                        f"{item.link_id}: enableWhen names a question of another repeating group"
                    )
        for item in form.top():
            if any(c.question in inside for c in item.enable_when):
                raise DefinitionError(
                    f"{item.link_id}: enableWhen names a question inside a repeating group"
                )


# --- Judging answers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    code: str  # required, invalid, invalid_choice, too_long, too_small, too_large, not_asked
    limit: Any = None


def _date(value: str) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2199 else None


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def _coerce(item: Item, value: Any) -> Any:
    """One answer as the item's type; raise ValueError-like Problem for a bad one."""
    kind = item.type
    if kind == "choice":
        values = value if isinstance(value, list) else [value]
        codes = []
        for one in values:
            if isinstance(one, int) and not isinstance(one, bool):
                one = str(one)  # a JSON client may send a numeric code as a number
            if not isinstance(one, str) or item.option(one) is None:
                raise _Bad(Problem("invalid_choice"))
            if one not in codes:
                codes.append(one)
        if not item.repeats and len(codes) > 1:
            raise _Bad(Problem("invalid_choice"))
        return codes if item.repeats else codes[0]
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if value in ("true", "yes", "1", "on"):
            return True
        if value in ("false", "no", "0"):
            return False
        raise _Bad(Problem("invalid"))
    if kind in ("integer", "decimal"):
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            raise _Bad(Problem("invalid"))
        text = str(value).strip().replace(",", ".") if isinstance(value, str) else str(value)
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise _Bad(Problem("invalid")) from None
        if not number.is_finite() or abs(number) >= NUMBER_LIMIT:
            raise _Bad(Problem("invalid"))
        if kind == "integer" and number != number.to_integral_value():
            raise _Bad(Problem("invalid"))
        if item.min_value is not None and number < item.min_value:
            raise _Bad(Problem("too_small", _plain(item.min_value)))
        if item.max_value is not None and number > item.max_value:
            raise _Bad(Problem("too_large", _plain(item.max_value)))
        return int(number) if kind == "integer" else number
    if kind == "date":
        day = value if isinstance(value, dt.date) else _date(str(value).strip())
        if day is None:
            raise _Bad(Problem("invalid"))
        return day
    if not isinstance(value, str):
        raise _Bad(Problem("invalid"))
    text = value.strip()
    limit = item.max_length or (STRING_MAX if kind == "string" else TEXT_MAX)
    if kind == "string" and ("\n" in text or "\r" in text):
        text = " ".join(text.split())
    if len(text) > limit:
        raise _Bad(Problem("too_long", limit))
    return text


def _plain(number: Decimal) -> int | Decimal:
    return int(number) if number == number.to_integral_value() else number


class _Bad(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def _compare(operator: str, given: Any, wanted: Any) -> bool:
    if operator == "=":
        return bool(given == wanted)
    if operator == "!=":
        return bool(given != wanted)
    try:
        if operator == ">":
            return bool(given > wanted)
        if operator == "<":
            return bool(given < wanted)
        if operator == ">=":
            return bool(given >= wanted)
        return bool(given <= wanted)
    except TypeError:
        return False


def _met(condition: Condition, answers: Mapping[str, Any]) -> bool:
    given = answers.get(condition.question)
    if condition.operator == "exists":
        return (not _blank(given)) is bool(condition.answer)
    if _blank(given):
        return False
    values = given if isinstance(given, list) else [given]
    wanted = condition.answer
    if isinstance(wanted, int) and not isinstance(wanted, bool):
        wanted = Decimal(wanted)
    found = [Decimal(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in values]
    if condition.operator == "!=":
        return all(_compare("!=", v, wanted) for v in found)
    return any(_compare(condition.operator, v, wanted) for v in found)


def enabled_items(form: Form, answers: Mapping[str, Any]) -> set[str]:
    """The linkIds shown for these answers: an item is shown when its parent is and its
    enableWhen holds over the answers of shown items only (a hidden item's answer counts
    as no answer, as FHIR says). A repeating group's questions are settled per instance
    (`instance_shown`), not here."""
    return _settle(form.items, answers, fixed={})


def instance_shown(
    group: Item, instance: Mapping[str, Any], outside: Mapping[str, Any]
) -> set[str]:
    """The questions of one instance of a repeating group shown for its answers, with the
    (already settled) answers outside the group."""
    return _settle(group.items, instance, fixed=outside)


def _settle(
    items: tuple[Item, ...], answers: Mapping[str, Any], *, fixed: Mapping[str, Any]
) -> set[str]:
    shown: set[str] = set()
    # A condition may name a later item, so settle to a fixed point (a handful of passes).
    for _pass in range(len(list(_walk(items, into_repeats=False))) + 1):
        visible = {k: v for k, v in answers.items() if k in shown} if _pass else dict(answers)
        now = _shown_for(items, {**fixed, **visible}, parent_shown=True)
        if now == shown:
            break
        shown = now
    return shown


def _shown_for(
    items: tuple[Item, ...], answers: Mapping[str, Any], *, parent_shown: bool
) -> set[str]:
    found: set[str] = set()
    for item in items:
        ok = parent_shown and _enabled(item, answers)
        if ok:
            found.add(item.link_id)
        if not item.repeating_group:
            found |= _shown_for(item.items, answers, parent_shown=ok)
    return found


def _enabled(item: Item, answers: Mapping[str, Any]) -> bool:
    if not item.enable_when:
        return True
    results = [_met(c, answers) for c in item.enable_when]
    return all(results) if item.enable_behavior == "all" else any(results)


@dataclass(frozen=True)
class Judgement:
    answers: dict[str, Any]  # the clean answers of shown items
    problems: dict[str, Problem]
    shown: frozenset[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def judge(form: Form, raw: Mapping[str, Any], *, complete: bool) -> Judgement:
    """Coerce and check every answer; with `complete`, a shown required item must have one.

    Answers to unknown items are refused (not_asked); answers to hidden items are dropped.
    Every coercible answer is kept in `answers` even when another one has a problem, so a
    form sent back shows what the person typed. A repeating group's instances are judged one
    by one; an instance with no answer at all is dropped (the page's spare blank row).
    """
    problems: dict[str, Problem] = {}
    typed: dict[str, Any] = {}
    rows: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for link_id, value in raw.items():
        item = form.top_item(str(link_id))
        if item is not None and item.repeating_group:
            if _blank(value):
                continue
            try:
                rows[item.link_id] = _instances(item, value, problems)
            except _Bad as bad:
                problems[item.link_id] = bad.problem
            continue
        if item is None or item.type not in ANSWERED:
            problems[str(link_id)[:64]] = Problem("not_asked")
            continue
        if _blank(value):
            continue
        try:
            typed[link_id] = _coerce(item, value)
        except _Bad as bad:
            problems[link_id] = bad.problem
    shown = enabled_items(form, typed)
    answers = {k: v for k, v in typed.items() if k in shown and not _blank(v)}
    shown_keys = set(shown)
    for group in form.top():
        if not group.repeating_group or group.link_id not in shown:
            continue
        kept: list[dict[str, Any]] = []
        for index, instance in rows.get(group.link_id, []):
            visible = instance_shown(group, instance, answers)
            shown_keys |= {instance_key(group.link_id, index, k) for k in visible}
            clean = {k: v for k, v in instance.items() if k in visible and not _blank(v)}
            if complete:
                for question in group.questions():
                    key = instance_key(group.link_id, index, question.link_id)
                    if (
                        question.required
                        and question.link_id in visible
                        and question.link_id not in clean
                        and key not in problems
                    ):
                        problems[key] = Problem("required")
            kept.append(clean)
        if kept:
            answers[group.link_id] = kept
    problems = {
        k: p for k, p in problems.items() if k in shown_keys or p.code in ("not_asked", "too_many")
    }
    if complete:
        for item in form.top():
            if (
                item.required
                and (item.type in ANSWERED or item.repeating_group)
                and item.link_id in shown
                and item.link_id not in answers
                and item.link_id not in problems
            ):
                problems[item.link_id] = Problem("required")
    return Judgement(answers=answers, problems=problems, shown=frozenset(shown_keys))


def _instances(
    group: Item, value: Any, problems: dict[str, Problem]
) -> list[tuple[int, dict[str, Any]]]:
    """A repeating group's instances, typed, each with its index as sent (empty ones
    dropped); the problems of their answers go into `problems` by instance key."""
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise _Bad(Problem("invalid"))
    if len(value) > MAX_INSTANCES:
        raise _Bad(Problem("too_many", MAX_INSTANCES))
    questions = {q.link_id: q for q in group.questions()}
    found: list[tuple[int, dict[str, Any]]] = []
    for index, instance in enumerate(value):
        typed: dict[str, Any] = {}
        for link_id, answer in instance.items():
            key = instance_key(group.link_id, index, str(link_id)[:64])
            question = questions.get(str(link_id))
            if question is None:
                problems[key] = Problem("not_asked")
                continue
            if _blank(answer):
                continue
            try:
                typed[question.link_id] = _coerce(question, answer)
            except _Bad as bad:
                problems[key] = bad.problem
        has_problem = any(k.startswith(f"{group.link_id}[{index}].") for k in problems)
        if typed or has_problem:
            found.append((index, typed))
    return found


def scores(form: Form, answers: Mapping[str, Any]) -> dict[str, int]:
    """Each answered choice's score (the sum of its options' scores when it repeats)."""
    found: dict[str, int] = {}
    for item in form.top():  # a repeating group's choices score nothing
        if item.type != "choice" or item.link_id not in answers:
            continue
        codes = answers[item.link_id]
        codes = codes if isinstance(codes, list) else [codes]
        values = [o.score for c in codes if (o := item.option(c)) is not None]
        if values and all(v is not None for v in values):
            found[item.link_id] = sum(v for v in values if v is not None)
    return found


def total(form: Form, answers: Mapping[str, Any]) -> int | None:
    """The sum of the option scores, or None when the form scores nothing."""
    found = scores(form, answers)
    return sum(found.values()) if found else None


def symptom_scores(form: Form, answers: Mapping[str, Any]) -> dict[str, int]:
    found = scores(form, answers)
    return {i.link_id: found[i.link_id] for i in form.symptoms if i.link_id in found}


def emergencies(form: Form, answers: Mapping[str, Any]) -> list[str]:
    """The emergency questions answered yes."""
    return [i.link_id for i in form.emergencies if answers.get(i.link_id) is True]


def to_json(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers as JSON values (dates as ISO text, decimals as text; a repeating group's
    instances each the same way)."""
    out: dict[str, Any] = {}
    for key, value in answers.items():
        if isinstance(value, list) and value and isinstance(value[0], Mapping):
            out[key] = [to_json(instance) for instance in value]
        elif isinstance(value, dt.date):
            out[key] = value.isoformat()
        elif isinstance(value, Decimal):
            out[key] = str(value)
        else:
            out[key] = value
    return out
