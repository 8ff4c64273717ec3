"""Writes for trials: structured criteria and their corrections, matching results, contact
requests from the pre-screen, and the coordinator's decisions."""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medcenter.core import audit, bulkwrite, outbox, throttle
from medcenter.patients.models import Patient
from medcenter.trials import eligibility, genefilter
from medcenter.trials.models import (
    Candidate,
    CandidateStatus,
    ContactRequest,
    Criterion,
    CriterionOrigin,
    EnrollmentEvent,
    MatchState,
    RequestStatus,
    RequiredGene,
    Trial,
    TrialVector,
)

logger = logging.getLogger(__name__)

KINDS = (
    "age",
    "sex",
    "diagnosis",
    "stage",
    "biomarker",
    "performance",
    "prior_therapy",
    "prior_lines",
    "brain_metastases",
    "lab",
    "pregnancy",
    "text",
)
SECTIONS = ("inclusion", "exclusion")
PARAM_KEYS = {"section", "kind", "source"}


# --- Structured criteria ------------------------------------------------------------------


def criterion_key(section: str, source: str, kind: str, ordinal: int) -> str:
    """Identify a parsed criterion by its sentence, so a correction finds it after re-import."""
    text = re.sub(r"\W+", " ", source.lower()).strip()
    return hashlib.sha256(f"{section}|{text}|{kind}|{ordinal}".encode()).hexdigest()


@transaction.atomic
def refresh_criteria(*, trial: Trial) -> dict[str, int]:
    """Re-read the eligibility text; the team's corrections win over the parser's reading."""
    parsed = eligibility.parse_criteria(trial.eligibility_criteria)
    kept = {
        c.key: c
        for c in trial.criteria.filter(origin=CriterionOrigin.COORDINATOR).exclude(
            key__startswith="manual:"
        )
    }
    manual = list(trial.criteria.filter(key__startswith="manual:"))
    trial.criteria.filter(origin=CriterionOrigin.PARSER).delete()
    seen: Counter[tuple[str, str, str]] = Counter()
    rows: list[Criterion] = []
    used: set[str] = set()
    position = 0
    for item in parsed:
        section = str(item.get("section", "inclusion"))
        kind = str(item.get("kind", "text"))
        source = str(item.get("source", ""))
        ordinal = seen[(section, source, kind)]
        seen[(section, source, kind)] += 1
        key = criterion_key(section, source, kind, ordinal)
        position += 1
        if key in kept:
            correction = kept[key]
            correction.position = position
            correction.save(update_fields=["position"])
            used.add(key)
            continue
        rows.append(
            Criterion(
                trial=trial,
                position=position,
                section=section,
                kind=kind,
                params={k: v for k, v in item.items() if k not in PARAM_KEYS},
                source=source[:2000],
                key=key,
            )
        )
    Criterion.objects.bulk_create(rows)
    # A correction whose sentence left the registry's text no longer applies; keep it off.
    stale = [key for key in kept if key not in used]
    Criterion.objects.filter(trial=trial, key__in=stale).update(is_active=False)
    for extra in manual:
        position += 1
        extra.position = position
        extra.save(update_fields=["position"])
    refresh_required_genes(trial=trial)
    Trial.objects.filter(pk=trial.pk).update(updated_at=timezone.now())
    return {"parsed": len(parsed), "corrections_kept": len(used), "stale": len(stale)}


def clean_params(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """Check a coordinator's structured criterion; ValidationError names the field."""
    if kind not in KINDS:
        raise ValidationError({"kind": [_("Choose a kind of criterion.")]})
    clean: dict[str, Any] = {}

    def number(name: str, *, whole: bool = False, low: float = 0, high: float = 1e6) -> None:
        value: Any = params.get(name)
        if value is None or value == "":
            return
        try:
            parsed = float(value)
        except (TypeError, ValueError):
            raise ValidationError({name: [_("Enter a number.")]}) from None
        if not low <= parsed <= high or (whole and parsed != int(parsed)):
            raise ValidationError(
                {name: [_("Enter a number from %(low)g to %(high)g.") % {"low": low, "high": high}]}
            )
        clean[name] = int(parsed) if whole else parsed

    def words(name: str) -> list[str]:
        value = params.get(name) or []
        items = value if isinstance(value, list) else re.split(r"[,;\n]", str(value))
        return [str(v).strip() for v in items if str(v).strip()]

    if kind == "age":
        number("min_years", high=120)
        number("max_years", high=120)
        if not clean:
            raise ValidationError({"min_years": [_("Give a minimum or a maximum age.")]})
    elif kind == "sex":
        if params.get("sex") not in ("female", "male"):
            raise ValidationError({"sex": [_("Choose female or male.")]})
        clean["sex"] = params["sex"]
    elif kind == "diagnosis":
        from medcenter.trials.matcher.rules import oncotree

        codes = [c.upper() for c in words("oncotree")]
        unknown = [c for c in codes if oncotree().find(c) is None]
        if not codes or unknown:
            raise ValidationError(
                {
                    "oncotree": [
                        _("Use OncoTree codes, such as NSCLC or ES. Unknown: %(codes)s")
                        % {"codes": ", ".join(unknown) or "—"}
                    ]
                }
            )
        clean["oncotree"] = [oncotree().find(c) for c in codes]
    elif kind == "stage":
        stages = [s.upper() for s in words("stages")]
        if any(s not in ("0", "I", "II", "III", "IV") for s in stages):
            raise ValidationError({"stages": [_("Use stage groups 0, I, II, III or IV.")]})
        clean["stages"] = stages
        for flag in ("metastatic", "locally_advanced", "unresectable"):
            if params.get(flag):
                clean[flag] = True
        if not stages and len(clean) == 1:
            raise ValidationError({"stages": [_("Give stage groups or a flag.")]})
    elif kind == "biomarker":
        gene = str(params.get("gene") or "").strip().upper()
        if not re.fullmatch(r"[A-Z0-9-]{2,15}", gene):
            raise ValidationError({"gene": [_("Enter a gene symbol, such as EGFR.")]})
        clean["gene"] = gene
        clean["classes"] = words("classes") or ["mutation"]
    elif kind == "performance":
        scale = params.get("scale")
        if scale not in ("ecog", "karnofsky", "lansky"):
            raise ValidationError({"scale": [_("Choose ECOG, Karnofsky or Lansky.")]})
        clean["scale"] = scale
        top = 5 if scale == "ecog" else 100
        number("min", whole=True, high=top)
        number("max", whole=True, high=top)
        if len(clean) == 1:
            raise ValidationError({"max": [_("Give a minimum or a maximum.")]})
    elif kind == "prior_therapy":
        therapy = str(params.get("therapy") or "").strip().lower()
        if not therapy:
            raise ValidationError({"therapy": [_("Name the treatment.")]})
        clean["therapy"] = therapy
    elif kind == "prior_lines":
        number("min", whole=True, high=20)
        number("max", whole=True, high=20)
        if not clean:
            raise ValidationError({"max": [_("Give a minimum or a maximum.")]})
    elif kind == "brain_metastases":
        qualifier = params.get("qualifier") or None
        if qualifier not in (None, *eligibility.BRAIN_QUALIFIERS):
            raise ValidationError({"qualifier": [_("Choose a qualifier from the list.")]})
        clean["qualifier"] = qualifier
    elif kind == "lab":
        if params.get("test") not in eligibility.LAB_TESTS:
            raise ValidationError({"test": [_("Choose a laboratory test from the list.")]})
        if params.get("op") not in (">=", ">", "<=", "<"):
            raise ValidationError({"op": [_("Choose a comparison.")]})
        clean["test"], clean["op"] = params["test"], params["op"]
        number("value", low=-1e6)
        number("uln_multiple", high=100)
        if "value" not in clean and "uln_multiple" not in clean:
            raise ValidationError({"value": [_("Give a value or a multiple of the upper limit.")]})
        clean["unit"] = str(params.get("unit") or "")[:20]
    if kind in ("diagnosis", "biomarker", "prior_therapy", "brain_metastases", "pregnancy"):
        clean["present"] = params.get("present", True) not in (False, "false", "0", "")
    return clean


@transaction.atomic
def correct_criterion(
    *,
    criterion: Criterion,
    section: str,
    kind: str,
    params: dict[str, Any],
    is_active: bool,
    actor: Any,
) -> Criterion:
    """Record the team's reading of a criterion; it outlives re-imports of the trial."""
    if section not in SECTIONS:
        raise ValidationError({"section": [_("Choose inclusion or exclusion.")]})
    criterion.section = section
    criterion.kind = kind
    criterion.params = clean_params(kind, params) if kind != "text" else {}
    criterion.is_active = is_active
    criterion.origin = CriterionOrigin.COORDINATOR
    criterion.reviewed_by = actor
    criterion.reviewed_at = timezone.now()
    criterion.save()
    refresh_required_genes(trial=criterion.trial)
    Trial.objects.filter(pk=criterion.trial_id).update(updated_at=timezone.now())
    return criterion


@transaction.atomic
def add_criterion(
    *, trial: Trial, section: str, kind: str, params: dict[str, Any], source: str, actor: Any
) -> Criterion:
    """A criterion the team adds (the text does not state it, or not readably)."""
    if section not in SECTIONS:
        raise ValidationError({"section": [_("Choose inclusion or exclusion.")]})
    if not source.strip():
        raise ValidationError({"source": [_("Say in words what the criterion is.")]})
    import uuid

    last = trial.criteria.order_by("-position").values_list("position", flat=True).first() or 0
    criterion = Criterion.objects.create(
        trial=trial,
        position=last + 1,
        section=section,
        kind=kind,
        params=clean_params(kind, params) if kind != "text" else {},
        source=source.strip()[:2000],
        key=f"manual:{uuid.uuid4()}",
        origin=CriterionOrigin.COORDINATOR,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
    )
    refresh_required_genes(trial=trial)
    Trial.objects.filter(pk=trial.pk).update(updated_at=timezone.now())
    return criterion


@transaction.atomic
def refresh_required_genes(*, trial: Trial) -> list[str]:
    """Store the genes the trial requires an alteration in (search by gene reads them), from
    its active criteria and the team's biomarker requirements."""
    criteria = [c.as_dict() for c in Criterion.objects.filter(trial_id=trial.pk, is_active=True)]
    requirements = (
        Trial.objects.filter(pk=trial.pk).values_list("biomarker_requirements", flat=True).first()
    )
    required = genefilter.required_genes(criteria, requirements or [])
    RequiredGene.objects.filter(trial_id=trial.pk).exclude(gene__in=list(required)).delete()
    kept = {
        row.gene: row for row in RequiredGene.objects.filter(trial_id=trial.pk, gene__in=required)
    }
    for gene, classes in required.items():
        row = kept.get(gene)
        if row is None:
            RequiredGene.objects.create(trial_id=trial.pk, gene=gene, classes=classes)
        elif row.classes != classes:
            row.classes = classes
            row.save(update_fields=["classes"])
    return list(required)


# --- Matching results -----------------------------------------------------------------------


# (trial id, score, criteria met, criteria unknown) of one eligible trial for a patient
Found = tuple[int, float, int, int]


def _store_found(found: dict[int, list[Found]]) -> int:
    """Keep the candidates of these patients in step with what the matcher found, in bulk.

    New pairs are created, changed ones updated, and pairs no longer found removed, unless a
    coordinator already decided on them (those stay for the log, no longer current). The
    explanation is not stored here: the candidate page explains from the record as it is,
    and a decision keeps the explanation it was made on. Rows are read and written without
    model instances (core.bulkwrite: COPY on PostgreSQL), as a first fill writes millions.
    Returns the rows changed.
    """
    now = timezone.now()
    at = bulkwrite.db_value(Candidate, "matched_at", now)
    existing: dict[tuple[int, int], tuple[int, float, int, int, bool, str]] = {}
    table = Candidate._meta.db_table
    patient_ids = list(found)
    with connection.cursor() as cursor:
        for start in range(0, len(patient_ids), BULK_BATCH):
            some = patient_ids[start : start + BULK_BATCH]
            cursor.execute(
                "SELECT patient_id, trial_id, id, score, met, unknown, is_current, status "  # noqa: S608
                f"FROM {connection.ops.quote_name(table)} "
                f"WHERE patient_id IN ({', '.join(['%s'] * len(some))})",
                some,
            )
            for patient_id, trial_id, pk, score, met, unknown, current, status in cursor:
                existing[(patient_id, trial_id)] = (pk, score, met, unknown, bool(current), status)
    create: list[tuple[Any, ...]] = []
    update: list[tuple[Any, ...]] = []
    for patient_id, pairs in found.items():
        for trial_id, score, met, unknown in pairs:
            row = existing.pop((patient_id, trial_id), None)
            if row is None:
                create.append((trial_id, patient_id, score, met, unknown))
            elif row[1:5] != (score, met, unknown, True):
                update.append((score, met, unknown, at, True, at, row[0]))
    gone_new = [row[0] for row in existing.values() if row[4] and row[5] == CandidateStatus.NEW]
    gone_decided = [row[0] for row in existing.values() if row[4] and row[5] != CandidateStatus.NEW]
    no_explanation = bulkwrite.db_value(Candidate, "explanation", [])
    ids = bulkwrite.new_uuids(len(create))
    with transaction.atomic():
        bulkwrite.insert_rows(
            Candidate,
            [
                "public_id",
                "created_at",
                "updated_at",
                "trial",
                "patient",
                "score",
                "met",
                "unknown",
                "explanation",
                "matched_at",
                "is_current",
                "status",
                "status_reason",
            ],
            (
                (public_id, at, at, *row, no_explanation, at, True, CandidateStatus.NEW.value, "")
                for public_id, row in zip(ids, create, strict=True)
            ),
        )
        bulkwrite.update_rows(
            Candidate, ["score", "met", "unknown", "matched_at", "is_current", "updated_at"], update
        )
        for start in range(0, len(gone_new), BULK_BATCH):
            Candidate.objects.filter(pk__in=gone_new[start : start + BULK_BATCH]).delete()
        for start in range(0, len(gone_decided), BULK_BATCH):
            Candidate.objects.filter(pk__in=gone_decided[start : start + BULK_BATCH]).update(
                is_current=False, updated_at=now
            )
        bulkwrite.upsert_rows(
            MatchState,
            ["patient", "matched_at"],
            [(patient_id, at) for patient_id in found],
            unique="patient",
            update=["matched_at"],
        )
    return len(create) + len(update) + len(gone_new) + len(gone_decided)


BULK_BATCH = 500


@transaction.atomic
def decide_candidate(
    *,
    candidate: Candidate,
    status: str,
    reason: str,
    actor: Any,
    explanation: list[dict[str, Any]] | None = None,
) -> Candidate:
    """Record the coordinator's decision on a candidate; "not eligible" needs a reason.
    `explanation` is what the coordinator saw (every criterion), kept with the decision."""
    if status not in CandidateStatus.values:
        raise ValidationError({"status": [_("Choose a decision.")]})
    reason = reason.strip()[:300]
    if status in (CandidateStatus.INELIGIBLE, CandidateStatus.DECLINED) and not reason:
        raise ValidationError({"reason": [_("Give the reason.")]})
    current = Candidate.objects.select_for_update().get(pk=candidate.pk)
    current.status, current.status_reason = status, reason
    fields = ["status", "status_reason", "updated_at"]
    if explanation is not None:
        current.explanation = explanation
        fields.append("explanation")
    current.save(update_fields=fields)
    EnrollmentEvent.objects.create(candidate=current, status=status, reason=reason, actor=actor)
    audit.record(
        action=f"trial_candidate.{status}",
        actor=actor,
        patient=current.patient,
        target=current,
        reason=reason,
    )
    return current


@transaction.atomic
def refer_candidate(
    *, trial: Trial, patient: Patient, actor: Any, reason: str, explanation: list[dict[str, Any]]
) -> Candidate:
    """Put a patient on a trial's pre-screening queue because a clinician (a tumor board)
    referred them, whether or not the matcher found them; an existing candidate is kept with
    its decision and the referral is logged on it."""
    candidate, created = Candidate.objects.select_for_update().get_or_create(
        trial=trial,
        patient=patient,
        defaults={"score": 0.0, "explanation": explanation, "status": CandidateStatus.NEW},
    )
    if not created and not candidate.is_current:
        candidate.is_current = True
        candidate.save(update_fields=["is_current", "updated_at"])
    EnrollmentEvent.objects.create(
        candidate=candidate, status="referred", reason=reason[:300], actor=actor
    )
    audit.record(action="trial_candidate.referred", actor=actor, patient=patient, target=candidate)
    return candidate


# --- Contact requests from the pre-screen -------------------------------------------------------


def _digest(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}|{value}".encode()).hexdigest()


def check_throttle(*, client_ip: str | None, email: str) -> None:
    """At most TRIAL_REQUESTS_PER_HOUR requests an hour from one connection or address."""
    limit = int(getattr(settings, "TRIAL_REQUESTS_PER_HOUR", 5))
    message = _("Too many requests. Please try again later or call us.")
    if client_ip:
        rows = ContactRequest.objects.filter(sender_hash=_digest(client_ip))
        throttle.check_hourly(rows, at="created_at", limit=limit, message=message)
    if email.strip():
        rows = ContactRequest.objects.filter(email__iexact=email.strip())
        throttle.check_hourly(rows, at="created_at", limit=limit, message=message)


@transaction.atomic
def request_contact(
    *,
    trial: Trial,
    name: str,
    email: str,
    phone: str,
    language: str,
    answers: dict[str, Any],
    explanation: list[dict[str, Any]],
    likely: str,
    patient: Patient | None = None,
    actor: Any = None,
    client_ip: str | None = None,
) -> ContactRequest:
    """Ask the trial's coordinator to contact this person, with their pre-screen answers."""
    if not (email.strip() or phone.strip()):
        raise ValidationError({"email": [_("Give an email address or a phone number.")]})
    check_throttle(client_ip=client_ip, email=email)
    contact = ContactRequest.objects.create(
        trial=trial,
        patient=patient,
        name=name.strip()[:200],
        email=email.strip()[:254],
        phone=phone.strip()[:40],
        language=language[:10],
        answers=answers,
        explanation=explanation,
        likely=likely,
        sender_hash=_digest(client_ip) if client_ip else "",
    )
    _notify_coordinator(contact)
    if patient is not None:
        audit.record(
            action="trial_request.created",
            actor=actor,
            patient=patient,
            target=contact,
        )
    return contact


def _notify_coordinator(contact: ContactRequest) -> None:
    """Queue the coordinator's email, in the request's transaction and language."""
    from medcenter.trials import notices

    trial = contact.trial
    coordinator = trial.coordinator
    to = trial.coordinator_email or (coordinator.email if coordinator else "")
    outbox.enqueue(
        kind=notices.CONTACT_REQUEST,
        to=to,
        language=(coordinator.preferred_language if coordinator else "") or "",
        user=coordinator,
        context={"contact": str(contact.public_id)},
        reference=f"trial-request:{contact.public_id}",
        dedupe_key=f"trial-request:{contact.public_id}",
    )


@transaction.atomic
def decide_request(
    *,
    contact: ContactRequest,
    status: str,
    reason: str,
    actor: Any,
) -> ContactRequest:
    """Record what the coordinator did with a contact request."""
    if status not in RequestStatus.values:
        raise ValidationError({"status": [_("Choose a decision.")]})
    reason = reason.strip()[:300]
    if status in (RequestStatus.INELIGIBLE, RequestStatus.DECLINED) and not reason:
        raise ValidationError({"reason": [_("Give the reason.")]})
    current = ContactRequest.objects.select_for_update().get(pk=contact.pk)
    current.status, current.status_reason, current.handled_by = status, reason, actor
    if status == RequestStatus.CONTACTED and current.contacted_at is None:
        current.contacted_at = timezone.now()
    current.save()
    EnrollmentEvent.objects.create(request=current, status=status, reason=reason, actor=actor)
    audit.record(
        action=f"trial_request.{status}",
        actor=actor,
        patient=current.patient,
        target=current,
        reason=reason,
    )
    return current


def rematch_patient(*, patient: Patient, profile: Any = None) -> int:
    """Match one patient against every open trial and keep the candidates for the teams:
    the matcher's one ranking (`matcher.match_profile`, without explanations), so that a page
    can do it on every view. `profile` is the patient's, when the caller has read it."""
    from medcenter.trials import matcher, profiles, selectors

    population = selectors.open_population()
    profile = profile if profile is not None else profiles.profile_for_patient(patient)
    kept = [
        (m.trial_id, m.score, m.met, population.sizes[m.trial_id] - m.met)
        for m in matcher.match_profile(
            profile, trials=population, limit=None, include_ineligible=False, explain=False
        )
        if m.anchored
    ]
    return _store_found({patient.pk: kept[:MAX_CANDIDATES_PER_PATIENT]})


def rematch_patients(*, patient_ids: list[int], chunk: int = 20_000, workers: int = 2) -> int:
    """Match many patients: profiles read in bulk, the whole chunk ranked at once by the
    matcher's batched form (`matcher.match_profiles`, in `workers` processes when it is
    large), candidates kept in bulk."""
    from medcenter.trials import matcher, profiles, selectors

    population = selectors.open_population()
    sizes = population.sizes
    changed = 0
    for start in range(0, len(patient_ids), chunk):
        patients = list(Patient.objects.filter(pk__in=patient_ids[start : start + chunk]))
        read = profiles.profiles_for_patients(patients)
        eligible = matcher.match_profiles(
            [read[p.pk] for p in patients], trials=population, workers=workers
        )
        found: dict[int, list[Found]] = {}
        for index, patient in enumerate(patients):
            first, stop = int(eligible.offsets[index]), int(eligible.offsets[index + 1])
            kept = first + np.flatnonzero(eligible.anchored[first:stop])
            kept = kept[:MAX_CANDIDATES_PER_PATIENT]
            ids = eligible.ids[eligible.trials[kept]].tolist()
            tenths = eligible.tenths[kept].tolist()
            met = eligible.met[kept].tolist()
            # Eligible: no criterion is not met, so every one not met is unknown.
            found[patient.pk] = [
                (trial_id, score / 10, count, sizes[trial_id] - count)
                for trial_id, score, count in zip(ids, tenths, met, strict=True)
            ]
        written = _store_found(found)
        changed += written
        if written >= ANALYZE_AFTER_ROWS and connection.vendor == "postgresql":
            # The planner's statistics still describe the table before these rows: without
            # them the next chunk's read of its candidates scans the whole table (a first
            # fill of 100,000 patients spent 50 s so). autovacuum would get there, later.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(Candidate._meta.db_table)}")
    return changed


ANALYZE_AFTER_ROWS = 50_000  # candidate rows written in one chunk


def patients_to_rematch(*, everyone: bool = False) -> list[int]:
    """Patients with a cancer on record whose record changed since they were last matched
    (all of them when the catalogue changed or when asked)."""
    from datetime import datetime, timedelta

    from django.db.models import Max

    from medcenter.oncology.models import (
        CancerDiagnosis,
        GenotypingReport,
        LabResult,
        MetastasisAssessment,
        PerformanceStatus,
        PregnancyStatus,
        StageAssessment,
        TreatmentCourse,
        TreatmentHistoryReview,
        TumorMarker,
    )
    from medcenter.trials.profiles import RECENT_DAYS

    with_cancer = set(CancerDiagnosis.objects.values_list("patient_id", flat=True).distinct())
    if everyone:
        return sorted(with_cancer)
    last_match = dict(MatchState.objects.values_list("patient_id", "matched_at"))
    catalogue_changed = Trial.objects.aggregate(last=Max("updated_at"))["last"]
    changed: dict[int, Any] = {}
    for model, path in (
        (CancerDiagnosis, "patient_id"),
        (StageAssessment, "diagnosis__patient_id"),
        (PerformanceStatus, "patient_id"),
        (GenotypingReport, "patient_id"),
        (TumorMarker, "patient_id"),
        (TreatmentCourse, "patient_id"),
        (LabResult, "patient_id"),
        (PregnancyStatus, "patient_id"),
        (TreatmentHistoryReview, "patient_id"),
        (MetastasisAssessment, "diagnosis__patient_id"),
    ):
        for patient_id, last in (
            model.objects.values(path).annotate(last=Max("updated_at")).values_list(path, "last")
        ):
            if last is not None and (changed.get(patient_id) is None or last > changed[patient_id]):
                changed[patient_id] = last
    # A laboratory result or pregnancy status stops being read RECENT_DAYS after it was
    # taken: the start of that day is a change of the record too.
    today = timezone.localdate()
    for model, fields in ((LabResult, ("patient_id", "test")), (PregnancyStatus, ("patient_id",))):
        for row in model.objects.values(*fields).annotate(last=Max("observed_on")):
            expires = row["last"] + timedelta(days=RECENT_DAYS)
            if expires > today:
                continue
            moment = timezone.make_aware(datetime.combine(expires, datetime.min.time()))
            patient_id = row["patient_id"]
            if changed.get(patient_id) is None or moment > changed[patient_id]:
                changed[patient_id] = moment
    due = []
    for patient_id in with_cancer:
        matched = last_match.get(patient_id)
        if (
            matched is None
            or (changed.get(patient_id) and changed[patient_id] > matched)
            or (catalogue_changed and catalogue_changed > matched)
        ):
            due.append(patient_id)
    return sorted(due)


MAX_CANDIDATES_PER_PATIENT = 25


# --- sentence embeddings of the catalogue ------------------------------------------------------


def refresh_trial_vectors(*, batch: int = 256) -> int:
    """Embed the open trials that have no vector or one made from other text (the trial or
    the model changed); return how many were embedded. Closed trials keep theirs until they
    are needed again. About 50 ms a trial on 2 cores: run it after an import and before each
    periodic re-match (trials_rematch does), not in a request."""
    from medcenter.trials import semantic

    if not semantic.available():
        return 0
    try:
        return _refresh_trial_vectors(batch)
    except Exception:  # a damaged model package: notes are ranked by words, the rest goes on
        logger.exception("trial vectors could not be made; notes are ranked by words alone")
        return 0


def _refresh_trial_vectors(batch: int) -> int:
    from medcenter.trials import selectors, semantic

    stored = dict(TrialVector.objects.values_list("trial_id", "key"))
    due: list[tuple[Trial, str, str]] = []
    for trial in Trial.objects.open().only("pk", "brief_title", "conditions", "brief_summary"):
        text = selectors.trial_document(trial)
        key = semantic.document_key(text)
        if stored.get(trial.pk) != key:
            due.append((trial, text, key))
    for start in range(0, len(due), batch):
        part = due[start : start + batch]
        vectors = semantic.embed([text for _, text, _ in part])
        with transaction.atomic():
            for (trial, _, key), vector in zip(part, vectors, strict=True):
                TrialVector.objects.update_or_create(
                    trial=trial, defaults={"key": key, "vector": semantic.to_bytes(vector)}
                )
    return len(due)
