"""The portal form of one questionnaire, built from its engine form.

Django's form only renders (labels, radios, the typed values, errors at Django's own ids);
the engine judges the answers, so a draft may leave required questions empty and a question
hidden by enableWhen is never required.
"""

from __future__ import annotations

import json
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
    """One line of the rendered form: a group opening or closing, a text, or a question."""

    kind: str  # open, close, display, field
    text: str = ""
    field: Any = None
    link_id: str = ""
    when: str = ""  # enableWhen as JSON for the page's script
    behavior: str = "any"
    emergency: bool = False


class QuestionnaireForm(forms.Form):
    use_required_attribute = False

    def __init__(self, form: engine.Form, *args: Any, **kwargs: Any) -> None:
        kwargs["prefix"] = PREFIX
        super().__init__(*args, **kwargs)
        self.engine_form = form
        language = get_language() or "en"
        for item in form.walk():
            if item.type in engine.ANSWERED:
                self.fields[field_name(item.link_id)] = _field(item, language)

    def raw_answers(self) -> dict[str, Any]:
        """What the person sent, as the engine takes it (strings or lists of strings)."""
        data: Any = self.data
        found: dict[str, Any] = {}
        for item in self.engine_form.walk():
            if item.type not in engine.ANSWERED:
                continue
            key = self.add_prefix(field_name(item.link_id))
            if item.repeats and isinstance(data, QueryDict):
                values = [v for v in data.getlist(key) if v]
                if values:
                    found[item.link_id] = values
            else:
                value = data.get(key, "")
                if isinstance(value, str) and value.strip():
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

        def visit(items: tuple[engine.Item, ...]) -> None:
            for item in items:
                when = json.dumps(
                    [
                        {"q": c.question, "op": c.operator, "v": _plain_answer(c.answer)}
                        for c in item.enable_when
                    ]
                )
                if item.type == "group":
                    found.append(
                        Entry(
                            "open",
                            _label(item, language),
                            link_id=item.link_id,
                            when=when if item.enable_when else "",
                            behavior=item.enable_behavior,
                        )
                    )
                    visit(item.items)
                    found.append(Entry("close"))
                elif item.type == "display":
                    found.append(Entry("display", _label(item, language), link_id=item.link_id))
                else:
                    found.append(
                        Entry(
                            "field",
                            field=self[field_name(item.link_id)],
                            link_id=item.link_id,
                            when=when if item.enable_when else "",
                            behavior=item.enable_behavior,
                            emergency=item.emergency,
                        )
                    )

        visit(self.engine_form.items)
        return found


def _plain_answer(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def initial_from(answers: dict[str, Any]) -> dict[str, Any]:
    """A saved draft's answers as the form's initial values."""
    found: dict[str, Any] = {}
    for link_id, value in answers.items():
        if isinstance(value, bool):
            found[field_name(link_id)] = "true" if value else "false"
        elif isinstance(value, list):
            found[field_name(link_id)] = [str(v) for v in value]
        else:
            found[field_name(link_id)] = str(value)
    return found
