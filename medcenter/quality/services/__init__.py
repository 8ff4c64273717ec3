"""Writes of the quality app: the catalogue, measure versions, entered figures, monthly
snapshots and publishing. Each write audits inside its transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from medcenter.core import audit, pending_uploads, vault
from medcenter.core.caching import forget_public_pages
from medcenter.core.models import PendingUpload
from medcenter.core.uploads import CheckedUpload
from medcenter.quality.catalogue import SPECS, STRATIFIERS
from medcenter.quality.models import (
    Benchmark,
    Entry,
    Kind,
    Measure,
    MeasureVersion,
    Publication,
    Snapshot,
    SnapshotStatus,
    Source,
    Stratifier,
)
from medcenter.quality.services import figures, measures, strata
from medcenter.quality.services.figures import Figure

TEXT_FIELDS = ("name", "definition", "explanation")


# --- measures as data ----------------------------------------------------------------------


def validate_translations(translations: Any) -> None:
    """Raise ValidationError unless `translations` maps LANGUAGES codes to name, definition
    and explanation strings (an allow-list: no other language or field is stored)."""
    codes = {code for code, _name in settings.LANGUAGES if code != "en"}
    if not isinstance(translations, dict):
        raise ValidationError({"translations": _("Translations must be an object.")})
    for language, texts in translations.items():
        if language not in codes:
            raise ValidationError(
                {"translations": _("%(code)s is not a language of this site.") % {"code": language}}
            )
        if not isinstance(texts, dict) or not set(texts) <= set(TEXT_FIELDS):
            raise ValidationError(
                {"translations": _("Each language may give a name, definition and explanation.")}
            )
        if not all(isinstance(value, str) for value in texts.values()):
            raise ValidationError({"translations": _("Translations must be text.")})


@transaction.atomic
def install_catalogue() -> int:
    """Create the catalogue's measures, first versions, benchmarks and stratifiers if absent."""
    created = 0
    for order, spec in enumerate(SPECS):
        measure, made = Measure.objects.get_or_create(
            code=spec.code,
            defaults={
                "aim": spec.aim,
                "kind": spec.kind,
                "direction": spec.direction,
                "source": spec.source,
                "target": spec.target,
                "unit": spec.unit,
                "per": spec.per,
                "meaningful_gap": spec.gap,
                "is_public": spec.is_public,
                "steward": spec.steward,
                "after": spec.after,
                "order": order,
            },
        )
        translations = spec.translations()
        validate_translations(translations)
        wording = {
            "name": spec.name,
            "definition": spec.definition,
            "numerator": spec.numerator,
            "denominator": spec.denominator,
            "exclusions": spec.exclusions,
            "explanation": spec.explanation,
            "translations": translations,
        }
        if not made:
            _follow_catalogue(measure, wording)
            continue
        created += 1
        MeasureVersion.objects.create(measure=measure, number=1, **wording)
        for value, source, year, is_demo in spec.benchmarks:
            Benchmark.objects.create(
                measure=measure, value=value, source=source, year=year, is_demo=is_demo
            )
    for order, (code, name, kind) in enumerate(STRATIFIERS):
        Stratifier.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "order": order}
        )
    return created


def _follow_catalogue(measure: Measure, wording: dict[str, Any]) -> None:
    """Give a measure the catalogue's newer wording (translations added, a definition
    corrected) as a new version, while only the catalogue has worded it: once an analyst
    has revised a measure (a second version), their wording stands."""
    versions = list(measure.versions.order_by("number")[:2])
    if len(versions) != 1:
        return
    first = versions[0]
    if all(getattr(first, name) == value for name, value in wording.items()):
        return
    MeasureVersion.objects.create(measure=measure, number=2, **wording)
    audit.record(action="quality.measure_revised", target=measure, reason="catalogue")


def current_version(measure: Measure) -> MeasureVersion:
    version = measure.versions.order_by("-number").first()
    if version is None:
        raise ValidationError(_("This measure has no definition yet."))
    return version


@transaction.atomic
def revise_measure(*, measure: Measure, actor: Any, **texts: Any) -> MeasureVersion:
    """Save new wording as the measure's next version; earlier snapshots keep theirs."""
    allowed = {"name", "definition", "numerator", "denominator", "exclusions", "explanation"}
    unknown = set(texts) - allowed - {"translations"}
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    previous = current_version(measure)
    translations = texts.pop("translations", previous.translations)
    validate_translations(translations)
    fields = {name: texts.get(name, getattr(previous, name)) for name in allowed}
    version = MeasureVersion.objects.create(
        measure=measure, number=previous.number + 1, translations=translations, **fields
    )
    audit.record(action="quality.measure_revised", actor=actor, target=version)
    return version


# --- entered figures -------------------------------------------------------------------------


@transaction.atomic
def record_entry(
    *,
    measure_code: str,
    month: date,
    numerator: int,
    denominator: float,
    actor: Any,
    document: CheckedUpload | None = None,
    kept: Sequence[PendingUpload] = (),
    source_note: str = "",
    reason: str = "",
) -> Entry:
    """Record an analyst's figures for a month with their source document. When the month
    already has figures this is a correction: a new row naming the one it corrects, and why."""
    measure = Measure.objects.filter(code=measure_code, source=Source.ENTERED).first()
    if measure is None:
        raise ValidationError({"measure": _("Choose a measure that analysts enter.")})
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise ValidationError({"month": _("A month that has not started cannot be reported.")})
    if document is None:
        raise ValidationError(
            {"document": _("Attach the report the figures come from (for example NHSN's).")}
        )
    if denominator <= 0:
        raise ValidationError({"denominator": _("The denominator must be more than zero.")})
    if measure.kind == Kind.PROPORTION and numerator > denominator:
        raise ValidationError(
            {"numerator": _("The numerator cannot be larger than the denominator.")}
        )
    # Lock the month's latest row so two corrections cannot both name it (the one-to-one
    # constraint on `corrects` decides on SQLite).
    latest = (
        Entry.objects.select_for_update(of=("self",))
        .filter(measure=measure, month=month, corrected_by__isnull=True)
        .order_by("-created_at")
        .first()
    )
    reason = reason.strip()
    if latest is not None and not reason:
        raise ValidationError(
            {"reason": _("This month already has figures: say why you are correcting them.")}
        )
    entry = Entry.objects.create(
        measure=measure,
        month=month,
        numerator=numerator,
        denominator=denominator,
        source_filename=document.filename,
        source_content_type=document.content_type,
        source_size=document.size,
        source_sha256=document.sha256,
        vault_key=vault.store(content=document.content),
        source_note=source_note,
        corrects=latest,
        reason=reason if latest is not None else "",
        entered_by=actor,
    )
    if kept:
        pending_uploads.release_uploads(uploads=list(kept))
    audit.record(
        action="quality.entry_corrected" if latest else "quality.entry_recorded",
        actor=actor,
        target=entry,
        reason=entry.reason[:300],
    )
    return entry


def _current_entries(*, measure: Measure, months: Iterable[date]) -> dict[date, Entry]:
    return {
        entry.month: entry
        for entry in Entry.objects.filter(
            measure=measure, month__in=list(months), corrected_by__isnull=True
        )
    }


# --- snapshots and publishing ------------------------------------------------------------------


def _entered_figure(measure: Measure, entry: Entry) -> Figure:
    if measure.kind == Kind.RATIO:
        return figures.ratio(entry.numerator, entry.denominator)
    if measure.kind == Kind.RATE:
        return figures.rate(entry.numerator, entry.denominator, measure.per)
    return figures.proportion(entry.numerator, int(entry.denominator))


def _unit_figure(measure: Measure, units: list[measures.Unit]) -> Figure:
    if measure.kind == Kind.MEDIAN:
        return figures.median([u.value for u in units])
    return figures.proportion(*measures.counts(units))


def _strata_rows(
    measure: Measure,
    units: list[measures.Unit],
    month: date,
    people: dict[int, strata.Demographics],
    kinds: list[tuple[str, str]],
) -> list[tuple[str, str, Figure]]:
    rows = []
    x_all, n_all = measures.counts(units)
    for code, kind in kinds:
        by_program = kind == strata.PROGRAM
        if by_program and measure.code not in measures.BY_PROGRAM:
            continue
        grouped: dict[str, list[measures.Unit]] = defaultdict(list)
        for unit in units:
            if by_program:
                grouped[unit.program or "unknown"].append(unit)
                continue
            person = people.get(unit.patient_id) if unit.patient_id is not None else None
            key = strata.stratum(kind, person, month) if person else "unknown"
            grouped[key].append(unit)
        for key, members in sorted(grouped.items()):
            figure = _unit_figure(measure, members)
            # Programs are compared on the funnel plot, not flagged as equity gaps.
            if measure.kind == Kind.PROPORTION and not by_program:
                x, n = measures.counts(members)
                flagged = figures.worse_than_rest(
                    x=x,
                    n=n,
                    rest_x=x_all - x,
                    rest_n=n_all - n,
                    higher_is_better=measure.direction == "higher",
                    gap=measure.meaningful_gap,
                )
                figure = Figure(
                    figure.numerator,
                    figure.denominator,
                    figure.value,
                    figure.low,
                    figure.high,
                    flagged,
                )
            rows.append((code, key, figure))
    return rows


@transaction.atomic
def take_snapshots(*, months: Sequence[date]) -> int:
    """Compute draft snapshots of every measure for `months` (published months are kept as
    they are); return how many rows were written."""
    months = sorted({m.replace(day=1) for m in months})
    published = set(Publication.objects.filter(month__in=months).values_list("month", flat=True))
    months = [m for m in months if m not in published]
    if not months:
        return 0
    reads = measures.Reads(start=months[0], end=measures.next_month(months[-1]))
    people = strata.demographics()
    kinds = list(
        Stratifier.objects.filter(
            is_active=True, kind__in=[*strata.KINDS, strata.PROGRAM]
        ).values_list("code", "kind")
    )
    rows: list[Snapshot] = []
    versions = []
    for measure in Measure.objects.all():
        version = measure.versions.order_by("-number").first()
        if version is None:
            continue
        versions.append(version)
        for month, stratifier, stratum, figure in _measure_rows(
            measure, months, reads, people, kinds
        ):
            rows.append(
                Snapshot(
                    version=version,
                    month=month,
                    stratifier=stratifier,
                    stratum=stratum,
                    numerator=figure.numerator,
                    denominator=figure.denominator,
                    value=figure.value,
                    low=figure.low,
                    high=figure.high,
                    flagged=figure.flagged,
                )
            )
    Snapshot.objects.filter(
        version__measure__in=[v.measure_id for v in versions],
        month__in=months,
        status=SnapshotStatus.DRAFT,
    ).delete()
    Snapshot.objects.bulk_create(rows, batch_size=1000)
    audit.record(
        action="quality.snapshots_taken",
        reason=",".join(f"{m:%Y-%m}" for m in months)[:300],
    )
    return len(rows)


def _measure_rows(
    measure: Measure,
    months: list[date],
    reads: measures.Reads,
    people: dict[int, strata.Demographics],
    kinds: list[tuple[str, str]],
) -> Iterable[tuple[date, str, str, Figure]]:
    if measure.source == Source.ENTERED:
        for month, entry in _current_entries(measure=measure, months=months).items():
            yield month, "", "", _entered_figure(measure, entry)
        return
    if measure.code in measures.COMPUTED_TOTALS:
        totals = measures.COMPUTED_TOTALS[measure.code](reads)
        for month, (booked, offered) in sorted(totals.items()):
            yield month, "", "", figures.proportion(round(booked), round(offered))
        return
    computation = measures.COMPUTED.get(measure.code)
    if computation is None:
        return  # not measured yet: no row, never a zero
    grouped = measures.by_month(computation(reads))
    for month in months:
        units = grouped.get(month, [])
        yield month, "", "", _unit_figure(measure, units)
        for code, key, figure in _strata_rows(measure, units, month, people, kinds):
            yield month, code, key, figure


def public_paths() -> list[tuple[str, str]]:
    paths = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths.append((translation.get_language(), reverse("quality:home")))
    return paths


@transaction.atomic
def publish_month(*, month: date, actor: Any) -> Publication:
    """Publish a month's draft snapshots; the public page shows them from the next request."""
    month = month.replace(day=1)
    if Publication.objects.filter(month=month).exists():
        raise ValidationError({"month": _("This month is already published.")})
    drafts = Snapshot.objects.filter(month=month, status=SnapshotStatus.DRAFT)
    if not drafts.exists():
        raise ValidationError({"month": _("There are no figures for this month yet.")})
    publication = Publication.objects.create(
        month=month, published_by=actor, published_at=timezone.now()
    )
    drafts.update(status=SnapshotStatus.PUBLISHED)
    audit.record(action="quality.month_published", actor=actor, target=publication)
    transaction.on_commit(lambda: forget_public_pages(public_paths()))
    return publication
