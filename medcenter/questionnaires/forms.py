"""The portal form of one questionnaire, built from its engine form.

Django's form only renders (labels, radios, the typed values, errors at Django's own ids);
the engine judges the answers, so a draft may leave required questions empty and a question
hidden by enableWhen is never required.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from medcenter.questionnaires import engine

PREFIX = "q"


def field_name(link_id: str) -> str:
    return link_id


def _label(item: engine.Item, language: str) -> str:
    return engine.text_in(item.texts, language) or item.link_id


def _field(item: engine.Item, language: str) -> forms.Field:
    label = _label(item, language)
    if item.type == "choice":
        choices = [(o.code, engine.text_in(o.texts, language)) for o in item.options]
        if item.repeats:
            return forms.MultipleChoiceField(
                label=label,
                choices=choices,
                required=item.required,
                widget=forms.CheckboxSelectMultiple,
            )
        return forms.ChoiceField(
            label=label, choices=choices, required=item.required, widget=forms.RadioSelect
        )
    if item.type == "boolean":
        return forms.ChoiceField(
            label=label,
            choices=[("true", _("Yes")), ("false", _("No"))],
            required=item.required,
            widget=forms.RadioSelect,
        )
    if item.type in ("integer", "decimal"):
        attrs = {"inputmode": "numeric" if item.type == "integer" else "decimal"}
        help_text = ""
        if item.min_value is not None and item.max_value is not None:
            help_text = _("A number from %(low)s to %(high)s.") % {
                "low": engine._plain(item.min_value),
                "high": engine._plain(item.max_value),
            }
        return forms.CharField(
            label=label,
            required=item.required,
            help_text=help_text,
            widget=forms.TextInput(attrs={**attrs, "class": "input input--short"}),
        )
    if item.type == "date":
        return forms.CharField(
            label=label,
            required=item.required,
            widget=forms.DateInput(attrs={"type": "date"}),
        )
    limit = item.max_length or (engine.STRING_MAX if item.type == "string" else engine.TEXT_MAX)
    widget: forms.Widget = (
        forms.TextInput(attrs={"maxlength": limit})
        if item.type == "string"
        else forms.Textarea(attrs={"rows": 3, "maxlength": limit})
    )
    return forms.CharField(label=label, required=item.required, widget=widget, strip=False)


@dataclass(frozen=True)
class Entry:
    """One line of the rendered form: a group opening or closing, a text, a question, or a
    repeating group's "add another" (with how many rows the page shows)."""

    kind: str  # open, close, display, field, add
    text: str = ""
    field: Any = None
    link_id: str = ""
    when: str = ""  # enableWhen as JSON for the page's script
    behavior: str = "any"
    emergency: bool = False
    rows: int = 0
    rows_name: str = ""


def _filled(value: Any) -> bool:
    if isinstance(value, list):
        return any(_filled(v) for v in value)
    return isinstance(value, str) and bool(value.strip())


class QuestionnaireForm(forms.Form):
    """`add` names the repeating group whose "add another" was pressed: one more row."""

    use_required_attribute = False

    def __init__(
        self, form: engine.Form, *args: Any, add: str | None = None, **kwargs: Any
    ) -> None:
        kwargs["prefix"] = PREFIX
        super().__init__(*args, **kwargs)
        self.engine_form = form
        self.rows: dict[str, int] = {}
        language = get_language() or "en"
        for item in form.top():
            if item.type in engine.ANSWERED:
                self.fields[field_name(item.link_id)] = _field(item, language)
            elif item.repeating_group:
                self.rows[item.link_id] = rows = self._rows_of(item, add=add)
                for index in range(rows):
                    for question in item.questions():
                        name = engine.instance_key(item.link_id, index, question.link_id)
                        self.fields[name] = _field(question, language)

    def _rows_name(self, group: engine.Item) -> str:
        return f"{self.add_prefix(group.link_id)}-rows"

    def _rows_of(self, group: engine.Item, *, add: str | None) -> int:
        """The rows a repeating group shows: those with answers, then one spare blank row;
        on "add another", one more than the page showed."""
        pattern = re.compile(re.escape(f"{group.link_id}[") + r"(\d+)\]\.")
        source: Any = self.data if self.is_bound else (self.initial or {})
        prefix = f"{self.prefix}-" if self.is_bound else ""
        filled = 0
        for key in source:
            if not key.startswith(prefix):
                continue
            found = pattern.match(key[len(prefix) :])
            if found is None:
                continue
            value = source.getlist(key) if isinstance(source, QueryDict) else source[key]
            if _filled(value):
                filled = max(filled, int(found.group(1)) + 1)
        rows = filled + 1
        if self.is_bound:
            try:
                shown = min(int(self.data.get(self._rows_name(group), 0)), engine.MAX_INSTANCES)
            except (TypeError, ValueError):
                shown = 0
            rows = max(filled, shown) + 1 if add == group.link_id else max(rows, shown)
        return max(1, min(rows, engine.MAX_INSTANCES))

    def without_errors(self) -> None:
        """Show what was sent as it is: nothing was judged yet ("add another")."""
        self._errors = ErrorDict()
        self.cleaned_data = {}

    def _raw(self, item: engine.Item, name: str) -> Any:
        data: Any = self.data
        key = self.add_prefix(name)
        if item.repeats and isinstance(data, QueryDict):
            values = [v for v in data.getlist(key) if v]
            return values or None
        value = data.get(key, "")
        return value if isinstance(value, str) and value.strip() else None

    def raw_answers(self) -> dict[str, Any]:
        """What the person sent, as the engine takes it (strings or lists of strings; a
        repeating group as a list of rows, blank ones included so indexes match the page)."""
        found: dict[str, Any] = {}
        for item in self.engine_form.top():
            if item.repeating_group:
                instances = []
                for index in range(self.rows[item.link_id]):
                    instance = {}
                    for question in item.questions():
                        name = engine.instance_key(item.link_id, index, question.link_id)
                        value = self._raw(question, name)
                        if value is not None:
                            instance[question.link_id] = value
                    instances.append(instance)
                if any(instances):
                    found[item.link_id] = instances
            elif item.type in engine.ANSWERED:
                value = self._raw(item, field_name(item.link_id))
                if value is not None:
                    found[item.link_id] = value
        return found

    def show_errors(self, error: ValidationError) -> None:
        """Put a service's refusal on the questions it names (no Django validation runs)."""
        self._errors = ErrorDict()
        self.cleaned_data: dict[str, Any] = {}
        if hasattr(error, "error_dict"):
            for link_id, errors in error.error_dict.items():
                name = field_name(link_id)
                target = name if name in self.fields else None
                key = target or "__all__"
                self._errors.setdefault(key, self.error_class())
                self._errors[key].extend(m for e in errors for m in e.messages)
        else:
            self._errors["__all__"] = self.error_class(error.messages)

    def entries(self) -> list[Entry]:
        language = get_language() or "en"
        found: list[Entry] = []

        def when_of(item: engine.Item, rename: dict[str, str]) -> str:
            if not item.enable_when:
                return ""
            return json.dumps(
                [
                    {
                        "q": rename.get(c.question, c.question),
                        "op": c.operator,
                        "v": _plain_answer(c.answer),
                    }
                    for c in item.enable_when
                ]
            )

        def visit(items: tuple[engine.Item, ...], rename: dict[str, str]) -> None:
            for item in items:
                when = when_of(item, rename)
                if item.repeating_group:
                    label = _label(item, language)
                    found.append(
                        Entry(
                            "open",
                            label,
                            link_id=item.link_id,
                            when=when,
                            behavior=item.enable_behavior,
                        )
                    )
                    inside = [i.link_id for i in item.questions()]
                    rows = self.rows[item.link_id]
                    for index in range(rows):
                        found.append(Entry("open", f"{label} {index + 1}"))
                        visit(
                            item.items,
                            {q: engine.instance_key(item.link_id, index, q) for q in inside},
                        )
                        found.append(Entry("close"))
                    found.append(
                        Entry(
                            "add",
                            str(_("Add another")),
                            link_id=item.link_id,
                            rows=rows,
                            rows_name=self._rows_name(item),
                        )
                    )
                    found.append(Entry("close"))
                elif item.type == "group":
                    found.append(
                        Entry(
                            "open",
                            _label(item, language),
                            link_id=item.link_id,
                            when=when,
                            behavior=item.enable_behavior,
                        )
                    )
                    visit(item.items, rename)
                    found.append(Entry("close"))
                elif item.type == "display":
                    found.append(Entry("display", _label(item, language), link_id=item.link_id))
                else:
                    name = rename.get(item.link_id, field_name(item.link_id))
                    found.append(
                        Entry(
                            "field",
                            field=self[name],
                            link_id=name,
                            when=when,
                            behavior=item.enable_behavior,
                            emergency=item.emergency,
                        )
                    )

        visit(self.engine_form.items, {})
        return found


def _plain_answer(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def initial_from(answers: dict[str, Any]) -> dict[str, Any]:
    """A saved draft's answers as the form's initial values."""
    found: dict[str, Any] = {}
    for link_id, value in answers.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for index, instance in enumerate(value):
                for child, answer in initial_from(instance).items():
                    found[engine.instance_key(link_id, index, child)] = answer
        elif isinstance(value, bool):
            found[field_name(link_id)] = "true" if value else "false"
        elif isinstance(value, list):
            found[field_name(link_id)] = [str(v) for v in value]
        else:
            found[field_name(link_id)] = str(value)
    return found
