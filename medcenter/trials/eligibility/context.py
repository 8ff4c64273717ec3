"""What the readers share: the sentence context, criterion helpers, common patterns."""

import re
from typing import Any, NamedTuple

from medcenter.trials.recognisers.text import normalize_symbols

Criterion = dict[str, Any]

INCLUSION = "inclusion"
EXCLUSION = "exclusion"

_SPACES = re.compile(r"\s+")


# --- One sentence and the criteria read from it ---------------------------------------------


class _Found(NamedTuple):
    start: int
    end: int
    criterion: Criterion


def _text(section: str, source: str, **parts: list[Criterion]) -> Criterion:
    """An unread criterion; `any_of`/`all_of` keep what was read of it when its parts can only
    be evaluated together."""
    criterion: Criterion = {"section": section, "kind": "text", "source": source}
    criterion.update({key: value for key, value in parts.items() if value})
    return criterion


class _Context:
    """One sentence with the flags every reader needs."""

    __slots__ = (
        "conditional",
        "heading",
        "lead_conditional",
        "lower",
        "permissive",
        "prohibited",
        "section",
        "source",
        "text",
    )

    def __init__(self, source: str, section: str, heading: str) -> None:
        self.source = source
        self.section = section
        self.heading = heading
        self.text = normalize_symbols(source)
        # Flags and gates search the lower-cased text without IGNORECASE: several times faster.
        self.lower = self.text.lower()
        self.prohibited = bool(_PROHIBITED_L.search(self.lower))
        self.permissive = not self.prohibited and bool(_PERMISSIVE_L.search(self.lower))
        self.conditional = bool(_CONDITIONAL_L.search(self.lower))
        # "Radiographic progression: Patients with GBM must …": a label does not hide the "if".
        unlabelled = _LABEL.sub("", self.lower, count=1)
        self.lead_conditional = bool(_LEAD_CONDITIONAL_L.search(unlabelled))

    def criterion(self, kind: str, **keys: Any) -> Criterion:
        return {"section": self.section, "kind": kind, "source": self.source, **keys}


_PROHIBITED = re.compile(
    r"\b(?:are|is|will\s+be|would\s+be|were|shall\s+be)\s+(?:not\s+eligible|ineligible|excluded|"
    r"not\s+allowed|not\s+permitted|prohibited|not\s+included|not\s+enrolled)\b"
    r"(?!\s+(?:for|to|from)\s+(?!(?:this|the|participation|enrol)))|"
    r"\bnot\s+(?:be\s+)?(?:allowed|permitted)\b|\bnot\s+be\s+enrolled\b",
    re.IGNORECASE,
)
_PERMISSIVE = re.compile(
    r"\b(?:eligible|allowed|permitted|acceptable|allowable|may\s+(?:be\s+)?(?:enroll\w*|"
    r"includ\w*|participate|enter|eligible|considered)|can\s+(?:be\s+)?(?:enroll\w*|includ\w*|"
    r"participate)|are\s+included|will\s+be\s+included|(?:is|are)\s+(?:also\s+)?included|"
    r"are\s+not\s+excluded|is\s+not\s+excluded|encouraged|welcome|preferred|prioriti[sz]ed|"
    r"(?:will|may|can)\s+be\s+considered)\b",
    re.IGNORECASE,
)
_CONDITIONAL = re.compile(
    r"\b(?:if|unless|except|exception|excepting|other\s+than|provided|excluding|apart\s+from|"
    r"in\s+case|as\s+long\s+as|only\s+when|whether)\b|\b(?:for|in|by)\s+(?:patients|subjects|"
    r"participants|women|men|those|females|males|children|adults|individuals|cases)\b",
    re.IGNORECASE,
)
_LEAD_CONDITIONAL = re.compile(
    r"^\W*(?:if|for|in|when|unless)\b|^\W*(?:patients|subjects|participants|those|women|men|"
    r"individuals)\s+(?:who|with|whose|that)\b[^.]*\b(?:must|should|need|needs|require|"
    r"required|will\s+need|have\s+to)\b",
    re.IGNORECASE,
)
_LABEL = re.compile(r"^[^:.;]{0,80}:\s+")
_TIMED = re.compile(
    r"\bwithin\b|\b\d+\s*(?:days?|weeks?|wks?|months?|years?|half-lives|hours?)\b|"
    r"\b(?:one|two|three|four|five|six|eight|twelve)\s+(?:days?|weeks?|months?|years?)\b|"
    r"\b(?:prior\s+to|before)\s+(?:the\s+)?(?:randomi|enrol|registration|study|first|start|"
    r"initiation|day|dosing|treatment|screening|inclusion|entry|cycle|c1d1|signing|consent)|"
    r"\bin\s+the\s+(?:past|last|previous|preceding)\b|\bsince\b|\bcurrently\b|\bcurrent\s+"
    r"(?:use|treatment|therapy|receipt|participation|enrol\w*|medication)|"
    r"\bconcurrent\w*|\bconcomitant\w*|\bongoing\b|\bwashout\b|\brecent(?:ly)?\b|\bduring\b|"
    r"\bplanned\b|\bscheduled\b|\bwill\s+(?:receive|be\s+receiving|undergo)\b|\bat\s+the\s+"
    r"time\s+of\b|\bstill\b|\bstopped\b|\bdiscontinu\w+",
    re.IGNORECASE,
)


def _lowercase(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` for lower-cased text, without IGNORECASE (its literals are lower case)."""
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


_PROHIBITED_L = _lowercase(_PROHIBITED)
_PERMISSIVE_L = _lowercase(_PERMISSIVE)
_CONDITIONAL_L = _lowercase(_CONDITIONAL)
_LEAD_CONDITIONAL_L = _lowercase(_LEAD_CONDITIONAL)
_TIMED_L = _lowercase(_TIMED)


def _keep_alternatives(ctx: _Context, found: list[_Found], joined_by_or: bool) -> list[_Found]:
    """Several criteria of one kind joined by "or": in an inclusion any one will do, so they
    become one text criterion with the alternatives; in an exclusion each excludes."""
    if len(found) > 1 and ctx.section == INCLUSION and joined_by_or:
        alternatives = [f.criterion for f in found]
        return [
            _Found(
                found[0].start,
                found[-1].end,
                _text(ctx.section, ctx.source, alternatives=alternatives),
            )
        ]
    return found


# --- Words, patterns and helpers several readers use ----------------------------------------

_GE = (
    r"(?:≥|greater\s+than\s+or\s+equal\s+to|more\s+than\s+or\s+equal\s+to|equal\s+to\s+or\s+"
    r"(?:greater|more|higher)\s+than|at\s+least|no\s+less\s+than|not\s+less\s+than|no\s+lower\s+"
    r"than|not\s+lower\s+than|minimum(?:\s+of)?|a\s+minimum\s+of)"
)
_LE = (
    r"(?:≤|less\s+than\s+or\s+equal\s+to|equal\s+to\s+or\s+(?:less|lower)\s+than|no\s+(?:more|"
    r"greater|higher)\s+than|not\s+(?:more|greater|higher)\s+than|not\s+(?:to\s+)?exceed(?:ing)?|"
    r"up\s+to|at\s+most|maximum(?:\s+of)?|a\s+maximum\s+of)"
)
_GT = r"(?:>|greater\s+than|more\s+than|higher\s+than|above|over|exceeding|in\s+excess\s+of)"
_LT = r"(?:<|less\s+than|lower\s+than|below|under|fewer\s+than|younger\s+than)"

_METHOD_WORDS = (
    r"(?:histolog\w*|cytolog\w*|patholog\w*|radiolog\w*|clinical(?:ly)?|ihc|immunohistochemi\w*|"
    r"f?ish|in\s+situ\s+hybridi[sz]ation|ngs|pcr|sequencing|tissue|plasma|blood|local(?:ly)?|"
    r"central(?:ly)?|primary|archival|fresh|tumou?r|biopsy|cytology|histology|ct|mri|pet)"
)
_DISEASE_STATE = (
    r"(?:locally[\s-]+advanced|advanced|unresectable|inoperable|recurrent|relapsed|refractory|"
    r"metastatic|persistent|progressive|newly\s+diagnosed|previously\s+(?:un)?treated)"
)
_HARMLESS_OR = re.compile(
    rf"\b{_METHOD_WORDS}\s+(?:\([^)]*\)\s*)?(?:and/)?or\s+{_METHOD_WORDS}\b|\band/or\b|"
    rf"\b{_DISEASE_STATE}\s*(?:,\s*{_DISEASE_STATE}\s*)*,?\s*(?:and/)?or\s+{_DISEASE_STATE}\b|"
    r"\b(?:wom[ae]n|m[ae]n|males?|females?)\s+(?:and/)?or\s+(?:wom[ae]n|m[ae]n|males?|females?)\b",
    re.IGNORECASE,
)

# Every cancer term and abbreviation contains one of these (a test checks it): most sentences
# are about something else and need no word-by-word look-up.
_CANCER_GATE = re.compile(
    r"(?i:oma|cancer|neoplas|leuk|ewing|myelodys|myeloprolif|fibromatos|desmoid|hodgkin|"
    r"malignan|tumou?r|nsclc)|NSCLC|SCLC|TNBC|MBC|CRC|HCC|RCC|PDAC|GIST|HNSCC|SCCHN|GBM|DIPG|ATRT|"
    r"AT/RT|AML|CLL|CML|DLBCL|NHL|CRPC|UCEC"
)

# The cancer named as what a treatment was for or a complication came from, not as the
# patient's diagnosis: "prior radiotherapy for non-Hodgkin lymphoma", "related to myeloma".
_DIAGNOSIS_AS_OBJECT = re.compile(
    r"(?:\b(?:\w*therap\w*|treat\w*|regimens?|radiat\w*|radio\w*|chemo\w*|surgery|resection|received|"
    r"directed|agents?|drugs?|medications?|inhibitors?|transplant\w*|conditioning)\b[^,;.]{0,60}"
    r"\b(?:for|of|against|in)|"
    r"\b(?:related|relating|associated|secondary|due|attributed|caused|induced)\s+(?:to|with|by)|"
    r"\brisk\b[^,;.]{0,20}|\bsurvivors?\s+of|\bscreening\s+for)\s+(?:[\w'-]+\s+){0,4}$",
    re.IGNORECASE,
)


def _clause_before(text: str, position: int) -> str:
    """The words before `position` back to the last comma, semicolon or bracket."""
    before = text[:position]
    cut = max(before.rfind(","), before.rfind(";"), before.rfind("("), before.rfind(":"))
    return before[cut + 1 :]


def _strip_parentheses(text: str) -> str:
    """Blank out parenthetical asides (examples, definitions), keeping positions."""
    result = list(text)
    depth = 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        if depth > 0:
            result[index] = " "
        if char == ")" and depth > 0:
            depth -= 1
    return "".join(result)
