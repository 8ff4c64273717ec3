from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medcenter.directory.models import Clinician, Program
from medcenter.research.models import Lab


class PublicationFilterForm(forms.Form):
    """Whose publications: a clinician, a program or a lab, each named by its slug."""

    clinician = forms.SlugField(label=_("Clinician"), required=False, max_length=120)
    program = forms.SlugField(label=_("Program"), required=False, max_length=50)
    lab = forms.SlugField(label=_("Lab"), required=False, max_length=50)

    def clean_clinician(self) -> Clinician | None:
        slug = self.cleaned_data.get("clinician")
        if not slug:
            return None
        found = Clinician.objects.filter(slug=slug, is_active=True).first()
        if found is None:
            raise forms.ValidationError(_("We have no clinician at that address."))
        return found

    def clean_program(self) -> Program | None:
        slug = self.cleaned_data.get("program")
        if not slug:
            return None
        found = Program.objects.filter(slug=slug, is_published=True).first()
        if found is None:
            raise forms.ValidationError(_("We have no program at that address."))
        return found

    def clean_lab(self) -> Lab | None:
        slug = self.cleaned_data.get("lab")
        if not slug:
            return None
        found = Lab.objects.filter(slug=slug).first()
        if found is None:
            raise forms.ValidationError(_("We have no lab at that address."))
        return found

    def chosen(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v is not None}


class DecisionForm(forms.Form):
    authorship = forms.UUIDField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("reject", _("Reject"))])
