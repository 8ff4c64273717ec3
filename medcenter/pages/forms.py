from django import forms
from django.utils.translation import gettext_lazy as _


class StyleguideForm(forms.Form):
    """A sample form showing how fields, help text and inline errors look."""

    full_name = forms.CharField(label=_("Full name"), max_length=100)
    email = forms.EmailField(
        label=_("Email address"), help_text=_("We only use it to reply to you.")
    )
    contact_by = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=[("email", _("Email")), ("phone", _("Phone")), ("letter", _("Letter"))],
        widget=forms.RadioSelect,
    )
    message = forms.CharField(label=_("Message"), widget=forms.Textarea, max_length=2000)
