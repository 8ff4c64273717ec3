from typing import Any

from django import template
from django.utils.translation import get_language

from medcenter.giving import tokens
from medcenter.giving.money import format_money

register = template.Library()


@register.filter
def money(minor: int, currency: str) -> str:
    """{{ gift.amount_minor|money:gift.currency }} in the page's language."""
    return format_money(int(minor), str(currency))


@register.filter
def localized(obj: Any, field: str) -> str:
    """{{ fund|localized:"name" }}: the field in the page's language where translated."""
    return str(obj.text(field, get_language() or "en"))


@register.simple_tag
def gift_token(gift: Any) -> str:
    return tokens.gift_token(gift.public_id)
