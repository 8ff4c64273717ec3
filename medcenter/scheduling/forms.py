from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from medcenter.core import bounds
from medcenter.core.forms import KeepsUploadsForm
from medcenter.core.uploads import CheckedUpload
from medcenter.directory.models import Clinician, Condition, Location, Program, Specialty
from medcenter.patients.models import PATIENT_LANGUAGES, PayerKind, Sex
from medcenter.scheduling import referrals
from medcenter.scheduling.models import Payment, ReferralStatus, Urgency, VisitType
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


class ProgramChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


PAYMENT_CHOICES = [("", _("Not sure yet")), *Payment.choices]


class ReferralFormBase(KeepsUploadsForm):
    """Shared by the patient's request and the physician's referral."""

    upload_purpose = "scheduling.referral"

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
    requested_program = ProgramChoiceField(
        label=_("Program, if you have one in mind"),
        queryset=Program.objects.filter(is_published=True).order_by("order", "name"),
        required=False,
        empty_label=_("No preference: our team will choose"),
    )
    requested_clinician = forms.ModelChoiceField(
        label=_("Clinician, if you have one in mind"),
        queryset=Clinician.objects.filter(is_active=True).order_by("family_name", "given_name"),
        required=False,
        empty_label=_("No preference"),
    )
    payment = forms.ChoiceField(
        label=_("How will the visit be paid?"),
        choices=PAYMENT_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        initial="",
    )
    insurance_payer = forms.CharField(
        label=_("Insurance company or plan"),
        max_length=200,
        required=False,
        help_text=_("As written on the insurance card."),
    )
    insurance_member_id = forms.CharField(label=_("Member ID"), max_length=60, required=False)
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

    @property
    def checked_documents(self) -> list[CheckedUpload]:
        """Every document of a valid form: those kept from an earlier try, then new ones."""
        return self.uploads("documents")

    def clean_date_of_birth(self) -> Any:
        born = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate():
            raise ValidationError(_("The date of birth cannot be in the future."))
        if born.year < 1900:
            raise ValidationError(_("Please check the year of birth."))
        return born

    def clean_documents(self) -> Any:
        files = self.cleaned_data.get("documents") or []
        if len(files) + self.kept_count("documents") > MAX_DOCUMENTS:
            raise ValidationError(_("Please send at most %(n)d files.") % {"n": MAX_DOCUMENTS})
        self.check_files("documents", files)
        return files

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choices = {k: data.get(k) for k in referrals.CHOICE_FIELDS}
        try:
            referrals.check_choices(choices)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        return data

    def referral_data(self) -> dict[str, Any]:
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("documents", "documents_kept", "idempotency_key")
        }
        data["language"] = {"pt": "pt-br", "zh": "zh-hans"}.get(
            data.get("language", "en"), data.get("language", "en")
        )
        return data


class RequestForm(ReferralFormBase):
    """A patient, or someone on their behalf, asks for an appointment."""

    RELATIONSHIPS = [("self", _("I am the patient")), ("family", _("I am asking for someone else"))]
    relationship = forms.ChoiceField(
        label=_("Who is asking"), choices=RELATIONSHIPS, widget=forms.RadioSelect, initial="self"
    )
    submitter_name = forms.CharField(
        label=_("Your name, if you are not the patient"), max_length=200, required=False
    )
    field_order = ["relationship", "submitter_name"]

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


class NewPatientForm(forms.Form):
    """A person with no record books the held time: who they are, how to reach them, their
    language, and how the visit is paid. Nothing here is checked against existing records."""

    given_name = forms.CharField(
        label=_("Legal first name"),
        max_length=100,
        widget=forms.TextInput({"autocomplete": "given-name"}),
    )
    family_name = forms.CharField(
        label=_("Legal last name"),
        max_length=100,
        widget=forms.TextInput({"autocomplete": "family-name"}),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=_date_input(),
        validators=bounds.form_date_validators(latest=timezone.localdate),
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=[("", "—"), *Sex.choices],
        help_text=_("As on your insurance card or ID."),
    )
    email = forms.EmailField(
        label=_("Email"), required=False, widget=forms.EmailInput({"autocomplete": "email"})
    )
    phone = PhoneNumberField(
        label=_("Mobile phone"),
        required=False,
        region="US",
        widget=forms.TextInput({"autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("With the country code if outside the United States, e.g. +34 600 000 000."),
    )
    sms_consent = forms.BooleanField(label=_("Text me about this appointment"), required=False)
    preferred_language = forms.ChoiceField(
        label=_("Language you prefer"), choices=PATIENT_LANGUAGES, initial="en"
    )
    interpreter_needed = forms.BooleanField(label=_("I need an interpreter"), required=False)
    payment = forms.ChoiceField(
        label=_("How will you pay?"),
        choices=PayerKind.choices,
        widget=forms.RadioSelect,
        initial=PayerKind.INSURANCE,
    )
    payer = forms.CharField(label=_("Insurance company"), max_length=120, required=False)
    member_id = forms.CharField(label=_("Member ID"), max_length=60, required=False)
    reason_for_visit = forms.CharField(
        label=_("Reason for the visit (optional)"), max_length=300, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not data.get("email")
            and not data.get("phone")
            and not (self.has_error("email") or self.has_error("phone"))
        ):
            self.add_error(
                "email", _("Give an email address or a mobile number so we can send you a code.")
            )
        if data.get("payment") == PayerKind.INSURANCE:
            if not data.get("payer"):
                self.add_error("payer", _("Name your insurance company, or choose self-pay."))
            if not data.get("member_id"):
                self.add_error("member_id", _("Give the member ID on your insurance card."))
        return data

    def details(self) -> dict[str, Any]:
        """The cleaned answers as plain values, to keep until the code is entered."""
        data = self.cleaned_data
        return {
            "given_name": data["given_name"].strip(),
            "family_name": data["family_name"].strip(),
            "date_of_birth": data["date_of_birth"].isoformat(),
            "sex": data["sex"],
            "email": (data.get("email") or "").strip().lower(),
            "phone": data["phone"].as_e164 if data.get("phone") else "",
            "sms_consent": bool(data.get("sms_consent")),
            "preferred_language": data["preferred_language"],
            "interpreter_needed": bool(data.get("interpreter_needed")),
            "payment": data["payment"],
            "payer": data.get("payer", "") if data["payment"] == PayerKind.INSURANCE else "",
            "member_id": data.get("member_id", "")
            if data["payment"] == PayerKind.INSURANCE
            else "",
            "reason_for_visit": data.get("reason_for_visit", ""),
        }


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=10,
        widget=forms.TextInput({"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
