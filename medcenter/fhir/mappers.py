"""Our directory as FHIR R4 resources, built as dicts and validated with fhir.resources.

fhir.resources 8 keeps R4-era models under `fhir.resources.R4B`; Practitioner,
PractitionerRole, Location, Organization and HealthcareService are the same in R4 (4.0.1) and
R4B, so validating with R4B checks R4 conformance for these resources.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.healthcareservice import HealthcareService
from fhir.resources.R4B.location import Location as FhirLocation
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole

from medcenter.directory.models import Clinician, Location, LocationKind, Program

CENTER_ID = "center"
SYSTEM = "https://medcenter.example/fhir/identifier"  # our own identifier namespace
GENDERS = {"female": "female", "male": "male", "non_binary": "other"}
MODELS: dict[str, Any] = {
    "Practitioner": Practitioner,
    "PractitionerRole": PractitionerRole,
    "Location": FhirLocation,
    "Organization": Organization,
    "HealthcareService": HealthcareService,
}


def validated(resource: dict[str, Any]) -> dict[str, Any]:
    """Check the resource against its FHIR model; return it as JSON-ready data."""
    model = MODELS.get(resource["resourceType"]) or Bundle
    return model.model_validate(resource).model_dump(mode="json", exclude_none=True)


def _ref(kind: str, pk: Any, display: str = "") -> dict[str, str]:
    ref = {"reference": f"{kind}/{pk}"}
    if display:
        ref["display"] = display
    return ref


def practitioner(c: Clinician) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Practitioner",
        "id": str(c.public_id),
        "identifier": [{"system": SYSTEM + "/practitioner", "value": c.slug}],
        "active": c.is_active,
        "name": [
            {
                "use": "official",
                "family": c.family_name,
                "given": [c.given_name],
                **(
                    {"suffix": [s.strip() for s in c.credentials.split(",")]}
                    if c.credentials
                    else {}
                ),
            }
        ],
        "communication": [
            {"coding": [{"system": "urn:ietf:bcp:47", "code": code}]} for code in c.languages
        ],
    }
    if c.gender in GENDERS:
        resource["gender"] = GENDERS[c.gender]
    return validated(resource)


def practitioner_role(c: Clinician) -> dict[str, Any]:
    """One role per clinician at the center: specialties, locations and programs."""
    return validated(
        {
            "resourceType": "PractitionerRole",
            "id": str(c.public_id),
            "active": c.is_active,
            "practitioner": _ref("Practitioner", c.public_id, c.display_name),
            "organization": _ref("Organization", CENTER_ID, settings.CENTER["name"]),
            "specialty": [
                {
                    "coding": [
                        {"system": SYSTEM + "/specialty", "code": s.slug, "display": s.name}
                    ],
                    "text": s.name,
                }
                for s in c.specialties.all()
            ],
            "location": [_ref("Location", loc.public_id, loc.name) for loc in c.locations.all()],
            "healthcareService": [
                _ref("HealthcareService", p.public_id, p.name) for p in c.programs.all()
            ],
            "availabilityExceptions": None
            if c.accepting_new_patients
            else "Not accepting new patients",
        }
    )


def location(loc: Location) -> dict[str, Any]:
    owner = CENTER_ID if loc.kind != LocationKind.NETWORK else f"affiliate-{loc.slug}"
    return validated(
        {
            "resourceType": "Location",
            "id": str(loc.public_id),
            "identifier": [{"system": SYSTEM + "/location", "value": loc.slug}],
            "status": "active",
            "name": loc.name,
            "mode": "instance",
            "telecom": [{"system": "phone", "value": loc.phone}],
            "address": {
                "line": [loc.street],
                "city": loc.city,
                "state": loc.region,
                "postalCode": loc.postal_code,
                "country": loc.country,
            },
            "position": {"latitude": loc.latitude, "longitude": loc.longitude},
            "managingOrganization": _ref("Organization", owner),
            "hoursOfOperation": None,
            "description": "; ".join(loc.services) or None,
        }
    )


def organizations() -> list[dict[str, Any]]:
    """The center itself, and each affiliated network site as its own organization."""
    center = settings.CENTER
    result = [
        validated(
            {
                "resourceType": "Organization",
                "id": CENTER_ID,
                "active": True,
                "type": [
                    {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                                "code": "prov",
                                "display": "Healthcare Provider",
                            }
                        ]
                    }
                ],
                "name": center["name"],
                "alias": [center["short_name"]],
                "telecom": [
                    {"system": "phone", "value": center["phone"]},
                    {"system": "email", "value": center["email"]},
                ],
                "address": [
                    {
                        "line": [center["street"]],
                        "city": center["city"],
                        "state": center["region"],
                        "postalCode": center["postal_code"],
                        "country": center["country"],
                    }
                ],
            }
        )
    ]
    for loc in Location.objects.filter(kind=LocationKind.NETWORK).order_by("name"):
        result.append(
            validated(
                {
                    "resourceType": "Organization",
                    "id": f"affiliate-{loc.slug}",
                    "active": True,
                    "name": loc.name,
                    "partOf": _ref("Organization", CENTER_ID, center["name"]),
                    "telecom": [{"system": "phone", "value": loc.phone}],
                    "address": [
                        {
                            "line": [loc.street],
                            "city": loc.city,
                            "state": loc.region,
                            "postalCode": loc.postal_code,
                            "country": loc.country,
                        }
                    ],
                }
            )
        )
    return result


def healthcare_service(p: Program, *, campuses: Sequence[Location] | None = None) -> dict[str, Any]:
    if campuses is None:
        campuses = list(Location.objects.filter(kind=LocationKind.MAIN_CAMPUS))
    return validated(
        {
            "resourceType": "HealthcareService",
            "id": str(p.public_id),
            "identifier": [{"system": SYSTEM + "/program", "value": p.slug}],
            "active": p.is_published,
            "providedBy": _ref("Organization", CENTER_ID, settings.CENTER["name"]),
            "name": p.name,
            "comment": p.teaser or None,
            "type": [{"text": p.name}],
            "location": [_ref("Location", loc.public_id, loc.name) for loc in campuses],
        }
    )


def healthcare_services(programs: Iterable[Program]) -> list[dict[str, Any]]:
    """A page of programs, reading the main campuses once rather than once per program."""
    campuses = list(Location.objects.filter(kind=LocationKind.MAIN_CAMPUS))
    return [healthcare_service(p, campuses=campuses) for p in programs]


def searchset(
    entries: list[dict[str, Any]], *, total: int, base: str, self_url: str, next_url: str | None
) -> dict[str, Any]:
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": total,
            "link": links,
            "entry": [
                {
                    "fullUrl": f"{base}{e['resourceType']}/{e['id']}",
                    "resource": e,
                    "search": {"mode": "match"},
                }
                for e in entries
            ],
        }
    ).model_dump(mode="json", exclude_none=True)
