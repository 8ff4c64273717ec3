from datetime import date

from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medcenter.core import bounds
from medcenter.patients.models import BreakGlassReview, Patient, ProxyRelationship, ProxyScope
from medcenter.patients.services import EDITABLE_FIELDS, MIN_BREAK_GLASS_REASON


class DateInput(forms.DateInput):
    input_type = "date"


def _check_birth_date(value: date) -> date:
    today = timezone.localdate()
    if value > today:
        raise forms.ValidationError(_("The date of birth cannot be in the future."))
    if value.year < today.year - 130:
        raise forms.ValidationError(_("Please check the year of birth."))
    return value


class PatientForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Patient
        fields = EDITABLE_FIELDS
        widgets = {"date_of_birth": DateInput()}

    def clean_date_of_birth(self) -> date:
        return _check_birth_date(self.cleaned_data["date_of_birth"])

    def clean(self) -> dict:  # type: ignore[type-arg]
        data = super().clean() or {}
        if data.get("contact_preference") == "sms" and not data.get("sms_consent"):
            self.add_error(
                "sms_consent", _("To be contacted by text message, the patient must agree to it.")
            )
        if data.get("contact_preference") == "sms" and not data.get("phone"):
            self.add_error("phone", _("A phone number is needed for text messages."))
        if data.get("contact_preference") == "email" and not data.get("email"):
            self.add_error("email", _("An email address is needed to be contacted by email."))
        return data


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a patient by MRN or name"),
        max_length=100,
        required=False,
    )
    born = forms.DateField(
        label=_("Date of birth"),
        help_text=_("With the full name, finds a patient you are registering or scheduling."),
        required=False,
        widget=DateInput(),
    )


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=_("Clinical reason"),
        min_length=MIN_BREAK_GLASS_REASON,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why you need this record now. A privacy officer reviews every use."),
    )


class BreakGlassReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Finding"),
        choices=[
            (BreakGlassReview.APPROPRIATE, BreakGlassReview.APPROPRIATE.label),
            (BreakGlassReview.INAPPROPRIATE, BreakGlassReview.INAPPROPRIATE.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class _NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. A few unrelated words make a strong password."),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:  # type: ignore[type-arg]
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are different."))
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ActivateForm(_NewPasswordMixin):
    code = forms.CharField(
        label=_("Activation code"),
        max_length=20,
        help_text=_("The code our staff gave you, like ABCD-EFGH-JKLM."),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=DateInput(),
        validators=bounds.form_date_validators(latest=timezone.localdate),
    )
    email = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("You will sign in with it. We will send a link to confirm it."),
    )
    field_order = ["code", "date_of_birth", "email", "password1", "password2"]


class SignUpStartForm(forms.Form):
    mrn = forms.CharField(
        label=_("Medical record number (MRN)"),
        max_length=20,
        help_text=_("It is on your appointment letters and hospital wristband."),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=DateInput(),
        validators=bounds.form_date_validators(latest=timezone.localdate),
    )


class SignUpFinishForm(_NewPasswordMixin):
    code = forms.CharField(
        label=_("Code from the email"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    field_order = ["code", "password1", "password2"]


class ProxyGrantForm(forms.Form):
    proxy_email = forms.EmailField(
        label=_("Caregiver's email address"),
        help_text=_("The email the caregiver uses to sign in to their own account."),
    )
    relationship = forms.ChoiceField(label=_("Relationship"), choices=ProxyRelationship.choices)
    scopes = forms.MultipleChoiceField(
        label=_("What they may see"),
        choices=ProxyScope.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    expires_on = forms.DateField(
        label=_("Access ends on"),
        required=False,
        validators=bounds.form_date_validators(earliest=timezone.localdate),
        widget=DateInput(),
        help_text=_("For a child, leave empty: access ends at 18."),
    )
    consent_given = forms.BooleanField(
        label=_("The patient (18 or older) has agreed to this access"),
        required=False,
    )

    def __init__(self, *args: object, by_patient: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if by_patient:
            del self.fields["consent_given"]
            self.fields["expires_on"].required = True
            self.fields["expires_on"].help_text = ""
