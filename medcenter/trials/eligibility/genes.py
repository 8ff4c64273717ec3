"""Gene mentions and the alteration classes stated for them, for criteria and notes alike."""

import re
from collections.abc import Sequence
from typing import NamedTuple

from medcenter.trials.eligibility.context import _SPACES
from medcenter.trials.matcher.vocabulary import CHANGE_GENES, GENE_FAMILIES, gene_symbols

# Alteration classes a bare status word stands for, per gene ("HER2-positive", "ALK+").
POSITIVE_CLASSES: dict[str, tuple[str, ...]] = {
    "ERBB2": ("overexpression", "amplification"),
    "ESR1": ("overexpression",),
    "PGR": ("overexpression",),
    "CD274": ("overexpression",),
    "ALK": ("fusion",),
    "ROS1": ("fusion",),
    "NTRK1": ("fusion",),
    "NTRK2": ("fusion",),
    "NTRK3": ("fusion",),
    "NRG1": ("fusion",),
}
# "EGFR-negative" means no EGFR mutation; for the genes above, the absence of their classes.
NEGATIVE_CLASSES: dict[str, tuple[str, ...]] = {
    **POSITIVE_CLASSES,
    **{
        gene: ("mutation",)
        for gene in (
            "EGFR",
            "KRAS",
            "NRAS",
            "HRAS",
            "BRAF",
            "PIK3CA",
            "IDH1",
            "IDH2",
            "BRCA1",
            "BRCA2",
            "TP53",
            "POLE",
        )
    },
}
ALTERATION_CLASSES = ("mutation", "fusion", "amplification", "loss")

_GENE_SPELLINGS = gene_symbols()
_GENE_RE = re.compile(
    r"(?<![A-Za-z0-9])(?P<gene>"
    + "|".join(
        re.escape(s) for s in sorted([*_GENE_SPELLINGS, *GENE_FAMILIES], key=len, reverse=True)
    )
    + r"|(?i:(?:estrogen|oestrogen)\s+receptors?|progesterone\s+receptors?|"
    r"hormone[\s-]+receptors?)|"
    r"ER|PR|PgR|HR|Her2|HER2)(?P<m>m(?=[\s+/,;:.)-]|$))?(?![a-z0-9])",
)
_RECEPTORS = {
    "ER": "ESR1",
    "PR": "PGR",
    "PGR": "PGR",
    "HR": "HR",
}
_PROTEIN_CHANGE = re.compile(
    r"\b(?:p\.)?(?P<ref>[ACDEFGHIKLMNPQRSTVWY])(?P<pos>\d{1,4})(?P<alt>[ACDEFGHIKLMNPQRSTVWYX*]"
    r"(?:/[ACDEFGHIKLMNPQRSTVWY])*)(?![A-Za-z0-9])"
)
_EXON_CLASS = re.compile(
    r"\b(?:exon|ex)\s*(?P<n>\d{1,2})\s*(?P<kind>deletions?|del\b|insertions?|ins\b|"
    r"skipping|skip\b|splice|splicing|mutations?|mut\b|alterations?|duplications?|dup\b)|"
    r"\b(?P<n2>19|20)\s*(?P<kind2>del|ins|deletions?|insertions?)\b|"
    r"\b(?P<kind3>del|ins)\s*(?P<n3>19|20)\b|\bMETex14\b|\bex(?P<n4>19|20)(?P<kind4>del|ins)\b",
    re.IGNORECASE,
)
_CLASS_WORDS = re.compile(
    r"\b(?P<fusion>fusions?|rearrangements?|rearranged|translocations?|fusion-positive)\b|"
    r"\b(?P<amplification>amplifications?|amplified|gene[\s-]amplified|copy[\s-]number\s+gain|"
    r"amp)\b|(?:\b|(?<=\s))(?P<ish>(?:F|C|S)?ISH[\s-]*(?:positive|\+|amplified)|ISH\s*\+)|"
    r"\b(?P<overexpression>over[\s-]?expression|over[\s-]?expressing|over[\s-]?expressed|"
    r"IHC\s*3\s*\+|3\s*\+\s*(?:by|on)\s*IHC|IHC\s*\(\s*3\s*\+\s*\))|"
    r"\b(?P<oncogenic>activating|sensiti[sz]ing|sensitive|oncogenic|driver|actionable|"
    r"targetable)\b|"
    r"\b(?P<pathogenic>pathogenic|deleterious|likely\s+pathogenic|loss[\s-]of[\s-]function|"
    r"inactivating|truncating)\b|"
    r"\b(?P<mutation>mutations?|mutated|mutant|mut|variants?|SNVs?)\b|"
    r"\b(?P<alteration>alterations?|altered|aberrations?|abnormalit(?:y|ies))\b|"
    r"\b(?P<loss>loss|deletion|deleted|homozygous\s+deletion|deficien(?:t|cy)|null|lost)\b|"
    r"\b(?P<low>low|ultra[\s-]?low|equivocal|borderline)\b|"
    r"\b(?P<ihclow>IHC\s*[012]\s*\+?|[012]\s*\+)(?![\w])|"
    r"(?P<wildtype>\bwild[\s-]*type\b|\bwt\b|\bWT\b|\bnon[\s-]?mutated\b|\bunmutated\b|"
    r"\bnon[\s-]?mutant\b|\bnegative\b|\bneg\b|(?:^|(?<=[A-Za-z0-9)\]]))\s*(?:-|\(-\)|\u2212)(?=[\s/,;.)]|$)|"
    r"\bnot\s+(?:detected|present|amplified|overexpressed|mutated|rearranged)\b|\babsent\b|"
    r"\bnormal\b)|"
    r"(?P<positive>\bpositive\b|\bpos\b|(?:^|(?<=[A-Za-z0-9)\]]))\s*(?:\+|\(\+\))(?=[\s/,;.)]|$)|"
    r"\bdetected\b|\bpresent\b|\bexpressing\b|\bharbou?ring\b)",
    re.IGNORECASE,
)
_THERAPY_AFTER_GENE = re.compile(
    r"^[\s-]*(?:tkis?\b|tyrosine\s+kinase|inhibitors?\b|targeted|targeting|directed|"
    r"antibod|therapy|therapies|treatment|blockade|agents?\b|ADCs?\b|bispecific|"
    r"monoclonal|vaccine|car[\s-]?t|based\s+therapy|status\s+(?:unknown|not)|testing\b|"
    r"test\b|assay|expression\s+(?:level|score|≥|>|of\s+≥)|tps|cps|score|pathways?|-?like\b|"
    r"ness\b|family|related|associated|signature|gene\s+expression\s+profil|"
    r"(?:[\w-]+\s+){0,2}(?:resistance|gatekeeper|acquired|secondary))",
    re.IGNORECASE,
)
_THERAPY_BEFORE_GENE = re.compile(
    r"(?:\banti[\s-]*|\btargeting\s+|\bagainst\s+|\bdirected\s+(?:at|against)\s+|"
    r"\binhibitors?\s+of\s+|\bblocking\s+|\b(?:test(?:ed|ing|s)?|screen(?:ed|ing)?|assess(?:ed|"
    r"ment)?|evaluat\w+|analy[sz]\w+|sequenc\w+|determin\w+)\s+(?:for|of)\s+(?:an?\s+|the\s+)?"
    r"(?:[\w-]+\s+){0,2})$",
    re.IGNORECASE,
)
_TAIL_STOP = re.compile(
    r"[;.]\s|[;.]$|\b(?:who|which|that|whose|treated|received|receiving|prior|previous(?:ly)?|"
    r"after|following|progress\w*|therapy|treatment|inhibitors?|tki|tkis|and\s+(?:have|has|"
    r"must|are|is|had)|with\s+(?:no|prior|previous|progression|disease|measurable|at\s+least)|"
    r"as\s+(?:determined|assessed|documented|detected|confirmed)|by\s+(?:a|an|the|local|central)"
    r"|using|tested|in\s+(?:tumou?r|tissue|plasma|blood|ctdna)|defined|according|per|based\s+on|"
    r"confirmed\s+by)\b",
    re.IGNORECASE,
)

_STATUS_UNKNOWN = re.compile(
    r"\bstatus\s+(?:is\s+|was\s+|as\s+)?(?:unknown|not\s+(?:known|detected|available|done|"
    r"tested|assessed|determined|evaluable)|undetermined|pending|missing|unavailable)|"
    r"\b(?:unknown|undetermined|indeterminate|pending)\b",
    re.IGNORECASE,
)
_CONNECTIVE = re.compile(
    r"\s*(?:,\s*(?:and/or|and|or|nor)?|\band/or\b|\band\b|\bor\b|\bnor\b|/|&)\s*$|^\s*$"
)


class _GeneMention(NamedTuple):
    start: int
    end: int
    genes: tuple[str, ...]  # HR is ("ESR1", "PGR")
    written: str


class _Reading(NamedTuple):
    genes: tuple[str, ...]
    positive: list[str]  # classes the patient must (inclusion) have
    negative: list[str]  # classes stated absent
    status: str | None  # "positive" / "negative" when a bare status word was used
    start: int
    end: int
    skip: bool
    gene_end: int


def _gene_mentions(text: str) -> list[_GeneMention]:
    mentions: list[_GeneMention] = []
    for match in _GENE_RE.finditer(text):
        written = match.group("gene")
        upper = _SPACES.sub(" ", written.upper())
        if upper.startswith(("ESTROGEN", "OESTROGEN")):
            genes: tuple[str, ...] = ("ESR1",)
        elif upper.startswith("PROGESTERONE"):
            genes = ("PGR",)
        elif upper.startswith("HORMONE"):
            genes = ("ESR1", "PGR")
        elif upper in _RECEPTORS:
            genes = ("ESR1", "PGR") if upper == "HR" else (_RECEPTORS[upper],)
            after = text[match.end() : match.end() + 12]
            if not re.match(
                r"\s*(?:[+\-\u2212]|\(\s*[+\-]\s*\)|/|\s+and/or\s|positive|negative|"
                r"-positive|-negative|status|expression|≥|>|\+|and\s)",
                after,
                re.I,
            ):
                continue
        elif written in GENE_FAMILIES:
            genes = GENE_FAMILIES[written]
        else:
            symbol = _GENE_SPELLINGS.get(written) or _GENE_SPELLINGS.get(upper)
            if symbol is None:
                continue
            genes = (symbol,)
        mentions.append(_GeneMention(match.start(), match.end(), genes, match.group(0)))
    return mentions


def _orphan_changes(text: str, mentions: list[_GeneMention]) -> list[_GeneMention]:
    """Well-known changes named without their gene ("T790M", "exon 19 deletion")."""
    covered = [(m.start, m.end + 60) for m in mentions]
    extra: list[_GeneMention] = []
    for match in _PROTEIN_CHANGE.finditer(text):
        change = match.group(0).removeprefix("p.")
        gene = CHANGE_GENES.get(change)
        if gene is None or any(a <= match.start() <= b for a, b in covered):
            continue
        extra.append(_GeneMention(match.start(), match.start(), (gene,), ""))
        covered.append((match.start(), match.end() + 60))
    for match in _EXON_CLASS.finditer(text):
        name = _exon_name(match)
        if name not in ("exon 19 deletion", "exon 14 skipping") or any(
            a <= match.start() <= b for a, b in covered
        ):
            continue
        gene = "EGFR" if name == "exon 19 deletion" else "MET"
        extra.append(_GeneMention(match.start(), match.start(), (gene,), ""))
        covered.append((match.start(), match.end() + 60))
    return extra


def _exon_name(match: re.Match[str]) -> str | None:
    if match.group(0).lower() == "metex14":
        return "exon 14 skipping"
    number = match.group("n") or match.group("n2") or match.group("n3") or match.group("n4")
    kind = (
        match.group("kind")
        or match.group("kind2")
        or match.group("kind3")
        or match.group("kind4")
        or ""
    ).lower()
    if number is None:
        return None
    if kind.startswith("del"):
        word = "deletion"
    elif kind.startswith(("ins", "dup")):
        word = "insertion"
    elif kind.startswith(("skip", "spl")):
        word = "skipping"
    else:
        word = "mutation"
    return f"exon {int(number)} {word}"


def _readings(text: str, mentions: list[_GeneMention]) -> list[_Reading]:
    readings: list[_Reading] = []
    sentence_end = len(text)
    for index, mention in enumerate(mentions):
        next_start = mentions[index + 1].start if index + 1 < len(mentions) else sentence_end
        previous_end = mentions[index - 1].end if index > 0 else 0
        head = text[max(previous_end, mention.start - 60) : mention.start]
        tail = text[mention.end : next_start]
        skip = bool(_THERAPY_AFTER_GENE.match(tail)) or bool(_THERAPY_BEFORE_GENE.search(head))
        if index + 1 < len(mentions):
            # The words before the connective belong to this gene, the rest to the next one.
            connective = re.search(
                r"(?:,\s*(?:and/or|and|or|nor)?|\band/or\b|\band\b|\bor\b|\bnor\b|/|&)[^,/&]*$",
                tail,
            )
            if (
                connective is not None
                and not _EXON_CLASS.search(tail[connective.start() :])
                and not _PROTEIN_CHANGE.search(tail[connective.start() :])
            ):
                tail = tail[: connective.start()]
        stop = _TAIL_STOP.search(tail)
        if stop is not None:
            tail = tail[: stop.start()]
        tail = tail[:120]
        positive, negative, status, end = _classes_in(
            tail, head, mention.genes, mention.end, mention.written
        )
        readings.append(
            _Reading(
                mention.genes, positive, negative, status, mention.start, end, skip, mention.end
            )
        )
    _share_tails(readings, text, mentions)
    return readings


def _classes_in(
    tail: str, head: str, genes: tuple[str, ...], offset: int, written: str
) -> tuple[list[str], list[str], str | None, int]:
    """Classes stated for one gene: positive ones, negated ones, a bare status."""
    gene = genes[0]
    negative: list[str] = []
    specific: list[str] = []
    status: str | None = None
    end = offset
    generic: list[str] = []
    negated_after: int | None = None
    neg_cue = re.search(
        r"\b(?:without|but\s+not|excluding|no|not|negative\s+for|absence\s+of)\b", tail, re.I
    )
    if neg_cue is not None:
        negated_after = neg_cue.start()
    consumed: list[tuple[int, int]] = []
    if written.endswith("m") and gene == "EGFR" and written != "EGFR":
        generic.append("mutation")
    for match in _EXON_CLASS.finditer(tail):
        name = _exon_name(match)
        if name is None:
            continue
        if gene == "MET" and name == "exon 14 mutation":
            name = "exon 14 skipping"
        consumed.append(match.span())
        target = (
            negative if negated_after is not None and match.start() > negated_after else specific
        )
        target.append(name)
        end = max(end, offset + match.end())
    for match in _PROTEIN_CHANGE.finditer(tail):
        if any(a <= match.start() < b for a, b in consumed):
            continue
        changes = _split_changes(match)
        consumed.append(match.span())
        target = (
            negative if negated_after is not None and match.start() > negated_after else specific
        )
        target.extend(changes)
        end = max(end, offset + match.end())
    low = False
    ihc_low = False
    wildtype = False
    positive_word = False
    if _STATUS_UNKNOWN.search(tail):
        return [], [], None, end
    if len(genes) > 1 and (_EXON_CLASS.search(tail) or _PROTEIN_CHANGE.search(tail)):
        return [], [], None, end  # "IDH1/2 R132H": the change belongs to one of them
    for match in _CLASS_WORDS.finditer(tail):
        if any(a <= match.start() < b for a, b in consumed):
            continue
        name = match.lastgroup or ""
        end = max(end, offset + match.end())
        if name == "fusion":
            generic.append("fusion")
        elif name in ("amplification", "ish"):
            generic.append("amplification")
        elif name == "overexpression":
            generic.append("overexpression")
        elif name == "oncogenic":
            generic.append("oncogenic mutation")
        elif name == "pathogenic":
            if gene.startswith(("BRCA", "PALB2", "ATM")) or match.group(0).lower() in (
                "pathogenic",
                "deleterious",
                "likely pathogenic",
            ):
                generic.extend(["oncogenic mutation", "truncating mutation"])
            else:
                generic.append("mutation")
        elif name == "mutation":
            generic.append("mutation")
        elif name == "alteration":
            generic.extend(ALTERATION_CLASSES)
        elif name == "loss":
            generic.append("loss")
        elif name == "low":
            low = True
        elif name == "ihclow":
            ihc_low = True
        elif name == "wildtype":
            wildtype = True
            if match.group(0).strip().lower() in ("wild type", "wild-type", "wildtype", "wt"):
                status = "wildtype"
            else:
                status = status or "negative"
        elif name == "positive":
            positive_word = True
    if low or (ihc_low and not wildtype) or (positive_word and wildtype):
        return [], [], None, end
    head_negated = bool(
        re.search(
            r"(?:\bno\b|\bnot\b|\bwithout\b|\babsence\s+of\b|\bfree\s+of\b|\bnegative\s+for\b|"
            r"\bneither\b|\bnor\b|\black(?:ing)?\s+(?:of\s+)?|\bnon-)[^,;.]{0,30}$",
            head,
            re.I,
        )
    )
    head_classes = _head_classes(head)
    if "oncogenic mutation" in generic and "mutation" in generic:
        generic.remove("mutation")
    if "oncogenic mutation" in head_classes and "mutation" in generic:
        generic.remove("mutation")
    generic = head_classes + generic
    if "oncogenic mutation" in generic and "mutation" in generic:
        generic.remove("mutation")
    if specific:
        classes = specific
    elif generic:
        classes = list(dict.fromkeys(generic))
        if (
            "oncogenic mutation" in classes
            and "truncating mutation" not in classes
            and "mutation" in classes
        ):
            classes.remove("mutation")
    else:
        classes = []
    negated = head_negated or wildtype
    if wildtype and status == "wildtype":
        classes = ["mutation"] if not classes or classes == ["mutation"] else classes
    if negated:
        if not classes:
            classes = list(NEGATIVE_CLASSES.get(gene, ()))
            if not classes:
                return [], [], None, end
        return [], classes + negative, "negative", end
    if not classes and positive_word:
        classes = list(POSITIVE_CLASSES.get(gene, ()))
        status = "positive"
    return classes, negative, status, end


def _head_classes(head: str) -> list[str]:
    """Class words written before the gene: "activating EGFR", "mutation in EGFR"."""
    tail = head[-45:]
    classes: list[str] = []
    if re.search(r"\b(?:activating|sensiti[sz]ing|sensitive|oncogenic|driver)\s+$", tail, re.I):
        classes.append("oncogenic mutation")
    if re.search(
        r"\b(?:pathogenic|deleterious)\s+(?:(?:or\s+(?:likely\s+|suspected\s+)?"
        r"(?:pathogenic|deleterious)|germline|somatic|and/or|or|tumou?r)\s+)*$",
        tail,
        re.I,
    ):
        classes.extend(["oncogenic mutation", "truncating mutation"])
    if re.search(
        r"\b(?:activating|sensiti[sz]ing|oncogenic|driver)?\s*mutations?\s+(?:in|of)\s+"
        r"(?:the\s+)?(?:genes?\s+)?$",
        tail,
        re.I,
    ):
        if re.search(
            r"\b(?:activating|sensiti[sz]ing|oncogenic|driver)\s+mutations?\s+(?:in|of)", tail, re.I
        ):
            classes.append("oncogenic mutation")
        else:
            classes.append("mutation")
    if re.search(
        r"\b(?:fusions?|rearrangements?|translocations?)\s+(?:in|of|involving)\s+"
        r"(?:the\s+)?$",
        tail,
        re.I,
    ):
        classes.append("fusion")
    if re.search(r"\bamplification\s+(?:in|of)\s+(?:the\s+)?$", tail, re.I):
        classes.append("amplification")
    if re.search(r"\bover-?expression\s+of\s+(?:the\s+)?$", tail, re.I):
        classes.append("overexpression")
    return classes


def _split_changes(match: re.Match[str]) -> list[str]:
    ref, pos, alt = match.group("ref"), match.group("pos"), match.group("alt")
    return [f"{ref}{pos}{a}" for a in alt.split("/")]


def _share_tails(readings: list[_Reading], text: str, mentions: list[_GeneMention]) -> None:
    """ "KRAS and NRAS wild-type", "EGFR, ALK or ROS1 alterations": a gene with nothing of its
    own takes the classes of the next gene it is listed with; "no EGFR or ALK alteration"
    negates the whole list."""
    for index in range(len(readings) - 2, -1, -1):
        reading = readings[index]
        if reading.positive or reading.negative or reading.skip:
            continue
        following = readings[index + 1]
        gap = text[mentions[index].end : mentions[index + 1].start]
        if not _CONNECTIVE.search(gap) or len(gap) > 12:
            continue
        if (
            following.status in ("positive", "negative")
            and not following.positive
            and not following.negative
        ):
            continue
        positive, negative = following.positive, following.negative
        gene = reading.genes[0]
        if following.status == "positive":
            positive = list(POSITIVE_CLASSES.get(gene, ()))
        elif following.status in ("negative",) and following.negative == list(
            NEGATIVE_CLASSES.get(following.genes[0], ())
        ):
            negative = list(NEGATIVE_CLASSES.get(gene, ()))
        if _has_specific(positive) or _has_specific(negative):
            continue
        readings[index] = reading._replace(
            positive=list(positive),
            negative=list(negative),
            status=following.status,
            end=following.end,
        )
    for index in range(1, len(readings)):
        reading = readings[index]
        previous = readings[index - 1]
        gap = text[mentions[index - 1].end : mentions[index].start]
        if (
            previous.negative
            and not previous.positive
            and reading.positive
            and reading.status is None
            and re.search(r"\bno\b|\bneither\b|\bwithout\b", text[: mentions[0].start], re.I)
            and re.search(r"\bor\b|\bnor\b|,", gap, re.I)
            and len(gap) < 40
        ):
            readings[index] = reading._replace(
                negative=reading.positive, positive=[], status="negative"
            )


def _has_specific(classes: Sequence[str]) -> bool:
    return any(
        c
        not in (*ALTERATION_CLASSES, "oncogenic mutation", "overexpression", "truncating mutation")
        for c in classes
    )
