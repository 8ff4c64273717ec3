from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from medcenter.core import bounds
from medcenter.core.uploads import CheckedUpload, check_upload
from medcenter.directory.models import Clinician, Condition, Location, Specialty
from medcenter.patients.models import PATIENT_LANGUAGES
from medcenter.scheduling.models import ReferralStatus, Urgency, VisitType
from medcenter.scheduling.referrals import MAX_DOCUMENTS, npi_is_valid


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content (R18) in the form's clean."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.tif,.tiff,.txt"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


class ReferralFormBase(forms.Form):
    """Shared by the patient's request and the physician's referral."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    given_name = forms.CharField(label=_("Patient's first name"), max_length=100)
    family_name = forms.CharField(label=_("Patient's last name"), max_length=100)
    date_of_birth = forms.DateField(label=_("Patient's date of birth"), widget=_date_input())
    email = forms.EmailField(label=_("Patient's email"), required=False)
    phone = forms.CharField(label=_("Patient's phone"), max_length=40, required=False)
    language = forms.ChoiceField(
        label=_("Language the patient prefers"), choices=PATIENT_LANGUAGES, initial="en"
    )
    condition = forms.ModelChoiceField(
        label=_("Type of cancer, if known"),
        queryset=Condition.objects.order_by("name"),
        required=False,
        empty_label=_("Not sure / not listed"),
    )
    diagnosis = forms.CharField(label=_("Diagnosis or reason for the visit"), max_length=300)
    urgency = forms.ChoiceField(
        label=_("How soon"), choices=Urgency.choices, initial=Urgency.ROUTINE
    )
    preferred_times = forms.CharField(
        label=_("Best days and times to reach the patient"), max_length=300, required=False
    )
    notes_from_submitter = forms.CharField(
        label=_("Anything else we should know"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )
    documents = MultipleFileField(
        label=_("Records and imaging reports"),
        required=False,
        help_text=_("Up to 10 files: PDF, JPEG, PNG, TIFF or plain text, 20 MB each."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        self.checked_documents: list[CheckedUpload] = []

    def clean_date_of_birth(self) -> Any:
        born = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate():
            raise ValidationError(_("The date of birth cannot be in the future."))
        if born.year < 1900:
            raise ValidationError(_("Please check the year of birth."))
        return born

    def clean_documents(self) -> Any:
        files = self.cleaned_data.get("documents") or []
        if len(files) > MAX_DOCUMENTS:
            raise ValidationError(_("Please send at most %(n)d files.") % {"n": MAX_DOCUMENTS})
        problems: list[ValidationError] = []
        cap = int(getattr(settings, "MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
        for upload in files:
            content = upload.read(cap + 1)
            try:
                self.checked_documents.append(check_upload(name=upload.name or "", content=content))
            except ValidationError as error:
                problems.append(error)
        if problems:
            raise ValidationError(problems)
        return files

    def referral_data(self) -> dict[str, Any]:
        data = {
            k: v for k, v in self.cleaned_data.items() if k not in ("documents", "idempotency_key")
        }
        data["language"] = {"pt": "pt-br", "zh": "zh-hans"}.get(
            data.get("language", "en"), data.get("language", "en")
        )
        return data


class ClinicianField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A doctor by public id, carried in a hidden field; one that does not resolve is ignored,
    so a stale or altered link still lets the request through, to the general queue."""

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except ValidationError:
            return None


class RequestForm(ReferralFormBase):
    """A patient, or someone on their behalf, asks for an appointment."""

    RELATIONSHIPS = [("self", _("I am the patient")), ("family", _("I am asking for someone else"))]
    relationship = forms.ChoiceField(
        label=_("Who is asking"), choices=RELATIONSHIPS, widget=forms.RadioSelect, initial="self"
    )
    submitter_name = forms.CharField(
        label=_("Your name, if you are not the patient"), max_length=200, required=False
    )
    # Set from "Request an appointment" on a doctor's card or profile (?clinician=<public id>).
    requested_clinician = ClinicianField(
        queryset=Clinician.objects.filter(is_active=True),
        to_field_name="public_id",
        required=False,
        widget=forms.HiddenInput,
    )
    field_order = ["relationship", "submitter_name"]

    @cached_property
    def chosen_clinician(self) -> Clinician | None:
        """The doctor this request is for, as the page shows it, or None."""
        value = self["requested_clinician"].value()
        if isinstance(value, Clinician):
            return value
        found = self.fields["requested_clinician"].to_python(value)
        return found if isinstance(found, Clinician) else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("relationship") == "family" and not data.get("submitter_name"):
            self.add_error("submitter_name", _("Tell us your name so we know who to call back."))
        if not data.get("email") and not data.get("phone"):
            self.add_error("phone", _("Give a phone number or an email so we can reach you."))
        return data


class PhysicianReferralForm(ReferralFormBase):
    """A referring physician sends a patient, with records."""

    referrer_name = forms.CharField(label=_("Physician's name"), max_length=200)
    referrer_npi = forms.CharField(
        label=_("NPI"), max_length=10, min_length=10, help_text=_("10 digits.")
    )
    referrer_practice = forms.CharField(label=_("Practice or hospital"), max_length=200)
    referrer_email = forms.EmailField(
        label=_("Physician's email (for status and the consult letter)")
    )
    referrer_phone = forms.CharField(label=_("Physician's phone"), max_length=40)
    referrer_fax = forms.CharField(label=_("Fax"), max_length=40, required=False)
    icd10_code = forms.CharField(label=_("ICD-10-CM code"), max_length=10, required=False)
    field_order = [
        "referrer_name",
        "referrer_npi",
        "referrer_practice",
        "referrer_email",
        "referrer_phone",
        "referrer_fax",
    ]

    def clean_referrer_npi(self) -> str:
        npi = self.cleaned_data["referrer_npi"].strip()
        if not npi_is_valid(npi):
            raise ValidationError(_("This is not a valid 10-digit NPI."))
        return str(npi)

    def clean_icd10_code(self) -> str:
        import simple_icd_10_cm as icd

        code = self.cleaned_data.get("icd10_code", "").strip().upper()
        if code and not icd.is_valid_item(code):
            raise ValidationError(_("This is not an ICD-10-CM code we know."))
        return str(code)


class ReasonForm(forms.Form):
    reason_for_visit = forms.CharField(
        label=_("Reason for the visit (optional)"), max_length=300, required=False
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=300, required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[(s.value, s.label) for s in ReferralStatus if s != ReferralStatus.REPORT_SENT],
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    contacted = forms.BooleanField(
        label=_("We spoke with the patient or the physician"), required=False
    )


class LetterForm(forms.Form):
    summary = forms.CharField(
        label=_("Consult summary for the referring physician"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
    )


class StaffBookForm(forms.Form):
    visit_type = forms.ModelChoiceField(
        label=_("Visit type"), queryset=VisitType.objects.filter(is_active=True)
    )
    location = forms.ModelChoiceField(
        label=_("Location"), queryset=Location.objects.order_by("name")
    )
    start = forms.DateTimeField(
        label=_("Start"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        validators=bounds.form_date_validators(),
    )
    overbook_reason = forms.CharField(
        label=_("Overbook reason"),
        max_length=300,
        required=False,
        help_text=_("Only to book over another appointment or outside the clinic hours."),
    )


class MultidisciplinaryForm(forms.Form):
    location = forms.ModelChoiceField(
        label=_("Location"), queryset=Location.objects.order_by("name")
    )
    first = forms.ModelChoiceField(
        label=_("First specialty"), queryset=Specialty.objects.order_by("name")
    )
    second = forms.ModelChoiceField(
        label=_("Second specialty"), queryset=Specialty.objects.order_by("name")
    )
    third = forms.ModelChoiceField(
        label=_("Third specialty"), queryset=Specialty.objects.order_by("name"), required=False
    )

    def specialties(self) -> list[Specialty]:
        chosen = [self.cleaned_data.get(k) for k in ("first", "second", "third")]
        return [s for s in chosen if s is not None]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [s for k in ("first", "second", "third") if (s := data.get(k)) is not None]
        if len({s.pk for s in chosen}) != len(chosen):
            self.add_error("second", _("Choose different specialties."))
        return data
