"""Protein changes as people and files write them, normalized to HGVS p. notation.

`parse_protein_change("p.Leu858Arg")`, `("L858R")` and `("NP_005219.2:p.(Leu858Arg)")` give the
same `ProteinChange`. Besides HGVS it reads the class-level words a report or a knowledge base
uses ("exon 19 deletion", "G719X", "amplification", "fusion").
"""

import re
from dataclasses import dataclass, fields
from enum import StrEnum
from functools import lru_cache

from django.utils.translation import gettext as _

from medcenter.oncology.genomics.vocabulary import (
    CHANGE_NAMES,
    CHANGE_WORDS,
    ONE_LETTER,
    RESIDUES,
    THREE_LETTER,
)


class ChangeType(StrEnum):
    MISSENSE = "missense"
    SYNONYMOUS = "synonymous"
    NONSENSE = "nonsense"
    FRAMESHIFT = "frameshift"
    INFRAME_DELETION = "inframe_deletion"
    INFRAME_INSERTION = "inframe_insertion"
    DUPLICATION = "duplication"
    DELINS = "delins"
    STOP_LOST = "stop_lost"
    START_LOST = "start_lost"
    SPLICE = "splice"
    UNKNOWN = "unknown"
    # Class-level descriptions: they name a set of changes, not one.
    ANY_SUBSTITUTION = "any_substitution"
    EXON_DELETION = "exon_deletion"
    EXON_INSERTION = "exon_insertion"
    EXON_SKIPPING = "exon_skipping"
    EXON_MUTATION = "exon_mutation"
    ANY_MUTATION = "any_mutation"
    ONCOGENIC_MUTATION = "oncogenic_mutation"
    TRUNCATING_MUTATION = "truncating_mutation"
    AMPLIFICATION = "amplification"
    LOSS = "loss"
    OVEREXPRESSION = "overexpression"
    FUSION = "fusion"


SMALL_VARIANT_TYPES = frozenset(
    {
        ChangeType.MISSENSE,
        ChangeType.SYNONYMOUS,
        ChangeType.NONSENSE,
        ChangeType.FRAMESHIFT,
        ChangeType.INFRAME_DELETION,
        ChangeType.INFRAME_INSERTION,
        ChangeType.DUPLICATION,
        ChangeType.DELINS,
        ChangeType.STOP_LOST,
        ChangeType.START_LOST,
        ChangeType.SPLICE,
        ChangeType.UNKNOWN,
    }
)


class ProteinChangeError(ValueError):
    """A protein change that cannot be read; the message is fit to show to the person."""

    def __init__(self, value: str, reason: str | None = None) -> None:
        self.value = value
        message = _(
            "“%(value)s” is not a protein change this system can read "
            "(write it like p.Leu858Arg, L858R, E746_A750del or “exon 19 deletion”)."
        ) % {"value": value}
        if reason:
            message = f"{message} {reason}"
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class ProteinChange:
    """One normalized protein change, or a named class of changes (then `hgvs` is None)."""

    hgvs: str | None
    short: str
    change_type: ChangeType
    start: int | None = None
    end: int | None = None
    ref: str = ""
    ref_end: str = ""
    alt: str = ""
    exon: int | None = None

    @property
    def is_class(self) -> bool:
        return self.change_type not in SMALL_VARIANT_TYPES

    @property
    def alters_protein(self) -> bool:
        return self.change_type not in (ChangeType.SYNONYMOUS, ChangeType.UNKNOWN)

    def __str__(self) -> str:
        return self.short


_new_object = object.__new__
(
    _set_hgvs,
    _set_short,
    _set_change_type,
    _set_start,
    _set_end,
    _set_ref,
    _set_ref_end,
    _set_alt,
    _set_exon,
) = (ProteinChange.__dict__[f.name].__set__ for f in fields(ProteinChange))


def _change(
    hgvs: str | None,
    short: str,
    change_type: ChangeType,
    start: int | None = None,
    end: int | None = None,
    ref: str = "",
    ref_end: str = "",
    alt: str = "",
    exon: int | None = None,
) -> ProteinChange:
    """A ProteinChange built through its slots: a VCF parses one per variant, and the frozen
    dataclass __init__ (one object.__setattr__ per field) costs four times as much."""
    change = _new_object(ProteinChange)
    _set_hgvs(change, hgvs)
    _set_short(change, short)
    _set_change_type(change, change_type)
    _set_start(change, start)
    _set_end(change, end)
    _set_ref(change, ref)
    _set_ref_end(change, ref_end)
    _set_alt(change, alt)
    _set_exon(change, exon)
    return change


_THREE_LETTER_RE = re.compile("|".join(sorted(ONE_LETTER, key=len, reverse=True)))
_AA = r"[ACDEFGHIKLMNPQRSTVWYUO*X]"
_FAST_MISSENSE = re.compile(r"p\.([A-Z][a-z]{2})([1-9]\d*)([A-Z][a-z]{2})")
_FAST_SUBSTITUTION = re.compile(r"p\.([A-Z][a-z]{2})(\d+)([A-Z][a-z]{2}|\*|=)")
_FAST_ALT = RESIDUES | {"*", "="}
_LOWER = re.compile("[a-z]")
_SUBSTITUTION = re.compile(rf"({_AA})(\d+)({_AA}|=|\?)?")
_FRAMESHIFT = re.compile(rf"({_AA})(\d+)({_AA})?fs(?:\*(\d+|\?)?)?")
_EXTENSION = re.compile(rf"(\*)(\d+)({_AA})ext\*?(\d+|\?)?")
_RANGE = re.compile(rf"({_AA})(\d+)(?:_({_AA})(\d+))?(delins|del|dup|ins)(.*)")
_SPLICE = re.compile(rf"({_AA})?(\d+)_splice")
_EXON = re.compile(
    r"(?:([A-Z][A-Z0-9]*?)\s*)?(?i:exon|ex)\s*(\d+)\s*"
    r"(?i:(del|deletions?|ins|insertions?|dup|duplications?|skip|skipping|"
    r"mutations?|mut|alterations?|splice(?:\s+site)?)(?:\s+(?:mutations?|variants?))?)?"
)
_WORDS = {
    word: ChangeType(value) for value, words in CHANGE_WORDS.items() for word in words.split()
}
_WORD_SHORT = {ChangeType(value): name for value, name in CHANGE_NAMES.items()}
_EXON_TYPES = {
    "del": ChangeType.EXON_DELETION,
    "ins": ChangeType.EXON_INSERTION,
    "dup": ChangeType.EXON_INSERTION,
    "ski": ChangeType.EXON_SKIPPING,
    "spl": ChangeType.EXON_SKIPPING,
}
_EXON_WORDS = {
    ChangeType.EXON_DELETION: "deletion",
    ChangeType.EXON_INSERTION: "insertion",
    ChangeType.EXON_SKIPPING: "skipping",
    ChangeType.EXON_MUTATION: "mutation",
}


def parse_protein_change(text: str) -> ProteinChange:
    """Read `text` as a protein change; raise ProteinChangeError if it is not one."""
    if not isinstance(text, str):
        raise ProteinChangeError(str(text))
    # Most changes in annotated files are missense changes written the snpEff/VEP way, and most
    # are unique in a large file: they are built directly, as a cache would only churn.
    fast = _FAST_MISSENSE.fullmatch(text)
    if fast is not None:
        ref3, pos, alt3 = fast.groups()
        ref, alt = ONE_LETTER.get(ref3), ONE_LETTER.get(alt3)
        if ref in RESIDUES and alt in RESIDUES and ref != alt:
            position = int(pos)
            return _change(
                text, f"{ref}{pos}{alt}", ChangeType.MISSENSE, position, position, ref, ref, alt
            )
    return _parse(text)


@lru_cache(maxsize=16_384)
def _parse(text: str) -> ProteinChange:
    fast = _FAST_SUBSTITUTION.fullmatch(text)
    if fast is not None:
        ref, alt = ONE_LETTER.get(fast.group(1)), ONE_LETTER.get(fast.group(3), fast.group(3))
        if ref is not None and alt in _FAST_ALT:
            return _substitution(text, ref, int(fast.group(2)), alt)
    cleaned = text.strip()
    if not cleaned:
        raise ProteinChangeError(text, _("The protein change is empty."))
    lowered = cleaned.lower()
    if not lowered.startswith("p."):
        change_type = _WORDS.get(re.sub(r"[\s_]+", "-", lowered))
        if change_type is not None:
            return _change(hgvs=None, short=_WORD_SHORT[change_type], change_type=change_type)
        exon = _EXON.fullmatch(cleaned) if "ex" in lowered else None
        if exon:
            return _exon_class(exon.group(2), exon.group(3) or "", exon.group(1))
    if ":" in cleaned:
        # An accession prefix (NP_005219.2:, ENSP00000275493.2:) says nothing about the change.
        cleaned = cleaned.rsplit(":", 1)[1]
    # VEP writes "=" as "%3D" in its CSQ field.
    cleaned = cleaned.replace("%3D", "=")
    if cleaned[:2] in ("p.", "P."):
        cleaned = cleaned[2:]
    if cleaned.startswith("(") and cleaned.endswith(")"):
        cleaned = cleaned[1:-1]
    if cleaned in ("?", "=", "0"):
        return _special(cleaned)
    one = _THREE_LETTER_RE.sub(_to_one_letter, cleaned) if _has_three_letter(cleaned) else cleaned
    return _parse_one_letter(text, one)


def _has_three_letter(text: str) -> bool:
    return _LOWER.search(text) is not None and _THREE_LETTER_RE.search(text) is not None


def _to_one_letter(match: re.Match[str]) -> str:
    return ONE_LETTER[match.group(0)]


def _special(text: str) -> ProteinChange:
    if text == "=":
        return _change(hgvs="p.=", short="=", change_type=ChangeType.SYNONYMOUS)
    if text == "0":
        return _change(hgvs="p.0", short="0", change_type=ChangeType.TRUNCATING_MUTATION)
    return _change(hgvs="p.?", short="?", change_type=ChangeType.UNKNOWN)


def _exon_class(number: str, kind: str, gene: str | None) -> ProteinChange:
    exon = int(number)
    if exon < 1:
        raise ProteinChangeError(number)
    change_type = _EXON_TYPES.get(kind[:3].lower(), ChangeType.EXON_MUTATION)
    if gene == "MET" and exon == 14 and not kind:
        # "METex14" is the field's shorthand for MET exon 14 skipping.
        change_type = ChangeType.EXON_SKIPPING
    short = f"exon {exon} {_EXON_WORDS[change_type]}"
    return _change(hgvs=None, short=short, change_type=change_type, exon=exon)


def _parse_one_letter(original: str, text: str) -> ProteinChange:
    match = _SUBSTITUTION.fullmatch(text)
    if match:
        return _substitution(original, match.group(1), int(match.group(2)), match.group(3))
    match = _RANGE.fullmatch(text)
    if match:
        return _range(original, match)
    match = _FRAMESHIFT.fullmatch(text)
    if match:
        ref, pos, alt, stop = match.groups()
        _check_residue(original, ref)
        return _frameshift(int(pos), ref, alt or "", stop)
    match = _EXTENSION.fullmatch(text)
    if match:
        _ref, pos, alt, length = match.groups()
        return _extension(int(pos), alt, length)
    match = _SPLICE.fullmatch(text)
    if match:
        pos = int(match.group(2))
        return _change(
            hgvs=None,
            short=f"X{pos}_splice",
            change_type=ChangeType.SPLICE,
            start=pos,
            end=pos,
            ref="X",
        )
    raise ProteinChangeError(original)


def _check_residue(original: str, residue: str) -> None:
    if residue not in RESIDUES:
        raise ProteinChangeError(
            original,
            _("“%(residue)s” cannot be the reference residue.") % {"residue": residue},
        )


def _check_position(original: str, position: int) -> None:
    if position < 1:
        raise ProteinChangeError(original, _("Residue positions start at 1."))


def _substitution(original: str, ref: str, pos: int, alt: str | None) -> ProteinChange:
    if ref == "*":
        if alt is None or alt not in RESIDUES:
            raise ProteinChangeError(original)
        return _extension(pos, alt, None)
    _check_residue(original, ref)
    _check_position(original, pos)
    ref3 = THREE_LETTER[ref]
    if alt is None or alt == "X":
        # "V600" and "G719X" name every substitution at a codon (HGVS Xaa: any residue).
        return _change(
            hgvs=None,
            short=f"{ref}{pos}X",
            change_type=ChangeType.ANY_SUBSTITUTION,
            start=pos,
            end=pos,
            ref=ref,
            ref_end=ref,
        )
    if alt == "=" or alt == ref:
        return _change(
            hgvs=f"p.{ref3}{pos}=",
            short=f"{ref}{pos}=",
            change_type=ChangeType.SYNONYMOUS,
            start=pos,
            end=pos,
            ref=ref,
            ref_end=ref,
            alt=ref,
        )
    if alt == "?":
        change_type = ChangeType.START_LOST if pos == 1 and ref == "M" else ChangeType.UNKNOWN
        return _change(
            hgvs=f"p.{ref3}{pos}?",
            short=f"{ref}{pos}?",
            change_type=change_type,
            start=pos,
            end=pos,
            ref=ref,
            ref_end=ref,
        )
    change_type = ChangeType.NONSENSE if alt == "*" else ChangeType.MISSENSE
    return _change(
        hgvs=f"p.{ref3}{pos}{THREE_LETTER[alt]}",
        short=f"{ref}{pos}{alt}",
        change_type=change_type,
        start=pos,
        end=pos,
        ref=ref,
        ref_end=ref,
        alt=alt,
    )


def _frameshift(pos: int, ref: str, alt: str, stop: str | None) -> ProteinChange:
    hgvs = f"p.{THREE_LETTER[ref]}{pos}{THREE_LETTER[alt] if alt else ''}fs"
    short = f"{ref}{pos}{alt}fs"
    if alt and stop:
        hgvs += f"Ter{stop}"
        short += f"*{stop}"
    return _change(
        hgvs=hgvs,
        short=short,
        change_type=ChangeType.FRAMESHIFT,
        start=pos,
        end=pos,
        ref=ref,
        ref_end=ref,
        alt=alt,
    )


def _extension(pos: int, alt: str, length: str | None) -> ProteinChange:
    tail = f"{length}" if length else "?"
    return _change(
        hgvs=f"p.Ter{pos}{THREE_LETTER[alt]}extTer{tail}",
        short=f"*{pos}{alt}ext*{tail}",
        change_type=ChangeType.STOP_LOST,
        start=pos,
        end=pos,
        ref="*",
        alt=alt,
    )


def _range(original: str, match: re.Match[str]) -> ProteinChange:
    ref, start_text, ref_end, end_text, operation, tail = match.groups()
    start = int(start_text)
    end = int(end_text) if end_text else start
    _check_residue(original, ref)
    _check_position(original, start)
    if ref_end:
        _check_residue(original, ref_end)
    if end < start or (end_text and end == start):
        raise ProteinChangeError(
            original, _("The range must end after it starts (e.g. E746_A750del).")
        )
    inserted = ""
    if operation in ("ins", "delins"):
        if not tail or not all(c in RESIDUES or c == "*" for c in tail):
            if not tail.isdigit():
                raise ProteinChangeError(
                    original, _("Name the inserted residues (e.g. insSVD or delinsQ).")
                )
            # A count ("ins4") instead of residues: the residues are unknown.
            tail = "X" * int(tail)
        inserted = tail
        if operation == "ins" and end != start + 1:
            raise ProteinChangeError(
                original, _("An insertion lies between two neighbouring residues (D770_N771).")
            )
    elif tail and not (tail.isdigit() or all(c in RESIDUES for c in tail)):
        raise ProteinChangeError(original)
    span = f"{ref}{start}" + (f"_{ref_end}{end}" if ref_end else "")
    span3 = f"{THREE_LETTER[ref]}{start}" + (f"_{THREE_LETTER[ref_end]}{end}" if ref_end else "")
    inserted3 = "".join(THREE_LETTER[c] for c in inserted)
    change_type = {
        "del": ChangeType.INFRAME_DELETION,
        "dup": ChangeType.DUPLICATION,
        "ins": ChangeType.INFRAME_INSERTION,
        "delins": ChangeType.DELINS,
    }[operation]
    return _change(
        hgvs=f"p.{span3}{operation}{inserted3}",
        short=f"{span}{operation}{inserted}",
        change_type=change_type,
        start=start,
        end=end,
        ref=ref,
        ref_end=ref_end or ref,
        alt=inserted,
    )
