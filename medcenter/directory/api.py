"""Find a Doctor as JSON: GET /api/v1/directory/search."""

from typing import Literal

from django.http import HttpRequest
from django.utils import translation
from ninja import Query, Router, Schema

from medcenter.core.problems import errors
from medcenter.directory.search import FACETS, DoctorQuery, search_doctors

router = Router(tags=["directory"])

Language = Literal["en", "es", "pt-br", "zh-hans", "ar", "ru"]


class SearchParams(Schema):
    q: str = ""
    lang: Language = "en"
    specialty: str = ""
    program: str = ""
    condition: str = ""
    language: str = ""
    location: str = ""
    gender: str = ""
    accepting: bool = False
    telehealth: bool = False
    near: str = ""
    sort: Literal["relevance", "name", "distance"] = "relevance"
    page: int = 1


class ProgramOut(Schema):
    slug: str
    name: str
    url: str


class ConditionOut(Schema):
    slug: str
    name: str
    oncotree_code: str
    icd10_codes: list[str]


class ClinicianOut(Schema):
    slug: str
    name: str
    credentials: str
    title: str
    programs: list[str]
    specialties: list[str]
    languages: list[str]
    accepting_new_patients: bool
    telehealth: bool
    distance_km: float | None
    url: str


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchOut(Schema):
    total: int
    page: int
    pages: int
    programs: list[ProgramOut]
    conditions: list[ConditionOut]
    clinicians: list[ClinicianOut]
    facets: dict[str, list[FacetValueOut]]


@router.get(
    "/search",
    response={200: SearchOut, **errors(400)},
    summary="Search doctors, programs and conditions",
)
def search(request: HttpRequest, params: Query[SearchParams]) -> SearchOut:
    """Ranked clinicians (20 a page) with the programs and conditions the words name, and
    facet counts. `lang` chooses the language of labels and URLs; the words may be in any of
    the six site languages."""
    with translation.override(params.lang):
        # The same query the page runs; search_doctors trims q and clamps the page.
        results = search_doctors(DoctorQuery(**params.dict(exclude={"lang"})))
        return SearchOut(
            total=results.total,
            page=results.query.page,
            pages=results.pages,
            programs=[
                ProgramOut(slug=p.slug, name=p.label, url=p.get_absolute_url())
                for p in results.programs
            ],
            conditions=[
                ConditionOut(
                    slug=c.slug,
                    name=c.label,
                    oncotree_code=c.oncotree_code,
                    icd10_codes=c.icd10_codes,
                )
                for c in results.conditions
            ],
            clinicians=[
                ClinicianOut(
                    slug=h.clinician.slug,
                    name=h.clinician.display_name,
                    credentials=h.clinician.credentials,
                    title=h.clinician.title,
                    programs=h.programs,
                    specialties=h.specialty_slugs,
                    languages=h.clinician.languages,
                    accepting_new_patients=h.clinician.accepting_new_patients,
                    telehealth=h.clinician.telehealth,
                    distance_km=round(h.distance_km, 1) if h.distance_km is not None else None,
                    url=h.clinician.get_absolute_url(),
                )
                for h in results.hits
            ],
            facets={
                name: [
                    FacetValueOut(
                        value=str(v.value), label=v.label, count=v.count, selected=v.selected
                    )
                    for v in results.facets[name]
                ]
                for name in FACETS
            },
        )
