from typing import Any

from django import forms
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    AuthenticationForm,
    PasswordResetForm,
)
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from medcenter.accounts.models import User


class SignInForm(AuthenticationForm):
    """Email and password; the error never says which of the two was wrong."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "That email address and password do not match an account. Check them and try again."
        ),
        "inactive": _("This account is disabled. Please call us for help."),
    }


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ConfirmIdentityForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ChangeEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("New email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class StaffUserCreationForm(AdminUserCreationForm):
    """The admin's "add user" form, keyed on email since there is no username."""

    class Meta:
        model = User
        fields = ("email",)


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form (same users, same answer whether or not one exists), with the email
    sent through the outbox like every other message instead of by the form itself."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        from medcenter.accounts import services

        for user in self.get_users(self.cleaned_data["email"]):
            services.send_password_reset(user=user, language=get_language())
