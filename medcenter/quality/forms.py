"""Forms of the quality pages: they parse; the services decide."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from medcenter.core.forms import KeepsUploadsForm


class MonthField(forms.CharField):
    """A month as YYYY-MM (the browser's month input), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            if len(text) != 7:
                raise ValueError
            year, month = text.split("-")
            if len(year) != 4 or len(month) != 2:
                raise ValueError
            return date(int(year), int(month), 1)
        except ValueError:
            raise ValidationError(_("Give the month as YYYY-MM, for example 2026-10.")) from None


class EntryForm(KeepsUploadsForm):
    upload_purpose = "quality.entry"

    measure = forms.ChoiceField(label=_("Measure"))
    month = MonthField(label=_("Month"))
    numerator = forms.IntegerField(
        label=_("Numerator"),
        min_value=0,
        max_value=10_000_000,
        help_text=_("Observed infections, falls, or patients answering the top box."),
    )
    denominator = forms.FloatField(
        label=_("Denominator"),
        min_value=0,
        max_value=100_000_000,
        help_text=_("Predicted infections (from NHSN), patient days, or survey respondents."),
    )
    document = forms.FileField(
        label=_("Source document"),
        required=False,
        help_text=_("The report the figures come from, as PDF or image."),
    )
    source_note = forms.CharField(
        label=_("Where the figures come from"), max_length=300, required=False
    )
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300, required=False)

    def __init__(self, *args: Any, measures: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["measure"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [("", "---------"), *measures]

    def clean_document(self) -> Any:
        files = self.files.getlist(self.add_prefix("document")) if self.files else []
        if files:
            self.check_files("document", files)
        return None


class PublishForm(forms.Form):
    month = MonthField(label=_("Month to publish"))
