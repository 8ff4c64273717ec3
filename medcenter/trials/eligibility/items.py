"""Eligibility text into inclusion and exclusion items, and items into sentences."""

import re
from typing import NamedTuple

from medcenter.trials.eligibility.context import _CANCER_GATE, _SPACES, EXCLUSION, INCLUSION


class _Item(NamedTuple):
    section: str
    text: str
    heading: str  # the PDQ-style subheading in force ("age", "performance status"), lower case
    alternative: bool  # one of several any-of siblings
    conjunctive: bool  # one of several all-of parts (an exclusion needs all of them)
    scoped: bool  # applies to one cohort, part or arm only


class _Raw:
    __slots__ = ("heading", "indent", "lines", "parent", "scoped", "section")

    def __init__(
        self,
        *,
        section: str,
        indent: int,
        text: str,
        parent: "_Raw | None",
        heading: str,
        scoped: bool,
    ) -> None:
        self.section = section
        self.indent = indent
        self.lines = [text]
        self.parent = parent
        self.heading = heading
        self.scoped = scoped

    @property
    def text(self) -> str:
        return _SPACES.sub(" ", " ".join(self.lines)).strip()


_UNESCAPE = re.compile(r"\\([<>\[\]*^_~#\\(){}.!+|=-])")
_BULLET = re.compile(
    r"^(?P<indent>\s*)(?:[-*•·‣◦▪●○■□➢►]|o(?=\s)|\d{1,2}[.)](?!\d)|\(\d{1,2}\)|[a-z][.)](?=\s)"
    r"|\([a-z]\)|(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)[.)](?=\s))\s*(?P<text>.*)$"
)
_SECTION_HEADING = re.compile(
    r"^[\W_]*(?:(?:key|main|major|general|additional|specific|other|study|patient|subject|"
    r"selected|principal|relevant)\s+)*"
    r"(?P<word>inclusion|exclusion|eligibility|ineligibility|non[\s-]?inclusion|selection)"
    r"(?:\s+(?:and\s+exclusion\s+)?criteria)?(?P<rest>[^:.]{0,60}?)\s*(?::|-|\u2013)?\s*(?P<after>.*)$",
    re.IGNORECASE,
)
_HEADING_GATE = re.compile(r"clusion|eligib|selection|exclud|includ|criteria")
_EXCLUSION_INTRO = re.compile(
    r"^[^.]{0,80}\b(?:will\s+be\s+excluded|are\s+excluded|not\s+(?:be\s+)?eligible|"
    r"ineligible|excluded\s+from)\b[^.]{0,60}:\s*$",
    re.IGNORECASE,
)
_INCLUSION_INTRO = re.compile(
    r"^[^.]{0,80}\b(?:eligible\s+(?:for|if|to)|will\s+be\s+included|must\s+meet\s+all)\b"
    r"[^.]{0,60}:\s*$",
    re.IGNORECASE,
)
_SCOPE_WORDS = re.compile(
    r"\b(?:cohorts?|parts?|arms?|phase\s*(?:[0-9]|i)|sub-?stud(?:y|ies)|stratum|strata|"
    r"dose[\s-]*(?:escalation|expansion|finding)|expansion|escalation|modules?|groups?\s+[a-z0-9]|"
    r"randomi[sz]ed\s+portion|run-in|safety\s+lead-in)\b",
    re.IGNORECASE,
)
_SCOPE_PREFIX = re.compile(
    r"^(?:\(?(?:sub-?study|cohorts?|parts?|arms?|phase|groups?|stratum|module|dose[\s-]*"
    r"(?:escalation|expansion)|expansion|escalation|stage\s+[12]\s+(?:of|only))\b[^:.]{0,40}[:)]"
    r"|for\s+(?:the\s+)?(?:[\w-]+\s+)?(?:sub-?study|cohorts?|parts?|arms?|phase|groups?|stratum|"
    r"module|dose|expansion|escalation)\b|(?:cohorts?|parts?|arms?|phase|groups?)\s+[a-z0-9]{1,4}\b[^.]{0,20}"
    r"\bonly\b|note\s*:|[^:.]{0,80}\(\s*(?:cohorts?|parts?|arms?|phase|groups?|stratum|module)\b"
    r"[^()]{0,20}\)\s*:|[^:.]{0,60}\bcriteria\s+for\s+[^:.]{0,60}:)",
    re.IGNORECASE,
)
_ANY_OF = re.compile(
    r"\b(?:any\s+of\b|(?:\d|one|two)\s+of\s+(?:the\s+)?(?:\d|two|three|four|five|these|those)\b|"
    r"one\s+of\s+the\s+following|any\s+of\s+the\s+following|at\s+least\s+one\s+of|"
    r"one\s+or\s+more\s+of|one\s+of\s+these|any\s+one\s+of|either|one\s+of\s+the\s+below|"
    r"following\s+(?:options|alternatives)|meet\s+(?:one|1)\s+of)\b|\bor\s*:\s*$",
    re.IGNORECASE,
)
_ALL_OF = re.compile(
    r"\b(?:all\s+of\s+the\s+following|each\s+of\s+the\s+following|both\s+of\s+the\s+following|"
    r"all\s+the\s+following|both)\b",
    re.IGNORECASE,
)
_EXCEPTING_PARENT = re.compile(
    r"\b(?:except|unless|other\s+than|excluding|with\s+the\s+exception|apart\s+from|but\s+not)\b|"
    r"^\W*(?:no|none|not|without|never)\b|\bnone\s+of\b|\b(?:must|should|may)\s+not\b",
    re.IGNORECASE,
)
_TRAILING_OR = re.compile(r"(?:\bor|\bOR)\s*[,;:]?\s*$")
_LEADING_OR = re.compile(r"^(?:or|OR)\b")
_TRAILING_AND = re.compile(r"\b(?:and|AND)\s*[,;:]?\s*$")


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = text.replace("\t", "    ")
    return _UNESCAPE.sub(r"\1", text)


def _section_heading(line: str) -> tuple[str, str, bool] | None:
    """(section, text after the heading, scoped) when `line` opens a section."""
    match = _SECTION_HEADING.match(line)
    if match is not None:
        rest = match.group("rest") or ""
        after = match.group("after") or ""
        has_criteria = re.search(r"criteria", line[: match.start("rest")], re.IGNORECASE)
        colon = re.match(r"\s*[:\-\u2013]", line[match.end("rest") :]) is not None
        # "Inclusion criteria:" or "Exclusion:" — not a sentence that happens to start so.
        if (has_criteria or colon or not after) and (
            len(rest.split()) <= 8 and (has_criteria or colon or len(line) < 30)
        ):
            word = match.group("word").lower()
            section = EXCLUSION if word.startswith(("excl", "inel", "non")) else INCLUSION
            return section, after.strip(), bool(_SCOPE_WORDS.search(rest))
    if _EXCLUSION_INTRO.match(line):
        return EXCLUSION, "", False
    if _INCLUSION_INTRO.match(line):
        return INCLUSION, "", False
    return None


def _capital_heading(line: str) -> tuple[str | None, bool] | None:
    """ "PHASE II … ELIGIBILITY CRITERIA TRIPLE NEGATIVE BREAST CANCER": (section or None if
    unchanged, scoped) for a heading in capitals that names criteria."""
    if len(line) > 150 or re.search(r"[a-z]", line) or "CRITERIA" not in line:
        return None
    section = EXCLUSION if "EXCLU" in line else INCLUSION if "INCLU" in line else None
    rest = re.sub(r"\b(?:INCLUSION|EXCLUSION|ELIGIBILITY|CRITERIA|AND|FOR|KEY)\b", " ", line)
    scoped = bool(_SCOPE_WORDS.search(rest) or _CANCER_GATE.search(rest))
    return section, scoped


def _is_subheading(line: str) -> bool:
    stripped = line.strip()
    if stripped.endswith(":") and stripped[:-1].isupper() and len(stripped) < 60:
        return True
    words = stripped.rstrip(":").split()
    return (
        0 < len(words) <= 4
        and not re.search(r"[\d.;,<>=≥≤%]", stripped)
        and stripped[0].isupper()
        and not re.search(r"\b(?:no|not|none|any)\b", stripped, re.IGNORECASE)
    )


def _cancer_label(text: str) -> bool:
    """ "Sarcoma: must have failed …", "DLBCL: …": a criterion for one tumor type of several."""
    label = re.match(r"^\W*([^:.;]{2,45}):\s", text)
    if label is None:
        return False
    words = label.group(1)
    return bool(_CANCER_GATE.search(words)) and len(words.split()) <= 6


def _items(text: str) -> list[_Item]:
    lines = _clean(text).split("\n")
    bullets = [_BULLET.match(line) if line.strip() else None for line in lines]
    raws: list[_Raw] = []
    section = INCLUSION
    heading = ""
    heading_scoped = False
    stack: list[_Raw] = []
    colon_parent: _Raw | None = None
    current: _Raw | None = None
    blank = True
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            blank = True
            continue
        opened = (
            _section_heading(stripped)
            if len(stripped) < 120 and _HEADING_GATE.search(stripped.lower())
            else None
        )
        capital = _capital_heading(stripped) if opened is None else None
        if capital is not None:
            section = capital[0] or section
            opened = (section, "", capital[1])
        if opened is not None:
            section, after, heading_scoped = opened
            heading, stack, colon_parent, current = "", [], None, None
            blank = True
            if after:
                current = _Raw(
                    section=section,
                    indent=0,
                    text=after,
                    parent=None,
                    heading="",
                    scoped=heading_scoped,
                )
                raws.append(current)
                blank = False
            continue
        bullet = bullets[index]
        if bullet is not None:
            indent = len(bullet.group("indent"))
            body = bullet.group("text").strip()
            if not body:
                # A bare marker (old XML: "-" on its own line): its text follows.
                blank = True
                current = None
                continue
            while stack and stack[-1].indent >= indent:
                stack.pop()
            parent = stack[-1] if stack else None
            if parent is None and colon_parent is not None and indent >= colon_parent.indent:
                parent = colon_parent
            current = _Raw(
                section=section,
                indent=indent,
                text=body,
                parent=parent,
                heading=heading,
                scoped=heading_scoped or (parent is not None and parent.scoped),
            )
            raws.append(current)
            stack.append(current)
            blank = False
            continue
        indent = len(line) - len(line.lstrip())
        if current is not None and not blank:
            current.lines.append(stripped)
            continue
        following = next(
            (b for b, t in zip(bullets[index + 1 :], lines[index + 1 :], strict=True) if t.strip()),
            None,
        )
        if following is not None and _is_subheading(stripped):
            heading = stripped.rstrip(":").strip().lower()
            stack, colon_parent, current = [], None, None
            blank = True
            continue
        while stack and stack[-1].indent >= indent + 1:
            stack.pop()
        parent = stack[-1] if stack and stack[-1].indent < indent else None
        current = _Raw(
            section=section,
            indent=indent,
            text=stripped,
            parent=parent,
            heading=heading,
            scoped=heading_scoped or (parent is not None and parent.scoped),
        )
        raws.append(current)
        stack.append(current)
        colon_parent = current if stripped.endswith(":") else None
        blank = False
    return _finish(raws)


def _finish(raws: list[_Raw]) -> list[_Item]:
    texts = [raw.text for raw in raws]
    parents = {id(raw.parent) for raw in raws if raw.parent is not None}
    items: list[_Item] = []
    for index, raw in enumerate(raws):
        text = texts[index]
        if not text or not re.search(r"[A-Za-z0-9]", text):
            continue
        parent_text = raw.parent.text if raw.parent is not None else ""
        scoped = raw.scoped or bool(_SCOPE_PREFIX.match(text)) or _cancer_label(text)
        if id(raw) in parents and text.endswith(":"):
            # An introduction to the items below it ("Patients with lymphoma who …:") is read
            # through them; on its own it may only define a cohort.
            scoped = True
        ancestor = raw.parent
        while ancestor is not None and not scoped:
            scoped = bool(_SCOPE_PREFIX.match(ancestor.text)) or ancestor.scoped
            ancestor = ancestor.parent
        previous = texts[index - 1] if index > 0 and raws[index - 1].parent is raw.parent else ""
        following = (
            texts[index + 1]
            if index + 1 < len(raws) and raws[index + 1].parent is raw.parent
            else ""
        )
        if parent_text and _EXCEPTING_PARENT.search(parent_text):
            # "No other malignancy except: - basal cell carcinoma": the items are exceptions.
            scoped = True
        alternative = bool(
            (parent_text and _ANY_OF.search(parent_text))
            or _TRAILING_OR.search(text)
            or _LEADING_OR.match(text)
            or (previous and _TRAILING_OR.search(previous))
            or (following and _LEADING_OR.match(following))
        )
        conjunctive = bool(
            (parent_text and _ALL_OF.search(parent_text) and not _ANY_OF.search(parent_text))
            or _TRAILING_AND.search(text)
            or (previous and _TRAILING_AND.search(previous))
        )
        items.append(_Item(raw.section, text, raw.heading, alternative, conjunctive, scoped))
    return items


_ABBREVIATION_END = re.compile(
    r"(?:\b(?:e\.g|i\.e|vs|approx|incl|etc|no|nos|dr|fig|ref|max|min|resp|al|ca|st|mg|ml|"
    r"[A-Za-z])\.)$",
    re.IGNORECASE,
)
_SENTENCE_BREAK = re.compile(
    r"(?<=[.!?])\s+(?=[A-Z(\"“])|(?<=[a-z0-9%)])\s+(?=(?:Patients|Subjects|Participants)\s)|"
    r"(?<=[;:,])\s+(?=(?:NOTE|Note|N\.B\.)\b)|\s+(?=(?:NOTE|Note)\s*:)"
)


def _sentences(text: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        candidate = text[start : match.start()]
        if (
            _ABBREVIATION_END.search(candidate)
            and match.group(0)
            and text[match.start() - 1] == "."
        ):
            continue
        if candidate.strip():
            pieces.append(candidate.strip())
        start = match.end()
    if text[start:].strip():
        pieces.append(text[start:].strip())
    return pieces
