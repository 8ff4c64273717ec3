from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medcenter.core.models import NotificationCategory
from medcenter.core.outbox.preferences import zone_names
from medcenter.results.models import MAX_HOLD_DAYS, MAX_PREFERENCE_DAYS, SensitiveType

PREFERENCE_DAYS = [d for d in (1, 3, 7, 14, 30) if d <= MAX_PREFERENCE_DAYS]


class HoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Why seeing this now would harm the patient"),
        help_text=_("Recorded in the audit log. A hold needs a reason (45 CFR 171.201)."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
    days = forms.IntegerField(
        label=_("Hold for (days)"),
        min_value=1,
        max_value=MAX_HOLD_DAYS,
        initial=3,
        help_text=_("At most %(max)d days; the item is shown when the hold ends.")
        % {"max": MAX_HOLD_DAYS},
    )


class ReleasePreferenceForm(forms.Form):
    """One choice per sensitive type: at once, or after review within N days."""

    def __init__(self, *args: Any, current: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Show them to me at once"))] + [
            (str(d), _("After my clinician reviews them, at most %(days)d days") % {"days": d})
            for d in PREFERENCE_DAYS
        ]
        for value, label in SensitiveType.choices:
            self.fields[value] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=False,
                initial=str(current[value]) if value in current else "",
            )

    def chosen(self) -> dict[str, int | None]:
        return {
            key: int(self.cleaned_data[key]) if self.cleaned_data.get(key) else None
            for key in SensitiveType.values
        }


def _zones() -> list[tuple[str, str]]:
    return [(z, z) for z in sorted(zone_names()) if "/" in z or z == "UTC"]


class NotificationForm(forms.Form):
    sms_consent = forms.BooleanField(
        label=_("I agree to receive text messages from the center"),
        help_text=_("Message and data rates may apply. Untick to stop all text messages."),
        required=False,
    )
    quiet_start = forms.TimeField(
        label=_("Quiet hours start"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        label=_("Quiet hours end"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    time_zone = forms.ChoiceField(label=_("Your time zone"), choices=_zones)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in NotificationCategory.choices:
            self.fields[f"{value}_email"] = forms.BooleanField(
                label=_("%(category)s by email") % {"category": label}, required=False
            )
            self.fields[f"{value}_sms"] = forms.BooleanField(
                label=_("%(category)s by text message") % {"category": label}, required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("quiet_start"), data.get("quiet_end")
        if (start is None) != (end is None):
            raise forms.ValidationError(
                _("Give both the start and the end of your quiet hours, or neither.")
            )
        wants_sms = any(data.get(f"{c}_sms") for c in NotificationCategory.values)
        if wants_sms and not data.get("sms_consent"):
            self.add_error(
                "sms_consent", _("To receive text messages, first agree to receive them.")
            )
        return data

    def category_fields(self) -> list[tuple[Any, Any, Any]]:
        return [
            (label, self[f"{value}_email"], self[f"{value}_sms"])
            for value, label in NotificationCategory.choices
        ]
