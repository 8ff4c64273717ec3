from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from medcenter.core import bounds
from medcenter.directory.models import Program
from medcenter.events.models import Audience, EventKind, EventSession
from medcenter.events.selectors import EventFilters


class EventFilterForm(forms.Form):
    """The listing's and the feed's filters: every value is one of a known list, or a date
    inside the calendar's bounds; anything else is a message on the field, never a 500."""

    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *EventKind.choices]
    )
    program = forms.ChoiceField(label=_("Program"), required=False)
    audience = forms.ChoiceField(
        label=_("For"), required=False, choices=[("", _("Everyone")), *Audience.choices]
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    virtual = forms.ChoiceField(
        label=_("Where"),
        required=False,
        choices=[("", _("In person or online")), ("yes", _("Online")), ("no", _("In person"))],
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        validators=bounds.form_date_validators(),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=_("Until"),
        required=False,
        validators=bounds.form_date_validators(),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programs = Program.objects.filter(is_published=True, event_series__isnull=False)
        program: Any = self.fields["program"]
        program.choices = [
            ("", _("All programs")),
            *((p.slug, p.label) for p in programs.distinct().order_by("order", "name")),
        ]
        languages: Any = self.fields["language"]
        languages.choices = [("", _("Any language")), *settings.LANGUAGES]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date is before the start date."))
        return data

    def filters(self) -> EventFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        virtual = {"yes": True, "no": False}.get(data.get("virtual") or "")
        return EventFilters(
            program=data.get("program") or "",
            kind=data.get("kind") or "",
            audience=data.get("audience") or "",
            language=data.get("language") or "",
            virtual=virtual,
            starts=data.get("start"),
            ends=data.get("end"),
        )


class RegistrationForm(forms.Form):
    session = forms.ChoiceField(label=_("Date"), widget=forms.RadioSelect)
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Email"), max_length=254)
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def __init__(
        self, *args: Any, sessions: list[EventSession], labels: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sessions = {str(s.public_id): s for s in sessions}
        chosen: Any = self.fields["session"]
        chosen.choices = [(key, labels[key]) for key in self.sessions]
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def chosen_session(self) -> EventSession:
        return self.sessions[self.cleaned_data["session"]]
