"""`profile_from_note`: what a free-text patient note says, as a `Profile`, read with the
criteria parser's own recognisers (genes and their changes, stages, brain metastases, ages,
cancer names and treatments from the one vocabulary) so that a note and a criterion naming the
same thing are read alike."""

import re
from collections.abc import Iterable, Sequence
from typing import Any

from medcenter.oncology.genomics.alterations import AlterationError, make_alteration
from medcenter.oncology.genomics.classes import classify
from medcenter.oncology.genomics.hotspots import load_hotspots
from medcenter.oncology.genomics.protein import ProteinChangeError
from medcenter.trials.eligibility.brain import _BRAIN
from medcenter.trials.eligibility.context import _normalize_symbols
from medcenter.trials.eligibility.demographics import _AGE_UNIT, _age_years
from medcenter.trials.eligibility.genes import _gene_mentions, _orphan_changes, _readings
from medcenter.trials.eligibility.performance import _ECOG, _KARNOFSKY
from medcenter.trials.eligibility.stage import _STAGE_TOKEN, STAGE_GROUPS, _stage_group
from medcenter.trials.eligibility.therapies import _AFTER_THERAPY_NOISE, _STRUCTURED_THERAPY_SKIP
from medcenter.trials.matcher.rules import Biomarker, Profile
from medcenter.trials.matcher.vocabulary import (
    find_cancer_terms,
    find_therapies,
    read_therapies,
    therapy_classes,
)

# The scale names, age units and age arithmetic are the criteria parser's (performance,
# demographics): a note and a criterion naming the same thing are read by the same pattern.
_NOTE_AGE = re.compile(
    rf"\b(?P<n>\d{{1,3}}(?:\.\d)?)[\s-]*{_AGE_UNIT}"
    r"[\s-]*(?:old|of\s+age)\b|\b(?P<n2>\d{1,3})\s*(?:yo|y/o|y\.o\.?|yr\.?\s*old|M|F|m|f)\b"
    r"(?=[\s,.]|$)|\b(?:aged?|age\s+of)\s*:?\s*(?P<n3>\d{1,3})\b",
)
_NOTE_FEMALE = re.compile(
    r"\b(?:woman|women|female|girl|lady|she|her|mrs|ms|postmenopausal|premenopausal|"
    r"pregnant)\b|\b\d{1,3}\s*(?:yo\s*|y/o\s*|-year-old\s+)?F\b",
    re.IGNORECASE,
)
_NOTE_MALE = re.compile(
    r"\b(?:man|men|male|boy|gentleman|he|his|him|mr)\b|\b\d{1,3}\s*(?:yo\s*|y/o\s*|-year-old\s+)?M\b",
    re.IGNORECASE,
)
_NOTE_FAMILY = re.compile(
    r"\b(?:mother|father|sister|brother|aunt|uncle|grandmother|grandfather|cousin|daughter|son|"
    r"husband|wife|spouse|partner|family|parents?|sibling|niece|nephew|friend|neighbou?r)\b",
    re.IGNORECASE,
)
_NOTE_NEGATION = re.compile(
    r"\b(?:no|not|denies|denied|without|negative\s+for|free\s+of|ruled?\s+out|r/o|absence\s+of|"
    r"never|unlikely|rather\s+than|instead\s+of|concern\s+for|suspicious\s+for|"
    r"question\s+of|possible|probable|differential)\b[^.;:]{0,60}$",
    re.IGNORECASE,
)
_NOTE_ECOG = re.compile(
    rf"(?:{_ECOG.pattern})\b"
    r"[^0-9.;]{0,40}?\b(?P<v>[0-5])\b(?!\s*(?:-|to)\s*[0-5])",
    re.IGNORECASE,
)
_NOTE_PS = re.compile(r"\bperformance\s+status\s*(?:of|is|was|:|=)?\s*(?P<v>[0-5])\b", re.I)
_NOTE_KARNOFSKY = re.compile(
    rf"(?:{_KARNOFSKY.pattern})[^0-9.;]{{0,40}}?\b(?P<v>\d{{2,3}})\s*%?", re.IGNORECASE
)
_NOTE_STAGE = re.compile(rf"\b(?i:stage)\s*(?P<s>{_STAGE_TOKEN})(?![A-Za-z0-9])")
_NOTE_PREGNANT = re.compile(
    r"\b(?:is|currently|she\s+is)\s+(?:\d+\s+weeks\s+)?pregnant\b|\bpregnant\s+(?:at|with)\b|"
    r"\bG\d+P\d+\b[^.]{0,30}\b\d+\s+weeks\b|\b\d+\s+weeks\s+(?:pregnant|gestation)\b|"
    r"\bgestational\s+age\b",
    re.IGNORECASE,
)
_NOTE_NOT_PREGNANT = re.compile(
    r"\bnot\s+(?:currently\s+)?pregnant\b|\bnegative\s+(?:[\w-]+\s+){0,3}pregnancy\s+test\b|"
    r"\bpregnancy\s+test\s+(?:was\s+|is\s+)?negative\b|\bdenies\s+(?:being\s+)?pregnan",
    re.IGNORECASE,
)
_NOTE_THERAPY_NEGATION = re.compile(
    r"\b(?:no|not|never|without|declined|refused|denies|candidate\s+for|will\s+(?:start|begin|"
    r"receive)|plan(?:ned|s)?\s+(?:to|for)|recommended|considering|consider|offered|prior\s+to|"
    r"before|scheduled\s+for|awaiting|eligible\s+for|referred\s+for)\b[^.;]{0,50}$",
    re.IGNORECASE,
)
_NOTE_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
_NOTE_METASTATIC_NEG = re.compile(
    r"\bnon[\s-]?metastatic\b|\bno\s+(?:evidence\s+of\s+)?(?:distant\s+)?(?:metastas[ie]s|"
    r"metastatic\s+disease)\b|\blocali[sz]ed\s+(?:disease|cancer|tumou?r)\b|"
    r"\bwithout\s+(?:evidence\s+of\s+)?(?:distant\s+)?metastas",
    re.IGNORECASE,
)
_NOTE_METASTATIC = re.compile(
    r"\bmetastatic\b|\bmetastas[ie]s\s+(?:to|in)\b|\bmetastasized\b|\b(?:liver|lung|bone|"
    r"brain|adrenal|peritoneal|distant|osseous|hepatic|pulmonary)\s+metastas[ie]s\b|"
    r"\bmetastatic\s+lesions?\b|\bstage\s+(?:IV|4)\b",
    re.IGNORECASE,
)


def profile_from_note(note: str) -> Profile:
    """A profile read from a free-text note (age, sex, diagnosis, biomarkers, ECOG, ...),
    minding negation and family history; unknown stays unknown, never "no"."""
    read = note_facts(note)
    profile = Profile(
        age=read["age"],
        sex=read["sex"],
        oncotree=list(read["oncotree"]),
        terms=list(read["terms"]),
        stage=read["stage_detail"] or read["stage"],
        metastatic=read["metastatic"],
        ecog=read["ecog"],
        karnofsky=read["karnofsky"],
        brain_metastases=read["brain_metastases"],
        pregnant=read["pregnant"],
        note=note,
    )
    profile.biomarkers = [
        Biomarker(
            gene=str(b["gene"]).upper(),
            classes=frozenset(b["classes"] or ["mutation"]),
            present=bool(b["present"]),
            source="from the note",
        )
        for b in read["biomarkers"]
    ]
    profile.tested_genes = frozenset(b.gene for b in profile.biomarkers if not b.present)
    if read["prior_therapies"]:
        profile.prior_therapies = read_therapies(read["prior_therapies"])[0]
    return profile


def note_facts(note: str) -> dict[str, Any]:
    """What a note says, as plain values (what `profile_from_note` builds its profile from).

    Keys: age (years, float | None), sex ("female" | "male" | None), oncotree and terms
    (codes and phrases of the cancers named), biomarkers ([{gene, classes, present}], with
    the classes a genotyping report would give: "EGFR L858R" → L858R, L858X, exon 21 mutation,
    mutation, oncogenic mutation), ecog, karnofsky (int | None), brain_metastases, metastatic,
    pregnant (bool | None; a man is not pregnant), stage (group "IV" | None) and stage_detail
    ("IIIB"), prior_therapies (normalized names with all their classes: osimertinib, egfr
    tki, targeted therapy, …). Unknown is None or empty, never "no".
    """
    text = _normalize_symbols(note) if isinstance(note, str) else ""
    sentences = [s for s in _NOTE_SENTENCE.split(text) if s.strip()]
    profile: dict[str, Any] = {
        "age": _note_age(text),
        "sex": _note_sex(text),
        "oncotree": [],
        "terms": [],
        "biomarkers": [],
        "ecog": None,
        "karnofsky": None,
        "brain_metastases": None,
        "stage": None,
        "stage_detail": None,
        "metastatic": None,
        "prior_therapies": [],
        "pregnant": None,
    }
    codes: list[str] = []
    terms: list[str] = []
    therapies: list[str] = []
    biomarkers: list[dict[str, Any]] = []
    for sentence in sentences:
        family = bool(_NOTE_FAMILY.search(sentence))
        for mention in find_cancer_terms(sentence):
            before = sentence[: mention.start]
            if family and _NOTE_FAMILY.search(
                before[-80:] + sentence[mention.end : mention.end + 30]
            ):
                continue
            if _NOTE_NEGATION.search(before) or re.search(
                r"\bnegative\s+for\b[^.;]{0,60}$|\bwas\s+negative\b", before, re.I
            ):
                continue
            if re.match(
                r"\s*(?:was|is)?\s*(?:ruled\s+out|excluded|unlikely)", sentence[mention.end :], re.I
            ):
                continue
            codes.extend(code for code in mention.codes if code not in codes)
            if mention.phrase not in terms:
                terms.append(mention.phrase)
        if not family:
            biomarkers.extend(_note_biomarkers(sentence))
        _note_brain(sentence, profile)
        for therapy in find_therapies(sentence):
            before = sentence[: therapy.start]
            if _NOTE_THERAPY_NEGATION.search(before) or family:
                continue
            if _AFTER_THERAPY_NOISE.match(sentence[therapy.end :]):
                continue
            if therapy.name in _STRUCTURED_THERAPY_SKIP:
                continue  # "hernia surgery": criteria never ask for surgery either
            for name in sorted(therapy_classes(therapy.name)):
                if name not in therapies:
                    therapies.append(name)
    profile["oncotree"] = codes
    profile["terms"] = terms
    profile["biomarkers"] = _merge_note_biomarkers(biomarkers)
    profile["prior_therapies"] = therapies
    ecog = _NOTE_ECOG.search(text) or _NOTE_PS.search(text)
    if ecog is not None:
        profile["ecog"] = int(ecog.group("v"))
    karnofsky = _NOTE_KARNOFSKY.search(text)
    if karnofsky is not None and int(karnofsky.group("v")) <= 100:
        profile["karnofsky"] = int(karnofsky.group("v"))
    stage = _NOTE_STAGE.search(text)
    if stage is not None:
        group, detail = _stage_group(stage.group("s"))
        if group in STAGE_GROUPS:
            profile["stage"], profile["stage_detail"] = group, detail
    if _NOTE_METASTATIC_NEG.search(text):
        profile["metastatic"] = False
    if (
        any(_says_metastatic(s) for s in sentences)
        or profile["stage"] == "IV"
        or profile["brain_metastases"]
    ):
        profile["metastatic"] = True
    if _NOTE_NOT_PREGNANT.search(text):
        profile["pregnant"] = False
    elif _NOTE_PREGNANT.search(text):
        profile["pregnant"] = True
    if profile["sex"] == "male":
        profile["pregnant"] = False if profile["pregnant"] is None else profile["pregnant"]
    return profile


def _says_metastatic(sentence: str) -> bool:
    match = _NOTE_METASTATIC.search(sentence)
    return (
        match is not None
        and not _NOTE_METASTATIC_NEG.search(sentence)
        and not _NOTE_NEGATION.search(sentence[: match.start()])
    )


def _note_age(text: str) -> float | None:
    for match in _NOTE_AGE.finditer(text):
        if match.group("n"):
            years = _age_years(match.group("n"), match.group("unit"))
        else:
            number = match.group("n2") or match.group("n3")
            years = float(number) if number else None
        if years is not None and 0 <= years <= 120:
            return years
    return None


def _note_sex(text: str) -> str | None:
    head = text[:200]
    for window in (head, text):
        female = len(_NOTE_FEMALE.findall(window))
        male = len(_NOTE_MALE.findall(window))
        if female and not male:
            return "female"
        if male and not female:
            return "male"
    first_f = _NOTE_FEMALE.search(text)
    first_m = _NOTE_MALE.search(text)
    if first_f and first_m:
        return "female" if first_f.start() < first_m.start() else "male"
    return None


def _note_brain(sentence: str, profile: dict[str, Any]) -> None:
    for match in _BRAIN.finditer(sentence):
        before = sentence[: match.start()]
        if _NOTE_NEGATION.search(before) or re.match(
            r"\s*(?:were|was|is|are)?\s*(?:ruled\s+out|excluded|absent|not\s+seen|negative)",
            sentence[match.end() :],
            re.I,
        ):
            if profile["brain_metastases"] is None:
                profile["brain_metastases"] = False
            continue
        if re.search(r"\brule\s+out|\bscreen\w*\s+for|\bevaluat\w+\s+for|\bconcern", before, re.I):
            continue
        profile["brain_metastases"] = True
    if (
        re.search(
            r"\b(?:brain|head)\s+(?:mri|ct|imaging)\b[^.;]{0,40}\b(?:negative|normal|"
            r"unremarkable|no\s+(?:evidence|metasta))",
            sentence,
            re.I,
        )
        and profile["brain_metastases"] is None
    ):
        profile["brain_metastases"] = False


def _note_biomarkers(sentence: str) -> list[dict[str, Any]]:
    mentions = _gene_mentions(sentence)
    mentions = sorted(mentions + _orphan_changes(sentence, mentions))
    triple = re.search(r"\btriple[\s-]*negative\b", sentence, re.I)
    readings = _readings(sentence, mentions) if mentions else []
    found: list[dict[str, Any]] = []
    if triple is not None:
        for gene, classes in (
            ("ESR1", ["overexpression"]),
            ("PGR", ["overexpression"]),
            ("ERBB2", ["overexpression", "amplification"]),
        ):
            found.append({"gene": gene, "classes": classes, "present": False})
    for reading in readings:
        if reading.skip:
            continue
        head = sentence[max(0, reading.start - 60) : reading.start]
        if re.search(
            r"\b(?:test(?:ed|ing)?\s+for|screen\w*\s+for|pending|awaiting|sent\s+for)"
            r"[^.;]{0,30}$",
            head,
            re.I,
        ):
            continue
        for gene in reading.genes:
            # "HR-positive", "BRCA1/2-mutated": one of them, unknown which, so none is claimed.
            if reading.positive and len(reading.genes) == 1:
                found.append(
                    {
                        "gene": gene,
                        "classes": _note_classes(gene, reading.positive),
                        "present": True,
                    }
                )
            if reading.negative:
                found.append({"gene": gene, "classes": list(reading.negative), "present": False})
    return found


def _note_classes(gene: str, classes: Sequence[str]) -> list[str]:
    """Stated changes plus every class a genotyping report would give them."""
    names: list[str] = []
    for name in classes:
        for derived in _derived_classes(gene, name):
            if derived not in names:
                names.append(derived)
    return names


def _derived_classes(gene: str, name: str) -> list[str]:
    generic = {
        "mutation",
        "oncogenic mutation",
        "truncating mutation",
        "fusion",
        "amplification",
        "loss",
        "overexpression",
    }
    if name in generic:
        return [name] if name != "oncogenic mutation" else ["oncogenic mutation", "mutation"]
    try:
        alteration = make_alteration(gene=gene, change=name)
    except (AlterationError, ProteinChangeError):
        return [name, "mutation"]
    hotspot = load_hotspots().match(alteration)
    derived = classify(alteration, hotspot)
    ordered = [name, *sorted(c.name for c in derived if c.gene == gene and c.name != name)]
    return ordered


def _merge_note_biomarkers(found: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    merged: dict[tuple[str, bool], dict[str, Any]] = {}
    for item in found:
        key = (item["gene"], item["present"])
        if key in merged:
            merged[key]["classes"].extend(
                c for c in item["classes"] if c not in merged[key]["classes"]
            )
        else:
            merged[key] = {
                "gene": item["gene"],
                "classes": list(item["classes"]),
                "present": item["present"],
            }
    return list(merged.values())
