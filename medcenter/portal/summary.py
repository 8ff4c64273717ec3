"""My health summary: the record in plain words, and (with the patient's opt-in) the open
trials that may fit them. Reads through the owning apps' selectors; no writes."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language

from medcenter.core import audit
from medcenter.directory.models import Clinician, Condition
from medcenter.oncology.models import CancerDiagnosis, StageAssessment, TreatmentCourse
from medcenter.oncology.selectors import oncology_summary
from medcenter.patients.access import Basis, PatientAccess
from medcenter.patients.models import CareRelationship
from medcenter.portal.models import TrialMatchingConsent
from medcenter.portal.selectors import reversed_or_none
from medcenter.scheduling.models import Appointment, AppointmentStatus, ResourceKind


@dataclass(frozen=True)
class PlainDiagnosis:
    diagnosis: CancerDiagnosis
    name: str  # the condition's name in the reader's language, else the recorded wording
    stage: StageAssessment | None  # only one the clinician released to the patient


@dataclass(frozen=True)
class CareTeamMember:
    name: str
    role: str
    profile_url: str = ""


@dataclass(frozen=True)
class HealthSummary:
    diagnoses: list[PlainDiagnosis]
    treatments: list[TreatmentCourse]
    care_team: list[CareTeamMember]
    upcoming_tests: list[Appointment]


def _released_stage(diagnosis: CancerDiagnosis) -> StageAssessment | None:
    stages = [s for s in diagnosis.stages.all() if s.released_to_patient_at is not None]
    return stages[0] if stages else None  # the newest released (stages are newest first)


def health_summary(access: PatientAccess) -> HealthSummary:
    """The record in plain words: diagnoses (a stage only once released), current treatments,
    the care team with their directory profiles, and upcoming tests (a bounded few queries)."""
    record = oncology_summary(access)
    language = get_language() or "en"
    codes = {d.oncotree_code for d in record.diagnoses if d.oncotree_code}
    conditions = {c.oncotree_code: c for c in Condition.objects.filter(oncotree_code__in=codes)}
    diagnoses = [
        PlainDiagnosis(
            diagnosis=d,
            name=str(conditions[d.oncotree_code].localized("name", language))
            if d.oncotree_code in conditions
            else d.description,
            stage=_released_stage(d),
        )
        for d in record.diagnoses
    ]
    today = timezone.localdate()
    treatments = [t for t in record.treatments if t.ended_on is None or t.ended_on >= today]
    return HealthSummary(
        diagnoses=diagnoses,
        treatments=treatments,
        care_team=_care_team(access, today=today),
        upcoming_tests=list(
            Appointment.objects.filter(
                patient=access.patient,
                status=AppointmentStatus.BOOKED,
                start__gte=timezone.now(),
                visit_type__resource_kind=ResourceKind.IMAGING,
            )
            .select_related("visit_type", "location", "resource")
            .order_by("start")[:10]
        ),
    )


def _care_team(access: PatientAccess, *, today: date) -> list[CareTeamMember]:
    since = timezone.now() - timedelta(days=365)
    seen = (
        Appointment.objects.filter(patient=access.patient, clinician__isnull=False)
        .filter(Q(start__gte=since))
        .exclude(status=AppointmentStatus.CANCELLED)
        .values("clinician_id")
    )
    members = [
        CareTeamMember(c.display_name, c.title, c.get_absolute_url())
        for c in Clinician.objects.filter(pk__in=seen, is_active=True).order_by("family_name")
    ]
    for rel in (
        CareRelationship.objects.active()
        .filter(patient=access.patient)
        .select_related("staff")
        .order_by("kind", "id")[:20]
    ):
        name = rel.staff.full_name or ""
        if name and all(m.name.split(",")[0] != name for m in members):
            members.append(CareTeamMember(name, rel.get_kind_display()))
    return members


# --- Trials that may fit me ---------------------------------------------------------------


@dataclass(frozen=True)
class TrialForMe:
    trial: Any
    plain: dict[str, str]
    fits: list[Any] = field(default_factory=list)  # verdicts met
    unknown: list[Any] = field(default_factory=list)  # verdicts the record cannot answer
    ask_url: str | None = None


def trial_matching_opted_in(access: PatientAccess) -> bool:
    return TrialMatchingConsent.objects.filter(patient=access.patient, opted_in=True).exists()


def trials_for_me(access: PatientAccess, *, limit: int = 10) -> list[TrialForMe] | None:
    """The matcher's open trials for this patient, each explained, or None without the
    patient's own opt-in (a proxy never sees them)."""
    if access.basis != Basis.SELF or not trial_matching_opted_in(access):
        return None
    from medcenter.trials import profiles
    from medcenter.trials.selectors import match_open_trials

    profile = profiles.profile_for_patient(access.patient)
    ranked = match_open_trials(profile, limit=limit, include_ineligible=False)
    audit.record(
        action="trials.matched_for_patient",
        actor=access.patient.user,
        patient=access.patient,
        purpose=access.basis,
        read=True,
    )
    language = get_language() or "en"
    ask = reversed_or_none("messaging:portal_ask_trial", public_id=access.patient.public_id)
    return [
        TrialForMe(
            trial=r.trial,
            plain=r.trial.plain(language),
            fits=[v for v in r.match.verdicts if v.outcome == "met"],
            unknown=[v for v in r.match.verdicts if v.outcome == "unknown"],
            ask_url=f"{ask}?trial={r.trial.nct_id}" if ask else None,
        )
        for r in ranked
    ]
