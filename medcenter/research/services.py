"""Writes for research: importing publications and confirming who wrote them."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from medcenter.directory.models import Clinician, Program
from medcenter.research import importer
from medcenter.research.models import (
    Authorship,
    AuthorshipStatus,
    Lab,
    Publication,
    Source,
)


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)  # labels of new publications
    duplicates: list[str] = field(default_factory=list)  # "label: why"
    bad: list[str] = field(default_factory=list)  # "label: why"
    suggested: int = 0  # authorships suggested for an editor to confirm

    def lines(self) -> list[str]:
        out = [
            f"added {len(self.added)}, duplicates {len(self.duplicates)}, "
            f"bad {len(self.bad)}, authorships suggested {self.suggested}"
        ]
        out += [f"duplicate: {line}" for line in self.duplicates]
        out += [f"bad: {line}" for line in self.bad]
        return out


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().replace("-", " ").replace(".", " ").split())


def split_author(name: str) -> tuple[str, str]:
    """(family, first initial) of "Family, Given" or PubMed's short "Family GI"."""
    if "," in name:
        family, _comma, given = name.partition(",")
        return _fold(family), _fold(given)[:1]
    parts = name.split()
    if len(parts) >= 2 and parts[-1].isupper() and len(parts[-1]) <= 3:
        return _fold(" ".join(parts[:-1])), parts[-1][:1].casefold()
    return _fold(name), ""


def suggest_authorships(
    *, publication: Publication, clinicians: Iterable[Clinician] | None = None
) -> int:
    """Suggest each active clinician whose family name and first initial match an author."""
    pool = (
        list(clinicians)
        if clinicians is not None
        else list(Clinician.objects.filter(is_active=True))
    )
    by_name: dict[tuple[str, str], list[Clinician]] = {}
    for clinician in pool:
        key = (_fold(clinician.family_name), _fold(clinician.given_name)[:1])
        by_name.setdefault(key, []).append(clinician)
    made = 0
    for author in publication.authors:
        for clinician in by_name.get(split_author(author), []):
            _created, new = Authorship.objects.get_or_create(
                publication=publication, clinician=clinician, defaults={"author_name": author}
            )
            made += int(new)
    return made


def _existing(record: importer.Record) -> Publication | None:
    q = Q()
    if record.pmid:
        q |= Q(pmid=record.pmid)
    if record.doi:
        q |= Q(doi=record.doi)
    return Publication.objects.filter(q).first() if q else None


@transaction.atomic
def import_publications(
    *,
    text: str,
    name: str = "",
    fmt: str | None = None,
    programs: Iterable[Program] = (),
    labs: Iterable[Lab] = (),
) -> ImportReport:
    """Import a MEDLINE or RIS file: new papers are added (with authorships suggested),
    papers already here (same PMID, else same normalized DOI) are left as they are, and
    each bad record is named with why. The whole file is one transaction."""
    report = ImportReport()
    kind = fmt or importer.detect_format(name, text)
    try:
        records = importer.read_ris(text) if kind == "ris" else importer.read_medline(text)
    except Exception as error:  # a broken file is a report line, never a crash
        report.bad.append(
            f"the file: it cannot be read as {kind.upper()} ({error.__class__.__name__})"
        )
        return report
    if not records:
        report.bad.append(f"the file: it holds no {kind.upper()} records")
        return report
    programs, labs = list(programs), list(labs)
    clinicians = list(Clinician.objects.filter(is_active=True))
    for record in records:
        if record.problems:
            report.bad.append(f"{record.label}: {'; '.join(record.problems)}")
            continue
        found = _existing(record)
        if found is not None:
            why = "same PMID" if record.pmid and found.pmid == record.pmid else "same DOI"
            report.duplicates.append(f"{record.label}: {why} as publication {found.public_id}")
            continue
        try:
            with transaction.atomic():
                publication = Publication.objects.create(
                    pmid=record.pmid or None,
                    doi=record.doi or None,
                    title=record.title,
                    journal=record.journal[:300],
                    year=record.year,
                    volume=record.volume[:40],
                    issue=record.issue[:40],
                    pages=record.pages[:40],
                    authors=record.authors,
                    abstract=record.abstract,
                    source=Source.RIS if kind == "ris" else Source.MEDLINE,
                )
        except IntegrityError:
            report.bad.append(f"{record.label}: its PMID or DOI clashes with another record")
            continue
        if programs:
            publication.programs.add(*programs)
        if labs:
            publication.labs.add(*labs)
        report.added.append(record.label)
        report.suggested += suggest_authorships(publication=publication, clinicians=clinicians)
    return report


@transaction.atomic
def decide_authorship(*, authorship: Authorship, confirm: bool, actor: Any) -> Authorship:
    """An editor confirms (shown on the profile) or rejects a suggested authorship."""
    authorship = Authorship.objects.select_for_update().get(pk=authorship.pk)
    if authorship.status != AuthorshipStatus.SUGGESTED:
        raise ValidationError(_("This suggestion was already decided."))
    authorship.status = AuthorshipStatus.CONFIRMED if confirm else AuthorshipStatus.REJECTED
    authorship.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    authorship.decided_at = timezone.now()
    authorship.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return authorship
