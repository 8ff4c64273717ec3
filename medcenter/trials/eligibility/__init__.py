"""Eligibility criteria text → structured criteria, each keeping the sentence it came from.

`parse_criteria` splits ClinicalTrials.gov eligibility text (markdown bullets of API v2, the
hard-wrapped "-" bullets of the old XML, blank-line paragraphs) into inclusion and exclusion
items and reads what it safely can from each sentence. Everything else, and everything it is
unsure of, is a `text` criterion: a wrong structured criterion would exclude a patient
wrongly, an unread one only leaves the answer unknown.

A criterion states a condition about the patient: an inclusion one must hold, an exclusion
one must not. Every dict has "section" ("inclusion" | "exclusion"), "kind" and "source" (the
sentence, or the whole item when nothing in it was read; markdown escapes removed, white
space collapsed). By kind:

- age: min_years, max_years (float | None; "< 18" reads as max 18, strictness is not kept)
- sex: sex ("female" | "male"; inclusion only)
- diagnosis: oncotree (codes, any of), terms (phrases as written), present
- stage: stages (groups "0".."IV", any of), optional detail (every exact stage admitted,
  "IIIB-IV" → IIIB, IIIC, …, IV, IVA, …), and/or metastatic / locally_advanced /
  unresectable: True; stages and flags of one criterion are alternatives
- biomarker: gene (HGNC), classes (class names of oncology.genomics.classes, any of),
  present. ER/PR are ESR1/PGR "overexpression", HER2-positive ERBB2 overexpression or
  amplification; "HR-positive", "BRCA1/2" in an inclusion are a text criterion whose
  alternatives are the genes
- performance: scale ("ecog" | "karnofsky" | "lansky"), min, max (int | None)
- prior_therapy: therapy (vocabulary.THERAPIES name: drug or class), present, optional
  setting ("metastatic" | "adjuvant" | "neoadjuvant" | "perioperative")
- prior_lines: min, max, optional setting
- brain_metastases: present, qualifier (None | "untreated" | "symptomatic" | "active" |
  "stable" | "treated" | "leptomeningeal"; "active" also stands for exclusions restricted in
  words not read, such as "requiring steroids")
- lab: test (LAB_TESTS), op (">=" | ">" | "<=" | "<"), and value + unit (lower case, "10^9/l")
  or uln_multiple; of several bounds for one test the loosest is kept
- pregnancy: present (pregnant or breastfeeding)
- text: optional "alternatives" (criteria of which any one suffices: "ECOG 0-1 or
  Karnofsky ≥ 70", "EGFR-mutant or ALK-positive") or, in an exclusion, "all_of" (parts that
  exclude only together: "stage IV breast cancer")

Items for one cohort, arm or sub-study, items under "one of the following", and sentences that
permit ("… are eligible"), set conditions ("for patients with …") or time ("within 4 weeks")
stay text.

`matcher.notes.profile_from_note` reads a free-text patient note with the same recognisers:
each reader module here also has the note reader of its concept (`note_diagnoses`,
`note_stage`, `note_brain`, `note_biomarkers`, `note_therapies`), and the concepts the text
ranker needs too (age, sex, pregnancy, performance status, negation and family scope) are in
`trials/recognisers/`, which both use.

Pure Python: no models, no database, importable without Django settings.

`items` splits the text, `criteria` runs one reader module per kind over each sentence
(`demographics`, `performance`, `labs`, `brain`, `biomarkers` with `genes`, `stage`,
`diagnosis`, `therapies`) and combines what they read; `context` holds what they share.
"""

from medcenter.trials.eligibility.brain import BRAIN_QUALIFIERS
from medcenter.trials.eligibility.context import EXCLUSION, INCLUSION, Criterion

# test_eligibility checks these patterns through the package.
from medcenter.trials.eligibility.criteria import _LOWERCASE_PATTERNS as _LOWERCASE_PATTERNS
from medcenter.trials.eligibility.criteria import parse_criteria
from medcenter.trials.eligibility.demographics import age_bounds
from medcenter.trials.eligibility.genes import (
    ALTERATION_CLASSES,
    NEGATIVE_CLASSES,
    POSITIVE_CLASSES,
)
from medcenter.trials.eligibility.labs import LAB_TESTS
from medcenter.trials.eligibility.stage import STAGE_GROUPS, SUBSTAGES

__all__ = [
    "ALTERATION_CLASSES",
    "BRAIN_QUALIFIERS",
    "EXCLUSION",
    "INCLUSION",
    "LAB_TESTS",
    "NEGATIVE_CLASSES",
    "POSITIVE_CLASSES",
    "STAGE_GROUPS",
    "SUBSTAGES",
    "Criterion",
    "age_bounds",
    "parse_criteria",
]
