"""Reads of the directory that more than one page needs."""

from dataclasses import dataclass

from medcenter.directory.models import ClinicianPhoto, Location, Program
from medcenter.directory.search import zip_point
from medcenter.pages.home import ProgramCard


@dataclass(frozen=True)
class LocationsNear:
    rows: list[tuple[Location, float | None]]  # (site, km away or None)
    unknown_postal_code: bool


def locations_near(postal_code: str) -> LocationsNear:
    """Every site; nearest first when the postal code is one we can place on the map."""
    origin = zip_point(postal_code) if postal_code else None
    rows = [
        (site, site.distance_km(*origin) if origin else None) for site in Location.objects.all()
    ]
    if origin:
        rows.sort(key=lambda row: row[1] or 0.0)
    return LocationsNear(rows, bool(postal_code) and origin is None)


def program_cards() -> list[ProgramCard]:
    """List the published programs for the home page, in the current language."""
    return [
        ProgramCard(slug=p.slug, name=p.label, teaser=p.teaser_text, url=p.get_absolute_url())
        for p in Program.objects.filter(is_published=True)
    ]


def clinician_photo(*, slug: str, digest: str) -> ClinicianPhoto | None:
    """An active clinician's portrait, if `digest` names the one they have now."""
    if len(digest) != 16:
        return None
    return (
        ClinicianPhoto.objects.filter(
            clinician__slug=slug, clinician__is_active=True, digest__startswith=digest
        )
        .only("image", "content_type")
        .first()
    )
