"""Forms of the tumor board pages: they parse; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medcenter.core.forms import KeepsUploadsForm
from medcenter.directory.models import Program, Specialty
from medcenter.tumorboards.models import (
    AttendanceMode,
    Board,
    BoardKind,
    Consensus,
    EvidenceLevel,
    Frequency,
    Meeting,
    MemberRole,
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


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the case withdrawn?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the question was answered in clinic, or the patient declined."),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CarePlanStartForm(forms.Form):
    goal = forms.ChoiceField(label=_("Goal of care"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from medcenter.careplans.models import GoalCategory

        super().__init__(*args, **kwargs)
        _choices(self, "goal", BLANK + GoalCategory.choices)


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
WEEKS_OF_MONTH = [
    (1, _("First")),
    (2, _("Second")),
    (3, _("Third")),
    (4, _("Fourth")),
    (-1, _("Last")),
]


class BoardForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.CharField(
        label=_("Short name for the address"),
        max_length=50,
        required=False,
        help_text=_("Letters, digits and hyphens; left empty, it is made from the name."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=BoardKind.choices)
    program = forms.ModelChoiceField(
        label=_("Program"),
        queryset=Program.objects.order_by("name"),
        to_field_name="slug",
        required=False,
    )
    oncotree_roots = forms.CharField(
        label=_("OncoTree codes it reviews"),
        max_length=300,
        required=False,
        help_text=_("Separated by commas, for example BONE, SOFT_TISSUE."),
    )
    quorum = forms.CharField(
        label=_("Quorum"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One group of disciplines per line, separated by commas: one attendee from each "
            "line is needed. Left empty: surgery, medical and radiation oncology, pathology "
            "and radiology."
        ),
    )
    frequency = forms.ChoiceField(label=_("Meets"), choices=Frequency.choices)
    weekday = forms.TypedChoiceField(label=_("Day"), choices=WEEKDAYS, coerce=int)
    week_of_month = forms.TypedChoiceField(
        label=_("Week of the month (monthly boards)"), choices=WEEKS_OF_MONTH, coerce=int
    )
    starts_on = forms.DateField(
        label=_("First meeting on or after"), widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    length_minutes = forms.IntegerField(label=_("Length in minutes"), min_value=15, max_value=480)
    cutoff_hours = forms.IntegerField(
        label=_("Cut-off for cases, hours before"), min_value=0, max_value=336
    )
    location = forms.CharField(label=_("Room or link"), max_length=200, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["slug"]

    def rule(self) -> Any:
        from medcenter.tumorboards.services import BoardRule

        data = self.cleaned_data
        return BoardRule(
            name=data["name"],
            kind=data["kind"],
            program=data["program"],
            oncotree_roots=[c for c in data["oncotree_roots"].split(",") if c.strip()],
            quorum=[line.split(",") for line in data["quorum"].splitlines() if line.strip()],
            frequency=data["frequency"],
            weekday=data["weekday"],
            week_of_month=data["week_of_month"],
            starts_on=data["starts_on"],
            start_time=data["start_time"],
            length_minutes=data["length_minutes"],
            cutoff_hours=data["cutoff_hours"],
            location=data["location"],
        )

    @staticmethod
    def initial_for(board: Board) -> dict[str, Any]:
        return {
            "name": board.name,
            "kind": board.kind,
            "program": board.program.slug if board.program else None,
            "oncotree_roots": ", ".join(board.oncotree_roots),
            "quorum": "\n".join(", ".join(group) for group in board.quorum),
            "frequency": board.frequency,
            "weekday": board.weekday,
            "week_of_month": board.week_of_month,
            "starts_on": board.starts_on,
            "start_time": board.start_time,
            "length_minutes": board.length_minutes,
            "cutoff_hours": board.cutoff_hours,
            "location": board.location,
        }


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("Staff member's email"))
    specialty = forms.ModelChoiceField(
        label=_("Discipline"),
        queryset=Specialty.objects.order_by("name"),
        to_field_name="slug",
    )
    role = forms.ChoiceField(label=_("Role on the board"), choices=MemberRole.choices)


class MemberRemoveForm(forms.Form):
    member = forms.UUIDField()


class MoveForm(forms.Form):
    case = forms.UUIDField()
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])
