"""Writes to the directory. Each bumps the search index version so every worker rebuilds."""

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from medcenter.core.uploads import check_upload
from medcenter.directory import fts
from medcenter.directory.index import bump_version
from medcenter.directory.models import Clinician, ClinicianPhoto, Condition, ConditionTerm, Program

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


PORTRAIT_MAX_BYTES = 5 * 1024 * 1024
PORTRAIT_SIZE = 480  # pixels on the longer side: twice the largest place it is shown


def check_portrait(*, name: str, content: bytes, alt_text: str) -> bytes:
    """A portrait ready to keep, or ValidationError: a JPEG or PNG checked by its content,
    with the words that say what it shows (a portrait without them is shown to no one).

    The image is re-encoded as a JPEG at most PORTRAIT_SIZE pixels wide or high, which also
    drops any camera metadata (place, device) it carried."""
    if not " ".join(alt_text.split()):
        raise ValidationError(
            {"alt_text": [_("Describe the portrait for people who cannot see it.")]}
        )
    checked = check_upload(name=name, content=content, max_bytes=PORTRAIT_MAX_BYTES)
    if checked.content_type not in ("image/jpeg", "image/png"):
        raise ValidationError({"image": [_("A portrait must be a JPEG or PNG image.")]})
    with Image.open(io.BytesIO(checked.content)) as source:
        image = ImageOps.exif_transpose(source)
        image.thumbnail((PORTRAIT_SIZE, PORTRAIT_SIZE))
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        encoded = io.BytesIO()
        image.save(encoded, format="JPEG", quality=85, optimize=True)
    return encoded.getvalue()


@transaction.atomic
def set_clinician_photo(*, clinician: Clinician, image: bytes, alt_text: str) -> ClinicianPhoto:
    """Give a clinician the portrait `check_portrait` prepared, with what it shows."""
    alt_text = " ".join(alt_text.split())
    if not alt_text:
        raise ValidationError(
            {"alt_text": [_("Describe the portrait for people who cannot see it.")]}
        )
    photo, _created = ClinicianPhoto.objects.update_or_create(
        clinician=clinician,
        defaults={
            "image": image,
            "content_type": "image/jpeg",
            "digest": hashlib.sha256(image).hexdigest(),
            "alt_text": alt_text,
        },
    )
    return photo


@transaction.atomic
def remove_clinician_photo(*, clinician: Clinician) -> None:
    """Back to the initials."""
    ClinicianPhoto.objects.filter(clinician=clinician).delete()
