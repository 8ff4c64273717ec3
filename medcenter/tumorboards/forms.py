"""Forms of the tumor board pages: they parse; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medcenter.core.forms import KeepsUploadsForm
from medcenter.directory.models import Specialty
from medcenter.tumorboards.models import (
    AttendanceMode,
    Board,
    Consensus,
    EvidenceLevel,
    Meeting,
    NonConcordance,
    Question,
    RecommendationKind,
    Urgency,
)

BLANK: list[tuple[str, Any]] = [("", "---------")]


def _choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    if isinstance(field, forms.ChoiceField):
        field.choices = choices


class CaseForm(KeepsUploadsForm):
    upload_purpose = "tumorboards.case"

    question = forms.ChoiceField(label=_("Question"), choices=BLANK + Question.choices)
    question_detail = forms.CharField(
        label=_("What should the board answer?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    diagnosis = forms.ChoiceField(label=_("Diagnosis"))
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    genotyping = forms.ChoiceField(label=_("Genotyping report"), required=False)
    board = forms.ChoiceField(
        label=_("Board"),
        required=False,
        help_text=_("Left empty, the board is suggested from the diagnosis."),
    )
    meeting = forms.ChoiceField(label=_("Meeting"), required=False)
    minutes = forms.IntegerField(label=_("Minutes needed"), min_value=1, max_value=60, initial=10)
    pathology = forms.FileField(label=_("Pathology report"), required=False)
    pathology_finding = forms.CharField(
        label=_("Pathology finding in one line"), max_length=300, required=False
    )
    imaging = forms.FileField(label=_("Imaging report"), required=False)
    imaging_finding = forms.CharField(
        label=_("Imaging finding in one line"), max_length=300, required=False
    )

    def __init__(self, *args: Any, record: Any = None, meetings: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        diagnoses = list(record.diagnoses) if record is not None else []
        _choices(self, "diagnosis", BLANK + [(str(d.public_id), d.description) for d in diagnoses])
        _choices(
            self,
            "stage",
            BLANK
            + [
                (
                    str(s.public_id),
                    f"{d.description}: {s.stage_group or s.stage_group_note} ({s.assessed_on})",
                )
                for d in diagnoses
                for s in d.stages.all()
            ],
        )
        _choices(
            self,
            "genotyping",
            BLANK
            + [
                (str(r.public_id), f"{r.test_name} ({r.reported_on})")
                for r in (record.reports if record else [])
            ],
        )
        _choices(
            self,
            "board",
            BLANK + [(str(b.public_id), b.name) for b in Board.objects.filter(is_active=True)],
        )
        _choices(
            self,
            "meeting",
            BLANK
            + [
                (str(m.public_id), f"{m.board.name}: {m.starts_at:%Y-%m-%d %H:%M}")
                for m in meetings
            ],
        )

    def clean_pathology(self) -> Any:
        upload = self.cleaned_data.get("pathology")
        self.check_files("pathology", [upload] if upload else [])
        return upload

    def clean_imaging(self) -> Any:
        upload = self.cleaned_data.get("imaging")
        self.check_files("imaging", [upload] if upload else [])
        return upload


class PlaceForm(forms.Form):
    meeting = forms.ChoiceField(label=_("Meeting"))
    minutes = forms.IntegerField(label=_("Minutes needed"), min_value=1, max_value=60)

    def __init__(self, *args: Any, meetings: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(
            self,
            "meeting",
            BLANK + [(str(m.public_id), f"{m.starts_at:%Y-%m-%d %H:%M}") for m in meetings],
        )


class AttendanceForm(forms.Form):
    member = forms.ChoiceField(label=_("Member"), required=False)
    guest_name = forms.CharField(label=_("Guest's name"), max_length=120, required=False)
    specialty = forms.ModelChoiceField(
        label=_("Discipline"),
        queryset=Specialty.objects.all(),
        to_field_name="slug",
        required=False,
    )
    mode = forms.ChoiceField(label=_("Attends"), choices=AttendanceMode.choices)

    def __init__(self, *args: Any, meeting: Meeting | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = (
            meeting.board.members.filter(is_active=True).select_related("user") if meeting else []
        )
        _choices(
            self,
            "member",
            BLANK
            + [
                (str(m.public_id), f"{m.user.full_name or m.user.email} ({m.specialty.label})")
                for m in members
            ],
        )


class RecommendationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=BLANK + RecommendationKind.choices)
    therapy = forms.CharField(label=_("Therapy"), max_length=200, required=False)
    trial = forms.CharField(label=_("Trial (NCT number)"), max_length=11, required=False)
    evidence_level = forms.ChoiceField(
        label=_("Evidence level"),
        choices=[("", _("As the knowledge base gives it")), *EvidenceLevel.choices],
        required=False,
    )
    override_reason = forms.CharField(
        label=_("Reason for another level"), max_length=300, required=False
    )
    concordant = forms.ChoiceField(
        label=_("Guideline-concordant"),
        choices=[*BLANK, ("yes", _("Yes")), ("no", _("No"))],
    )
    nonconcordance_reason = forms.ChoiceField(
        label=_("Why not concordant"), choices=BLANK + NonConcordance.choices, required=False
    )
    consensus = forms.ChoiceField(label=_("Agreement"), choices=Consensus.choices)
    dissent_note = forms.CharField(label=_("Dissent"), max_length=500, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CarePlanStartForm(forms.Form):
    goal = forms.ChoiceField(label=_("Goal of care"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from medcenter.careplans.models import GoalCategory

        super().__init__(*args, **kwargs)
        _choices(self, "goal", BLANK + GoalCategory.choices)
