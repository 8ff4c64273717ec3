"""Reads for trials: the compiled catalogue for matching, search, queues."""

from __future__ import annotations

import logging
import math
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import numpy as np
from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from medcenter.patients.access import Basis, PatientAccess
from medcenter.patients.models import Patient
from medcenter.trials import genefilter, matcher
from medcenter.trials.matcher import (
    CompiledTrials,
    Match,
    Profile,
    TrialRules,
    compile_rules,
    vocabulary,
)
from medcenter.trials.matcher.rules import oncotree
from medcenter.trials.models import (
    Candidate,
    CandidateStatus,
    ContactRequest,
    Criterion,
    RequestStatus,
    RequiredGene,
    Trial,
)
from medcenter.trials.textmatch import TrialText

logger = logging.getLogger(__name__)

# --- The compiled catalogue -----------------------------------------------------------------

_lock = threading.Lock()
_compiled: dict[str, Any] = {"version": None, "population": None}


def catalogue_version() -> tuple[int, Any]:
    """Changes whenever a trial or its criteria change (services touch the trial's row)."""
    found = Trial.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return found["n"], found["last"]


def condition_codes(conditions: list[str]) -> list[str]:
    """OncoTree codes named by a trial's registry conditions ("Non-small Cell Lung Cancer")."""
    codes: list[str] = []
    for condition in conditions:
        for mention in vocabulary.find_cancer_terms(condition):
            codes.extend(c for c in mention.codes if c not in codes)
    return codes


def compile_trials(trials: QuerySet[Trial]) -> list[TrialRules]:
    """Rules for each trial, in two queries."""
    rows = list(
        trials.values_list(
            "pk",
            "minimum_age_years",
            "maximum_age_years",
            "sex",
            "conditions",
            "biomarker_requirements",
        )
    )
    criteria: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for trial_id, section, kind, params, source in (
        Criterion.objects.filter(trial_id__in=[r[0] for r in rows], is_active=True)
        .order_by("trial_id", "position")
        .values_list("trial_id", "section", "kind", "params", "source")
    ):
        criteria[trial_id].append({**params, "section": section, "kind": kind, "source": source})
    return [
        compile_rules(
            trial_id=pk,
            criteria=criteria[pk],
            min_age=low,
            max_age=high,
            sex=sex,
            condition_codes=condition_codes(conditions or []),
            conditions_text=", ".join(conditions or []),
            biomarker_requirements=requirements or [],
        )
        for pk, low, high, sex, conditions, requirements in rows
    ]


def open_population() -> CompiledTrials:
    """Every open trial, compiled for fast matching; rebuilt only when the catalogue changes."""
    version = catalogue_version()
    with _lock:
        if _compiled["version"] == version and _compiled["population"] is not None:
            return _compiled["population"]  # type: ignore[no-any-return]
    population = CompiledTrials(compile_trials(Trial.objects.open()))
    with _lock:
        _compiled["version"], _compiled["population"] = version, population
    return population


@dataclass
class Ranked:
    trial: Trial
    match: Match


class StoredTrialTexts:
    """The trials' texts and stored sentence vectors, read from the database for the matcher
    (`matcher.TrialTexts`); the trials read are kept for the caller's answer."""

    def __init__(self) -> None:
        self.trials: dict[int, Trial] = {}

    def read(self, trial_ids: Sequence[int]) -> list[Trial]:
        missing = [pk for pk in trial_ids if pk not in self.trials]
        if missing:
            self.trials.update(Trial.objects.select_related("program").in_bulk(missing))
        return [self.trials[pk] for pk in trial_ids if pk in self.trials]

    def texts(self, trial_ids: Sequence[int]) -> list[TrialText]:
        # A trial deleted since the catalogue was compiled has no text (and is left out of
        # the answer), rather than shifting its neighbours' texts.
        self.read(trial_ids)
        return [
            trial_text(self.trials[pk]) if pk in self.trials else TrialText() for pk in trial_ids
        ]

    def similarities(self, note: str, trial_ids: Sequence[int]) -> list[float] | None:
        found = self.read(trial_ids)
        return note_similarities(note, found) if len(found) == len(trial_ids) else None


def match_open_trials(
    profile: Profile, *, note: str | None = None, limit: int, include_ineligible: bool = False
) -> list[Ranked]:
    """The open trials for a patient profile, best first, each with its explanation: the
    matcher's one ranking (`matcher.match_profile`) over the open catalogue, with the note's
    text relevance when there is a note. The API and the clinician's page both call this."""
    texts = StoredTrialTexts()
    matches = matcher.match_profile(
        profile,
        trials=open_population(),
        note=note,
        limit=limit,
        include_ineligible=include_ineligible,
        texts=texts,
    )
    texts.read([m.trial_id for m in matches])
    return [Ranked(texts.trials[m.trial_id], m) for m in matches if m.trial_id in texts.trials]


def prescreen_basis(candidate: Candidate) -> Callable[[Any, Patient], PatientAccess | None]:
    """The basis on which a trial's coordinator may review one candidate the matcher found
    (or one they already decided on): their own trial, the pre-screening permission. It
    opens this candidate's page only, with no portal scopes and no confidential items."""

    def basis(user: Any, patient: Patient) -> PatientAccess | None:
        trial = candidate.trial
        if (
            candidate.patient_id == patient.pk
            and trial.coordinator_id is not None
            and trial.coordinator_id == user.pk
            and user.has_perm("trials.prescreen_trial")
            and (candidate.is_current or candidate.status != CandidateStatus.NEW)
        ):
            return PatientAccess(patient, Basis.RESEARCH_PRESCREEN, frozenset(), False)
        return None

    return basis


def coordinated_patient_ids(user: Any) -> QuerySet[Any] | None:
    """The patients a trial coordinator may find by name: those on the trials they coordinate,
    as a candidate the matcher found (or one already decided on, as in `prescreen_basis`) or
    as a contact request tied to a patient record. None for anyone who does not pre-screen."""
    if not user.has_perm("trials.prescreen_trial"):
        return None
    candidates = Candidate.objects.filter(trial__coordinator=user).filter(
        Q(is_current=True) | ~Q(status=CandidateStatus.NEW)
    )
    requests = ContactRequest.objects.filter(trial__coordinator=user, patient__isnull=False)
    return Patient.objects.filter(
        Q(pk__in=candidates.values("patient_id")) | Q(pk__in=requests.values("patient_id"))
    ).values("pk")


def explain(trial: Trial, profile: Profile) -> Match:
    """Every criterion of one trial for one profile (eligible or not)."""
    [rules] = compile_trials(Trial.objects.filter(pk=trial.pk))
    return rules.match(profile)


# --- Search ---------------------------------------------------------------------------------


@dataclass
class SearchQuery:
    text: str = ""
    condition: str = ""  # a lay or clinical term, or an OncoTree code
    gene: str = ""
    phase: str = ""
    status: str = "open"  # open | all
    age: float | None = None
    program: str = ""  # program slug
    new_this_month: bool = False
    latitude: float | None = None
    longitude: float | None = None
    miles: float | None = None


def search_trials(query: SearchQuery) -> list[Trial]:
    """Trials matching the filters; distance keeps trials with a site within range."""
    qs = Trial.objects.select_related("program")
    qs = qs.open() if query.status == "open" else qs
    if query.text:
        for word in query.text.split()[:8]:
            qs = qs.filter(
                Q(brief_title__icontains=word)
                | Q(nct_id__iexact=word)
                | Q(acronym__iexact=word)
                | Q(keywords__icontains=word)
                | Q(conditions__icontains=word)
            )
    if query.gene:
        # Only trials that require an alteration in the gene (stored per trial, indexed):
        # never one that requires the gene wild-type, excludes its alterations, or is about
        # another gene. An unknown gene finds nothing rather than everything.
        genes = genefilter.genes_named(query.gene)
        qs = qs.filter(pk__in=RequiredGene.objects.filter(gene__in=genes).values("trial_id"))
    if query.phase:
        qs = qs.filter(phases__icontains=query.phase)
    if query.age is not None:
        qs = qs.filter(
            Q(minimum_age_years__isnull=True) | Q(minimum_age_years__lte=query.age),
            Q(maximum_age_years__isnull=True) | Q(maximum_age_years__gte=query.age),
        )
    if query.program:
        qs = qs.filter(program__slug=query.program)
    if query.new_this_month:
        qs = qs.filter(first_posted__gte=timezone.localdate() - timedelta(days=31))
    trials = list(qs.distinct().order_by("-first_posted", "nct_id")[:500])
    if query.condition:
        wanted = set(condition_codes([query.condition])) | directory_codes(query.condition)
        code = query.condition.strip().upper()
        if oncotree().find(code):
            wanted.add(oncotree().find(code) or code)
        diagnosed = diagnosis_codes_of([t.pk for t in trials])
        trials = [t for t in trials if _about(t, wanted, query.condition, diagnosed.get(t.pk, []))]
    if query.latitude is not None and query.longitude is not None and query.miles:
        trials = [
            t
            for t in trials
            if any(
                s.get("lat") is not None
                and miles_between(query.latitude, query.longitude, s["lat"], s["lon"])
                <= query.miles
                for s in t.sites
            )
            or not t.sites  # a trial with only this center's site (no registry sites)
        ]
    return trials


@dataclass
class TrialSearch:
    """A search's trials and, for a search by gene, the genes read from what was typed and
    what each trial requires of them."""

    trials: list[Trial]
    genes: tuple[str, ...] = ()
    requires: dict[int, list[str]] | None = None


def find_trials(query: SearchQuery) -> TrialSearch:
    """The search page's answer: `search_trials`, with what each trial requires of the gene
    searched for."""
    trials = search_trials(query)
    genes = genefilter.genes_named(query.gene) if query.gene else ()
    requires = required_alterations([t.pk for t in trials[:100]], genes) if genes else None
    return TrialSearch(trials, genes, requires)


def required_alterations(trial_ids: Sequence[int], genes: Sequence[str]) -> dict[int, list[str]]:
    """What each trial requires of these genes, as shown beside a result ("EGFR exon 19
    deletion or L858R"), in one query."""
    shown: dict[int, list[str]] = defaultdict(list)
    for trial_id, gene, classes in RequiredGene.objects.filter(
        trial_id__in=trial_ids, gene__in=genes
    ).values_list("trial_id", "gene", "classes"):
        named = [c for c in classes if c not in genefilter.BROAD_CLASSES]
        label = genefilter.known_as(gene)
        shown[trial_id].append(f"{label} {' / '.join(named)}" if named else label)
    return shown


def genes_required_in_catalogue() -> list[str]:
    """The genes open trials require an alteration in, for suggestions beside a gene search."""
    return sorted(
        set(
            RequiredGene.objects.filter(trial__in=Trial.objects.open()).values_list(
                "gene", flat=True
            )
        )
    )


def _about(trial: Trial, wanted: set[str], term: str, diagnosed: list[str]) -> bool:
    tree = oncotree()
    if wanted:
        for code in condition_codes(trial.conditions) + diagnosed:
            lineage = tree.lineage(code) if tree.find(code) else frozenset()
            if wanted & lineage or any(code in tree.lineage(w) for w in wanted if tree.find(w)):
                return True
    lowered = term.lower()
    return (
        any(lowered in c.lower() for c in trial.conditions) or lowered in trial.brief_title.lower()
    )


def directory_codes(term: str) -> set[str]:
    """OncoTree codes of the directory's conditions named by a term in any site language
    ("sarcoma de Ewing", "cáncer de pulmón", "bone cancer")."""
    from medcenter.directory.models import Condition, ConditionTerm

    text = " ".join(term.split()).strip()
    if len(text) < 3:
        return set()
    exact = set(
        ConditionTerm.objects.filter(term__iexact=text).values_list(
            "condition__oncotree_code", flat=True
        )
    )
    if not exact:
        exact = set(
            ConditionTerm.objects.filter(term__icontains=text).values_list(
                "condition__oncotree_code", flat=True
            )[:20]
        )
        exact |= set(
            Condition.objects.filter(name__icontains=text).values_list("oncotree_code", flat=True)
        )
    return {code for code in exact if code}


def diagnosis_codes_of(trial_ids: list[int]) -> dict[int, list[str]]:
    """The OncoTree codes each trial's inclusion diagnosis criteria name, in one query."""
    codes: dict[int, list[str]] = defaultdict(list)
    for trial_id, params in Criterion.objects.filter(
        trial_id__in=trial_ids, kind="diagnosis", section="inclusion", is_active=True
    ).values_list("trial_id", "params"):
        codes[trial_id].extend(params.get("oncotree") or [])
    return codes


def miles_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in miles."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 3958.8 * 2 * math.asin(min(1.0, math.sqrt(a)))


# --- Queues ---------------------------------------------------------------------------------


def request_queue(
    *, trial: Trial | None = None, status: str | None = None
) -> QuerySet[ContactRequest]:
    qs = ContactRequest.objects.select_related("trial")
    if trial is not None:
        qs = qs.filter(trial=trial)
    if status:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(
            status__in=(RequestStatus.NEW, RequestStatus.CONTACTED, RequestStatus.SCREENING)
        )
    return qs.order_by("created_at")


def candidate_queue(*, trial: Trial, status: str | None = None) -> QuerySet[Candidate]:
    qs = Candidate.objects.filter(trial=trial).select_related("patient")
    if status:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(is_current=True).exclude(
            status__in=(CandidateStatus.INELIGIBLE, CandidateStatus.DECLINED)
        )
    return qs.order_by("-score")


def trial_text(trial: Trial) -> TrialText:
    def years(value: float | None) -> str:
        return f"{value:g} Years" if value is not None else ""

    return TrialText(
        nct_id=trial.nct_id,
        title=trial.brief_title,
        summary=trial.brief_summary,
        conditions=tuple(trial.conditions),
        criteria=trial.eligibility_criteria,
        sex=trial.sex,
        minimum_age=years(trial.minimum_age_years),
        maximum_age=years(trial.maximum_age_years),
    )


def trial_document(trial: Trial) -> str:
    """The text of a trial that trials/semantic.py embeds (title, conditions, summary)."""
    from medcenter.trials import semantic

    return semantic.trial_document(trial.brief_title, list(trial.conditions), trial.brief_summary)


def note_similarities(note: str, trials: list[Trial]) -> list[float] | None:
    """The cosine of the note's sentence embedding with each trial's stored one
    (trials/semantic.py), or None when any trial has no current vector or the model is not
    installed: a ranking mixes both signals for every trial of a pool or for none."""
    from medcenter.trials import semantic
    from medcenter.trials.models import TrialVector

    if not trials or not semantic.available():
        return None
    stored = {
        trial_id: (key, bytes(vector))
        for trial_id, key, vector in TrialVector.objects.filter(
            trial_id__in=[t.pk for t in trials]
        ).values_list("trial_id", "key", "vector")
    }
    rows = []
    for trial in trials:
        found = stored.get(trial.pk)
        if (
            found is None
            or found[0] != semantic.document_key(trial_document(trial))
            or len(found[1]) != 4 * semantic.DIMENSIONS
        ):
            logger.info(
                "trial %s has no current vector: %s trials ranked by words alone",
                trial.nct_id,
                len(trials),
            )
            return None
        rows.append(semantic.from_bytes(found[1]))
    try:
        (query,) = semantic.embed([note], remember=False)
    except Exception:  # a damaged model package: rank by words rather than fail the request
        logger.exception("the note could not be embedded; ranked by words alone")
        return None
    return [float(v) for v in np.vstack(rows) @ query]


def note_relevance(note: str, trials: list[Trial]) -> dict[int, float]:
    """How well each trial's text fits a free-text note, 0-100 within these trials
    (`matcher.note_relevance`: textmatch, the scorer bench/trials_quality.py measures on the
    TrialGPT cohorts, with the trials' sentence embeddings when every one has a current
    vector)."""
    if not note.strip() or not trials:
        return {}
    relevance = matcher.note_relevance(
        note, [trial_text(t) for t in trials], note_similarities(note, trials)
    )
    return {t.pk: value for t, value in zip(trials, relevance, strict=True)}


def open_trials_per_program() -> dict[str, int]:
    """Count the open trials of each program (by program slug), as the catalogue has them."""
    rows = (
        Trial.objects.open()
        .exclude(program=None)
        .values("program__slug")
        .annotate(open_trials=Count("id"))
    )
    return {row["program__slug"]: row["open_trials"] for row in rows}


def trials_of_program_url(slug: str) -> str:
    """Where the open trials of one program are listed."""
    return f"{reverse('trials:search')}?{urlencode({'program': slug})}"
