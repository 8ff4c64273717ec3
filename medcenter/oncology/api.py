"""The oncology record's calculators as JSON: staging and actionability.

POST /api/v1/oncology/stage, POST /api/v1/oncology/annotate, GET /api/v1/oncology/schemes.
They store nothing and take no patient identifiers, but they are clinical decision support, so
they answer signed-in staff with a verified second factor and the oncology-record permission.
"""

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import SessionAuth

from medcenter.core.problems import errors
from medcenter.oncology import staging
from medcenter.oncology.genomics import (
    AlterationError,
    UnknownTumorTypeError,
    alteration_from_mapping,
    default_annotator,
)
from medcenter.patients.access import is_mfa_verified

PERMISSION = "oncology.view_oncology_record"
MAX_ALTERATIONS = 1000


class ClinicalStaff(SessionAuth):
    """A session of a staff member who passed the second factor and may read oncology records."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        if not (user.is_staff and is_mfa_verified(user) and user.has_perm(PERMISSION)):
            raise HttpError(403, _("Your role does not include the oncology record."))
        return user


router = Router(tags=["oncology"], auth=ClinicalStaff())

Classification = Literal[
    "clinical", "pathological", "post_therapy_clinical", "post_therapy_pathological"
]


class StageIn(Schema):
    scheme: str
    classification: Classification = "clinical"
    categories: dict[str, str] | None = None
    facts: dict[str, Any] | None = None


class StageOut(Schema):
    scheme: str
    rule_version: str
    classification: str
    prefix: str
    categories: dict[str, str]
    labels: dict[str, str]
    stage_group: str | None
    stage_group_note: str | None
    derived_from: dict[str, list[str]]


class CategoryOut(Schema):
    code: str
    label: str


class AxisOut(Schema):
    id: str
    label: str
    categories: list[CategoryOut]
    facts: list[str]


class FactOut(Schema):
    name: str
    type: str
    label: str
    axis: str
    choices: list[str]


class SchemeOut(Schema):
    id: str
    title: str
    rule_version: str
    has_stage_groups: bool
    stage_groups: list[str]
    axes: list[AxisOut]
    facts: list[FactOut]


@router.get(
    "/schemes",
    response={200: list[SchemeOut], **errors(401, 403)},
    summary="The staging schemes and their inputs",
)
def schemes(request: HttpRequest) -> list[SchemeOut]:
    return [
        SchemeOut(
            id=s.id,
            title=str(s.title),
            rule_version=s.rule_version,
            has_stage_groups=s.has_stage_groups,
            stage_groups=list(s.stage_groups),
            axes=[
                AxisOut(
                    id=a.id,
                    label=str(a.label),
                    categories=[CategoryOut(code=c.code, label=str(c.label)) for c in a.categories],
                    facts=list(a.facts),
                )
                for a in s.axes
            ],
            facts=[
                FactOut(
                    name=f.name,
                    type=f.type,
                    label=str(f.label),
                    axis=f.axis,
                    choices=list(f.choices),
                )
                for f in s.facts
            ],
        )
        for s in staging.list_schemes()
    ]


@router.post(
    "/stage",
    response={200: StageOut, **errors(400, 401, 403)},
    summary="Stage a tumor from categories or raw facts",
)
def stage(request: HttpRequest, body: StageIn) -> StageOut:
    """Categories (T, N, M, grade) or raw facts (size in cm, sites of metastasis, grade) in;
    the categories, the stage group and the rule version out. Anything that cannot be staged
    is a 400 with a message per field; a stage is never guessed."""
    result = staging.stage(
        scheme=body.scheme,
        classification=body.classification,
        categories=body.categories,
        facts=body.facts,
    )
    return StageOut(
        scheme=result.scheme,
        rule_version=result.rule_version,
        classification=result.classification,
        prefix=result.prefix,
        categories=dict(result.categories),
        labels=dict(result.labels),
        stage_group=result.stage_group,
        stage_group_note=str(result.stage_group_note) if result.stage_group_note else None,
        derived_from={k: list(v) for k, v in result.derived_from.items()},
    )


class AlterationIn(Schema):
    gene: str
    alteration: str = ""
    kind: str = ""
    partner: str = ""


class AnnotateIn(Schema):
    tumor_type: str
    alterations: list[AlterationIn]


class TherapyOut(Schema):
    therapy: str
    level: str
    direction: str
    tumor_type: str
    source: str


class AnnotationOut(Schema):
    gene: str
    alteration: str
    hgvs: str | None
    classes: list[str]
    hotspot: bool
    sensitive: list[TherapyOut]
    resistant: list[TherapyOut]


class AnnotateOut(Schema):
    tumor_type: str
    knowledge_version: str
    annotations: list[AnnotationOut]


@router.post(
    "/annotate",
    response={200: AnnotateOut, **errors(400, 401, 403)},
    summary="Therapies for a tumor's alterations, with evidence levels",
)
def annotate(request: HttpRequest, body: AnnotateIn) -> AnnotateOut:
    """Per alteration: the therapies it points to (sensitive) or away from (resistant), each
    with its evidence level and the tumor type of the evidence."""
    if len(body.alterations) > MAX_ALTERATIONS:
        message = _("Send at most %(count)d alterations at a time.") % {"count": MAX_ALTERATIONS}
        raise ValidationError({"alterations": [message]})
    problems: dict[str, list[str]] = {}
    alterations = []
    for number, item in enumerate(body.alterations):
        try:
            alterations.append(alteration_from_mapping(item.dict()))
        except AlterationError as error:
            problems[f"alterations[{number}]"] = [str(error)]
    if problems:
        raise ValidationError(problems)
    annotator = default_annotator()
    try:
        results = annotator.annotate(tumor_type=body.tumor_type, alterations=alterations)
    except UnknownTumorTypeError as error:  # the pure genomics package knows no Django
        raise ValidationError({"tumor_type": [str(error)]}) from error

    def therapies(matches: Any) -> list[TherapyOut]:
        return [
            TherapyOut(
                therapy=m.therapy,
                level=str(m.level),
                direction=str(m.direction),
                tumor_type=m.tumor_type,
                source=m.source,
            )
            for m in matches
        ]

    return AnnotateOut(
        tumor_type=body.tumor_type.upper(),
        knowledge_version=annotator.version,
        annotations=[
            AnnotationOut(
                gene=r.alteration.gene,
                alteration=r.alteration.label,
                hgvs=r.alteration.protein.hgvs if r.alteration.protein else None,
                classes=sorted(str(c) for c in r.classes),
                hotspot=r.hotspot is not None,
                sensitive=therapies(r.sensitive),
                resistant=therapies(r.resistant),
            )
            for r in results
        ],
    )
