"""Give Now's forms: they parse and keep what was typed; the rules are in services and money."""

from __future__ import annotations

import secrets
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from medcenter.core import bounds
from medcenter.giving.models import (
    Campaign,
    Frequency,
    Fund,
    FundKind,
    TributeDelivery,
    TributeKind,
)
from medcenter.giving.money import CURRENCIES, DEFAULT_CURRENCY, parse_amount, to_decimal
from medcenter.giving.services import CampaignInput, FundInput, GiftRequest, TributeRequest

PRESETS = ("25", "50", "100", "250")
OTHER = "other"
NO_TRIBUTE = "none"


def _language_choices() -> list[tuple[str, Any]]:
    return [(code, name) for code, name in settings.LANGUAGES]


class GiftForm(forms.Form):
    fund = forms.ChoiceField(label=_("Where should your gift go?"))
    campaign = forms.CharField(required=False, widget=forms.HiddenInput, max_length=50)
    frequency = forms.ChoiceField(
        label=_("How often?"),
        choices=Frequency.choices,
        initial=Frequency.ONE_TIME,
        widget=forms.RadioSelect,
    )
    currency = forms.ChoiceField(
        label=_("Currency"), choices=[(c, c) for c in CURRENCIES], initial=DEFAULT_CURRENCY
    )
    preset = forms.ChoiceField(
        label=_("Amount"),
        choices=[*((p, p) for p in PRESETS), (OTHER, _("Another amount"))],
        initial="50",
        widget=forms.RadioSelect,
        required=False,
    )
    other_amount = forms.CharField(
        label=_("Another amount"),
        required=False,
        max_length=20,
        help_text=_("For example 75 or 75.50."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    cover_fee = forms.BooleanField(
        label=_("Add the payment processing fee, so all of my gift goes to the fund"),
        required=False,
    )
    name = forms.CharField(label=_("Your full name"), max_length=200)
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("Your receipt goes here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(label=_("Your mailing address"), max_length=300, required=False)
    employer = forms.CharField(
        label=_("Your employer, if it matches gifts"), max_length=200, required=False
    )
    anonymous = forms.BooleanField(
        label=_("Do not show my name publicly (you still get a receipt)"), required=False
    )
    tribute_kind = forms.ChoiceField(
        label=_("Make this a tribute gift?"),
        choices=[(NO_TRIBUTE, _("No")), *TributeKind.choices],
        initial=NO_TRIBUTE,
        widget=forms.RadioSelect,
    )
    honoree_name = forms.CharField(
        label=_("Name of the person honored"), max_length=200, required=False
    )
    delivery = forms.ChoiceField(
        label=_("Let someone know?"),
        choices=TributeDelivery.choices,
        initial=TributeDelivery.NONE,
        widget=forms.RadioSelect,
    )
    recipient_name = forms.CharField(label=_("Recipient's name"), max_length=200, required=False)
    recipient_email = forms.EmailField(label=_("Recipient's email (e-card)"), required=False)
    recipient_address = forms.CharField(
        label=_("Recipient's mailing address (letter)"), max_length=300, required=False
    )
    recipient_language = forms.ChoiceField(label=_("Language of the card"), choices=())
    message = forms.CharField(
        label=_("Message for the card"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    show_amount = forms.BooleanField(label=_("Show the amount on the card"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language = language
        self._choice("fund").choices = [
            (fund.slug, fund.text("name", language)) for fund in Fund.objects.filter(is_active=True)
        ]
        self._choice("recipient_language").choices = _language_choices()
        self.fields["recipient_language"].initial = language
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", secrets.token_urlsafe(24))
        self.amount_minor = 0

    def _choice(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        currency = data.get("currency") or DEFAULT_CURRENCY
        preset = data.get("preset") or ""
        if preset and preset != OTHER:
            text = preset
        else:
            text = data.get("other_amount") or ""
            if not text:
                self.add_error("other_amount", _("Choose an amount or type another amount."))
                return data
        try:
            self.amount_minor = parse_amount(text, currency)
        except ValidationError as error:
            self.add_error("other_amount" if preset in ("", OTHER) else "preset", error)
        return data

    def gift_request(self) -> GiftRequest:
        data = self.cleaned_data
        tribute = None
        if data.get("tribute_kind") in TributeKind.values:
            tribute = TributeRequest(
                kind=data["tribute_kind"],
                honoree_name=data.get("honoree_name", ""),
                delivery=data.get("delivery") or TributeDelivery.NONE,
                recipient_name=data.get("recipient_name", ""),
                recipient_email=data.get("recipient_email", ""),
                recipient_address=data.get("recipient_address", ""),
                recipient_language=data.get("recipient_language") or self.language,
                message=data.get("message", ""),
                show_amount=bool(data.get("show_amount")),
            )
        return GiftRequest(
            fund=data["fund"],
            campaign=data.get("campaign", ""),
            amount_minor=self.amount_minor,
            currency=data.get("currency") or DEFAULT_CURRENCY,
            frequency=data["frequency"],
            cover_fee=bool(data.get("cover_fee")),
            name=data["name"],
            email=data["email"],
            address=data.get("address", ""),
            employer=data.get("employer", ""),
            anonymous=bool(data.get("anonymous")),
            language=self.language,
            tribute=tribute,
        )


class CardForm(forms.Form):
    """The sandbox gateway's own card page (standing for the provider's hosted page)."""

    cardholder = forms.CharField(label=_("Name on card"), max_length=200)
    number = forms.CharField(
        label=_("Card number"),
        max_length=23,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "cc-number"}),
    )
    expiry = forms.CharField(
        label=_("Expiry (MM/YY)"),
        max_length=7,
        widget=forms.TextInput(attrs={"autocomplete": "cc-exp"}),
    )
    cvc = forms.CharField(
        label=_("Security code"),
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "cc-csc"}),
    )


class DonorLinkForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"))


class PlanAmountForm(forms.Form):
    amount = forms.CharField(label=_("New monthly amount"), max_length=20)


class PauseForm(forms.Form):
    until = forms.DateField(
        label=_("Pause until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=bounds.form_date_validators(),
    )


class RefundForm(forms.Form):
    amount = forms.CharField(label=_("Amount to refund"), max_length=20)
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class CaregiverNoteForm(forms.Form):
    clinician = forms.ChoiceField(label=_("Whom would you like to thank?"))
    writer_name = forms.CharField(label=_("Your name"), max_length=200)
    writer_email = forms.EmailField(label=_("Your email address"))
    message = forms.CharField(
        label=_("Your note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )
    allow_sharing = forms.BooleanField(
        label=_("The center may share my note publicly (without my email)"), required=False
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from medcenter.directory.models import Clinician

        cast(forms.ChoiceField, self.fields["clinician"]).choices = [
            (c.slug, f"{c.given_name} {c.family_name}")
            for c in Clinician.objects.filter(is_active=True).order_by("family_name")[:500]
        ]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", secrets.token_urlsafe(24))


class FundraisingListForm(forms.Form):
    since = forms.DateField(
        label=_("Seen from"),
        validators=bounds.form_date_validators(),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=_("Seen until"),
        validators=bounds.form_date_validators(),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    department = forms.CharField(label=_("Department (location)"), max_length=200, required=False)
    campaign = forms.ChoiceField(label=_("Appeal for campaign"), required=False)


# --- Back office: funds, campaigns, matching gifts ------------------------------------------


class FundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(
        label=_("Web address"),
        max_length=50,
        help_text=_("Lower-case letters, digits and hyphens, for example nursing-fellowship."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=FundKind.choices)
    program = forms.ChoiceField(
        label=_("Program"), required=False, help_text=_("For a program fund.")
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    order = forms.IntegerField(label=_("Position in lists"), min_value=0, max_value=999, initial=0)
    is_active = forms.BooleanField(label=_("Donors can choose it"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from medcenter.directory.models import Program

        cast(forms.ChoiceField, self.fields["program"]).choices = [("", "—")] + [
            (p.slug, p.name) for p in Program.objects.order_by("name")[:500]
        ]

    @staticmethod
    def initial_for(fund: Fund) -> dict[str, Any]:
        return {
            "name": fund.name,
            "slug": fund.slug,
            "kind": fund.kind,
            "program": fund.program.slug if fund.program else "",
            "description": fund.description,
            "order": fund.order,
            "is_active": fund.is_active,
        }

    def fund_input(self) -> FundInput:
        data = self.cleaned_data
        return FundInput(
            slug=data["slug"],
            kind=data["kind"],
            name=data["name"],
            description=data["description"],
            order=data["order"],
            is_active=data["is_active"],
            program=data["program"],
        )


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    slug = forms.SlugField(label=_("Web address"), max_length=50)
    fund = forms.ChoiceField(label=_("Fund"))
    story = forms.CharField(label=_("Story"), widget=forms.Textarea(attrs={"rows": 6}))
    currency = forms.ChoiceField(
        label=_("Currency"), choices=[(c, c) for c in CURRENCIES], initial=DEFAULT_CURRENCY
    )
    goal = forms.CharField(
        label=_("Goal"),
        max_length=20,
        help_text=_("For example 250000 or 250000.00."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    starts_on = forms.DateField(
        label=_("Starts on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=bounds.form_date_validators(),
    )
    ends_on = forms.DateField(
        label=_("Ends on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=bounds.form_date_validators(),
    )
    is_published = forms.BooleanField(label=_("Published"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["fund"]).choices = [
            (f.slug, f.name) for f in Fund.objects.order_by("order", "name")[:500]
        ]

    @staticmethod
    def initial_for(campaign: Campaign) -> dict[str, Any]:
        return {
            "title": campaign.title,
            "slug": campaign.slug,
            "fund": campaign.fund.slug,
            "story": campaign.story,
            "currency": campaign.currency,
            "goal": str(to_decimal(campaign.goal_minor, campaign.currency)),
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "is_published": campaign.is_published,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "goal" in data and "currency" in data:
            try:
                data["goal_minor"] = parse_amount(data["goal"], data["currency"])
            except ValidationError as error:
                self.add_error("goal", error)
        return data

    def campaign_input(self) -> CampaignInput:
        data = self.cleaned_data
        return CampaignInput(
            slug=data["slug"],
            fund=data["fund"],
            title=data["title"],
            story=data["story"],
            goal_minor=data["goal_minor"],
            currency=data["currency"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            is_published=data["is_published"],
        )


class MatchForm(forms.Form):
    """An employer match; the amount is read in the currency of the gift it matches."""

    employer = forms.CharField(label=_("Employer"), max_length=200)
    amount = forms.CharField(
        label=_("Amount the employer gives"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        help_text=_("For example the employer's reference for the request."),
    )

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "amount" in data:
            try:
                data["amount_minor"] = parse_amount(data["amount"], self.currency)
            except ValidationError as error:
                self.add_error("amount", error)
        return data
