"""Forms for the oncology record's staff pages. Rules live in services, not here."""

import hashlib
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medcenter.core.forms import KeepsUploadsForm
from medcenter.core.uploads import CheckedUpload, safe_filename
from medcenter.oncology import staging
from medcenter.oncology.models import (
    CancerDiagnosis,
    DiagnosisKind,
    LabTest,
    PerformanceScale,
    PregnancyState,
    SiteActivity,
    SiteTreatment,
    StageClassification,
    StopReason,
    TherapySetting,
)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class DiagnosisForm(forms.ModelForm):  # type: ignore[type-arg]
    kind = forms.ChoiceField(label=_("Kind"), choices=DiagnosisKind.choices)

    class Meta:
        model = CancerDiagnosis
        fields = [
            "kind",
            "description",
            "oncotree_code",
            "icd10_code",
            "icdo3_topography",
            "icdo3_morphology",
            "body_site",
            "laterality",
            "histology",
            "grade",
            "diagnosed_on",
            "basis",
            "clinical_status",
        ]
        widgets = {"diagnosed_on": forms.DateInput(attrs={"type": "date"})}


class SchemeForm(forms.Form):
    scheme = forms.ChoiceField(label=_("Staging system"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built here, not at import: the titles are in the language of the request.
        self.fields["scheme"] = forms.ChoiceField(
            label=_("Staging system"), choices=[(s.id, s.title) for s in staging.list_schemes()]
        )


class StageForm(forms.Form):
    """Categories and the scheme's own raw facts; whatever is filled in goes to the engine."""

    classification = forms.ChoiceField(
        label=_("Classification"), choices=StageClassification.choices
    )
    assessed_on = forms.DateField(
        label=_("Date of staging"), widget=forms.DateInput(attrs={"type": "date"})
    )
    t = forms.CharField(label=_("T category"), required=False, max_length=10)
    n = forms.CharField(label=_("N category"), required=False, max_length=10)
    m = forms.CharField(label=_("M category"), required=False, max_length=10)
    grade = forms.CharField(label=_("Grade"), required=False, max_length=10)

    def __init__(self, *args: Any, scheme: staging.SchemeInfo, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("assessed_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        axes = {a.id for a in scheme.axes}
        for axis in ("t", "n", "m", "grade"):
            if axis not in axes:
                del self.fields[axis]
        for fact in scheme.facts:
            self.fields[f"fact_{fact.name}"] = _fact_field(fact)

    def categories(self) -> dict[str, str]:
        return {
            axis: self.cleaned_data[axis]
            for axis in ("t", "n", "m", "grade")
            if axis in self.fields and self.cleaned_data.get(axis)
        }

    def facts(self) -> dict[str, object]:
        facts: dict[str, object] = {}
        for fact in self.scheme.facts:
            value = self.cleaned_data.get(f"fact_{fact.name}")
            if fact.type == "flag":
                if value:
                    facts[fact.name] = True
            elif fact.type == "sites":
                sites = [s.strip() for s in (value or "").split(",") if s.strip()]
                if sites:
                    facts[fact.name] = sites
            elif value not in (None, ""):
                facts[fact.name] = float(str(value)) if fact.type == "number" else value
        return facts

    def fact_field_names(self) -> list[str]:
        return [f"fact_{fact.name}" for fact in self.scheme.facts]


def _fact_field(fact: staging.FactInfo) -> forms.Field:
    label = str(fact.label)
    if fact.type == "flag":
        return forms.BooleanField(label=label, required=False)
    if fact.type == "number":
        return forms.DecimalField(label=label, required=False, min_value=0, max_digits=6)
    if fact.type == "count":
        return forms.IntegerField(label=label, required=False, min_value=0, max_value=1000)
    if fact.type == "choice":
        return forms.ChoiceField(
            label=label, required=False, choices=[("", "—"), *[(c, c) for c in fact.choices]]
        )
    return forms.CharField(
        label=label,
        required=False,
        max_length=300,
        help_text=_("Separate several with commas, for example: lung, liver"),
    )


class PerformanceForm(forms.Form):
    scale = forms.ChoiceField(label=_("Scale"), choices=PerformanceScale.choices)
    value = forms.IntegerField(label=_("Score"), min_value=0, max_value=100)
    observed_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))


def _check_results(*, name: str, content: bytes) -> CheckedUpload:
    """A results file is judged by its reader (the service), so here only its size counts."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(_("The file is larger than 20 MB."))
    return CheckedUpload(
        content=content,
        content_type="text/plain",
        filename=safe_filename(name, content_type="text/plain"),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


class GenotypingUploadForm(KeepsUploadsForm):
    upload_purpose = "oncology.genotyping"

    test_name = forms.CharField(label=_("Test or panel"), max_length=200)
    tumor_type = forms.CharField(
        label=_("Tumor type (OncoTree code)"),
        max_length=20,
        help_text=_("For example LUAD for lung adenocarcinoma, CHS for chondrosarcoma."),
    )
    reported_on = forms.DateField(
        label=_("Report date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    specimen = forms.CharField(label=_("Specimen"), max_length=200, required=False)
    tumor_content_percent = forms.IntegerField(
        label=_("Tumor content (%)"), min_value=0, max_value=100, required=False
    )
    genes_covered = forms.CharField(
        label=_("Genes covered"),
        required=False,
        max_length=5000,
        help_text=_("Separate with commas or spaces."),
    )
    results = forms.FileField(
        label=_("Results file"),
        help_text=_("A VCF, a MAF, or a table with the columns gene, protein_change and kind."),
    )

    def clean_results(self) -> Any:
        upload = self.cleaned_data.get("results")
        self.check_files(
            "results", [upload] if upload else [], check=_check_results, max_bytes=MAX_UPLOAD_BYTES
        )
        return upload


class TreatmentCourseForm(forms.Form):
    regimen = forms.CharField(
        label=_("Regimen or drug"),
        max_length=200,
        help_text=_("As you would write it, for example: carboplatin + pemetrexed."),
    )
    setting = forms.ChoiceField(label=_("Given for"), choices=TherapySetting.choices)
    line = forms.IntegerField(
        label=_("Line of therapy"),
        min_value=1,
        max_value=20,
        required=False,
        help_text=_("For advanced or metastatic disease: 1 for first line, 2 for second …"),
    )
    started_on = forms.DateField(label=_("Started"), widget=forms.DateInput(attrs={"type": "date"}))
    ended_on = forms.DateField(
        label=_("Stopped"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty while the treatment goes on."),
    )
    stop_reason = forms.ChoiceField(
        label=_("Why it stopped"), choices=StopReason.choices, required=False
    )


class LabResultForm(forms.Form):
    test = forms.ChoiceField(label=_("Test"), choices=LabTest.choices)
    value = forms.FloatField(label=_("Result"), min_value=0)
    unit = forms.CharField(
        label=_("Unit"),
        max_length=20,
        required=False,
        help_text=_("As the laboratory reported it, for example 10^9/L, g/dL, µmol/L or U/L."),
    )
    upper_limit = forms.FloatField(
        label=_("Upper limit of normal"),
        required=False,
        min_value=0,
        help_text=_("In the same unit, when the report gives it."),
    )
    observed_on = forms.DateField(
        label=_("Sample date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class PregnancyForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PregnancyState.choices)
    observed_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))


class SiteAssessmentForm(forms.Form):
    assessed_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    treatment = forms.ChoiceField(
        label=_("Treated?"), choices=SiteTreatment.choices, required=False
    )
    activity = forms.ChoiceField(
        label=_("Stable or growing?"), choices=SiteActivity.choices, required=False
    )
    symptomatic = forms.NullBooleanField(
        label=_("Causing symptoms?"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", _("Not recorded")), ("true", _("Yes")), ("false", _("No"))]
        ),
    )


class TreatmentHistoryForm(forms.Form):
    reviewed_on = forms.DateField(
        label=_("Reviewed on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Confirm only when the treatments recorded here are all the systemic anticancer "
            "therapy the patient has had, here or elsewhere (none recorded: never treated)."
        ),
    )
