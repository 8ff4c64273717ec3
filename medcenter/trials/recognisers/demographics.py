"""Age, sex and pregnancy: the words and arithmetic, and what a note says of its patient.

The criteria readers (`trials/eligibility/demographics.py`) build their age bounds on
`AGE_UNIT` and `age_years`, and read sex with `FEMALE`/`MALE` and pregnancy with the
`PREGNANT_LEAD`/`NOT_PREGNANT` statements below; the note readers here use the same units,
arithmetic and words. `note_age`, `note_sex` and `note_pregnancy` serve both the structured
note reader (`trials/matcher/notes.py`) and the text ranker (`trials/textmatch.py`).
"""

import re

from medcenter.trials.recognisers.text import NUMBER_WORDS

# --- Age ------------------------------------------------------------------------------------

AGE_UNIT = r"(?P<unit>years?|yrs?|y(?=\b)|months?|mos?|weeks?|wks?|days?)"
_AGE_UNITS = {"y": 1.0, "m": 1 / 12, "w": 7 / 365.25, "d": 1 / 365.25}


def age_years(number: str, unit: str | None) -> float | None:
    """Years, to three decimals, for "8" "months" or "eighteen" None; None past 0 to 120."""
    value = NUMBER_WORDS.get(number.lower())
    amount = float(value) if value is not None else float(number)
    factor = _AGE_UNITS.get((unit or "y")[0].lower(), 1.0)
    years = round(amount * factor, 3)
    return years if 0 <= years <= 120 else None


_NOTE_AGE = re.compile(
    rf"\b(?P<n>\d{{1,3}}(?:\.\d)?)[\s-]*{AGE_UNIT}"
    r"[\s-]*(?:old|of\s+age)\b|\b(?P<n2>\d{1,3})\s*(?:yo|y/o|y\.o\.?|yr\.?\s*old|M|F|m|f)\b"
    r"(?=[\s,.]|$)|\b(?:aged?|age\s+of)\s*:?\s*(?P<n3>\d{1,3})\b|"
    r"^\W*(?:an?\s+)?(?P<n4>\d{1,3})\s?(?:male|female|man|woman)\b",
)
_NEWBORN = re.compile(r"\b(?:newborn|neonate)\b", re.IGNORECASE)


def note_age(text: str) -> float | None:
    """The patient's age in years: the first age the note states ("58-year-old", "8-month-old",
    "48 M", "aged 70"), else 0 for a newborn; None when it states none."""
    for match in _NOTE_AGE.finditer(text):
        if match.group("n"):
            years = age_years(match.group("n"), match.group("unit"))
        else:
            number = match.group("n2") or match.group("n3") or match.group("n4")
            years = float(number) if number else None
        if years is not None and 0 <= years <= 120:
            return years
    return 0.0 if _NEWBORN.search(text) else None


# --- Sex ------------------------------------------------------------------------------------

FEMALE_WORDS = r"females?|wom[ae]n|girls?|lady|ladies"
MALE_WORDS = r"males?|m[ae]n|boys?"
FEMALE = re.compile(rf"\b(?:{FEMALE_WORDS})\b", re.IGNORECASE)
MALE = re.compile(rf"\b(?:{MALE_WORDS})\b", re.IGNORECASE)
# In a note, the pronouns and titles count too, and "58 F" / "60 yo M".
_NOTE_FEMALE = re.compile(
    rf"\b(?:{FEMALE_WORDS}|she|her|mrs|ms|postmenopausal|premenopausal|pregnant)\b|"
    r"\b\d{1,3}\s*(?:yo\s*|y/o\s*|-year-old\s+)?F\b",
    re.IGNORECASE,
)
_NOTE_MALE = re.compile(
    rf"\b(?:{MALE_WORDS}|gentleman|he|his|him|mr)\b|"
    r"\b\d{1,3}\s*(?:yo\s*|y/o\s*|-year-old\s+)?M\b",
    re.IGNORECASE,
)


def note_sex(text: str) -> str | None:
    """ "female", "male" or None: the words of one sex alone in the note's first 200 characters,
    else in the whole note, else whichever comes first."""
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


# --- Pregnancy ------------------------------------------------------------------------------

_NEGATIVE_TEST = r"negative\s+(?:[^.;]{0,60}?\s)?pregnancy\s+test"

# Criteria: "Pregnant or lactating women" (an exclusion), "Must not be pregnant", "Negative
# pregnancy test" (an inclusion), unless the sentence sets a condition.
PREGNANT_LEAD = re.compile(
    r"^\W*(?:(?:known|current(?:ly)?|confirmed|documented|active)\s+)?(?:(?:female|women|woman|"
    r"females|patients?|subjects?|participants?|individuals?|those|persons?)\s+)*(?:who\s+(?:are|"
    r"is)\s+(?:currently\s+)?|that\s+(?:are|is)\s+)?(?:(?:current(?:ly)?|known)\s+)?"
    r"(?P<word>pregnan\w*|lactat\w*|breast[\s-]?feed\w*|nursing)\b",
    re.IGNORECASE,
)
NOT_PREGNANT = re.compile(
    r"^\W*(?:(?:patients?|subjects?|participants?|women|females?)\s+(?:must|should)\s+(?:not\s+be"
    r"|be\s+non)[\s-]*pregnant|(?:must\s+)?not\s+(?:be\s+)?pregnant|non[\s-]?pregnant|no\s+"
    rf"pregnancy|{_NEGATIVE_TEST})",
    re.IGNORECASE,
)
PREGNANCY_NOISE = re.compile(
    r"\bjudged\b|\bcandidates?\b|\bunless\b|\bexcept\b|\bif\b|\bplanning\s+to\s+father\b",
    re.IGNORECASE,
)

# Notes: "she is 12 weeks pregnant", "G2P1 at 30 weeks"; "not pregnant", "negative urine
# pregnancy test", "denies being pregnant".
_NOTE_PREGNANT = re.compile(
    r"\b(?:is|currently|she\s+is)\s+(?:\d+\s+weeks\s+)?pregnant\b|\bpregnant\s+(?:at|with)\b|"
    r"\bG\d+P\d+\b[^.]{0,30}\b\d+\s+weeks\b|\b\d+\s+weeks\s+(?:pregnant|gestation)\b|"
    r"\bgestational\s+age\b",
    re.IGNORECASE,
)
_NOTE_NOT_PREGNANT = re.compile(
    rf"\bnot\s+(?:currently\s+)?pregnant\b|\b{_NEGATIVE_TEST}\b|"
    r"\bpregnancy\s+test\s+(?:was\s+|is\s+)?negative\b|\bdenies\s+(?:being\s+)?pregnan",
    re.IGNORECASE,
)
# A note that concerns pregnancy at all (an ectopic pregnancy, "G1P0", "gravida 3"): the text
# ranker does not count a trial recruiting pregnant women against it.
_NOTE_PREGNANCY_WORDS = re.compile(
    r"\b(?:pregnan\w*|gestation|weeks'?\s+gestation|g\d\s?p\d|gravida|trimester)\b",
    re.IGNORECASE,
)


def note_pregnancy(text: str, sex: str | None = None) -> bool | None:
    """True when the note says the patient is pregnant, False when it says she is not (or the
    patient is a man), None when it does not say."""
    if _NOTE_NOT_PREGNANT.search(text):
        return False
    if _NOTE_PREGNANT.search(text):
        return True
    return False if sex == "male" else None


def concerns_pregnancy(text: str) -> bool:
    """Whether the note speaks of pregnancy at all, stated or past ("two pregnancies")."""
    return bool(_NOTE_PREGNANCY_WORDS.search(text))
