"""Text normalization and tokenizing shared by indexing and querying, for every site language."""

import re
import unicodedata

# Words that carry no meaning for the search ("doctor", "near me"), per site language.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "on",
        "in",
        "at",
        "for",
        "to",
        "with",
        "my",
        "me",
        "i",
        "near",
        "have",
        "has",
        "is",
        "are",
        "who",
        "which",
        "what",
        "doctor",
        "doctors",
        "dr",
        "dra",
        "drs",
        "md",
        "physician",
        "specialist",
        "specialists",
        "find",
        "best",
        "program",
        "programs",
        "clinic",
        "treatment",
        "treat",
        "treating",
        "de",
        "del",
        "la",
        "las",
        "el",
        "los",
        "en",
        "y",
        "con",
        "mi",
        "para",
        "un",
        "una",
        "que",
        "medico",
        "medicos",
        "medica",
        "doctora",
        "especialista",
        "programa",
        "tratamiento",
        "da",
        "do",
        "das",
        "dos",
        "em",
        "com",
        "meu",
        "minha",
        "para",
        "um",
        "uma",
        "o",
        "os",
        "as",
        "perto",
        "medico",
        "medica",
        "especialista",
        "programa",
        "tratamento",
        "врач",
        "врачи",
        "доктор",
        "специалист",
        "лечение",
        "программа",
        "в",
        "на",
        "с",
        "мой",
        "моя",
        "у",
        "для",
        "и",
        "طبيب",
        "دكتور",
        "أخصائي",
        "برنامج",
        "علاج",
        "في",
        "من",
        "على",
        "لدي",
        "عن",
    ]
)
# Words too plain to stand for a whole vocabulary term on their own, though they may be part of
# one ("cancer that spread from ...").
CONNECTIVES = frozenset(
    [
        "after",
        "before",
        "from",
        "that",
        "this",
        "into",
        "when",
        "while",
        "your",
        "like",
        "not",
        "no",
        "na",
        "nao",
        "por",
        "apos",
        "antes",
        "despues",
        "durante",
        "sin",
        "sem",
        "при",
        "после",
        "перед",
        "без",
        "بعد",
        "قبل",
        "عند",
        "مع",
    ]
)
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
CJK_NOISE = re.compile(r"(医生|大夫|医师|专家|治疗|医院|我的|的)")


def normalize(text: str) -> str:
    """Casefold, drop accents and vowel marks, and turn punctuation into spaces."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("ё", "е"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return NON_WORD.sub(" ", text).strip()


def is_cjk(text: str) -> bool:
    return bool(CJK.search(text))


def _strip_article(token: str) -> str:
    # Arabic writes the article into the word: "الثدي" and "ثدي" are the same breast.
    return token[2:] if token.startswith("ال") and len(token) > 4 else token


def tokens(text: str) -> list[str]:
    """Meaningful tokens of already-normalized text. CJK runs stay whole (matched as substrings)."""
    if is_cjk(text):
        text = CJK_NOISE.sub(" ", text)
    return [
        _strip_article(t) for t in text.split() if t not in STOPWORDS and (len(t) > 1 or is_cjk(t))
    ]


_SOUNDS = (("ph", "f"), ("ck", "c"), ("k", "c"), ("qu", "c"), ("y", "i"), ("z", "s"), ("th", "t"))
_DOUBLE = re.compile(r"(\w)\1+")


def sound_key(token: str) -> str:
    """A rough spelling-by-ear key for Latin-script words: "lumfoma" and "lymphoma" share most of
    it, so a word typed as it sounds still finds the word meant."""
    if not token.isascii():
        return token
    key = token
    for written, heard in _SOUNDS:
        key = key.replace(written, heard)
    key = key.replace("ae", "e").replace("oe", "e")
    return _DOUBLE.sub(r"\1", key)
