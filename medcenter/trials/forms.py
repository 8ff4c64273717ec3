from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medcenter.trials import genefilter
from medcenter.trials.models import CandidateStatus, RequestStatus
from medcenter.trials.prescreen import Question

WILD_TYPE = re.compile(
    r"\bwild[\s-]*type\b|\bwt\b|\bnegative\b|\bneg\b|\bnon[\s-]?mutated\b|\bunmutated\b|"
    r"[A-Za-z0-9]\s*[-\u2212]$",
    re.IGNORECASE,
)
PHASES = [
    ("", _("Any phase")),
    ("EARLY_PHASE1", _("Early phase 1")),
    ("PHASE1", _("Phase 1")),
    ("PHASE2", _("Phase 2")),
    ("PHASE3", _("Phase 3")),
]


class SearchForm(forms.Form):
    condition = forms.CharField(
        label=_("Condition"),
        required=False,
        max_length=100,
        help_text=_("For example: lung cancer, Ewing sarcoma, bone cancer"),
    )
    gene = forms.CharField(
        label=_("Gene or biomarker"),
        required=False,
        max_length=40,
        help_text=_("For example: EGFR, ALK, KRAS, BRAF or HER2"),
    )
    phase = forms.ChoiceField(label=_("Phase"), choices=PHASES, required=False)
    age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=120)
    program = forms.ChoiceField(label=_("Program"), required=False, choices=[])
    near = forms.CharField(label=_("ZIP code"), required=False, max_length=10)
    miles = forms.ChoiceField(
        label=_("Within"),
        required=False,
        choices=[
            ("", _("Any distance")),
            ("25", _("25 miles")),
            ("100", _("100 miles")),
            ("500", _("500 miles")),
        ],
    )
    new = forms.BooleanField(label=_("New this month"), required=False)
    all = forms.BooleanField(label=_("Include trials not recruiting now"), required=False)

    def __init__(self, *args: Any, programs: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        program = self.fields["program"]
        if isinstance(program, forms.ChoiceField):
            program.choices = [("", _("Any program")), *programs]

    def clean_gene(self) -> str:
        """The gene as typed ("EGFRm", "HER2+", "ALK rearranged"), once it names a gene."""
        gene = " ".join(str(self.cleaned_data["gene"]).split())
        if not gene:
            return ""
        if WILD_TYPE.search(gene):
            raise forms.ValidationError(
                _(
                    "This finds trials that require a change in a gene. For a tumor without "
                    "one, leave the gene empty and search by condition."
                )
            )
        if not genefilter.genes_named(gene):
            raise forms.ValidationError(
                _("We do not know that gene. Enter one such as EGFR, ALK, KRAS, BRAF or HER2.")
            )
        return gene


class PrescreenForm(forms.Form):
    """Built from the trial's questions; every choice has "not sure"."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            if question.kind == "number":
                self.fields[question.name] = forms.IntegerField(
                    label=question.label, required=False, min_value=0, max_value=120
                )
            else:
                self.fields[question.name] = forms.ChoiceField(
                    label=question.label,
                    choices=question.choices,
                    widget=forms.RadioSelect,
                    required=False,
                )


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    consent = forms.BooleanField(
        label=_("I agree that the trial team may contact me about this trial.")
    )
    answers = forms.CharField(widget=forms.HiddenInput)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not (data.get("phone") or "").strip():
            self.add_error("email", _("Give an email address or a phone number."))
        return data


class DecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("Decision"), choices=[])
    reason = forms.CharField(
        label=_("Reason or note"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, candidate: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        if isinstance(status, forms.ChoiceField):
            status.choices = CandidateStatus.choices if candidate else RequestStatus.choices


KIND_CHOICES = [
    ("text", _("Text only (check by hand)")),
    ("age", _("Age")),
    ("sex", _("Sex")),
    ("diagnosis", _("Diagnosis (OncoTree)")),
    ("stage", _("Stage")),
    ("biomarker", _("Biomarker")),
    ("performance", _("Performance status")),
    ("prior_therapy", _("Prior treatment")),
    ("prior_lines", _("Prior lines of treatment")),
    ("brain_metastases", _("Brain metastases")),
    ("pregnancy", _("Pregnancy")),
]


class CriterionForm(forms.Form):
    """The team's reading of one criterion; fields that do not apply to the kind are ignored."""

    section = forms.ChoiceField(
        label=_("Section"), choices=[("inclusion", _("Inclusion")), ("exclusion", _("Exclusion"))]
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES)
    present = forms.ChoiceField(
        label=_("States"),
        choices=[("true", _("Present / has it")), ("false", _("Absent / does not have it"))],
        required=False,
    )
    min_years = forms.FloatField(label=_("Minimum age (years)"), required=False)
    max_years = forms.FloatField(label=_("Maximum age (years)"), required=False)
    sex = forms.ChoiceField(
        label=_("Sex"),
        required=False,
        choices=[("", "—"), ("female", _("Female")), ("male", _("Male"))],
    )
    oncotree = forms.CharField(label=_("OncoTree codes (comma-separated)"), required=False)
    stages = forms.CharField(label=_("Stage groups (comma-separated)"), required=False)
    metastatic = forms.BooleanField(label=_("Metastatic"), required=False)
    gene = forms.CharField(label=_("Gene"), required=False, max_length=15)
    classes = forms.CharField(label=_("Alterations (comma-separated)"), required=False)
    scale = forms.ChoiceField(
        label=_("Scale"),
        required=False,
        choices=[("", "—"), ("ecog", "ECOG"), ("karnofsky", "Karnofsky"), ("lansky", "Lansky")],
    )
    min = forms.FloatField(label=_("Minimum"), required=False)
    max = forms.FloatField(label=_("Maximum"), required=False)
    therapy = forms.CharField(label=_("Treatment"), required=False, max_length=80)
    qualifier = forms.ChoiceField(
        label=_("Qualifier"),
        required=False,
        choices=[
            ("", "—"),
            *[
                (q, q)
                for q in (
                    "untreated",
                    "symptomatic",
                    "active",
                    "stable",
                    "treated",
                    "leptomeningeal",
                )
            ],
        ],
    )
    source = forms.CharField(
        label=_("Criterion in words"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_active = forms.BooleanField(
        label=_("Use this criterion in matching"), required=False, initial=True
    )

    def params(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["present"] = data.get("present") != "false"
        return {
            k: v
            for k, v in data.items()
            if v not in (None, "") and k not in ("section", "kind", "source", "is_active")
        }
