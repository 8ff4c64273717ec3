"""Writes to the directory. Each bumps the search index version so every worker rebuilds."""

import json
from pathlib import Path
from typing import Any

import nh3
from django.db import transaction

from medcenter.directory import fts
from medcenter.directory.index import bump_version
from medcenter.directory.models import Clinician, Condition, ConditionTerm, Program

DATA = Path(__file__).resolve().parent / "data"
ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "h3", "h4", "a", "br", "blockquote"}
SITE_LANGUAGES = ("en", "es", "pt-br", "zh-hans", "ar", "ru")


def sanitize(html: str) -> str:
    """Keep the few tags page text needs; drop scripts, styles and event handlers (nh3)."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto", "tel"},
    )


def _sanitize_content(value: Any) -> Any:
    if isinstance(value, str):
        return sanitize(value) if "<" in value else value
    if isinstance(value, list):
        return [_sanitize_content(v) for v in value]
    if isinstance(value, dict):
        return {k: _sanitize_content(v) for k, v in value.items()}
    return value


@transaction.atomic
def save_program(*, program: Program) -> Program:
    """Save a program page edited by a content editor, with its rich text sanitized."""
    program.overview = sanitize(program.overview)
    program.content = _sanitize_content(program.content)
    program.save()
    transaction.on_commit(bump_version)
    return program


@transaction.atomic
def save_clinician(*, clinician: Clinician) -> Clinician:
    clinician.bio = sanitize(clinician.bio)
    clinician.save()
    fts.reindex([clinician.pk])
    transaction.on_commit(bump_version)
    return clinician


def load_json(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@transaction.atomic
def load_vocabulary() -> int:
    """Load the shipped conditions vocabulary (OncoTree and ICD-10-CM codes, lay terms in every
    site language); safe to run again. Returns the number of conditions."""
    programs = {p.slug: p for p in Program.objects.all()}
    conditions = load_json("conditions.json")
    for row in conditions:
        condition, _ = Condition.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "oncotree_code": row.get("oncotree_code") or "",
                "icd10_codes": row.get("icd10", []),
                "primary_program": programs.get(row["programs"][0]) if row["programs"] else None,
                "translations": {
                    lang: {"name": terms[0]}
                    for lang, terms in row["terms"].items()
                    if lang != "en" and terms
                },
            },
        )
        condition.programs.set([programs[s] for s in row["programs"] if s in programs])
        wanted = {(lang, term) for lang, terms in row["terms"].items() for term in terms}
        existing = set(condition.terms.values_list("language", "term"))
        ConditionTerm.objects.bulk_create(
            ConditionTerm(condition=condition, language=lang, term=term)
            for lang, term in wanted - existing
        )
        condition.terms.exclude(
            pk__in=[t.pk for t in condition.terms.all() if (t.language, t.term) in wanted]
        ).delete()
    transaction.on_commit(bump_version)
    return len(conditions)


def reindex_all() -> None:
    fts.reindex()
    bump_version()
