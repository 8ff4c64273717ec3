"""Forms of the International Patient Center: the public inquiry (its records kept across a
failed submit), an imaging study, and the coordinators' actions on a case."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from medcenter.core import bounds
from medcenter.core.forms import KeepsUploadsForm
from medcenter.core.uploads import CheckedUpload
from medcenter.directory.models import Location, Specialty
from medcenter.international.models import (
    CaseStatus,
    DocumentKind,
    GuarantorKind,
    InquirerRole,
    OpinionDecision,
    Payer,
    Service,
    TaskKind,
)
from medcenter.international.services import CURRENCY_CODES, MAX_DOCUMENTS
from medcenter.scheduling.forms import MultipleFileField
from medcenter.scheduling.models import VisitType


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


def _languages() -> list[tuple[str, Any]]:
    return list(settings.LANGUAGES)


def _dollars_to_cents(value: str, field: str) -> int:
    """ "1,250.50" -> 125050; anything that is not an amount of dollars is a field error."""
    text = str(value).strip().replace(",", "").replace("$", "").replace(" ", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            {field: [_("Please give an amount in US dollars, such as 1250 or 1250.50.")]}
        ) from None
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("100000000"):
        raise ValidationError({field: [_("Please give an amount above zero.")]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: [_("Please give at most two decimals (cents).")]})
    return int(amount * 100)


class InquiryForm(KeepsUploadsForm):
    upload_purpose = "international.inquiry"

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    inquirer_role = forms.ChoiceField(
        label=_("You are"), choices=InquirerRole.choices, widget=forms.RadioSelect
    )
    inquirer_name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email address"))
    phone = forms.CharField(
        label=_("Your phone number, with the country code"), max_length=40, required=False
    )
    country = forms.ChoiceField(
        label=_("Country where the patient lives"), choices=lambda: [("", "—"), *countries]
    )
    language = forms.ChoiceField(label=_("Language for our replies"), choices=_languages)
    patient_name = forms.CharField(label=_("Patient's full name"), max_length=200)
    patient_birth_date = forms.DateField(
        label=_("Patient's date of birth"),
        widget=_date_input(),
        validators=bounds.form_date_validators(),
    )
    condition_text = forms.CharField(
        label=_("The diagnosis or the problem, in your own words"),
        max_length=300,
        help_text=_("For example: breast cancer, a lump in the leg, leukemia."),
    )
    service = forms.ChoiceField(
        label=_("What you are asking for"), choices=Service.choices, widget=forms.RadioSelect
    )
    travel_from = forms.DateField(
        label=_("Could travel from"),
        required=False,
        widget=_date_input(),
        validators=bounds.form_date_validators(),
    )
    travel_until = forms.DateField(
        label=_("Could stay until"),
        required=False,
        widget=_date_input(),
        validators=bounds.form_date_validators(),
    )
    payer = forms.ChoiceField(label=_("Who will pay for the care"), choices=Payer.choices)
    home_physician_name = forms.CharField(
        label=_("Your home physician's name"), max_length=200, required=False
    )
    home_physician_email = forms.EmailField(
        label=_("Your home physician's email"),
        required=False,
        help_text=_("We send our letters to your physician too."),
    )
    message = forms.CharField(
        label=_("Anything else we should know"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )
    documents = MultipleFileField(
        label=_("Medical records, pathology and imaging reports"),
        required=False,
        help_text=_(
            "Up to 10 files: PDF, JPEG, PNG, TIFF or plain text, 20 MB each. You can send "
            "imaging studies (DICOM) on the next page."
        ),
    )
    documents_language = forms.ChoiceField(
        label=_("Language of these documents"),
        choices=[
            ("", _("The same as my replies")),
            ("en", _("English")),
            ("other", _("Another language")),
        ],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def clean_documents(self) -> Any:
        files = self.cleaned_data.get("documents") or []
        if len(files) + self.kept_count("documents") > MAX_DOCUMENTS:
            raise ValidationError(_("Please send at most %(n)d files.") % {"n": MAX_DOCUMENTS})
        self.check_files("documents", files)
        return files

    @property
    def checked_documents(self) -> list[CheckedUpload]:
        return self.uploads("documents")

    def inquiry_data(self) -> dict[str, Any]:
        skip = ("documents", "documents_kept", "idempotency_key", "documents_language")
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}

    def documents_language_code(self) -> str:
        chosen = self.cleaned_data.get("documents_language") or ""
        if chosen == "other":
            return "und"  # a language that is not English: it will be translated
        return chosen


class StudyForm(forms.Form):
    """One imaging study: a DICOM file or a zip of them (checked by the service, in pieces)."""

    study = forms.FileField(
        label=_("Imaging study (DICOM file or a zip of DICOM files)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".dcm,.zip,application/dicom,application/zip"}
        ),
        help_text=_("Up to 1 GB. Send the files as your imaging center gave them to you."),
    )


class DocumentForm(KeepsUploadsForm):
    upload_purpose = "international.document"

    kind = forms.ChoiceField(
        label=_("What it is"),
        choices=[
            (DocumentKind.RECORD, DocumentKind.RECORD.label),
            (DocumentKind.PATHOLOGY, DocumentKind.PATHOLOGY.label),
            (DocumentKind.IMAGING_REPORT, DocumentKind.IMAGING_REPORT.label),
        ],
    )
    language = forms.ChoiceField(
        label=_("Language of the document"),
        choices=[("en", _("English")), ("und", _("Another language"))],
    )
    documents = MultipleFileField(label=_("Files"))

    def clean_documents(self) -> Any:
        files = self.cleaned_data.get("documents") or []
        if not files and not self.kept_count("documents"):
            raise ValidationError(_("Please choose a file."))
        self.check_files("documents", files)
        return files


# --- Staff actions --------------------------------------------------------------------------


def _with_permission(codename: str) -> Any:
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    app, code = codename.split(".")
    wanted = Q(groups__permissions__codename=code, groups__permissions__content_type__app_label=app)
    return (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .filter(wanted | Q(is_superuser=True))
        .distinct()
        .order_by("full_name")
    )


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.email)


class AssignForm(forms.Form):
    coordinator = StaffChoiceField(
        label=_("Coordinator"),
        queryset=_with_permission("international.coordinate_case"),
        to_field_name="public_id",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = _with_permission(  # type: ignore[attr-defined]
            "international.coordinate_case"
        )


class ReviewerForm(forms.Form):
    reviewer = StaffChoiceField(
        label=_("Specialist to review the records"),
        queryset=_with_permission("international.review_case"),
        to_field_name="public_id",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = _with_permission(  # type: ignore[attr-defined]
            "international.review_case"
        )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=CaseStatus.choices)
    reason = forms.CharField(label=_("Reason (needed to decline)"), max_length=300, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TaskKind.choices)
    title = forms.CharField(label=_("What is to be done"), max_length=200)
    due_on = forms.DateField(
        label=_("Due on"), widget=_date_input(), validators=bounds.form_date_validators()
    )


class TaskDoneForm(forms.Form):
    task = forms.UUIDField()


class TranslationForm(KeepsUploadsForm):
    upload_purpose = "international.translation"

    task = forms.UUIDField(widget=forms.HiddenInput)
    documents = MultipleFileField(label=_("The English translation"))

    def clean_documents(self) -> Any:
        files = self.cleaned_data.get("documents") or []
        checked = self.check_files("documents", files)
        if len(checked) + self.kept_count("documents") != 1:
            raise ValidationError(_("Please choose one file."))
        return files


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=OpinionDecision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("Reason (needed to decline)"), max_length=300, required=False)
    summary = forms.CharField(
        label=_("The opinion, for the letter"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=8000,
    )


class OpinionLetterForm(forms.Form):
    opinion = forms.UUIDField(widget=forms.HiddenInput)


class EstimateForm(forms.Form):
    lines = forms.CharField(
        label=_("Lines (one per line: price code and quantity, such as CONSULT 1)"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    currency = forms.ChoiceField(
        label=_("Show amounts also in"), choices=[(c, c) for c in sorted(CURRENCY_CODES)]
    )

    def clean_lines(self) -> list[tuple[str, int]]:
        parsed = []
        for number, raw in enumerate(str(self.cleaned_data["lines"]).splitlines(), start=1):
            parts = raw.split()
            if not parts:
                continue
            quantity = 1
            if len(parts) > 1:
                if not parts[1].isdigit():
                    raise ValidationError(
                        _("Line %(n)d: the quantity must be a whole number.") % {"n": number}
                    )
                quantity = int(parts[1])
            parsed.append((parts[0][:30], quantity))
        if not parsed:
            raise ValidationError(_("Please add at least one line."))
        return parsed


class EstimateSendForm(forms.Form):
    estimate = forms.UUIDField(widget=forms.HiddenInput)


class DepositForm(forms.Form):
    amount = forms.CharField(label=_("Amount received (USD)"), max_length=20)
    received_on = forms.DateField(
        label=_("Received on"), widget=_date_input(), validators=bounds.form_date_validators()
    )
    reference = forms.CharField(label=_("Bank reference"), max_length=80, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "amount" in data:
            try:
                data["amount_cents"] = _dollars_to_cents(data["amount"], "amount")
            except ValidationError as error:
                self.add_error("amount", error.message_dict["amount"])
        return data


class GuaranteeForm(KeepsUploadsForm):
    upload_purpose = "international.guarantee"

    guarantor_kind = forms.ChoiceField(label=_("Who guarantees"), choices=GuarantorKind.choices)
    guarantor_name = forms.CharField(
        label=_("Name of the embassy, insurer or employer"), max_length=200
    )
    limit = forms.CharField(label=_("Limit (USD)"), max_length=20)
    valid_from = forms.DateField(
        label=_("Valid from"), widget=_date_input(), validators=bounds.form_date_validators()
    )
    valid_until = forms.DateField(
        label=_("Valid until"), widget=_date_input(), validators=bounds.form_date_validators()
    )
    documents = MultipleFileField(label=_("The signed letter (scan)"), required=False)

    def clean_documents(self) -> Any:
        files = self.cleaned_data.get("documents") or []
        self.check_files("documents", files)
        return files

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "limit" in data:
            try:
                data["limit_cents"] = _dollars_to_cents(data["limit"], "limit")
            except ValidationError as error:
                self.add_error("limit", error.message_dict["limit"])
        return data


class ClearForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Clear without full cover: the reason (needs permission)"),
        max_length=300,
        required=False,
    )


class VisaForm(forms.Form):
    inpatient = forms.CharField(label=_("Planned inpatient care"), max_length=500, required=False)
    outpatient = forms.CharField(label=_("Planned outpatient care"), max_length=500, required=False)
    duration_days = forms.IntegerField(
        label=_("Estimated duration (days)"), min_value=1, max_value=365
    )
    companions = forms.CharField(
        label=_("Companions (one per line, as in their passports)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=900,
    )
    signatory_name = forms.CharField(label=_("Signed by"), max_length=200)
    signatory_title = forms.CharField(
        label=_("Title of the signatory"), max_length=200, required=False
    )


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Visit summary (in English, for the home physician)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=8000,
    )
    summary_translated = forms.CharField(
        label=_("The same summary in the patient's language"),
        help_text=_("Needed unless the patient reads English."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=8000,
        required=False,
    )
    follow_ups = forms.CharField(
        label=_("Follow-ups (one per line; each becomes a task)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2100,
        required=False,
    )
    follow_up_due = forms.DateField(
        label=_("Follow-ups due on"),
        widget=_date_input(),
        validators=bounds.form_date_validators(),
        required=False,
    )


class LinkPatientForm(forms.Form):
    mrn = forms.CharField(label=_("The patient's MRN"), max_length=12)


class PriceForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=30)
    description = forms.CharField(label=_("Description"), max_length=200)
    amount = forms.CharField(label=_("Price (USD)"), max_length=20)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "amount" in data:
            try:
                data["amount_cents"] = _dollars_to_cents(data["amount"], "amount")
            except ValidationError as error:
                self.add_error("amount", error.message_dict["amount"])
        return data


class RateForm(forms.Form):
    currency = forms.ChoiceField(
        label=_("Currency"), choices=[(c, c) for c in sorted(CURRENCY_CODES - {"USD"})]
    )
    per_usd = forms.DecimalField(
        label=_("Units of this currency for one US dollar"),
        max_digits=18,
        decimal_places=6,
        min_value=Decimal("0.000001"),
    )
    on_date = forms.DateField(
        label=_("Rate of"),
        widget=_date_input(),
        validators=bounds.form_date_validators(latest=timezone.localdate),
        initial=timezone.localdate,
    )


class ItineraryForm(forms.Form):
    arrival = forms.DateField(
        label=_("Arrival"), widget=_date_input(), validators=bounds.form_date_validators()
    )
    specialties = forms.ModelMultipleChoiceField(
        label=_("Specialists to see, one a day, in order"),
        queryset=Specialty.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )
    location = forms.ModelChoiceField(label=_("Where"), queryset=Location.objects.order_by("name"))
    visit_type = forms.ModelChoiceField(
        label=_("Kind of visit"), queryset=VisitType.objects.filter(is_active=True).order_by("name")
    )
    hotel = forms.CharField(label=_("Hotel"), max_length=300, required=False)
    companions = forms.CharField(label=_("Companions"), max_length=500, required=False)
    notes = forms.CharField(
        label=_("Travel notes"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
