"""The search page's repeated markup (facet links, result cards), built in Python.

A results page holds about a hundred facet links and twenty cards; through template loops they
cost more than the search itself (~600 template nodes a page), so they are rendered here with
the standard library's escaping, then marked safe once. Everything is escaped: labels, names,
titles and URLs.
"""

from collections.abc import Sequence
from html import escape

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from medcenter.directory import availability
from medcenter.directory.search import FacetValue, Hit

FacetGroup = tuple[str, str | Promise, Sequence[tuple[FacetValue, str]]]


def facet_sections(facets: Sequence[FacetGroup]) -> SafeString:
    """One section of links per facet that has values; a selected value's link removes it."""
    remove = escape(_("Remove filter:"))
    parts: list[str] = []
    for _name, title, values in facets:
        if not values:
            continue
        parts.append(
            f'<section class="facet"><h3 class="facet__title">{escape(str(title))}</h3><ul>'
        )
        for value, link in values:
            if value.selected:
                parts.append(
                    f'<li><a href="{escape(link)}" aria-current="true" class="facet__selected">'
                    f'<span class="visually-hidden">{remove} </span>'
                )
            else:
                parts.append(f'<li><a href="{escape(link)}">')
            parts.append(
                f'{escape(value.label)} <span class="facet__count">({value.count})</span></a></li>'
            )
        parts.append("</ul></section>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def result_cards(hits: Sequence[Hit]) -> SafeString:
    """The list items of one page of results."""
    if not hits:
        return mark_safe("")
    # One reverse for the page: every profile URL differs only by its slug.
    pattern = reverse("directory:doctor", kwargs={"slug": "slug-placeholder"})
    accepting = escape(_("Accepting new patients"))
    video = escape(_("Video visits"))
    soonest = availability.next_available([hit.clinician for hit in hits])
    parts: list[str] = []
    for hit in hits:
        c = hit.clinician
        url = pattern.replace("slug-placeholder", c.slug)
        meta = escape(", ".join(hit.specialties))
        if hit.distance_km is not None:
            km = _("%(km)s km away") % {"km": floatformat(hit.distance_km, 0)}
            meta += f" · {escape(km)}"
        badges = (f'<span class="badge">{accepting}</span>' if c.accepting_new_patients else "") + (
            f' <span class="badge">{video}</span>' if c.telehealth else ""
        )
        parts.append(
            '<li class="doctor-card">'
            f'<span class="avatar" aria-hidden="true">{escape(c.initials)}</span><div>'
            f'<h2 class="doctor-card__name"><a href="{escape(url)}">'
            f"{escape(c.display_name)}</a></h2>"
            f'<p class="doctor-card__title">{escape(c.title)}</p>'
            f'<p class="meta">{meta}</p><p>{badges}</p>'
            f"{availability.render(c, soonest.get(c.pk))}</div></li>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
