"""Every patient against every trial, fast, with exactly the answers of `TrialRules.match`.

`TrialRules.match` reads a trial's criteria one by one for one patient, in Python. Matching a
whole population (100,000 patients by 5,000 trials is half a billion pairs) that way would take
hours, so this module compiles the trials once and evaluates the pairs with numpy, producing the
same eligible set, the same scores and the same order as `matching.rank` would.

Facets. Each criterion reader of `matching` looks at a few fields of the profile only: an age
criterion at `age`, an EGFR criterion at the patient's EGFR findings and whether EGFR was tested,
a lab criterion at that one lab value. That part of a profile is the criterion's *dimension*
(`dim_of`), and its value for one patient is the patient's *facet* on that dimension. A
population has few distinct facets per dimension (some 80 ages, a few hundred diagnoses, a
handful of EGFR states), so every distinct criterion is read once per distinct facet, by the
real reader (`matching.condition_of`) on a real profile that has that facet, and the answers
are kept in small tables. A pair is then evaluated by table look-ups, for many pairs at once.
Criteria of a kind this module does not know are read per patient (dimension "profile"),
still by the real reader, so that a new kind is slow but never wrong.

Pre-filter. For each trial and dimension the tables say which facets leave the trial eligible
(no criterion on that dimension not met; unknown always passes). The dimensions that rule out
enough of the pairs in this population (diagnosis, stage, performance, sex, ...) are checked
densely, a batch of patients by every trial, one row copy per patient and dimension: a pair
is dropped only where `match` itself would find a criterion not met. Every criterion of the
surviving pairs is then looked up, and the pairs with none not met are scored: the same float
additions in the same order as `TrialRules.match` (so the same floats), then the rounding of
Python's `round`.

Whole populations run in batches of patients over worker processes (fork: the tables are
inherited, not pickled); one patient against every trial (`rank_one`) is a single vectorised
pass over the trials, with each dimension's answers cached by facet.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import time
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from medcenter.trials.matcher import rules as matching
from medcenter.trials.matcher.rules import (
    ANCHOR_WEIGHT,
    EXCLUSION,
    INCLUSION,
    PRIOR_WEIGHT,
    UNKNOWN_CREDIT,
    Match,
    Profile,
    TrialRules,
    weight_of,
)

Dim = tuple[Any, ...]
CONST: Dim = ("const",)  # the criterion reads nothing of the profile
WHOLE: Dim = ("profile",)  # a reader this module does not know: read per patient

# A condition's value (None, True, False) and a verdict's outcome, as small integers.
V_UNKNOWN, V_TRUE, V_FALSE = 0, 1, 2
O_MET, O_UNKNOWN, O_NOT_MET = 0, 1, 2
# Outcome by 3 * (exclusion?) + value: an exclusion criterion whose condition holds is not met.
_OUTCOME = np.array([O_UNKNOWN, O_MET, O_NOT_MET, O_UNKNOWN, O_NOT_MET, O_MET], dtype=np.int8)

# Reader (by name, in matching.READERS) → dimension. What each reader looks at:
#   _age: age · _sex: sex · _diagnosis: oncotree, not_diagnoses, whether terms is empty ·
#   _stage: stage, metastatic · _performance: ecog, karnofsky · _prior_lines: prior_lines ·
#   _brain: brain_metastases, brain_qualifiers · _pregnancy: sex, pregnant ·
#   _biomarker (gene G): the biomarkers of G (classes, present), whether G is in tested_genes ·
#   _prior_therapy (therapy T): T in prior_therapies, therapies_known, T in not_therapies ·
#   _lab (test X): labs[X] · _text: its alternatives' dimensions together.
_SIMPLE = {
    "_age": ("age",),
    "_sex": ("sex",),
    "_diagnosis": ("diagnosis",),
    "_stage": ("stage",),
    "_performance": ("performance",),
    "_prior_lines": ("prior_lines",),
    "_brain": ("brain",),
    "_pregnancy": ("pregnancy",),
}
CACHE_LIMIT = 50_000  # distinct facets remembered per dimension for `rank_one`
DENSE_MIN_SHARE = 0.02  # a dimension is pre-filtered if it rules out this share of pairs
SAMPLE = 512  # patients the shares are measured on
KEY_BITS = 63  # a sort key packed in an int64
DENSE_MAX_CELLS = 32_000_000  # facets by trials in one dense table
BATCH = 2048  # patients per batch
PARALLEL_MIN_PAIRS = 20_000_000  # below this, starting workers costs more than it saves
ANCHOR_UNIT = 1 << 10  # anchors met are counted in the criteria-met sum, above the real count

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
CodeArray = npt.NDArray[np.int8]


def dim_of(criterion: dict[str, Any]) -> Dim:
    """The part of a profile the criterion's reader looks at (see the table above)."""
    kind = str(criterion.get("kind"))
    reader = matching.READERS.get(kind)
    name = reader.__name__ if reader is not None else "_text"  # condition_of's fallback
    if name in _SIMPLE:
        return _SIMPLE[name]
    if name == "_biomarker":
        gene = str(criterion.get("gene") or "").upper()
        return ("biomarker", gene) if gene else CONST
    if name == "_prior_therapy":
        therapy = str(criterion.get("therapy") or "").lower()
        return ("therapy", therapy) if therapy else CONST
    if name == "_lab":
        return ("lab", str(criterion.get("test")))
    if name == "_text":
        alternatives = criterion.get("alternatives") or []
        if not alternatives:
            return CONST
        if not all(isinstance(a, dict) for a in alternatives):
            return WHOLE
        parts = {dim_of(a) for a in alternatives} - {CONST}
        if WHOLE in parts:
            return WHOLE
        if not parts:
            return CONST
        if len(parts) == 1:
            return parts.pop()
        return ("any", tuple(sorted(parts, key=repr)))
    return WHOLE


def _condition_key(criterion: dict[str, Any]) -> str:
    """Criteria that differ only in their source sentence or section read alike."""
    body = {k: v for k, v in criterion.items() if k not in ("source", "section")}
    return json.dumps(body, sort_keys=True, default=repr)


_EMPTY: frozenset[tuple[frozenset[str], bool]] = frozenset()


class _Facets:
    """Facet values of a list of profiles, dimension by dimension."""

    def __init__(self, profiles: Sequence[Profile]) -> None:
        self.profiles = profiles
        self._groups: dict[str, list[tuple[int, Hashable]]] | None = None
        self._tested: tuple[IntArray, list[frozenset[str]]] | None = None

    def gene_groups(self) -> dict[str, list[tuple[int, Hashable]]]:
        """Per gene: (profile index, that profile's findings of the gene) where it has some."""
        if self._groups is None:
            found: dict[str, list[tuple[int, Hashable]]] = {}
            for i, p in enumerate(self.profiles):
                if not p.biomarkers:
                    continue
                for gene, group in _gene_findings(p).items():
                    found.setdefault(gene, []).append((i, group))
            self._groups = found
        return self._groups

    def tested(self) -> tuple[IntArray, list[frozenset[str]]]:
        """Each profile's tested_genes as a code into a list of the distinct sets."""
        if self._tested is None:
            sets = [
                t if isinstance(t, frozenset) else frozenset(t)
                for t in (p.tested_genes for p in self.profiles)
            ]
            codes, reps = _factorise(sets)
            self._tested = codes, [sets[i] for i in reps]
        return self._tested

    def values(self, dim: Dim) -> list[Hashable]:
        ps = self.profiles
        name = dim[0]
        if name == "age":
            return [p.age for p in ps]
        if name == "sex":
            return [p.sex for p in ps]
        if name == "diagnosis":
            return [(tuple(p.oncotree), frozenset(p.not_diagnoses), bool(p.terms)) for p in ps]
        if name == "stage":
            return [(p.stage, p.metastatic) for p in ps]
        if name == "performance":
            return [(p.ecog, p.karnofsky) for p in ps]
        if name == "prior_lines":
            return [p.prior_lines for p in ps]
        if name == "brain":
            return [(p.brain_metastases, frozenset(p.brain_qualifiers)) for p in ps]
        if name == "pregnancy":
            return [(p.sex, p.pregnant) for p in ps]
        if name == "biomarker":
            gene = dim[1]
            return [(_gene_findings(p).get(gene, _EMPTY), gene in p.tested_genes) for p in ps]
        if name == "therapy":
            therapy = dim[1]
            return [
                (therapy in p.prior_therapies, bool(p.therapies_known), therapy in p.not_therapies)
                for p in ps
            ]
        if name == "lab":
            test = dim[1]
            return [(p.labs.get(test), p.labs.get(f"{test}/uln")) for p in ps]
        if name == "any":
            return list(zip(*(self.values(part) for part in dim[1]), strict=True))
        if name == "const":
            return [0] * len(ps)
        raise ValueError(f"no facets for {dim!r}")  # WHOLE is handled by the callers

    def codes(self, dim: Dim) -> tuple[IntArray, list[Hashable], IntArray]:
        """Each profile's facet as a code; the distinct facets; a profile with each."""
        if dim[0] == "biomarker":  # most profiles have no finding of the gene: vectorised
            gene = dim[1]
            tested_codes, sets = self.tested()
            flags = np.array([gene in s for s in sets], dtype=np.bool_)[tested_codes]
            codes = flags.astype(np.int64)
            facets: list[Hashable] = [(_EMPTY, False), (_EMPTY, True)]
            known: dict[Hashable, int] = {}
            for i, group in self.gene_groups().get(gene, []):
                facet = (group, bool(flags[i]))
                code = known.get(facet)
                if code is None:
                    code = known[facet] = len(facets)
                    facets.append(facet)
                codes[i] = code
            used, reps, codes = np.unique(codes, return_index=True, return_inverse=True)
            return codes.reshape(-1), [facets[k] for k in used.tolist()], reps
        values = self.values(dim)
        codes, reps = _factorise(values)
        return codes, [values[i] for i in reps.tolist()], reps


def _factorise(values: Sequence[Hashable]) -> tuple[IntArray, IntArray]:
    """Codes 0..k-1 for equal values (in order of first appearance) and each first index."""
    seen: dict[Hashable, int] = {}
    firsts = np.fromiter(
        map(seen.setdefault, values, range(len(values))), dtype=np.int64, count=len(values)
    )
    reps, codes = np.unique(firsts, return_inverse=True)
    return codes.reshape(-1).astype(np.int64), reps


def _gene_findings(p: Profile) -> dict[str, Hashable]:
    """What _biomarker can see of each gene: its findings' (classes, present)."""
    groups: dict[str, set[tuple[frozenset[str], bool]]] = {}
    for b in p.biomarkers:
        groups.setdefault(b.gene.upper(), set()).add((frozenset(b.classes), bool(b.present)))
    return {gene: frozenset(found) for gene, found in groups.items()}


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while many small objects are made: each collection would
    walk every live object (a population's profiles), again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _value_code(value: bool | None) -> int:
    return V_UNKNOWN if value is None else V_TRUE if value else V_FALSE


@dataclass
class _Dimension:
    key: Dim
    column: int
    criteria: list[dict[str, Any]] = field(default_factory=list)
    first: int = 0  # global index of its first condition
    cache: dict[Hashable, CodeArray] = field(default_factory=dict)

    def read(self, profile: Profile) -> CodeArray:
        """Every condition of this dimension for one profile, by the real readers."""
        return np.array(
            [_value_code(matching.condition_of(c, profile)[0]) for c in self.criteria],
            dtype=np.int8,
        )

    def lookup(self, facet: Hashable, profile: Profile) -> CodeArray:
        found = self.cache.get(facet)
        if found is None:
            found = self.read(profile)
            if len(self.cache) < CACHE_LIMIT:
                self.cache[facet] = found
        return found


@dataclass
class Stats:
    """What one whole-population run did (times in seconds; prefilter_s and evaluate_s are
    summed over the batches, whichever worker ran them)."""

    patients: int = 0
    trials: int = 0
    pairs: int = 0
    after_prefilter: int = 0  # pairs left by the dense pre-filter
    eligible: int = 0
    facets_s: float = 0.0  # facets and answer tables (in the parent)
    prefilter_s: float = 0.0  # dense pre-filter
    evaluate_s: float = 0.0  # every criterion of the surviving pairs, scores, order
    collect_s: float = 0.0  # joining the batches (in the parent)
    wall_s: float = 0.0
    dense_dims: list[str] = field(default_factory=list)
    workers: int = 1

    def add(self, other: Stats) -> None:
        self.pairs += other.pairs
        self.after_prefilter += other.after_prefilter
        self.eligible += other.eligible
        self.prefilter_s += other.prefilter_s
        self.evaluate_s += other.evaluate_s


@dataclass
class Eligible:
    """The eligible pairs of a population, patient by patient, each patient's best first
    (the order of `matching.rank`: score, then criteria met, then trial id)."""

    offsets: IntArray  # patient i's pairs are [offsets[i], offsets[i + 1])
    trials: npt.NDArray[np.integer[Any]]  # index into ids
    ids: IntArray  # trial ids
    tenths: npt.NDArray[np.int16]  # score * 10, exact: the score is tenths / 10
    met: npt.NDArray[np.int16]  # criteria met (matching.Match.met), the tie-break
    anchored: BoolArray  # matching.Match.anchored: a pre-screening candidate
    stats: Stats

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def trial_ids(self) -> IntArray:
        found: IntArray = self.ids[self.trials]
        return found

    def for_patient(self, index: int, limit: int | None = None) -> list[tuple[int, float]]:
        start, stop = int(self.offsets[index]), int(self.offsets[index + 1])
        if limit is not None:
            stop = min(stop, start + limit)
        ids = self.ids[self.trials[start:stop]].tolist()
        scores = (self.tenths[start:stop] / 10).tolist()
        return list(zip(ids, scores, strict=True))

    def lists(self, limit: int | None = None) -> list[list[tuple[int, float]]]:
        with _gc_paused():
            return [self.for_patient(i, limit) for i in range(len(self))]


class CompiledTrials:
    """Trials compiled for matching many patients at once (see the module's docstring)."""

    def __init__(self, rules: Sequence[TrialRules]) -> None:
        self.dims: list[_Dimension] = []
        self._dim_index: dict[Dim, int] = {}
        keys: dict[tuple[int, str], int] = {}  # (dimension, condition key) → local index
        pad = self._condition(CONST, {"kind": "text"}, "pad", keys)  # always unknown

        def slots_of(criteria: Sequence[dict[str, Any]]) -> list[tuple[int, int, bool]]:
            found = []
            for c in criteria:
                dim = dim_of(c)
                local = self._condition(dim, c, _condition_key(c), keys)
                found.append(
                    (self._dim_index[dim], local, c.get("section", INCLUSION) == EXCLUSION)
                )
            return found

        structured = [slots_of(r.structured) for r in rules]
        unread = [slots_of(r.unread) for r in rules]
        # Global condition index: the conditions of each dimension in a row.
        first = 0
        for dim in self.dims:
            dim.first = first
            first += len(dim.criteria)
        self.size = first
        const_values = self.dims[0].read(Profile())

        def global_index(slot: tuple[int, int, bool]) -> int:
            return self.dims[slot[0]].first + slot[1]

        # Trials in order of their number of structured criteria, most first (the pair
        # evaluation then works on a shrinking prefix, slot after slot).
        order = sorted(range(len(rules)), key=lambda i: -len(structured[i]))
        self.rules = [rules[i] for i in order]
        self.by_id = {r.trial_id: r for r in self.rules}
        self.sizes = {r.trial_id: len(r.criteria) for r in self.rules}  # criteria per trial
        structured = [structured[i] for i in order]
        unread = [unread[i] for i in order]
        n = len(self.rules)
        self.trial_ids: IntArray = np.array([r.trial_id for r in self.rules], dtype=np.int64)
        self.id_rank: IntArray = np.empty(len(self.rules), dtype=np.int64)
        self.id_rank[np.argsort(self.trial_ids, kind="stable")] = np.arange(len(self.rules))
        self.base_doubt: FloatArray = np.array(
            [r.text_weight * (1 - UNKNOWN_CREDIT) for r in self.rules], dtype=np.float64
        )
        width = max((len(s) for s in structured), default=0)
        self.n_slots: IntArray = np.array([len(s) for s in structured], dtype=np.int64)
        self.slot_dim = np.zeros((n, width), dtype=np.int32)
        self.slot_local = np.full((n, width), pad, dtype=np.int32)
        self.slot_u = np.full((n, width), pad, dtype=np.int32)
        self.slot_x = np.zeros((n, width), dtype=np.int8)  # 3 for exclusion
        self.slot_met_w = np.zeros((n, width), dtype=np.float64)
        self.slot_doubt_w = np.zeros((n, width), dtype=np.float64)
        self.slot_anchor = np.zeros((n, width), dtype=np.bool_)
        for t, slots in enumerate(structured):
            for j, slot in enumerate(slots):
                criterion = self.dims[slot[0]].criteria[slot[1]]
                weight = weight_of(criterion)
                # (the criterion kept for a condition may be another section's: use the slot's)
                self.slot_anchor[t, j] = not slot[2] and weight >= ANCHOR_WEIGHT
                self.slot_dim[t, j] = slot[0]
                self.slot_local[t, j] = slot[1]
                self.slot_u[t, j] = global_index(slot)
                self.slot_x[t, j] = 3 * slot[2]
                self.slot_met_w[t, j] = weight
                self.slot_doubt_w[t, j] = weight * (1 - UNKNOWN_CREDIT)
        # Unread (text) criteria count only towards `Match.met`, the tie-break of `rank`.
        self.base_met: IntArray = np.zeros(n, dtype=np.int64)
        counted: list[list[tuple[int, int, bool]]] = []
        for t, slots in enumerate(unread):
            kept = []
            for slot in slots:
                if slot[0] == 0:  # constant: decide now
                    value = int(const_values[slot[1]])
                    self.base_met[t] += int(_OUTCOME[3 * slot[2] + value] == O_MET)
                else:
                    kept.append(slot)
            counted.append(kept)
        width = max((len(s) for s in counted), default=0)
        self.count_dim = np.zeros((n, width), dtype=np.int32)
        self.count_local = np.full((n, width), pad, dtype=np.int32)
        self.count_u = np.full((n, width), pad, dtype=np.int32)
        self.count_x = np.zeros((n, width), dtype=np.int8)
        for t, slots in enumerate(counted):
            for j, slot in enumerate(slots):
                self.count_dim[t, j] = slot[0]
                self.count_local[t, j] = slot[1]
                self.count_u[t, j] = global_index(slot)
                self.count_x[t, j] = 3 * slot[2]

    def _condition(
        self, dim: Dim, criterion: dict[str, Any], key: str, keys: dict[tuple[int, str], int]
    ) -> int:
        index = self._dim_index.get(dim)
        if index is None:
            index = self._dim_index[dim] = len(self.dims)
            self.dims.append(_Dimension(key=dim, column=index))
        local = keys.get((index, key))
        if local is None:
            local = keys[(index, key)] = len(self.dims[index].criteria)
            self.dims[index].criteria.append(criterion)
        return local

    # --- One patient ------------------------------------------------------------------------

    def values(self, profile: Profile) -> CodeArray:
        """Every distinct condition's value for one profile (V_UNKNOWN, V_TRUE, V_FALSE)."""
        facets = _Facets([profile])
        parts = []
        for dim in self.dims:
            if dim.key == WHOLE:
                parts.append(dim.read(profile))
            else:
                parts.append(dim.lookup(facets.values(dim.key)[0], profile))
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int8)

    def rank_one(self, profile: Profile, limit: int | None = None) -> list[tuple[int, float]]:
        """(trial id, score) of every trial the profile is eligible for, best first: the
        trials, scores and order of `matching.rank(profile, rules)`."""
        return [(trial_id, score) for trial_id, score, _m, _a in self.found_one(profile, limit)]

    def found_one(
        self, profile: Profile, limit: int | None = None
    ) -> list[tuple[int, float, int, bool]]:
        """`rank_one` with each match's criteria met and whether it is anchored (what the
        background re-match keeps for one patient, without building a population job)."""
        if not self.rules:
            return []
        values = self.values(profile)
        outcome = _OUTCOME[self.slot_x + values[self.slot_u]]
        eligible = np.flatnonzero(~(outcome == O_NOT_MET).any(axis=1))
        if not len(eligible):
            return []
        outcome = outcome[eligible]
        met_w, doubt_w = self.slot_met_w[eligible], self.slot_doubt_w[eligible]
        met = np.zeros(len(eligible), dtype=np.float64)
        doubt = self.base_doubt[eligible].copy()
        for j in range(outcome.shape[1]):  # the additions of TrialRules.match, in its order
            met += np.where(outcome[:, j] == O_MET, met_w[:, j], 0.0)
            doubt += np.where(outcome[:, j] == O_UNKNOWN, doubt_w[:, j], 0.0)
        scores = _round(100.0 * met / (met + doubt + PRIOR_WEIGHT))
        count = (outcome == O_MET).sum(axis=1) + self.base_met[eligible]
        if self.count_u.shape[1]:
            counted = _OUTCOME[self.count_x[eligible] + values[self.count_u[eligible]]]
            count += (counted == O_MET).sum(axis=1)
        anchored = ((outcome == O_MET) & self.slot_anchor[eligible]).any(axis=1)
        ids = self.trial_ids[eligible]
        order = np.lexsort((ids, -count, -scores))
        if limit is not None:
            order = order[:limit]
        return list(
            zip(
                ids[order].tolist(),
                (scores[order] / 10).tolist(),
                count[order].tolist(),
                anchored[order].tolist(),
                strict=True,
            )
        )

    def rank(self, profile: Profile, *, limit: int | None = None) -> list[Match]:
        """Full matches (every verdict) of the best trials, in `rank_one`'s order."""
        return [
            self.by_id[trial_id].match(profile)
            for trial_id, _score in self.rank_one(profile, limit)
        ]

    # --- Many patients ----------------------------------------------------------------------

    def rematch(
        self, profiles: Sequence[Profile], *, workers: int = 2, batch: int = BATCH
    ) -> Eligible:
        """Every profile against every trial: the eligible pairs and their scores."""
        started = time.perf_counter()
        with _gc_paused():
            job = _Job(self, profiles)
        ranges = [(lo, min(lo + batch, len(profiles))) for lo in range(0, len(profiles), batch)]
        parallel = len(profiles) * len(self.rules) >= PARALLEL_MIN_PAIRS and len(ranges) > 1
        if workers > 1 and parallel and "fork" in multiprocessing.get_all_start_methods():
            # Forked workers inherit the job (tables, facet codes): nothing big is pickled.
            job.stats.workers = workers
            context = multiprocessing.get_context("fork")
            with context.Pool(workers, initializer=_adopt, initargs=(job,)) as pool:
                parts = list(pool.imap(_run_batch, ranges))
        else:
            parts = [job.run(lo, hi) for lo, hi in ranges]
        eligible = job.collect(parts)
        eligible.stats.wall_s = time.perf_counter() - started
        return eligible


def _round(scores: FloatArray) -> npt.NDArray[np.int16]:
    """Python's round(score, 1) of each score (0-100), as exact tenths.

    round(x, 1) rounds the exact value of x; rint(10 * x) rounds the product, off by an
    ulp at most, so the two agree unless 10 * x lies within a hair of a half: those few
    are left to Python."""
    scaled = scores * 10.0
    tenths = np.rint(scaled)
    near_half = np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6)
    for i in near_half.tolist():
        tenths[i] = round(round(float(scores[i]), 1) * 10)
    return tenths.astype(np.int16)


def _columns(table: npt.NDArray[Any]) -> list[IntArray]:
    """A (trials, slots) table as one contiguous int64 array per slot (faster gathers)."""
    return [np.ascontiguousarray(table[:, j], dtype=np.int64) for j in range(table.shape[1])]


# Per batch: pairs per patient, then per pair: trial index, score tenths, criteria met,
# anchored.
_BatchResult = tuple[
    IntArray,
    npt.NDArray[np.integer[Any]],
    npt.NDArray[np.int16],
    npt.NDArray[np.int16],
    BoolArray,
    Stats,
]
_WORKER_JOB: _Job | None = None  # in a worker process: the job it works for


def _adopt(job: _Job) -> None:
    global _WORKER_JOB
    _WORKER_JOB = job


def _run_batch(bounds: tuple[int, int]) -> _BatchResult:
    if _WORKER_JOB is None:
        raise RuntimeError("a batch outside a worker")
    return _WORKER_JOB.run(*bounds)


class _Job:
    """One population against compiled trials: facet codes, answer tables, pre-filter."""

    def __init__(self, trials: CompiledTrials, profiles: Sequence[Profile]) -> None:
        started = time.perf_counter()
        self.trials = trials
        n_patients, n_trials = len(profiles), len(trials.rules)
        self.stats = Stats(patients=n_patients, trials=n_trials)
        facets = _Facets(profiles)
        dims = trials.dims
        self.width = len(dims)
        codes = np.zeros((n_patients, self.width), dtype=np.int32)
        tables: list[CodeArray] = []  # per dimension: (facets, conditions) values
        counts: list[IntArray] = []
        for dim in dims:
            if dim.key == WHOLE:
                codes[:, dim.column] = np.arange(n_patients, dtype=np.int32)
                rows = [dim.read(p) for p in profiles]
                counts.append(np.ones(n_patients, dtype=np.int64))
            else:
                column, values, reps = facets.codes(dim.key)
                codes[:, dim.column] = column
                rows = [
                    dim.lookup(value, profiles[i])
                    for value, i in zip(values, reps.tolist(), strict=True)
                ]
                counts.append(np.bincount(column, minlength=len(values)))
            if not rows:  # no profiles
                rows = [np.zeros(len(dim.criteria), dtype=np.int8)]
            tables.append(np.stack(rows).T.copy())  # (conditions, facets)
        self.codes = codes
        self.flat_codes = codes.reshape(-1)
        n_facets = [t.shape[1] for t in tables]

        # Outcome tables per (condition, section) as used by the trials, laid end to end:
        # weight met, doubt added, counts as met (plus ANCHOR_UNIT for an anchor met), leaves
        # eligible. Entry 0 is a neutral pad.
        segments: dict[tuple[int, int, int, bool, bool], tuple[int, BoolArray]] = {}
        met_w: list[FloatArray] = [np.zeros(1)]
        doubt_w: list[FloatArray] = [np.zeros(1)]
        counts_met: list[npt.NDArray[np.int32]] = [np.zeros(1, dtype=np.int32)]
        ok: list[BoolArray] = [np.ones(1, dtype=np.bool_)]
        size = 1

        def segment(
            dim: int, local: int, x: int, scored: bool, t: int, j: int
        ) -> tuple[int, BoolArray]:
            nonlocal size
            anchor = scored and bool(trials.slot_anchor[t, j])
            key = (dim, local, x, scored, anchor)
            found = segments.get(key)
            if found is None:
                outcome = _OUTCOME[x + tables[dim][local]]
                if scored:  # met weight; +inf for not met: the sum then tells eligibility
                    weight = trials.slot_met_w[t, j]
                    met_w.append(
                        np.select([outcome == O_MET, outcome == O_NOT_MET], [weight, np.inf], 0.0)
                    )
                    doubt_w.append(np.where(outcome == O_UNKNOWN, trials.slot_doubt_w[t, j], 0.0))
                else:
                    met_w.append(np.zeros(len(outcome)))
                    doubt_w.append(np.zeros(len(outcome)))
                counts_met.append((outcome == O_MET).astype(np.int32) * (1 + ANCHOR_UNIT * anchor))
                ok.append(outcome != O_NOT_MET)
                found = segments[key] = (size, ok[-1])
                size += len(outcome)
            return found

        shape = trials.slot_u.shape
        self.slot_off = np.zeros(shape, dtype=np.int64)
        self.count_off = np.zeros(trials.count_u.shape, dtype=np.int64)
        # Per trial and dimension: the facets that leave the trial eligible.
        allowed: dict[tuple[int, int], BoolArray] = {}
        for t in range(n_trials):
            for j in range(int(trials.n_slots[t])):
                d, local = int(trials.slot_dim[t, j]), int(trials.slot_local[t, j])
                x = int(trials.slot_x[t, j])
                self.slot_off[t, j], passes = segment(d, local, x, True, t, j)
                earlier = allowed.get((t, d))
                allowed[(t, d)] = passes if earlier is None else earlier & passes
            for j in range(trials.count_u.shape[1]):
                d, local = int(trials.count_dim[t, j]), int(trials.count_local[t, j])
                if d == 0:  # padding (constant criteria were counted at compile time)
                    continue
                x = int(trials.count_x[t, j])
                self.count_off[t, j] = segment(d, local, x, False, t, j)[0]
        self.weights = np.empty(size, dtype=np.complex128)  # met weight + 1j * doubt added
        self.weights.real = np.concatenate(met_w)
        self.weights.imag = np.concatenate(doubt_w)
        self.counts_met = np.concatenate(counts_met)
        self.slot_off_cols = _columns(self.slot_off)
        self.slot_dim_cols = _columns(trials.slot_dim)
        self.count_off_cols = _columns(self.count_off)
        self.count_dim_cols = _columns(trials.count_dim)

        # The dense pre-filter: per dimension, (facets, trials) -> the trial stays eligible.
        # Dimensions in order of the share of pairs they rule out; each is kept if it rules
        # out enough of the pairs the ones before it let through (measured on a sample).
        losing: dict[int, list[tuple[int, BoolArray]]] = {}
        for (t, d), passes in allowed.items():
            if not passes.all():
                losing.setdefault(d, []).append((t, passes))
        shares = {
            d: sum(1.0 - float(counts[d][passes].sum()) / n_patients for _t, passes in found)
            / n_trials  # there are patients and trials, or nothing loses any
            for d, found in losing.items()
        }
        picked = np.linspace(0, len(profiles) - 1, num=min(len(profiles), SAMPLE)).astype(int)
        sample = codes[picked]
        alive = np.ones((len(sample), n_trials), dtype=np.bool_)
        self.dense: list[int] = []
        self.dense_tables: list[BoolArray] = []
        for d in sorted(shares, key=lambda d: -shares[d]):
            if n_facets[d] * n_trials > DENSE_MAX_CELLS:
                continue
            table = np.ones((n_facets[d], n_trials), dtype=np.bool_)
            for t, passes in losing[d]:
                table[:, t] = passes
            rows = table[sample[:, d]]
            before = np.count_nonzero(alive)
            after = np.count_nonzero(np.logical_and(alive, rows, out=rows))
            if before and (before - after) / before >= DENSE_MIN_SHARE:
                alive = rows
                self.dense.append(d)
                self.dense_tables.append(table)
                name = ":".join(map(str, dims[d].key))
                self.stats.dense_dims.append(f"{name} {(before - after) / before:.0%}")
        self.stats.facets_s = time.perf_counter() - started

    def run(self, lo: int, hi: int) -> _BatchResult:
        """The eligible pairs of patients lo..hi, with tenths of score and criteria met."""
        trials, stats = self.trials, Stats()
        n_trials, width = len(trials.rules), self.width
        started = time.perf_counter()
        codes = self.codes[lo:hi]
        keep: BoolArray | None = None
        for d, table in zip(self.dense, self.dense_tables, strict=True):
            rows = table[codes[:, d]]  # (patients, trials): one row per patient, copied
            keep = rows if keep is None else np.logical_and(keep, rows, out=keep)
        if keep is None:
            keep = np.ones((hi - lo, n_trials), dtype=np.bool_)
        trial, patient = np.nonzero(np.ascontiguousarray(keep.T))  # trial by trial
        del keep
        stats.pairs = (hi - lo) * n_trials
        stats.after_prefilter = len(trial)
        stats.prefilter_s = time.perf_counter() - started
        started = time.perf_counter()
        # Every criterion of the pairs left. Trials are ordered by their number of criteria,
        # most first, so criterion j concerns a prefix of the pairs (those whose trial has
        # more than j). Met weight and doubt add up as one complex number: two float
        # additions in the order of TrialRules.match; a criterion not met adds +inf.
        flat, at = self.flat_codes, (patient + lo) * width
        fewer = -trials.n_slots[trial]
        total = np.empty(len(trial), dtype=np.complex128)
        total.real = 0.0
        total.imag = trials.base_doubt[trial]
        count = trials.base_met[trial].astype(np.int32)  # + ANCHOR_UNIT per anchor met
        for j, (offsets, dims) in enumerate(
            zip(self.slot_off_cols, self.slot_dim_cols, strict=True)
        ):
            m = int(np.searchsorted(fewer, -j, side="left"))
            if m == 0:
                break
            t = trial[:m]
            index = offsets[t]
            index += flat[at[:m] + dims[t]]
            total[:m] += self.weights[index]
            count[:m] += self.counts_met[index]
        eligible = np.flatnonzero(np.isfinite(total.real))
        trial, patient, at = trial[eligible], patient[eligible], at[eligible]
        total, count = total[eligible], count[eligible]
        for offsets, dims in zip(self.count_off_cols, self.count_dim_cols, strict=True):
            count += self.counts_met[offsets[trial] + flat[at + dims[trial]]]
        anchored = count >= ANCHOR_UNIT
        met_count = (count % ANCHOR_UNIT).astype(np.int16)
        met, doubt = total.real, total.imag
        tenths = _round(100.0 * met / (met + doubt + PRIOR_WEIGHT))
        order = self._order(patient, tenths, met_count, trial, hi - lo)
        stats.eligible = len(trial)
        stats.evaluate_s = time.perf_counter() - started
        small = np.int16 if n_trials <= np.iinfo(np.int16).max else np.int32
        return (
            np.bincount(patient, minlength=hi - lo),
            trial[order].astype(small),
            tenths[order],
            met_count[order],
            anchored[order],
            stats,
        )

    def _order(
        self,
        patient: IntArray,
        tenths: npt.NDArray[np.int16],
        count: npt.NDArray[np.int16],
        trial: IntArray,
        n_patients: int,
    ) -> IntArray:
        """Patient by patient, best first: score, criteria met, trial id (as matching.rank),
        by one sort of a packed key when it fits in 63 bits."""
        rank = self.trials.id_rank[trial]
        most = int(count.max()) if len(count) else 0
        bits = [max(n_patients - 1, 1).bit_length(), 10, max(most, 1).bit_length()]
        bits.append(max(len(self.trials.rules) - 1, 1).bit_length())
        if sum(bits) > KEY_BITS:
            return np.lexsort((rank, -count, -tenths, patient))
        key = patient.astype(np.int64)
        for part, width in ((1000 - tenths, bits[1]), (most - count, bits[2]), (rank, bits[3])):
            key <<= width
            key |= part.astype(np.int64)
        return np.argsort(key)

    def collect(self, parts: Sequence[_BatchResult]) -> Eligible:
        started = time.perf_counter()
        stats = self.stats
        for part in parts:
            stats.add(part[5])

        def joined(i: int, dtype: type[np.generic]) -> npt.NDArray[Any]:
            return np.concatenate([p[i] for p in parts]) if parts else np.zeros(0, dtype)

        offsets = np.zeros(stats.patients + 1, dtype=np.int64)
        np.cumsum(joined(0, np.int64), out=offsets[1:])
        eligible = Eligible(
            offsets=offsets,
            trials=joined(1, np.int16),
            ids=self.trials.trial_ids,
            tenths=joined(2, np.int16),
            met=joined(3, np.int16),
            anchored=joined(4, np.bool_),
            stats=stats,
        )
        stats.collect_s = time.perf_counter() - started
        return eligible


def rematch(
    profiles: Sequence[Profile],
    rules: Sequence[TrialRules] | CompiledTrials,
    *,
    workers: int = 2,
    limit: int | None = None,
) -> list[list[tuple[int, float]]]:
    """For each profile, (trial id, score) of every trial it is eligible for, best first:
    what `[r.match(p, explain=False) for r in rules]`, kept where eligible, would give."""
    trials = rules if isinstance(rules, CompiledTrials) else CompiledTrials(rules)
    return trials.rematch(profiles, workers=workers).lists(limit)
