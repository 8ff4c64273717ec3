from typing import Any

from django import template

from medcenter.international import letters

register = template.Library()


@register.simple_tag
def money(cents: int, currency: str = "USD") -> str:
    """Integer minor units in the page language's way of writing money."""
    return letters.money(int(cents or 0), currency)


@register.filter
def shown_total(estimate: Any) -> str:
    """An estimate's total in the patient's currency at the rate frozen in it."""
    return letters.shown_in(estimate.total_cents, estimate)
