"""Writes of results and documents: filing, review, holds, the patient's release wishes.

Every change that can move an item's release time ends in `refresh_release`, which stores
the new time, audits a release that happens now, and queues (or withdraws) the "a new result
is ready" notice due at the release time. Notices say nothing clinical (notices.py).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medcenter.core import audit, outbox, uploads, vault
from medcenter.core.outbox import preferences
from medcenter.directory.models import Clinician
from medcenter.oncology.models import GenotypingReport, TumorMarker
from medcenter.patients.access import proxy_access_for
from medcenter.patients.models import Patient, ProxyGrant, ProxyScope
from medcenter.results.models import (
    MAX_HOLD_DAYS,
    MAX_PREFERENCE_DAYS,
    ClinicianHold,
    Document,
    Interpretation,
    ReleaseLaw,
    ReleasePreference,
    ReportStatus,
    ResultCategory,
    ResultReport,
    ResultValue,
    SensitiveType,
)
from medcenter.results.release import LawDelay, release_time

Item = ResultReport | Document
NOTICE_KIND = "results.available"


@dataclass(frozen=True)
class ValueIn:
    display: str
    value_decimal: Decimal | None = None
    value_text: str = ""
    unit: str = ""
    code: str = ""
    reference_low: Decimal | None = None
    reference_high: Decimal | None = None
    reference_text: str = ""
    interpretation: str = ""


def _reference(item: Item) -> str:
    return f"result:{item.public_id}"


def _open_hold(item: Item) -> ClinicianHold | None:
    field = "report" if isinstance(item, ResultReport) else "document"
    return ClinicianHold.objects.filter(**{field: item}, lifted_at__isnull=True).first()


def _status(item: Item) -> str:
    return item.status if isinstance(item, ResultReport) else ReportStatus.FINAL


def compute_release(*, item: Item) -> datetime | None:
    """The item's release time from the rules and the holds in force."""
    preference = None
    if item.sensitive_type:
        preference = (
            ReleasePreference.objects.filter(
                patient_id=item.patient_id, sensitive_type=item.sensitive_type
            )
            .values_list("max_days", flat=True)
            .first()
        )
        laws = [
            LawDelay(days, by_review)
            for days, by_review in ReleaseLaw.objects.filter(
                active=True, sensitive_type=item.sensitive_type
            ).values_list("delay_days", "released_by_review")
        ]
    else:
        laws = []
    hold = _open_hold(item)
    return release_time(
        status=_status(item),
        issued_at=item.issued_at,
        reviewed_at=item.reviewed_at,
        preference_days=preference,
        laws=laws,
        hold_ends_at=hold.ends_at if hold is not None else None,
    )


@transaction.atomic
def refresh_release(*, item: Item, actor: Any = None) -> datetime | None:
    """Store the item's release time again; audit a release that happens now; queue the
    notice for the release time (withdrawing one queued for an earlier time)."""
    now = timezone.now()
    before = item.release_at
    after = compute_release(item=item)
    if after == before:
        return after
    type(item).objects.filter(pk=item.pk).update(release_at=after)
    item.release_at = after
    was_out = before is not None and before <= now
    is_out = after is not None and after <= now
    if is_out and not was_out:
        audit.record(action="result.released", actor=actor, patient=item.patient, target=item)
    elif was_out and not is_out:
        audit.record(action="result.withheld", actor=actor, patient=item.patient, target=item)
    # A notice not sent yet follows the item to its new release time; one already sent is
    # not repeated.
    withdrawn = outbox.withdraw(reference=_reference(item), kinds=[NOTICE_KIND])
    if after is not None and (withdrawn or not was_out):
        _queue_notices(item, due_at=max(after, now))
    return after


def _queue_notices(item: Item, *, due_at: datetime) -> None:
    """The patient, and each proxy who may see the item, hear that something is ready."""
    patient = item.patient
    stamp = due_at.strftime("%Y%m%dT%H%M%S")
    context = {"item": str(item.public_id), "patient": str(patient.public_id)}
    if patient.email:
        outbox.enqueue(
            kind=NOTICE_KIND,
            to=patient.email,
            language=patient.preferred_language,
            patient=patient,
            user=patient.user,
            context=context,
            reference=_reference(item),
            dedupe_key=f"{NOTICE_KIND}:{item.public_id}:self:{stamp}",
            due_at=due_at,
        )
    today = timezone.localdate()
    grants = ProxyGrant.objects.current().filter(patient=patient).select_related("proxy")
    for grant in grants:
        grant.patient = patient
        access = proxy_access_for(grant, today=today)
        if access is None or ProxyScope.RESULTS not in access.scopes:
            continue
        if item.adolescent_confidential and not access.sees_confidential:
            continue  # R5: a confidential item is never announced to a proxy
        outbox.enqueue(
            kind=NOTICE_KIND,
            to=grant.proxy.email,
            language=grant.proxy.preferred_language or patient.preferred_language,
            patient=patient,
            user=grant.proxy,
            context={**context, "proxy": str(grant.proxy.public_id)},
            reference=_reference(item),
            dedupe_key=f"{NOTICE_KIND}:{item.public_id}:{grant.proxy.public_id}:{stamp}",
            due_at=due_at,
        )


# --- Filing ---------------------------------------------------------------------------------


def _check_flags(*, sensitive_type: str, adolescent_confidential: bool, patient: Patient) -> None:
    if sensitive_type and sensitive_type not in SensitiveType.values:
        raise ValidationError({"sensitive_type": [_("Choose a sensitive type from the list.")]})


@transaction.atomic
def file_report(
    *,
    patient: Patient,
    actor: Any,
    category: str,
    display: str,
    values: list[ValueIn],
    issued_at: datetime,
    effective_at: datetime | None = None,
    code: str = "",
    status: str = ReportStatus.FINAL,
    conclusion: str = "",
    ordering_clinician: Clinician | None = None,
    sensitive_type: str = "",
    adolescent_confidential: bool = False,
    genotyping_report: GenotypingReport | None = None,
    tumor_marker: TumorMarker | None = None,
) -> ResultReport:
    """File a report with its values; it is released by the rules (at once when final)."""
    if category not in ResultCategory.values:
        raise ValidationError({"category": [_("Choose a category from the list.")]})
    if status not in ReportStatus.values:
        raise ValidationError({"status": [_("Choose a status from the list.")]})
    if not display.strip():
        raise ValidationError({"display": [_("Name the test.")]})
    _check_flags(
        sensitive_type=sensitive_type,
        adolescent_confidential=adolescent_confidential,
        patient=patient,
    )
    for value in values:
        if value.value_decimal is None and not value.value_text.strip():
            raise ValidationError({"values": [_("Each result needs a value.")]})
        if value.interpretation and value.interpretation not in Interpretation.values:
            raise ValidationError({"values": [_("Choose a flag from the list.")]})
    report = ResultReport.objects.create(
        patient=patient,
        category=category,
        code=code,
        display=display.strip(),
        status=status,
        effective_at=effective_at or issued_at,
        issued_at=issued_at,
        conclusion=conclusion,
        ordering_clinician=ordering_clinician,
        sensitive_type=sensitive_type,
        adolescent_confidential=adolescent_confidential,
        genotyping_report=genotyping_report,
        tumor_marker=tumor_marker,
    )
    ResultValue.objects.bulk_create(
        ResultValue(
            report=report,
            position=i,
            code=v.code,
            display=v.display.strip() or report.display,
            value_decimal=v.value_decimal,
            value_text=v.value_text.strip(),
            unit=v.unit,
            reference_low=v.reference_low,
            reference_high=v.reference_high,
            reference_text=v.reference_text,
            interpretation=v.interpretation,
        )
        for i, v in enumerate(values)
    )
    audit.record(action="result.filed", actor=actor, patient=patient, target=report)
    refresh_release(item=report, actor=actor)
    return report


def _noon(day: date | None) -> datetime:
    moment = datetime.combine(day or timezone.localdate(), time(12))
    return timezone.make_aware(moment)


MARKER_FLAGS = {
    "positive": Interpretation.POSITIVE,
    "negative": Interpretation.NEGATIVE,
    "high": Interpretation.HIGH,
    "elevated": Interpretation.HIGH,
    "low": Interpretation.LOW,
    "normal": Interpretation.NORMAL,
}


@transaction.atomic
def file_tumor_marker(
    *, marker: TumorMarker, actor: Any, issued_at: datetime | None = None
) -> ResultReport:
    """Put an oncology tumor marker result in front of the patient (once)."""
    existing: ResultReport | None = ResultReport.objects.filter(tumor_marker=marker).first()
    if existing is not None:
        return existing
    return file_report(
        patient=marker.patient,
        actor=actor,
        category=ResultCategory.TUMOR_MARKER,
        display=marker.name,
        code=marker.loinc_code,
        issued_at=issued_at or _noon(marker.observed_on),
        effective_at=_noon(marker.observed_on),
        sensitive_type=SensitiveType.TUMOR_MARKER,
        tumor_marker=marker,
        values=[
            ValueIn(
                display=marker.name,
                code=marker.loinc_code,
                value_text=marker.value,
                interpretation=MARKER_FLAGS.get(marker.interpretation.lower(), ""),
            )
        ],
    )


@transaction.atomic
def file_genotyping_report(
    *, report: GenotypingReport, actor: Any, issued_at: datetime | None = None
) -> ResultReport:
    """Put an oncology genotyping report in front of the patient (once): one value per
    alteration found, in the words clinicians use (gene and protein change)."""
    existing: ResultReport | None = ResultReport.objects.filter(genotyping_report=report).first()
    if existing is not None:
        return existing
    variants = list(report.variants.all())
    values = [
        ValueIn(
            display=v.gene,
            value_text=" ".join(
                part for part in (v.protein_short or v.protein_change, v.kind) if part
            )
            or v.gene,
            interpretation=Interpretation.ABNORMAL,
        )
        for v in variants
    ]
    if not values:
        values = [ValueIn(display=report.test_name, value_text=_("No alterations found"))]
    genes = ", ".join(report.genes_covered[:20])
    return file_report(
        patient=report.patient,
        actor=actor,
        category=ResultCategory.GENOTYPING,
        display=report.test_name,
        code="81247-9",  # LOINC: master HL7 genetic variant reporting panel
        issued_at=issued_at or _noon(report.reported_on),
        effective_at=_noon(report.reported_on),
        conclusion=_("Genes tested: %(genes)s") % {"genes": genes} if genes else "",
        sensitive_type=SensitiveType.GENETIC,
        genotyping_report=report,
        values=values,
    )


@transaction.atomic
def file_document(
    *,
    patient: Patient,
    actor: Any,
    kind: str,
    title: str,
    document_date: date,
    content: bytes,
    filename: str,
    author: str = "",
    issued_at: datetime | None = None,
    sensitive_type: str = "",
    adolescent_confidential: bool = False,
) -> Document:
    """File a document: the file is checked by its content and kept encrypted in the vault."""
    if not title.strip():
        raise ValidationError({"title": [_("Give the document a title.")]})
    _check_flags(
        sensitive_type=sensitive_type,
        adolescent_confidential=adolescent_confidential,
        patient=patient,
    )
    checked = uploads.check_upload(name=filename, content=content)
    document = Document.objects.create(
        patient=patient,
        kind=kind,
        title=title.strip(),
        document_date=document_date,
        author=author,
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        vault_key=vault.store(content=content),
        issued_at=issued_at or timezone.now(),
        sensitive_type=sensitive_type,
        adolescent_confidential=adolescent_confidential,
    )
    audit.record(action="document.filed", actor=actor, patient=patient, target=document)
    refresh_release(item=document, actor=actor)
    return document


# --- Review and holds -------------------------------------------------------------------------


def _locked(item: Item) -> Item:
    locked: Item = type(item).objects.select_for_update().select_related("patient").get(pk=item.pk)
    return locked


@transaction.atomic
def mark_reviewed(*, item: Item, actor: Any) -> Item:
    """The clinician has reviewed the item: holds waiting for review end."""
    item = _locked(item)
    if item.reviewed_at is None:
        item.reviewed_at = timezone.now()
        item.reviewed_by = actor
        item.save(update_fields=["reviewed_at", "reviewed_by", "updated_at"])
        audit.record(action="result.reviewed", actor=actor, patient=item.patient, target=item)
        refresh_release(item=item, actor=actor)
    return item


@transaction.atomic
def place_hold(*, item: Item, actor: Any, reason: str, days: int | None) -> ClinicianHold:
    """Hold one item from the patient for up to MAX_HOLD_DAYS, for a recorded reason: the
    harm that seeing it now is expected to cause (45 CFR 171.201)."""
    errors: dict[str, list[str]] = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Record the harm that this hold is meant to prevent.")]
    if days is None or not 1 <= days <= MAX_HOLD_DAYS:
        errors["days"] = [
            _("A hold lasts from 1 to %(max)d days.") % {"max": MAX_HOLD_DAYS},
        ]
    if errors or days is None:
        raise ValidationError(errors)
    item = _locked(item)
    now = timezone.now()
    field = "report" if isinstance(item, ResultReport) else "document"
    # A hold that ran out was never lifted by hand: close it so the new one is the open one.
    ClinicianHold.objects.filter(**{field: item}, lifted_at__isnull=True, ends_at__lte=now).update(
        lifted_at=now
    )
    if _open_hold(item) is not None:
        raise ValidationError({"__all__": [_("This item is already on hold.")]})
    hold = ClinicianHold.objects.create(
        **{field: item}, placed_by=actor, reason=reason.strip(), ends_at=now + timedelta(days=days)
    )
    audit.record(
        action="result.hold_placed",
        actor=actor,
        patient=item.patient,
        target=item,
        reason=hold.reason[:500],
    )
    refresh_release(item=item, actor=actor)
    return hold


@transaction.atomic
def lift_hold(*, item: Item, actor: Any) -> Item:
    """End the clinician's hold on the item now."""
    item = _locked(item)
    hold = _open_hold(item)
    if hold is None:
        raise ValidationError({"__all__": [_("This item is not on hold.")]})
    hold.lifted_at = timezone.now()
    hold.lifted_by = actor
    hold.save(update_fields=["lifted_at", "lifted_by", "updated_at"])
    audit.record(action="result.hold_lifted", actor=actor, patient=item.patient, target=item)
    refresh_release(item=item, actor=actor)
    return item


@transaction.atomic
def set_release_preference(
    *, patient: Patient, actor: Any, sensitive_type: str, max_days: int | None
) -> ReleasePreference | None:
    """The patient's wish for one sensitive type: only after review, at most `max_days`
    (None: show such results at once). Items already shown stay shown."""
    if sensitive_type not in SensitiveType.values:
        raise ValidationError({"sensitive_type": [_("Choose a type from the list.")]})
    if max_days is not None and not 1 <= max_days <= MAX_PREFERENCE_DAYS:
        raise ValidationError(
            {
                "max_days": [
                    _("Choose from 1 to %(max)d days.") % {"max": MAX_PREFERENCE_DAYS},
                ]
            }
        )
    preference: ReleasePreference | None = None
    if max_days is None:
        ReleasePreference.objects.filter(patient=patient, sensitive_type=sensitive_type).delete()
    else:
        preference, _created = ReleasePreference.objects.update_or_create(
            patient=patient, sensitive_type=sensitive_type, defaults={"max_days": max_days}
        )
    audit.record(
        action="result.preference_set",
        actor=actor,
        patient=patient,
        reason=f"{sensitive_type}={max_days or 'at once'}",
    )
    now = timezone.now()
    for model in (ResultReport, Document):
        pending = model.objects.filter(patient=patient, sensitive_type=sensitive_type).exclude(
            release_at__lte=now
        )
        for item in pending.select_related("patient"):
            refresh_release(item=item, actor=actor)
    return preference


def open_hold(*, item: Item) -> ClinicianHold | None:
    return _open_hold(item)


@transaction.atomic
def save_notification_preferences(
    *,
    patient: Patient,
    actor: Any,
    choices: dict[str, tuple[bool, bool]],
    quiet_start: time | None,
    quiet_end: time | None,
    time_zone: str,
    sms_consent: bool,
) -> preferences.Preferences:
    """Record which notices the patient wants, by which channel, and their quiet hours
    (kept by the core outbox, which applies them to every notice about the patient)."""
    if preferences.zone(time_zone) is None:
        raise ValidationError({"time_zone": [_("Choose a time zone from the list.")]})
    if (quiet_start is None) != (quiet_end is None):
        raise ValidationError(
            {"quiet_end": [_("Give both the start and the end of your quiet hours, or neither.")]}
        )
    if not sms_consent and any(sms for _email, sms in choices.values()):
        raise ValidationError(
            {"sms_consent": [_("To receive text messages, first agree to receive them.")]}
        )
    saved = preferences.save_preferences(
        patient_public_id=patient.public_id,
        user_public_id=patient.user.public_id if patient.user else None,
        choices={c: preferences.Choice(email, sms) for c, (email, sms) in choices.items()},
        quiet_start=quiet_start,
        quiet_end=quiet_end,
        time_zone=time_zone,
        sms_consent=sms_consent,
    )
    audit.record(action="notifications.preferences_saved", actor=actor, patient=patient)
    return saved


@transaction.atomic
def refresh_release_filed(*, item: Item, actor: Any) -> datetime | None:
    """After a report was filed or changed by hand (admin): audit it and work out its
    release again."""
    audit.record(action="result.filed", actor=actor, patient=item.patient, target=item)
    return refresh_release(item=item, actor=actor)
