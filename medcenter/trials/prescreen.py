"""The "Could I be eligible?" pre-screen: questions generated from a trial's structured
criteria, in plain words and the visitor's language, and the answers read back as a profile.

Only what a person can answer about themselves is asked (no laboratory values); every
question has a "not sure" answer, which the matcher treats as unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medcenter.trials.matcher import CompiledTrials, match_profile
from medcenter.trials.matcher.rules import Biomarker, Match, Profile, TrialRules, oncotree

NOT_SURE = "not_sure"
YES, NO = "yes", "no"
ACTIVITY = [
    ("0", gettext_lazy("Fully active, as before my illness")),
    ("1", gettext_lazy("I cannot do heavy physical work, but I can do light work")),
    ("2", gettext_lazy("I can look after myself but cannot work; up and about most of the day")),
    ("3", gettext_lazy("I can only partly look after myself; in bed or a chair half the day")),
    ("4", gettext_lazy("I cannot look after myself; in bed or a chair all day")),
]
STAGES = [("I", "I"), ("II", "II"), ("III", "III"), ("IV", "IV")]
QUESTION_ORDER = (
    "age",
    "sex",
    "diagnosis",
    "stage",
    "metastatic",
    "brain",
    "biomarker",
    "activity",
    "therapy",
    "prior",
    "pregnant",
)


@dataclass
class Question:
    name: str
    label: str
    kind: str  # "number" | "choice"
    choices: list[tuple[str, str]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


def yes_no() -> list[tuple[str, str]]:
    return [(YES, _("Yes")), (NO, _("No")), (NOT_SURE, _("I'm not sure"))]


def cancer_name(code: str, language: str | None = None) -> str:
    """The patient-facing name of an OncoTree type: the directory's translated condition,
    else OncoTree's English name."""
    from medcenter.directory.models import Condition

    condition = Condition.objects.filter(oncotree_code=code).first()
    if condition is not None:
        return str(condition.localized("name", language))
    return oncotree().name(code)


def questions_for(rules: TrialRules) -> list[Question]:
    """One question per thing the trial asks that a person can answer, in criteria order."""
    found: list[Question] = []
    names: set[str] = set()

    def add(question: Question) -> None:
        if question.name not in names:
            names.add(question.name)
            found.append(question)

    for criterion in rules.criteria:
        kind = criterion.get("kind")
        if kind == "age":
            add(Question("age", _("How old are you?"), "number"))
        elif kind == "sex":
            add(
                Question(
                    "sex",
                    _("What sex were you assigned at birth?"),
                    "choice",
                    [
                        ("female", _("Female")),
                        ("male", _("Male")),
                        (NOT_SURE, _("I'd rather not say")),
                    ],
                )
            )
        elif kind == "diagnosis" and criterion.get("section") == "inclusion":
            codes = [c for c in criterion.get("oncotree") or [] if oncotree().find(c)]
            if codes:
                shown = ", ".join(dict.fromkeys(cancer_name(c) for c in codes[:3]))
                add(
                    Question(
                        "diagnosis",
                        _("Have you been diagnosed with %(name)s?") % {"name": shown},
                        "choice",
                        yes_no(),
                        {"codes": codes, "name": shown},
                    )
                )
        elif kind == "stage":
            if criterion.get("stages"):
                add(
                    Question(
                        "stage",
                        _("What stage is your cancer?"),
                        "choice",
                        [*STAGES, (NOT_SURE, _("I'm not sure"))],
                    )
                )
            if criterion.get("metastatic") or criterion.get("locally_advanced"):
                add(
                    Question(
                        "metastatic",
                        _("Has the cancer spread to other parts of your body?"),
                        "choice",
                        yes_no(),
                    )
                )
        elif kind == "biomarker":
            gene = str(criterion.get("gene") or "")
            classes = [str(c) for c in criterion.get("classes") or []]
            change = " / ".join(c for c in classes if c not in ("mutation", "oncogenic mutation"))
            label = f"{gene} {change}".strip() if change else gene
            add(
                Question(
                    f"biomarker_{gene}",
                    _("Was your tumor tested for changes in the %(gene)s gene? What did it show?")
                    % {"gene": gene},
                    "choice",
                    [
                        ("found", _("A change was found: %(change)s") % {"change": label}),
                        ("not_found", _("It was tested and no such change was found")),
                        (NOT_SURE, _("It was not tested, or I'm not sure")),
                    ],
                    {"gene": gene, "classes": classes or ["mutation"]},
                )
            )
        elif kind == "performance":
            add(
                Question(
                    "activity",
                    _("Which best describes your usual daily activity?"),
                    "choice",
                    [*[(k, str(v)) for k, v in ACTIVITY], (NOT_SURE, _("I'm not sure"))],
                )
            )
        elif kind == "prior_therapy":
            therapy = str(criterion.get("therapy") or "")
            add(
                Question(
                    f"therapy_{therapy}",
                    _("Have you ever been treated with %(therapy)s?") % {"therapy": therapy},
                    "choice",
                    yes_no(),
                    {"therapy": therapy},
                )
            )
        elif kind == "prior_lines":
            add(
                Question(
                    "prior_lines",
                    _("How many different drug treatments have you had for this cancer?"),
                    "number",
                )
            )
        elif kind == "brain_metastases":
            add(Question("brain", _("Has the cancer spread to your brain?"), "choice", yes_no()))
        elif kind == "pregnancy":
            add(
                Question(
                    "pregnant",
                    _("Are you pregnant or breastfeeding?"),
                    "choice",
                    [(YES, _("Yes")), (NO, _("No")), (NOT_SURE, _("I'd rather not say"))],
                )
            )
    # A person answers about themselves in the order a clinician would ask, whatever order
    # the registry text happens to use.
    return sorted(found, key=lambda q: QUESTION_ORDER.index(q.name.split("_")[0]))


def profile_from_answers(questions: list[Question], answers: dict[str, Any]) -> Profile:
    """Read the answers as a profile: "not sure" stays unknown."""
    profile = Profile(therapies_known=False)
    denied_therapies: set[str] = set()
    for question in questions:
        value: Any = answers.get(question.name)
        if value is None or value in ("", NOT_SURE):
            continue
        if question.name == "age":
            profile.age = float(value)
        elif question.name == "sex":
            profile.sex = str(value)
        elif question.name == "diagnosis":
            if value == YES:
                profile.oncotree = list(question.meta["codes"][:1])
            else:
                profile.not_diagnoses = frozenset(question.meta["codes"])
        elif question.name == "stage":
            profile.stage = str(value)
        elif question.name == "metastatic":
            profile.metastatic = value == YES
        elif question.name.startswith("biomarker_"):
            gene = question.meta["gene"]
            if value == "found":
                profile.biomarkers.append(
                    Biomarker(gene, frozenset(question.meta["classes"]), source=_("your answer"))
                )
            profile.tested_genes = profile.tested_genes | {gene}
        elif question.name == "activity":
            profile.ecog = int(value)
        elif question.name.startswith("therapy_"):
            therapy = question.meta["therapy"]
            if value == YES:
                profile.prior_therapies = profile.prior_therapies | {therapy}
            else:
                denied_therapies.add(therapy)
        elif question.name == "prior_lines":
            profile.prior_lines = int(value)
        elif question.name == "brain":
            profile.brain_metastases = value == YES
        elif question.name == "pregnant":
            profile.pregnant = value == YES
    profile.not_therapies = frozenset(denied_therapies)
    return profile


def assess(
    rules: TrialRules, questions: list[Question], answers: dict[str, Any]
) -> tuple[Match, str]:
    """The trial's verdicts on these answers (the matcher's one ranking, of this trial), and
    how likely the person is to qualify."""
    (match,) = match_profile(
        profile_from_answers(questions, answers),
        trials=CompiledTrials([rules]),
        limit=1,
        include_ineligible=True,
    )
    structured = [v for v in match.verdicts if v.kind != "text"]
    unknown = sum(v.outcome == "unknown" for v in structured)
    return match, likelihood(match.eligible, unknown, len(structured))


def likelihood(eligible: bool, unknown: int, total: int) -> str:
    """likely: nothing against and little unknown; possible: nothing against; else unlikely."""
    if not eligible:
        return "unlikely"
    return "likely" if total and unknown / total <= 0.5 else "possible"


@dataclass
class Line:
    """One criterion of the pre-screen's result, with the person's answer as they gave it."""

    outcome: str  # met | not_met | unknown
    answers: list[str]  # the answers it was checked against, stated in the reader's language
    criterion: str  # the registry's sentence (English)
    section: str


def _question_names(criterion: dict[str, Any]) -> list[str]:
    """The questions `questions_for` asks for one criterion."""
    kind = criterion.get("kind")
    if kind == "stage":
        names = ["stage"] if criterion.get("stages") else []
        if criterion.get("metastatic") or criterion.get("locally_advanced"):
            names.append("metastatic")
        return names
    return {
        "age": ["age"],
        "sex": ["sex"],
        "diagnosis": ["diagnosis"],
        "biomarker": [f"biomarker_{criterion.get('gene') or ''}"],
        "performance": ["activity"],
        "prior_therapy": [f"therapy_{criterion.get('therapy') or ''}"],
        "prior_lines": ["prior_lines"],
        "brain_metastases": ["brain"],
        "pregnancy": ["pregnant"],
    }.get(str(kind), [])


def stated(question: Question, value: Any) -> str:
    """An answer as the person gave it, as a statement: a "No" to "Are you pregnant or
    breastfeeding?" is "Not pregnant or breastfeeding", never the question's own words."""
    name = question.name
    if value is None or value == "":
        return _("Not answered")
    if name == "age":
        return _("Age: %(age)s") % {"age": value}
    if name == "prior_lines":
        return _("Drug treatments so far: %(count)s") % {"count": value}
    if name.startswith("biomarker_"):
        gene = question.meta.get("gene", "")
        return {
            "found": _("%(gene)s tested: a change was found"),
            "not_found": _("%(gene)s tested: no such change was found"),
        }.get(str(value), _("%(gene)s not tested, or not sure")) % {"gene": gene}
    if value == NOT_SURE:
        return _("Preferred not to say") if name in ("pregnant", "sex") else _("Not sure")
    if name in ("sex", "stage", "activity"):
        shown = dict(question.choices).get(str(value), str(value))
        return _("Stage %(stage)s") % {"stage": shown} if name == "stage" else str(shown)
    yes = value == YES
    if name == "pregnant":
        return _("Pregnant or breastfeeding") if yes else _("Not pregnant or breastfeeding")
    if name == "brain":
        return (
            _("The cancer has spread to the brain")
            if yes
            else _("The cancer has not spread to the brain")
        )
    if name == "metastatic":
        return (
            _("The cancer has spread to other parts of the body")
            if yes
            else _("The cancer has not spread to other parts of the body")
        )
    if name == "diagnosis":
        values = {"name": question.meta.get("name", "")}
        return (
            _("Diagnosed with %(name)s") % values
            if yes
            else _("Not diagnosed with %(name)s") % values
        )
    if name.startswith("therapy_"):
        values = {"therapy": question.meta.get("therapy", "")}
        return (
            _("Treated with %(therapy)s before") % values
            if yes
            else _("Never treated with %(therapy)s") % values
        )
    return str(dict(question.choices).get(str(value), value))


def summary(
    rules: TrialRules, questions: list[Question], answers: dict[str, Any], match: Match
) -> list[Line]:
    """The result criterion by criterion, each with the answers it was checked against as
    the person gave them (verdicts come in the order of `rules.structured`)."""
    by_name = {q.name: q for q in questions}
    lines: list[Line] = []
    for criterion, verdict in zip(rules.structured, match.verdicts, strict=False):
        if verdict.kind != criterion.get("kind") or verdict.kind == "text":
            continue
        asked = [by_name[n] for n in _question_names(criterion) if n in by_name]
        lines.append(
            Line(
                outcome=verdict.outcome,
                answers=[stated(q, answers.get(q.name)) for q in asked],
                criterion=verdict.criterion,
                section=verdict.section,
            )
        )
    return lines
