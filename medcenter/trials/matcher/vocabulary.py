"""Words trial texts and patient notes use for cancers, genes and treatments.

Cancer names map to OncoTree codes (checked against the shipped tree by the tests), treatment
names to one normalized name and the classes it belongs to ("osimertinib" is a third-generation
EGFR TKI, an EGFR TKI, a targeted therapy, a systemic therapy). The words themselves are data,
trials/data/cancers.json, therapies.json and genes.json, read once at import; this module holds
the small lookups over them and needs no Django settings.
"""

import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

from medcenter.oncology.genomics.vocabulary import GENE_ALIASES

_V = TypeVar("_V")


class CancerTerm(NamedTuple):
    """Phrases for one kind of cancer and the OncoTree codes they stand for.

    `exact` is False where the codes are broader than the phrase ("non-squamous NSCLC" →
    NSCLC): such a match may require the broader type of a patient (inclusion) but must not
    exclude every patient of the broader type.
    """

    phrases: tuple[str, ...]
    codes: tuple[str, ...]
    exact: bool = True


DATA = Path(__file__).resolve().parent.parent / "data"


@cache
def _data(name: str) -> dict[str, Any]:
    """One vocabulary file of trials/data/, read once."""
    with (DATA / f"{name}.json").open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


def _codes(mapping: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    return {key: tuple(codes) for key, codes in mapping.items()}


# Cancer names (data/cancers.json): clinical phrases, matched case-insensitively (hyphens and
# spaces are interchangeable, a plural "s" and British spellings are read too); abbreviations
# matched only as written (upper case: "all", "os" and "es" are words or endpoints, so Ewing
# sarcoma and osteosarcoma have none); those that stand for their codes only loosely
# (excluded from exclusion criteria); and the words patients type in a search box.
CANCER_TERMS: tuple[CancerTerm, ...] = tuple(
    CancerTerm(tuple(term["phrases"]), tuple(term["codes"]), bool(term.get("exact", True)))
    for group in _data("cancers")["terms"]
    for term in group["terms"]
)
CANCER_ABBREVIATIONS: dict[str, tuple[str, ...]] = _codes(_data("cancers")["abbreviations"])
BROAD_ABBREVIATIONS = frozenset(_data("cancers")["broad_abbreviations"])
LAY_TERMS: dict[str, tuple[str, ...]] = _codes(_data("cancers")["lay_terms"])


class Therapy(NamedTuple):
    """A treatment's normalized name and the classes it belongs to directly."""

    name: str
    parents: tuple[str, ...]


# Treatments (data/therapies.json). Classes and drugs each name their direct parent classes;
# `therapy_classes` walks up.
THERAPIES: tuple[Therapy, ...] = tuple(
    Therapy(name, tuple(parents))
    for group in _data("therapies")["therapies"]
    for name, parents in group["therapies"]
)
THERAPY_PARENTS: dict[str, tuple[str, ...]] = {t.name: t.parents for t in THERAPIES}
# Names that are classes of other therapies ("chemotherapy", "egfr tki"), not one drug.
THERAPY_CLASSES = frozenset(parent for t in THERAPIES for parent in t.parents)
# Regimens written by their acronym in a treatment history, as the anticancer drugs (names
# in THERAPIES) they give; supportive drugs of a regimen (leucovorin, mesna, prednisone in
# R-CHOP) are left out. Only acronyms that mean one regimen across cancers are there ("TC"
# is docetaxel-cyclophosphamide in breast cancer, paclitaxel-carboplatin in ovarian cancer),
# and only regimens whose every anticancer drug THERAPIES knows (not ABVD: bleomycin).
REGIMENS: dict[str, tuple[str, ...]] = _codes(_data("therapies")["regimens"])
# Drugs given with a regimen that are not anticancer therapy: a history naming them is no
# less complete.
SUPPORTIVE_DRUGS = frozenset(_data("therapies")["supportive_drugs"])
# Other ways texts name a treatment or class, mapped to the normalized name. Every name in
# THERAPIES is also read as itself.
THERAPY_SYNONYMS: dict[str, str] = {
    word: name
    for group in _data("therapies")["synonyms"]
    for word, name in group["synonyms"].items()
}


class TherapyMention(NamedTuple):
    start: int
    end: int
    name: str


class CancerMention(NamedTuple):
    start: int
    end: int
    phrase: str
    codes: tuple[str, ...]
    exact: bool


# Genes (data/genes.json): oncology genes a criterion or note may name with an alteration,
# matched case-sensitively (with the common mixed-case spellings) so that words like "met" or
# "ret" are not read as genes; "ER", "PR" and "HR" are read only next to a status word. Names
# that stand for any of several genes ("BRCA1/2", "RAS"); protein changes that name their
# gene on their own ("T790M").
BIOMARKER_GENES: frozenset[str] = frozenset(_data("genes")["biomarker_genes"])
GENE_SPELLINGS: dict[str, str] = dict(_data("genes")["spellings"])
GENE_FAMILIES: dict[str, tuple[str, ...]] = _codes(_data("genes")["families"])
CHANGE_GENES: dict[str, str] = dict(_data("genes")["change_genes"])


def gene_symbols() -> dict[str, str]:
    """Every spelling read as a gene, mapped to its HGNC symbol."""
    spellings = {symbol: symbol for symbol in BIOMARKER_GENES}
    for alias, symbol in GENE_ALIASES.items():
        # Aliases are upper case; single short words (NEU, ROS) would be read too eagerly.
        if symbol in BIOMARKER_GENES and len(alias) >= 3 and alias not in ("NEU", "ROS", "MLL"):
            spellings[alias] = symbol
    spellings.update(GENE_SPELLINGS)
    return spellings


def therapy_classes(name: str) -> frozenset[str]:
    """`name` and every class it belongs to ("osimertinib" → … "egfr tki", "targeted therapy")."""
    found: set[str] = set()
    stack = [name]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(THERAPY_PARENTS.get(current, ()))
    return frozenset(found)


def normalize_therapy(text: str) -> str | None:
    """The normalized name of a treatment as written ("Keytruda" → "pembrolizumab"), or None."""
    return _therapy_lookup().get(_key(text))


def read_therapies(names: Any) -> tuple[frozenset[str], bool]:
    """Treatments as written (drugs, classes, regimen acronyms such as FOLFOX) as normalized
    names with their classes, and whether every name was understood (supportive drugs such
    as leucovorin are understood and left out)."""
    found: set[str] = set()
    understood = True
    for name in names or []:
        text = str(name).strip().lower()
        if not text or text in SUPPORTIVE_DRUGS:
            continue
        parts = REGIMENS.get(text)
        if parts is None:
            normal = normalize_therapy(text)
            if normal is None:
                understood = False
                found.add(text)  # kept as written: "prior <name>" may still say it
                continue
            if normal in THERAPY_CLASSES:
                # "chemotherapy", "immunotherapy": which drug is not said, so a history
                # naming it does not say which drugs were not given.
                understood = False
            parts = (normal,)
        for part in parts:
            found.update(therapy_classes(part))
    return frozenset(found), understood


def lay_terms() -> dict[str, tuple[str, ...]]:
    """Every cancer word a search box understands (clinical and lay), lower case → codes."""
    terms: dict[str, tuple[str, ...]] = {}
    for term in CANCER_TERMS:
        for phrase in term.phrases:
            if term.codes:
                terms[phrase] = term.codes
    for abbreviation, codes in CANCER_ABBREVIATIONS.items():
        terms.setdefault(abbreviation.lower(), codes)
    terms.update(LAY_TERMS)
    return terms


def find_cancer_terms(text: str) -> list[CancerMention]:
    """The cancer names in `text`, longest first at each place, with their codes."""
    found: list[CancerMention] = []
    for start, end, (codes, exact) in _cancer_index().find(text):
        if _NON_PREFIX.search(text, max(0, start - 5), start):
            # "non-melanoma", "non small cell" read as a different term or not at all.
            continue
        found.append(CancerMention(start, end, text[start:end], codes, exact))
    for match in _ABBREVIATION_RE.finditer(text):
        word = match.group(1)
        found.append(
            CancerMention(
                match.start(1),
                match.end(1),
                word,
                CANCER_ABBREVIATIONS[word],
                word not in BROAD_ABBREVIATIONS,
            )
        )
    found.sort()
    return _drop_overlaps(found)


def find_therapies(text: str) -> list[TherapyMention]:
    """The treatments and treatment classes named in `text`, normalized."""
    return [TherapyMention(start, end, name) for start, end, name in _therapy_index().find(text)]


_NON_PREFIX = re.compile(r"\bnon[\s-]?$", re.IGNORECASE)
_ABBREVIATION_RE = re.compile(
    r"(?<![A-Za-z0-9/-])("
    + "|".join(re.escape(a) for a in sorted(CANCER_ABBREVIATIONS, key=len, reverse=True))
    + r")s?(?![A-Za-z0-9-])"
)
_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2013'\u2019/]+")
_TOKEN = re.compile(r"[^\s\-\u2010\u2011\u2013'\u2019/]+")
_EDGE_PUNCTUATION = '.,;:!?()[]{}"“”*'


def _key(text: str) -> str:
    lowered = text.lower().replace("tumour", "tumor").replace("leukaem", "leukem")
    lowered = lowered.replace("oesophag", "esophag")
    return _SEPARATORS.sub("", lowered)


def _singular(key: str) -> str:
    if key.endswith("es") and not key.endswith("ses"):
        return key[:-1]
    return key[:-1] if key.endswith("s") else key


class _PhraseIndex(Generic[_V]):
    """Finds phrases by their words: spaces, hyphens, slashes and apostrophes are read alike,
    a plural "s" is dropped, British spellings are read. One dictionary look-up per word and
    phrase length, where one big regular expression would try every phrase at every letter."""

    def __init__(self, phrases: Iterable[tuple[str, _V]]) -> None:
        self.values: dict[str, _V] = {}
        self.prefixes: set[str] = set()
        self.longest = 1
        for phrase, value in phrases:
            tokens = [_key(t) for t in _TOKEN.findall(phrase)]
            self.values.setdefault("".join(tokens), value)
            self.longest = max(self.longest, len(tokens))
            # Every prefix of the joined key, so "gall bladder" finds "gallbladder".
            joined = "".join(tokens)
            self.prefixes.update(joined[:size] for size in range(1, len(joined)))

    def find(self, text: str) -> list[tuple[int, int, _V]]:
        tokens: list[tuple[int, int, str]] = []
        for match in _TOKEN.finditer(text):
            word = match.group(0)
            start, end = match.start(), match.end()
            stripped = word.strip(_EDGE_PUNCTUATION)
            if not stripped:
                continue
            start += word.index(stripped)
            end = start + len(stripped)
            tokens.append((start, end, _key(stripped)))
        found: list[tuple[int, int, _V]] = []
        index = 0
        while index < len(tokens):
            key = ""
            best: tuple[int, _V] | None = None
            for last in range(index, min(len(tokens), index + self.longest)):
                if last > index and tokens[last - 1][1] != tokens[last][0]:
                    gap = text[tokens[last - 1][1] : tokens[last][0]]
                    if not _SEPARATORS.fullmatch(gap):
                        break  # punctuation between words ends a phrase
                key += tokens[last][2]
                value = self.values.get(key)
                if value is None and key.endswith("s"):
                    value = self.values.get(_singular(key))
                if value is not None:
                    best = (last, value)
                if key not in self.prefixes:
                    break
            if best is None:
                index += 1
                continue
            last, value = best
            found.append((tokens[index][0], tokens[last][1], value))
            index = last + 1
        return found


@cache
def _cancer_index() -> _PhraseIndex[tuple[tuple[str, ...], bool]]:
    return _PhraseIndex(
        (phrase, (term.codes, term.exact)) for term in CANCER_TERMS for phrase in term.phrases
    )


@cache
def _therapy_index() -> _PhraseIndex[str]:
    return _PhraseIndex([(name, name) for name in THERAPY_PARENTS] + list(THERAPY_SYNONYMS.items()))


@cache
def _therapy_lookup() -> Mapping[str, str]:
    lookup = {_key(name): name for name in THERAPY_PARENTS}
    lookup.update({_key(word): name for word, name in THERAPY_SYNONYMS.items()})
    return lookup


def _drop_overlaps(mentions: list[CancerMention]) -> list[CancerMention]:
    kept: list[CancerMention] = []
    for mention in mentions:
        if kept and mention.start < kept[-1].end:
            if mention.end - mention.start > kept[-1].end - kept[-1].start:
                kept[-1] = mention
            continue
        kept.append(mention)
    return kept
