"""Patient-trial matching: every criterion met, not met or unknown, with the evidence used.

Pure Python over plain data: a `Profile` (what is known about a patient) and `TrialRules`
(a trial's structured criteria, compiled once). Hard exclusions filter — one criterion
not met and the trial is out; unknowns lower the score but keep it. `compiled.CompiledTrials`
gives the same answers for many trials (and many patients) at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from medcenter.oncology import labunits
from medcenter.oncology.genomics.oncotree import SOLID_TUMOR, OncoTree, load_oncotree

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"


def gettext_noop(message: str) -> str:
    """Marks an evidence wording for makemessages (which looks for this name); unlike
    Django's, it needs no settings and costs nothing while the matcher ranks."""
    return message


INCLUSION, EXCLUSION = "inclusion", "exclusion"

# How much each kind of criterion counts towards the score. Text the parser could not read
# counts a little, so a trial with much unread text ranks below one read whole.
WEIGHTS = {
    "diagnosis": 4.0,
    "biomarker": 4.0,
    "stage": 1.5,
    "age": 1.0,
    "sex": 1.0,
    "performance": 1.0,
    "brain_metastases": 1.0,
    "prior_therapy": 1.0,
    "prior_lines": 1.0,
    "lab": 0.5,
    "pregnancy": 0.3,
    "text": 0.15,
}
UNKNOWN_CREDIT = 0.45  # an unknown is worth a bit under half a met criterion
# A trial is put in its team's pre-screening queue only when an inclusion criterion this
# heavy (a diagnosis or a biomarker, or any-of alternatives with one) is met: without it, a
# patient with little on record would be a candidate for nearly every trial.
ANCHOR_WEIGHT = 4.0
PRIOR_WEIGHT = 4.0  # what a trial must earn before its score means much
ROMAN = ("0", "I", "II", "III", "IV")
# ECOG grade ↔ Karnofsky range (Oken et al. 1982), to read one scale from the other.
ECOG_FROM_KARNOFSKY = {100: 0, 90: 0, 80: 1, 70: 1, 60: 2, 50: 2, 40: 3, 30: 3, 20: 4, 10: 4}


@dataclass
class Biomarker:
    gene: str
    classes: frozenset[str]
    present: bool = True
    source: str = ""


@dataclass
class Profile:
    """What is known about one patient. None means unknown, never "no"."""

    age: float | None = None
    sex: str | None = None  # "female" | "male"
    oncotree: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    stage: str | None = None  # "IIIB", "IV"
    metastatic: bool | None = None
    biomarkers: list[Biomarker] = field(default_factory=list)
    tested_genes: frozenset[str] = frozenset()  # genes a panel covered: absence is known
    ecog: int | None = None
    karnofsky: int | None = None
    prior_therapies: frozenset[str] = frozenset()
    therapies_known: bool = False  # True when the list is complete (an empty list means none)
    prior_lines: int | None = None
    brain_metastases: bool | None = None
    brain_qualifiers: frozenset[str] = frozenset()
    # canonical units (labunits.CANONICAL); "<test>/uln": the result as a multiple of the ULN
    labs: dict[str, float] = field(default_factory=dict)
    pregnant: bool | None = None
    note: str = ""
    # What the person said they do not have (the pre-screen's "no" answers).
    not_diagnoses: frozenset[str] = frozenset()
    not_therapies: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Verdict:
    section: str
    kind: str
    source: str
    outcome: str  # met | not_met | unknown
    evidence: str

    @property
    def criterion(self) -> str:
        return self.source

    @property
    def evidence_shown(self) -> str:
        """The evidence in the active language."""
        return shown(self.evidence)

    def as_dict(self) -> dict[str, Any]:
        """As shown (and kept with a decision): the evidence in the active language, and its
        parts, so that a later reader sees it in theirs (templatetags.trials.evidence)."""
        parts = self.evidence.to_parts() if isinstance(self.evidence, Evidence) else None
        return {
            "section": self.section,
            "kind": self.kind,
            "criterion": self.source,
            "outcome": self.outcome,
            "evidence": self.evidence_shown,
            "evidence_parts": parts,
        }


@dataclass
class Match:
    trial_id: int
    score: float
    eligible: bool  # no criterion not met
    verdicts: list[Verdict]
    anchored: bool = False  # an inclusion diagnosis or biomarker criterion met (ANCHOR_WEIGHT)
    text_relevance: float | None = None  # 0-100 among the trials ranked with a note
    criteria_met: int | None = None  # criteria met, when the verdicts were not kept

    @property
    def met(self) -> int:
        if self.criteria_met is not None:
            return self.criteria_met
        return sum(v.outcome == MET for v in self.verdicts)

    @property
    def not_met(self) -> int:
        return sum(v.outcome == NOT_MET for v in self.verdicts)

    @property
    def unknown(self) -> int:
        return sum(v.outcome == UNKNOWN for v in self.verdicts)


# --- Reading one criterion ---------------------------------------------------------------------


class Evidence(str):
    """What a criterion was compared with, as text: the English wording is the string itself
    (tests, logs, the API in English); `translated()` says it in the active language.

    The wording is a msgid marked with gettext_noop and filled by str.format, so this module
    needs no Django settings and the matcher pays for no translation while it ranks; only the
    explanations shown are translated.
    """

    template: str
    params: dict[str, Any]
    parts: tuple[Evidence, ...]

    def __new__(cls, template: str, **params: Any) -> Evidence:
        text = template.format(**params) if params else template
        made = super().__new__(cls, text)
        made.template, made.params, made.parts = template, params, ()
        return made

    @classmethod
    def joined(cls, parts: Sequence[str]) -> Evidence:
        """Several pieces of evidence, each once, separated by semicolons."""
        flat = [
            piece
            for p in parts
            for piece in ((p.parts or (p,)) if isinstance(p, Evidence) else (cls(p),))
        ]
        unique = list(dict.fromkeys(flat))
        made = cls("; ".join(unique))
        made.parts = tuple(unique)
        return made

    def translated(self) -> str:
        from django.utils.translation import gettext

        if self.parts:
            return "; ".join(part.translated() for part in self.parts)
        if not self.params:
            return gettext(self.template) if self.template else ""
        params = {k: shown(v) for k, v in self.params.items()}  # a name inside is translated too
        try:
            return gettext(self.template).format(**params)
        except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder
            return str(self)

    def to_parts(self) -> list[list[Any]]:
        """As JSON (kept with a decision or a contact request): [[template, params], ...];
        a value that is itself evidence (a lab test's name) is kept as {"evidence": parts}."""

        def value(v: Any) -> Any:
            return {"evidence": v.to_parts()} if isinstance(v, Evidence) else v

        return [
            [part.template, {k: value(v) for k, v in part.params.items()}]
            for part in (self.parts or (self,))
        ]

    @classmethod
    def from_parts(cls, parts: Any, _inside: bool = False) -> Evidence:
        """The evidence `to_parts` wrote (ValueError when it is not that). Evidence inside
        evidence (a lab test's name) goes one level deep, no further."""
        if not isinstance(parts, list) or not parts:
            raise ValueError("no evidence parts")

        def kept(value: Any) -> Any:
            if not isinstance(value, dict):
                return value
            if _inside or "evidence" not in value:
                raise ValueError("not an evidence value")
            return cls.from_parts(value["evidence"], _inside=True)

        made = []
        for part in parts:
            if not (
                isinstance(part, list)
                and len(part) == 2
                and isinstance(part[0], str)
                and isinstance(part[1], dict)
            ):
                raise ValueError("not an evidence part")
            params = {k: kept(v) for k, v in part[1].items()}
            try:
                part[0].format(**params)  # the template and its values fit together
                made.append(cls(part[0], **params))
            except (KeyError, IndexError, TypeError, AttributeError) as error:
                raise ValueError("evidence part does not fit its template") from error
        return made[0] if len(made) == 1 else cls.joined(made)


E = Evidence


def shown(evidence: str) -> str:
    """Evidence in the active language (plain strings, such as stored snapshots, as they are)."""
    return evidence.translated() if isinstance(evidence, Evidence) else evidence


Condition = tuple[bool | None, str]  # (is the stated condition true of the patient?, evidence)


@cache
def oncotree() -> OncoTree:
    return load_oncotree()


def _codes_known(codes: Iterable[str]) -> list[str]:
    tree = oncotree()
    return [found for code in codes if (found := tree.find(code)) is not None]


def _diagnosis(c: dict[str, Any], p: Profile) -> Condition:
    wanted = _codes_known(c.get("oncotree") or [])
    if not wanted:
        return None, E(gettext_noop("no diagnosis code to compare"))
    if not p.oncotree:
        if p.not_diagnoses and set(wanted) <= p.not_diagnoses:
            return False, E(gettext_noop("not this diagnosis (your answer)"))
        if p.terms:
            shown = ", ".join(p.terms[:2])
            return None, E(gettext_noop("diagnosis given as text only ({terms})"), terms=shown)
        return None, E(gettext_noop("no diagnosis recorded"))
    tree = oncotree()
    names = ", ".join(tree.name(w) for w in wanted[:3])
    for code in _codes_known(p.oncotree):
        lineage = tree.lineage(code)
        for want in wanted:
            if want in lineage:
                return True, E(
                    gettext_noop("{name} ({code}) is within {wanted}"),
                    name=tree.name(code),
                    code=code,
                    wanted=tree.name(want),
                )
    for code in _codes_known(p.oncotree):
        for want in wanted:
            if code in tree.lineage(want):  # the record is less specific than the trial
                return None, E(
                    gettext_noop("{name} ({code}): subtype not recorded, {wanted} wanted"),
                    name=tree.name(code),
                    code=code,
                    wanted=names,
                )
    mine = ", ".join(f"{tree.name(c)} ({c})" for c in _codes_known(p.oncotree)[:2])
    return False, E(gettext_noop("{mine}, not {wanted}"), mine=mine, wanted=names)


def _group(stage: str) -> str:
    text = stage.strip().upper().removeprefix("STAGE").strip()
    for roman in ("IV", "III", "II", "I", "0"):
        if text.startswith(roman):
            return roman
    return ""


def _stage(c: dict[str, Any], p: Profile) -> Condition:
    outcomes: list[Condition] = []
    stages = [s for s in c.get("stages") or [] if s in ROMAN]
    detail = [str(s).upper() for s in c.get("detail") or []]
    if stages:
        if p.stage is None:
            outcomes.append((None, E(gettext_noop("stage not recorded"))))
        else:
            group = _group(p.stage)
            exact = p.stage.strip().upper()
            ok = group in stages
            if ok and detail and exact != group and any(d.startswith(group) for d in detail):
                ok = exact in detail
            outcomes.append((ok, E(gettext_noop("stage {stage}"), stage=p.stage)))
    if c.get("metastatic"):
        if p.metastatic is not None:
            spread = gettext_noop("metastatic") if p.metastatic else gettext_noop("not metastatic")
            outcomes.append((p.metastatic, E(spread)))
        elif p.stage is not None:
            outcomes.append(
                (_group(p.stage) == "IV", E(gettext_noop("stage {stage}"), stage=p.stage))
            )
        else:
            outcomes.append((None, E(gettext_noop("spread not recorded"))))
    if c.get("locally_advanced"):
        if p.stage is not None:
            outcomes.append(
                (_group(p.stage) in ("III", "IV"), E(gettext_noop("stage {stage}"), stage=p.stage))
            )
        else:
            outcomes.append((None, E(gettext_noop("stage not recorded"))))
    if c.get("unresectable"):
        outcomes.append((None, E(gettext_noop("resectability not recorded"))))
    return _any_of(outcomes)


def _any_of(outcomes: Sequence[Condition]) -> Condition:
    """Alternatives: true if one is, false if all are, else unknown."""
    if not outcomes:
        return None, E(gettext_noop("nothing to compare"))
    for outcome in outcomes:
        if outcome[0] is True:
            return outcome
    if all(outcome[0] is False for outcome in outcomes):
        return False, Evidence.joined([o[1] for o in outcomes])
    return None, Evidence.joined([o[1] for o in outcomes if o[0] is None])


def _biomarker(c: dict[str, Any], p: Profile) -> Condition:
    gene = str(c.get("gene") or "").upper()
    wanted = {str(k) for k in c.get("classes") or []} or {"mutation"}
    if not gene:
        return None, E(gettext_noop("no gene named"))
    found = [
        b
        for b in p.biomarkers
        if b.gene.upper() == gene and b.present and wanted.intersection(b.classes)
    ]
    label = f"{gene} {' or '.join(sorted(wanted))}"
    if found:
        first = found[0]
        shown = sorted(wanted.intersection(first.classes))[0]
        if first.source:
            return True, E(
                gettext_noop("{gene} {change} found ({source})"),
                gene=gene,
                change=shown,
                source=first.source,
            )
        return True, E(gettext_noop("{gene} {change} found"), gene=gene, change=shown)
    denied = [
        b
        for b in p.biomarkers
        if b.gene.upper() == gene and not b.present and wanted.intersection(b.classes)
    ]
    if denied:
        return False, E(gettext_noop("{wanted} reported absent"), wanted=label)
    if gene in p.tested_genes:
        others = [b for b in p.biomarkers if b.gene.upper() == gene and b.present]
        if others:
            seen = ", ".join(sorted(others[0].classes - {"mutation", "oncogenic mutation"})[:2])
            if not seen:
                return False, E(
                    gettext_noop("{gene} tested: another change, not {wanted}"),
                    gene=gene,
                    wanted=" or ".join(wanted),
                )
            return False, E(
                gettext_noop("{gene} tested: {seen}, not {wanted}"),
                gene=gene,
                seen=seen,
                wanted=" or ".join(wanted),
            )
        return False, E(
            gettext_noop("{gene} tested, no {wanted} found"),
            gene=gene,
            wanted=" or ".join(sorted(wanted)),
        )
    return None, E(gettext_noop("{gene} not tested"), gene=gene)


def _performance(c: dict[str, Any], p: Profile) -> Condition:
    scale = c.get("scale")
    if scale == "ecog":
        ecog = p.ecog
        if ecog is None and p.karnofsky is not None:
            ecog = ECOG_FROM_KARNOFSKY.get(int(round(p.karnofsky, -1)))
            if ecog is not None:
                ok = _within(ecog, c)
                return ok, E(
                    gettext_noop("ECOG from Karnofsky {karnofsky} {ecog}"),
                    karnofsky=p.karnofsky,
                    ecog=ecog,
                )
        if ecog is None:
            return None, E(gettext_noop("performance status not recorded"))
        return _within(ecog, c), E(gettext_noop("ECOG {ecog}"), ecog=ecog)
    if scale in ("karnofsky", "lansky"):
        if p.karnofsky is None:
            if p.ecog is None:
                return None, E(gettext_noop("performance status not recorded"))
            # Karnofsky from ECOG is a range: decide only when the whole range agrees.
            band = [k for k, e in ECOG_FROM_KARNOFSKY.items() if e == p.ecog]
            results = {_within(k, c) for k in band}
            shown = E(
                gettext_noop("ECOG {ecog} (Karnofsky {low}-{high})"),
                ecog=p.ecog,
                low=min(band),
                high=max(band),
            )
            return (results.pop() if len(results) == 1 else None), shown
        return _within(p.karnofsky, c), E(
            gettext_noop("Karnofsky {karnofsky}"), karnofsky=p.karnofsky
        )
    return None, E(gettext_noop("unknown scale"))


def _within(value: float, c: dict[str, Any]) -> bool:
    low, high = c.get("min"), c.get("max")
    return (low is None or value >= low) and (high is None or value <= high)


def _age(c: dict[str, Any], p: Profile) -> Condition:
    if p.age is None:
        return None, E(gettext_noop("age not known"))
    low, high = c.get("min_years"), c.get("max_years")
    ok = (low is None or p.age >= low) and (high is None or p.age <= high)
    return ok, E(gettext_noop("age {age}"), age=f"{p.age:g}")


def _sex(c: dict[str, Any], p: Profile) -> Condition:
    if p.sex is None:
        return None, E(gettext_noop("sex not known"))
    return p.sex == c.get("sex"), E(
        {"female": gettext_noop("female"), "male": gettext_noop("male")}.get(p.sex, p.sex)
    )


def _prior_therapy(c: dict[str, Any], p: Profile) -> Condition:
    therapy = str(c.get("therapy") or "").lower()
    if not therapy:
        return None, E(gettext_noop("no therapy named"))
    if therapy in p.prior_therapies:
        return True, E(gettext_noop("prior {therapy} recorded"), therapy=therapy)
    if p.therapies_known or therapy in p.not_therapies:
        return False, E(gettext_noop("no {therapy} among prior treatments"), therapy=therapy)
    return None, E(gettext_noop("prior treatments not recorded"))


def _prior_lines(c: dict[str, Any], p: Profile) -> Condition:
    if p.prior_lines is None:
        return None, E(gettext_noop("prior lines of treatment not recorded"))
    return _within(p.prior_lines, c), E(gettext_noop("{count} prior lines"), count=p.prior_lines)


def _brain(c: dict[str, Any], p: Profile) -> Condition:
    if p.brain_metastases is None:
        return None, E(gettext_noop("brain metastases not recorded"))
    if not p.brain_metastases:
        return False, E(gettext_noop("no brain metastases"))
    qualifier = c.get("qualifier")
    if not qualifier or qualifier in p.brain_qualifiers:
        if not p.brain_qualifiers:
            return True, E(gettext_noop("brain metastases"))
        shown = " ".join(sorted(p.brain_qualifiers))
        return True, E(gettext_noop("brain metastases {qualifiers}"), qualifiers=shown)
    opposite = {
        "untreated": "treated",
        "treated": "untreated",
        "active": "stable",
        "stable": "active",
        "symptomatic": "asymptomatic",
        "asymptomatic": "symptomatic",
    }
    if opposite.get(qualifier) in p.brain_qualifiers:
        return False, E(
            gettext_noop("brain metastases, {qualifier}"), qualifier=opposite[qualifier]
        )
    return None, E(
        gettext_noop("brain metastases; whether {qualifier} is not recorded"), qualifier=qualifier
    )


LAB_NAMES = labunits.NAMES  # the tests as people read them (the record's LabTest labels)


def _lab(c: dict[str, Any], p: Profile) -> Condition:
    """A laboratory limit: a value (converted to the test's canonical unit) or a multiple of
    the upper limit of normal, against the profile's result (canonical unit, or value/ULN).
    The evidence names the test as people read it ("Absolute neutrophil count"), translated
    where it is shown."""
    key = str(c.get("test"))
    test: str = E(LAB_NAMES[key]) if key in LAB_NAMES else key
    op = str(c.get("op"))
    multiple = c.get("uln_multiple")
    if multiple is not None:
        ratio = p.labs.get(f"{key}/uln")
        if ratio is None:
            return None, E(
                gettext_noop("{test} (times the upper limit of normal) not recorded"), test=test
            )
        shown = E(gettext_noop("{test} {ratio} x ULN"), test=test, ratio=f"{ratio:.3g}")
        return _compare(ratio, op, float(multiple)), shown
    value = p.labs.get(key)
    if value is None:
        return None, E(gettext_noop("{test} not recorded"), test=test)
    limit = labunits.to_canonical(key, float(c.get("value") or 0), c.get("unit"))
    if limit is None:
        return None, E(
            gettext_noop("{test} {value}: the criterion's unit ({unit}) is not understood"),
            test=test,
            value=f"{value:g}",
            unit=c.get("unit"),
        )
    result = f"{value:g} {labunits.CANONICAL[key]}".strip()
    return _compare(value, op, limit), E(gettext_noop("{test} {result}"), test=test, result=result)


def _compare(value: float, op: str, limit: float) -> bool | None:
    tolerance = 1e-9 * max(abs(limit), 1.0)  # 1.5 x 10^9/L read as 1500/mm3 is 1.5 exactly
    return {
        ">=": value >= limit - tolerance,
        ">": value > limit + tolerance,
        "<=": value <= limit + tolerance,
        "<": value < limit - tolerance,
    }.get(op)


def _pregnancy(c: dict[str, Any], p: Profile) -> Condition:
    if p.sex == "male":
        return False, E(gettext_noop("male"))
    if p.pregnant is None:
        return None, E(gettext_noop("pregnancy not recorded"))
    return p.pregnant, E(gettext_noop("pregnant") if p.pregnant else gettext_noop("not pregnant"))


def _text(c: dict[str, Any], p: Profile) -> Condition:
    alternatives = read_alternatives(c)
    if alternatives:
        return _any_of([condition_of(a, p) for a in alternatives])
    return None, E(gettext_noop("not read automatically: to check"))


def read_alternatives(criterion: dict[str, Any]) -> list[dict[str, Any]]:
    """A text criterion's alternatives when the parser read them all (any one suffices)."""
    alternatives = criterion.get("alternatives") or []
    if criterion.get("kind") != "text" or not isinstance(alternatives, list):
        return []
    if not all(isinstance(a, dict) for a in alternatives):
        return []
    return alternatives


def is_read(criterion: dict[str, Any]) -> bool:
    """Whether the criterion decides eligibility: every structured kind, and text whose
    alternatives were read ("EGFR-mutant or ALK-positive" with both tested negative is not
    met). Text read no further is always unknown and only lowers the score a little."""
    return criterion.get("kind") != "text" or bool(read_alternatives(criterion))


def weight_of(criterion: dict[str, Any]) -> float:
    """How much the criterion counts towards the score (WEIGHTS); read alternatives count as
    the heaviest of them."""
    alternatives = read_alternatives(criterion)
    if alternatives:
        return max(weight_of(a) for a in alternatives)
    return WEIGHTS.get(str(criterion.get("kind", "text")), 1.0)


def is_anchor(criterion: dict[str, Any]) -> bool:
    """An inclusion criterion heavy enough that meeting it makes a candidate (ANCHOR_WEIGHT)."""
    return (
        criterion.get("section", INCLUSION) == INCLUSION
        and is_read(criterion)
        and weight_of(criterion) >= ANCHOR_WEIGHT
    )


READERS: dict[str, Callable[[dict[str, Any], Profile], Condition]] = {
    "diagnosis": _diagnosis,
    "stage": _stage,
    "biomarker": _biomarker,
    "performance": _performance,
    "age": _age,
    "sex": _sex,
    "prior_therapy": _prior_therapy,
    "prior_lines": _prior_lines,
    "brain_metastases": _brain,
    "lab": _lab,
    "pregnancy": _pregnancy,
    "text": _text,
}


def condition_of(criterion: dict[str, Any], profile: Profile) -> Condition:
    """Whether the criterion's condition holds for the patient (None: unknown)."""
    reader = READERS.get(str(criterion.get("kind")), _text)
    value, evidence = reader(criterion, profile)
    if value is not None and criterion.get("present") is False:
        value = not value  # "no history of X", "EGFR wild-type"
    return value, evidence


def verdict(criterion: dict[str, Any], profile: Profile) -> Verdict:
    value, evidence = condition_of(criterion, profile)
    section = criterion.get("section", INCLUSION)
    if value is None:
        outcome = UNKNOWN
    elif section == EXCLUSION:
        outcome = NOT_MET if value else MET
    else:
        outcome = MET if value else NOT_MET
    return Verdict(
        section=section,
        kind=str(criterion.get("kind", "text")),
        source=str(criterion.get("source", "")),
        outcome=outcome,
        evidence=evidence,
    )


# --- A trial's rules ----------------------------------------------------------------------


@dataclass
class TrialRules:
    """A trial's criteria, compiled for matching: the registry's structured fields (ages,
    sex, conditions) first, then the parsed and corrected criteria, then the team's
    biomarker requirements."""

    trial_id: int
    criteria: list[dict[str, Any]]
    min_age: float | None = None
    max_age: float | None = None
    sex: str | None = None  # "female" | "male" | None (all)
    tissues: frozenset[str] = frozenset()  # OncoTree tissues a diagnosis criterion allows
    text_weight: float = 0.0

    def __post_init__(self) -> None:
        self.structured = [c for c in self.criteria if is_read(c)]
        self.weights = [weight_of(c) for c in self.structured]
        self.anchors = [is_anchor(c) for c in self.structured]
        self.unread = [c for c in self.criteria if not is_read(c)]
        self.text_weight = WEIGHTS["text"] * len(self.unread)

    def match(self, profile: Profile, *, explain: bool = True) -> Match:
        """Every criterion's verdict and the score (0-100); not eligible if one is not met.

        The score is the weight of the criteria met against that plus the doubt left by the
        unknown ones plus a constant: a trial whose diagnosis, biomarker and stage criteria
        are all met ranks above one that merely states nothing the patient fails.
        """
        verdicts = [verdict(c, profile) for c in self.structured]
        met_weight = 0.0
        doubt = self.text_weight * (1 - UNKNOWN_CREDIT)
        eligible = True
        anchored = False
        for item, weight, anchor in zip(verdicts, self.weights, self.anchors, strict=True):
            if item.outcome == MET:
                met_weight += weight
                anchored = anchored or anchor
            elif item.outcome == UNKNOWN:
                doubt += weight * (1 - UNKNOWN_CREDIT)
            else:
                eligible = False
        score = 100.0 * met_weight / (met_weight + doubt + PRIOR_WEIGHT)
        if explain:
            for c in self.unread:
                verdicts.append(verdict(c, profile))
        return Match(
            trial_id=self.trial_id,
            score=round(score, 1),
            eligible=eligible,
            verdicts=verdicts,
            anchored=anchored,
        )


def tissue_of(code: str) -> str | None:
    tree = oncotree()
    found = tree.find(code)
    if found is None:
        return None
    for node in tree.lineage(found):
        if node in tree.parents and tree.parents[node] is None:
            return node
    return None


def compile_rules(
    *,
    trial_id: int,
    criteria: Sequence[dict[str, Any]],
    min_age: float | None,
    max_age: float | None,
    sex: str,
    condition_codes: Sequence[str] = (),
    conditions_text: str = "",
    biomarker_requirements: Sequence[dict[str, Any]] = (),
) -> TrialRules:
    """Put a trial's registry fields, parsed criteria and local requirements in one list."""
    rules: list[dict[str, Any]] = []
    if min_age is not None or max_age is not None:
        rules.append(
            {
                "section": INCLUSION,
                "kind": "age",
                "min_years": min_age,
                "max_years": max_age,
                "source": _age_text(min_age, max_age),
            }
        )
    wanted_sex = {"FEMALE": "female", "MALE": "male"}.get(sex.upper())
    if wanted_sex:
        rules.append(
            {"section": INCLUSION, "kind": "sex", "sex": wanted_sex, "source": f"Sex: {sex}"}
        )
    parsed_codes = [
        code
        for c in criteria
        if c.get("kind") == "diagnosis" and c.get("section") == INCLUSION and c.get("present", True)
        for code in c.get("oncotree") or []
    ]
    known = _codes_known(condition_codes)
    if known and not parsed_codes:
        rules.append(
            {
                "section": INCLUSION,
                "kind": "diagnosis",
                "oncotree": known,
                "present": True,
                "source": f"Conditions: {conditions_text}"[:500],
            }
        )
    for c in criteria:
        if c.get("kind") == "age" and min_age is not None and c.get("section") == INCLUSION:
            continue  # the registry's age fields already say it
        if c.get("kind") == "sex" and wanted_sex and c.get("section") == INCLUSION:
            continue
        rules.append(dict(c))
    for requirement in biomarker_requirements:
        rules.append(
            {
                "section": INCLUSION,
                "kind": "biomarker",
                "gene": requirement.get("gene", ""),
                "classes": list(requirement.get("classes") or ["mutation"]),
                "present": requirement.get("present", True),
                "source": requirement.get("source")
                or f"Trial team: {requirement.get('gene', '')} "
                f"{' or '.join(requirement.get('classes') or ['mutation'])}",
            }
        )
    allowed = [
        code
        for c in rules
        if c.get("kind") == "diagnosis" and c.get("section") == INCLUSION and c.get("present", True)
        for code in c.get("oncotree") or []
    ]
    tree = oncotree()
    if any(tree.find(code) == SOLID_TUMOR for code in allowed):
        tissues: frozenset[str] = frozenset()  # "any solid tumour": no tissue restriction
    else:
        tissues = frozenset(t for code in allowed if (t := tissue_of(code)) is not None)
    return TrialRules(
        trial_id=trial_id,
        criteria=rules,
        min_age=min_age,
        max_age=max_age,
        sex=wanted_sex,
        tissues=tissues,
    )


def _age_text(low: float | None, high: float | None) -> str:
    def years(value: float) -> str:
        return f"{value:g} years"

    if low is not None and high is not None:
        return f"Ages {years(low)} to {years(high)}"
    if low is not None:
        return f"Ages {years(low)} and older"
    return f"Ages up to {years(high or 0)}"


def rank(
    profile: Profile, rules: Iterable[TrialRules], *, include_ineligible: bool = False
) -> list[Match]:
    """Matches for one patient, best first; trials with a criterion not met are left out
    unless asked for (then they come after every eligible one)."""
    matches = [r.match(profile) for r in rules]
    if not include_ineligible:
        matches = [m for m in matches if m.eligible]
    matches.sort(key=lambda m: (not m.eligible, -m.score, -m.met, m.trial_id))
    return matches
