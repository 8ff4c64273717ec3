"""The trial matcher: one way to rank trials for a patient, pure Python over plain data.

`match_profile` is the one entry point. The API (POST /api/v1/trials/match), the clinician's
"Trials for this patient" page, the public pre-screen and the background re-match all call it
(the re-match of whole chunks of patients calls its batched form, `match_profiles`, over the
same compiled trials), so a patient is ranked the same wherever they are ranked.

- `rules`: `Profile` (what is known of a patient), `TrialRules` (a trial's criteria), one
  verdict per criterion with its evidence, the score;
- `compiled`: `CompiledTrials`, many trials (and many patients) at once with the answers of
  `TrialRules.match`, vectorised;
- `notes`: `profile_from_note`, a free-text note read with the criteria parser's recognisers;
- `vocabulary`: cancer, treatment and gene words, the data in trials/data/*.json.

The package imports no submodule that reads criteria text (`notes` uses the criteria
parser's recognisers in trials.eligibility, which uses `vocabulary`): import
`matcher.notes.profile_from_note` from its module.

No Django ORM here: the catalogue of open trials, the trials' texts and their stored sentence
vectors are read by trials.selectors and handed in (`TrialTexts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from medcenter.trials.matcher.compiled import CompiledTrials, Eligible
from medcenter.trials.matcher.rules import Biomarker, Match, Profile, TrialRules, compile_rules
from medcenter.trials.textmatch import TrialText, score_trials

__all__ = [
    "Biomarker",
    "CompiledTrials",
    "Eligible",
    "Match",
    "Profile",
    "TrialRules",
    "TrialText",
    "TrialTexts",
    "compile_rules",
    "match_profile",
    "match_profiles",
    "note_relevance",
]

# A note also ranks by how well each trial's text fits it, a quarter of the weight: it
# separates trials the structured criteria cannot tell apart. It re-orders only the leaders
# of the structured ranking (at least MIN_LEADERS, else three times the places asked for).
TEXT_SHARE = 0.25
LEADERS_PER_PLACE = 3
MIN_LEADERS = 60


class TrialTexts(Protocol):
    """Where the matcher reads the trials' texts for a note (the database, a benchmark)."""

    def texts(self, trial_ids: Sequence[int]) -> list[TrialText]:
        """The text of each trial, in the order asked."""
        ...

    def similarities(self, note: str, trial_ids: Sequence[int]) -> list[float] | None:
        """The note's similarity of meaning with each trial (cosines of sentence vectors), or
        None when not every trial has one: a pool is ranked with them for all or for none."""
        ...


def note_relevance(
    note: str, texts: Sequence[TrialText], similarities: Sequence[float] | None = None
) -> list[float]:
    """How well each trial's text fits a free-text note, 0-100 within these trials
    (textmatch, with the sentence similarities when given)."""
    if not note.strip() or not texts:
        return []
    scores = score_trials(note, list(texts), semantic=similarities)
    low, high = min(scores), max(scores)
    spread = (high - low) or 1.0
    return [round(100.0 * (s - low) / spread, 1) for s in scores]


def match_profile(
    profile: Profile,
    *,
    trials: CompiledTrials,
    note: str | None = None,
    limit: int | None,
    include_ineligible: bool,
    texts: TrialTexts | None = None,
    explain: bool = True,
) -> list[Match]:
    """The trials for one patient, best first, each criterion explained.

    Eligible trials come first, by score, then criteria met, then trial id; with
    `include_ineligible` the trials with a criterion not met follow, in the same order. With a
    `note` (and `texts` to read the trials'), the leaders are re-ordered by 0.75 of the score
    plus 0.25 of the note's text relevance. `limit` None keeps every trial; `explain` False
    leaves the verdicts out (the re-match keeps scores, criteria met and anchors only).
    """
    text = (note or "") if texts is not None else ""
    by_text = bool(text.strip())
    # The places the structured ranking must give: the leaders a note re-orders, else those
    # asked for (None: every trial).
    places = limit
    if by_text and limit is not None:
        places = max(LEADERS_PER_PLACE * limit, MIN_LEADERS)
    if include_ineligible:
        evaluated = [rules.match(profile, explain=False) for rules in trials.rules]
        evaluated.sort(key=lambda m: (not m.eligible, -m.score, -m.met, m.trial_id))
        ranked = [
            Match(m.trial_id, m.score, m.eligible, [], m.anchored, criteria_met=m.met)
            for m in evaluated[:places]
        ]
    else:
        ranked = [
            Match(trial_id, score, True, [], anchored, criteria_met=met)
            for trial_id, score, met, anchored in trials.found_one(profile, places)
        ]
    if by_text and texts is not None and ranked:
        ids = [m.trial_id for m in ranked]
        relevance = note_relevance(text, texts.texts(ids), texts.similarities(text, ids))
        for match, value in zip(ranked, relevance, strict=True):
            match.text_relevance = value
        ranked.sort(
            key=lambda m: (
                not m.eligible,
                -((1 - TEXT_SHARE) * m.score + TEXT_SHARE * (m.text_relevance or 0.0)),
                m.trial_id,
            )
        )
    kept = ranked if limit is None else ranked[:limit]
    if not explain:
        return kept
    found = []
    for match in kept:
        full = trials.by_id[match.trial_id].match(profile)
        full.text_relevance = match.text_relevance
        found.append(full)
    return found


def match_profiles(
    profiles: Sequence[Profile], *, trials: CompiledTrials, workers: int = 2
) -> Eligible:
    """`match_profile` for many patients at once, eligible trials only, without a note or
    explanations: the same trials, scores, order and anchors, in numpy (the re-match)."""
    return trials.rematch(profiles, workers=workers)
