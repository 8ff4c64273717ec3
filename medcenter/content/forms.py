from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medcenter.content.models import ConsentScope
from medcenter.core.forms import KeepsUploadsForm


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search our pages"), max_length=200, required=False)


class StoryConsentForm(KeepsUploadsForm):
    """A storyteller's consent as the editor records it from the signed form. The form is
    checked by content and held (encrypted) at once, so a problem elsewhere loses nothing."""

    upload_purpose = "content.story_consent"

    storyteller = forms.CharField(label=_("Storyteller's name"), max_length=200)
    given_on = forms.DateField(
        label=_("Consent given on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    scope = forms.ChoiceField(label=_("What the consent covers"), choices=ConsentScope.choices)
    storyteller_is_minor = forms.BooleanField(
        label=_("The storyteller is under 18"), required=False
    )
    guardian = forms.CharField(
        label=_("Parent or guardian who consented"),
        max_length=200,
        required=False,
        help_text=_("Required when the storyteller is under 18."),
    )
    signed_form = forms.FileField(
        label=_("Signed consent form"),
        help_text=_("A PDF or a photo (JPEG or PNG) of the signed form."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("given_on", timezone.localdate())

    def clean_signed_form(self) -> Any:
        upload = self.cleaned_data.get("signed_form")
        if upload:
            self.check_files("signed_form", [upload])
        return upload
