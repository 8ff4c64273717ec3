"""Find a Doctor, profiles, programs and locations: public pages, the same for everyone."""

from urllib.parse import quote_plus, urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from medcenter.core.caching import cache_public_page
from medcenter.core.routes import public_route
from medcenter.directory import availability, program_events, works
from medcenter.directory.extras import program_sections
from medcenter.directory.forms import DoctorSearchForm, NearForm
from medcenter.directory.fragments import facet_sections, result_cards
from medcenter.directory.labels import language_name
from medcenter.directory.models import Clinician, Location, Program
from medcenter.directory.search import FACETS, FacetValue, search_doctors
from medcenter.directory.selectors import clinician_photo, locations_near, physician_ld

FACET_TITLES = {
    "specialty": _("Specialty"),
    "program": _("Program"),
    "condition": _("Condition"),
    "language": _("Language spoken"),
    "location": _("Location"),
    "gender": _("Gender"),
    "accepting": _("Availability"),
    "telehealth": _("Video visits"),
}


@public_route
@require_safe
def doctors(request: HttpRequest) -> HttpResponse:
    """Search clinicians; htmx requests get only the results, everything works without it."""
    form = DoctorSearchForm(request.GET)
    query = form.to_query()
    results = search_doctors(query)
    params = {k: str(v) for k, v in request.GET.items() if k != "page" and v}
    facets = [
        (name, FACET_TITLES[name], _toggle_links(params, name, results.facets[name][:12]))
        for name in FACETS
    ]
    context = {
        "form": form,
        "results": results,
        "facet_html": facet_sections(facets),
        "card_html": result_cards(results.hits),
        "page_query": urlencode(params) + "&" if params else "",
        "base_query": params,
        "active_filters": sum(1 for name in FACETS if params.get(name)),
        "suggestion_query": urlencode({**params, "q": results.suggestion}),
    }
    template = "directory/doctors.html"
    if getattr(request, "htmx", False) and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)


def _toggle_links(
    base: dict[str, str], name: str, values: list[FacetValue]
) -> list[tuple[FacetValue, str]]:
    """Each value's link: the same search with the value added, or removed when selected."""
    others = urlencode({k: v for k, v in base.items() if k != name})
    joiner = "&" if others else ""
    links = []
    for value in values:
        if value.selected:
            links.append((value, f"?{others}"))
        else:
            chosen = "on" if name in ("accepting", "telehealth") else value.value
            links.append((value, f"?{others}{joiner}{name}={quote_plus(chosen)}"))
    return links


# Not cached whole: its next available must move on as soon as a slot is booked (the times
# themselves are cached per clinician by their provider, and the shell per language).
@public_route
@require_safe
def doctor(request: HttpRequest, slug: str) -> HttpResponse:
    clinician = (
        Clinician.objects.filter(slug=slug, is_active=True)
        .select_related("photo")
        .prefetch_related("specialties", "programs", "conditions", "locations")
        .first()
    )
    if clinician is None:
        raise Http404
    languages = [language_name(code) for code in clinician.languages]
    soonest = availability.next_available([clinician]).get(clinician.pk)
    return render(
        request,
        "directory/doctor.html",
        {
            "clinician": clinician,
            "languages": languages,
            "next_available": availability.render(clinician, soonest),
            "works": works.of_clinician(clinician),
            "structured": physician_ld(clinician),
        },
    )


@public_route
@require_safe
def photo(request: HttpRequest, slug: str, digest: str) -> HttpResponse:
    """A clinician's portrait. The address names the image's digest, so it never changes and
    may be kept for a year; an old address (the portrait was replaced) is gone."""
    portrait = clinician_photo(slug=slug, digest=digest)
    if portrait is None:
        raise Http404
    response = HttpResponse(bytes(portrait.image), content_type=portrait.content_type)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@public_route
@require_safe
@cache_public_page
def programs(request: HttpRequest) -> HttpResponse:
    return render(
        request, "directory/programs.html", {"programs": Program.objects.filter(is_published=True)}
    )


@public_route
@require_safe
@cache_public_page
def program(request: HttpRequest, slug: str) -> HttpResponse:
    found = Program.objects.filter(slug=slug, is_published=True).first()
    if found is None:
        raise Http404
    team = found.team.select_related("clinician")
    roles: dict[str, list[Clinician]] = {}
    for member in team:
        roles.setdefault(member.role, []).append(member.clinician)
    return render(
        request,
        "directory/program.html",
        {
            "program": found,
            "content": found.content,
            "team_roles": roles,
            "conditions": found.conditions.order_by("name"),
            "clinician_count": found.clinicians.filter(is_active=True).count(),
            "works": works.of_program(found),
            "program_events": program_events.of_program(found),
            "extra_sections": program_sections(found),
        },
    )


@public_route
@require_safe
def locations(request: HttpRequest) -> HttpResponse:
    """All sites, nearest first when the visitor gives a ZIP code."""
    form = NearForm(request.GET or None)
    near = form.cleaned_data.get("near", "") if form.is_valid() else ""
    found = locations_near(near)
    return render(
        request,
        "directory/locations.html",
        {"form": form, "rows": found.rows, "near_unknown": found.unknown_postal_code},
    )


@public_route
@require_safe
@cache_public_page
def location(request: HttpRequest, slug: str) -> HttpResponse:
    site = Location.objects.filter(slug=slug).first()
    if site is None:
        raise Http404
    clinicians = site.clinicians.filter(is_active=True).order_by("family_name")[:30]
    return render(request, "directory/location.html", {"location": site, "clinicians": clinicians})
