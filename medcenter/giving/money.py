"""Money: integer minor units plus an ISO 4217 code, never a float.

Amounts are whole numbers of the currency's smallest unit (cents). They are shown with Babel in
the visitor's language (`format_money`) and read from a form as text (`parse_amount`), through
`Decimal` only, so no binary fraction ever touches an amount.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_precision
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Limits:
    minimum: int  # minor units
    maximum: int
    presets: tuple[int, ...]


# What a visitor may give online, per currency; larger gifts go through a giving officer.
CURRENCIES: dict[str, Limits] = {
    "USD": Limits(500, 2_500_000, (2500, 5000, 10000, 25000)),
    "EUR": Limits(500, 2_500_000, (2500, 5000, 10000, 25000)),
    "GBP": Limits(500, 2_000_000, (2000, 4000, 8000, 20000)),
    "BRL": Limits(2500, 10_000_000, (10000, 25000, 50000, 100000)),
}
DEFAULT_CURRENCY = "USD"
_AMOUNT = re.compile(r"[0-9]+(\.[0-9]+)?")


def digits(currency: str) -> int:
    return int(get_currency_precision(currency))


def to_decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-digits(currency))


def babel_locale(language: str | None = None) -> str:
    code = (language or get_language() or "en").lower()
    return {"zh-hans": "zh_Hans_CN", "pt-br": "pt_BR"}.get(code, to_locale(code))


def format_money(minor: int, currency: str, language: str | None = None) -> str:
    """The amount as the visitor's language writes it: "$1,234.50", "1.234,50 US$"."""
    return str(
        format_currency(to_decimal(minor, currency), currency, locale=babel_locale(language))
    )


def parse_amount(text: str, currency: str) -> int:
    """Minor units from what a visitor typed ("50", "50.00", "1,000"); ValidationError if not."""
    cleaned = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    for symbol in ("$", "€", "£", "R$", "US"):
        cleaned = cleaned.replace(symbol, "")
    if cleaned.count(",") == 1 and "." not in cleaned and len(cleaned.split(",")[1]) in (1, 2):
        cleaned = cleaned.replace(",", ".")  # "50,5" written with a decimal comma
    cleaned = cleaned.replace(",", "")
    message = _("Enter an amount as a number, for example 50 or 50.00.")
    if not cleaned or len(cleaned) > 15 or not _AMOUNT.fullmatch(cleaned):
        raise ValidationError(message, code="amount_invalid")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(message, code="amount_invalid") from None
    if not value.is_finite():
        raise ValidationError(message, code="amount_invalid")
    minor = value.scaleb(digits(currency))
    if minor != minor.to_integral_value():
        raise ValidationError(
            _("Use at most %(digits)s decimal places.") % {"digits": digits(currency)},
            code="amount_invalid",
        )
    return int(minor)


def check_limits(minor: int, currency: str) -> None:
    """ValidationError naming the range when an amount is outside what we take online."""
    limits = CURRENCIES.get(currency)
    if limits is None:
        raise ValidationError(_("We cannot take gifts in this currency."), code="currency")
    if not limits.minimum <= minor <= limits.maximum:
        raise ValidationError(
            _("Give between %(low)s and %(high)s online, or call us for a larger gift.")
            % {
                "low": format_money(limits.minimum, currency),
                "high": format_money(limits.maximum, currency),
            },
            code="amount_range",
        )


def fee_for(minor: int, *, percent_bp: int, fixed: int) -> int:
    """What to add so that, after the gateway's fee, the center receives `minor`.

    total = (minor + fixed) / (1 - rate), rounded up, in integers: basis points, not a float.
    """
    numerator = (minor + fixed) * 10_000
    denominator = 10_000 - percent_bp
    total = -(-numerator // denominator)
    return total - minor
