from typing import Any
from uuid import UUID

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from medcenter.international import letters

register = template.Library()

# Stands for a case's id in a link reversed once per page.
_ANY_CASE = UUID(int=0)


@register.simple_tag
def money(cents: int, currency: str = "USD") -> str:
    """Integer minor units in the page language's way of writing money."""
    return letters.money(int(cents or 0), currency)


@register.filter
def shown_total(estimate: Any) -> str:
    """An estimate's total in the patient's currency at the rate frozen in it."""
    return letters.shown_in(estimate.total_cents, estimate)


@register.simple_tag
def queue_rows(cases: list[Any], now: Any) -> SafeString:
    """The queue's table rows (selectors.queue's page), every value escaped. Written here rather
    than as a template loop: the loop reversed a URL, translated a word and looked up a dozen
    variables per row, about half of a 50-row page's time; here the link is reversed and the
    word translated once per page."""
    link = reverse("international:case", args=[_ANY_CASE])
    overdue = format_html('<strong class="badge badge--warning">{}</strong> ', gettext("Overdue"))
    return format_html_join(
        "\n",
        '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
        "<td>{}</td><td>{}</td><td>{}{}</td></tr>",
        (
            (
                link.replace(str(_ANY_CASE), str(case.public_id)),
                case.reference,
                case.patient_name,
                case.country.name,
                case.language,
                case.status_label,
                case.coordinator.get_full_name() if case.coordinator else "\u2014",
                case.open_tasks,
                overdue if case.due_at < now else "",
                date_format(timezone.localtime(case.due_at), "SHORT_DATETIME_FORMAT"),
            )
            for case in cases
        ),
    )
