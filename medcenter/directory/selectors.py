"""Reads of the directory that more than one page needs."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.safestring import SafeString

from medcenter.core.ldjson import ld_json
from medcenter.directory.models import Clinician, ClinicianPhoto, Location, Program
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


def physician_ld(clinician: Clinician) -> SafeString:
    """The profile's schema.org description: an `IndividualPhysician` (a `Physician` for
    readers that predate the type) who practises at the center's sites. The clinician is
    read with its specialties, programs and locations prefetched."""
    site = str(settings.SITE_URL).rstrip("/")
    center = {"@type": "MedicalOrganization", "name": settings.CENTER["name"], "url": site}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": ["IndividualPhysician", "Physician"],
        "@id": f"{site}{clinician.get_absolute_url()}#physician",
        "name": clinician.display_name,
        "givenName": clinician.given_name,
        "familyName": clinician.family_name,
        "url": f"{site}{clinician.get_absolute_url()}",
        "jobTitle": clinician.title,
        "description": clinician.bio_teaser,
        "image": f"{site}{clinician.photo_url}" if clinician.photo_url else None,
        "medicalSpecialty": [s.name for s in clinician.specialties.all()],
        "knowsLanguage": list(clinician.languages),
        "isAcceptingNewPatients": clinician.accepting_new_patients,
        "hospitalAffiliation": center,
        "memberOf": [
            {"@type": "MedicalOrganization", "name": p.name, "url": f"{site}{p.get_absolute_url()}"}
            for p in clinician.programs.all()
        ],
        "practicesAt": [
            {
                "@type": "MedicalClinic",
                "name": place.name,
                "url": f"{site}{place.get_absolute_url()}",
                "telephone": place.phone,
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": place.street,
                    "addressLocality": place.city,
                    "addressRegion": place.region,
                    "postalCode": place.postal_code,
                    "addressCountry": place.country,
                },
            }
            for place in clinician.locations.all()
        ],
    }
    return ld_json({k: v for k, v in data.items() if v not in (None, "", [])})
