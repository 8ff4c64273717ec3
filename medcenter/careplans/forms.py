from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medcenter.careplans.models import ActivityStatus, FollowUpOutcome, GoalCategory


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    goals = forms.MultipleChoiceField(
        label=_("Goals"), choices=GoalCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Note for the patient"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the patient as you write it."),
    )
    confidential = forms.BooleanField(label=_("Confidential (hidden from proxies)"), required=False)

    def __init__(self, *args: Any, activities: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.activity_fields = []
        for activity in activities:
            name = f"activity_{activity.public_id}"
            self.fields[name] = forms.ChoiceField(
                label=f"{activity.get_kind_display()} {activity.detail}".strip(),
                choices=ActivityStatus.choices,
                initial=activity.status,
            )
            self.activity_fields.append((name, str(activity.public_id)))

    def statuses(self) -> dict[str, str]:
        return {key: self.cleaned_data[name] for name, key in self.activity_fields}


class TaskForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Was the recommendation implemented?"),
        choices=[("", "---------"), *FollowUpOutcome.choices],
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
