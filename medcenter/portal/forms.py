"""Forms of the Patient Gateway: e-check-in and the trial-matching choice."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from medcenter.core.forms import KeepsUploadsForm
from medcenter.core.uploads import CheckedUpload, check_upload
from medcenter.patients.models import Patient

DETAIL_FIELDS = (
    "preferred_name",
    "preferred_language",
    "interpreter_needed",
    "email",
    "phone",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
)
CONTACT_FIELDS = ("email", "phone")
CARD_TYPES = ("image/jpeg", "image/png", "application/pdf")


def check_card(*, name: str, content: bytes) -> CheckedUpload:
    """An insurance card photo: judged by content like every upload, and a picture or a PDF."""
    checked = check_upload(name=name, content=content)
    if checked.content_type not in CARD_TYPES:
        raise ValidationError(
            _("%(name)s is not a photo. Please send a JPEG or PNG picture, or a PDF.")
            % {"name": checked.filename},
            code="card_type",
        )
    return checked


class CheckInForm(KeepsUploadsForm):
    upload_purpose = "portal.checkin"

    insurance_payer = forms.CharField(
        label=_("Insurance company or plan"), max_length=200, required=False
    )
    insurance_member_id = forms.CharField(label=_("Member ID"), max_length=60, required=False)
    card_front = forms.FileField(
        label=_("Photo of the front of your insurance card"),
        required=False,
        help_text=_("A JPEG or PNG picture, or a PDF, up to 20 MB."),
    )
    card_back = forms.FileField(
        label=_("Photo of the back of your insurance card"),
        required=False,
        help_text=_("A JPEG or PNG picture, or a PDF, up to 20 MB."),
    )
    confirm = forms.BooleanField(label=_("These details are correct and up to date."))

    def __init__(self, *args: Any, patient: Patient, may_change_contact: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        details = forms.fields_for_model(Patient, fields=DETAIL_FIELDS)
        if not may_change_contact:
            for name in CONTACT_FIELDS:
                details.pop(name)
        self.detail_names = list(details)
        # The patient's details first, then the visit's insurance and the confirmation.
        self.fields = {**{n: copy.deepcopy(f) for n, f in details.items()}, **self.fields}
        for name in self.detail_names:
            self.initial.setdefault(name, getattr(patient, name))

    def clean_card_front(self) -> Any:
        upload = self.cleaned_data.get("card_front")
        self.check_files("card_front", [upload] if upload else [], check=check_card)
        return upload

    def clean_card_back(self) -> Any:
        upload = self.cleaned_data.get("card_back")
        self.check_files("card_back", [upload] if upload else [], check=check_card)
        return upload

    def details(self) -> dict[str, Any]:
        return {n: self.cleaned_data[n] for n in self.detail_names if n in self.cleaned_data}

    def card(self, name: str) -> CheckedUpload | None:
        found = self.uploads(name)
        return found[-1] if found else None


class TrialMatchingForm(forms.Form):
    opted_in = forms.BooleanField(
        label=_("Show me clinical trials that may fit me"),
        required=False,
        help_text=_(
            "We compare your record with the center's open trials. Nobody is contacted and "
            "nothing is shared until you ask your care team about a trial."
        ),
    )
