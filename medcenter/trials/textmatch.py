"""Rank clinical trials for one patient note by likely eligibility, from text alone.

No database, no model, no network: a lexical, rule-based scorer that re-ranks a pool of
candidate trials (ones a search already found on topic) so that the trials the patient is
likely eligible for come first. Per (note, trial) it computes:

- demographics: the patient's age and sex read from the note (by trials/recognisers, as the
  structured note reader reads them) against the trial's minimum / maximum age (the
  registry fields, or the criteria text when those are empty) and sex (the field, or the
  title and conditions when it is empty); a patient outside them is very likely excluded,
  so each is a large penalty;
- healthy volunteers: a trial that recruits healthy people is a poor match for a patient;
- condition coverage: how much of the trial's title or of one of its conditions the note
  names, IDF-weighted. A trial is relevant when the patient has *its* condition, while a note
  names many things, so coverage runs from the trial's side;
- topic BM25: the note as a BM25 query over title, conditions and summary, with the first
  sentence (where the presenting problem is) weighted up, negated and family-history phrases
  left out, common abbreviations expanded and a few adjective forms folded into nouns
  ("renal" → kidney, "obese" → obesity);
- denied conditions: terms the note negates ("denies diabetes") that name the trial's topic;
- criteria: note terms found in the inclusion criteria count for the trial, those found only
  in the exclusion criteria against it. Trials without criteria text get the pool's average,
  so that merely having criteria neither helps nor hurts.

Then a second pass (pseudo-relevance feedback): the conditions of the five best trials of the
first pass join the note's terms and the pool is scored again; the two passes add up, each
scaled to 0-1. A note often describes a disease without naming it ("cold, tired, constipated"),
while the trials that match its symptoms best name their condition, so the second pass also
finds the trials on that condition that share no word with the note. A caller that has a
similarity of meaning per trial (trials/semantic.py: sentence embeddings) passes it in; it
adds with weight 0.5 and helps pick the feedback trials.

``TrialIndex`` prepares trials once (tokens, ages, document frequencies for IDF) and can be
reused across patients; ``score_trials`` is the one-call form for a pool. The default weights
are round numbers set by hand; bench/trials_quality.py measures them on the SIGIR 2016 and TREC
Clinical Trials 2021 / 2022 judged patients.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from medcenter.trials.recognisers.demographics import concerns_pregnancy, note_age, note_sex
from medcenter.trials.recognisers.scope import CLAUSE_END, FAMILY, NEGATION, SENTENCE_BREAK
from medcenter.trials.recognisers.text import normalize_symbols


@dataclass(frozen=True, slots=True)
class TrialText:
    """The text of one trial as the registry gives it; any field may be empty."""

    nct_id: str = ""
    title: str = ""
    summary: str = ""
    conditions: tuple[str, ...] = ()
    criteria: str = ""  # the whole eligibility block, inclusion and exclusion together
    inclusion: str = ""  # when the source gives them apart
    exclusion: str = ""
    sex: str = ""  # "All", "Both", "Female", "Male" or ""
    minimum_age: str = ""  # "18 Years", "6 Months", "N/A" or ""
    maximum_age: str = ""


@dataclass(frozen=True, slots=True)
class Weights:
    """How the features add up into one score (see the module docstring)."""

    topic: float = 1.0
    condition: float = 1.0
    criteria: float = 0.3
    denied: float = 0.5
    age_out: float = 3.0
    sex_out: float = 3.0
    pregnancy_out: float = 1.0
    healthy: float = 1.0
    first_sentence: float = 2.0  # query weight of the note's first sentence (others: 1)
    # Pseudo-relevance feedback: the conditions of the `feedback_trials` best trials of a first
    # pass join the note's terms for a second pass, added with weight `feedback` (0: off).
    feedback: float = 1.0
    feedback_trials: int = 5
    # A sentence-embedding cosine per trial (trials/semantic.py), when the caller has one:
    # scaled 0-1 over the pool, it joins both the choice of the feedback trials and the score.
    semantic: float = 0.5


DEFAULT_WEIGHTS = Weights()

# --- text -------------------------------------------------------------------------------------

_STOPWORD_TEXT = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either else
    few for from further had has have having he her here hers herself him himself his how i if
    in into is it its itself just may me might more most must my myself no nor not now of off
    on once only or other our ours out over own per same shall she should so some such than
    that the their theirs them themselves then there these they this those through to too
    under until up upon very via was we were what when where which while who whom why will
    with within would you your yours
    patient patients pt pts subject subjects participant participants people person individual
    individuals year years yr yrs yo old month months week weeks day days hour hours ago
    present presents presented presenting history hx report reports reported reveal reveals
    revealed show shows showed shown note noted found find finding time first second last
    recent recently new currently current study studies trial trials include including
    included inclusion exclusion criteria eligible eligibility must able willing use used
    using receive received receiving treat treated treating treatment therapy mg ml kg dl
    one two three four five six seven eight nine ten n nos e g eg ie etc x s p h o w
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# Common clinical abbreviations; each adds its expansion beside the original token. Ambiguous
# ones are left out ("PD" is Parkinson disease and PD-1, "PE" embolism and physical exam).
ABBREVIATIONS: dict[str, str] = {
    "htn": "hypertension",
    "hld": "hyperlipidemia",
    "dm": "diabetes mellitus",
    "dm2": "type 2 diabetes mellitus",
    "t2dm": "type 2 diabetes mellitus",
    "t1dm": "type 1 diabetes mellitus",
    "iddm": "insulin dependent diabetes mellitus",
    "niddm": "type 2 diabetes mellitus",
    "cad": "coronary artery disease",
    "mi": "myocardial infarction",
    "stemi": "st elevation myocardial infarction",
    "nstemi": "myocardial infarction",
    "acs": "acute coronary syndrome",
    "chf": "congestive heart failure",
    "hf": "heart failure",
    "afib": "atrial fibrillation",
    "af": "atrial fibrillation",
    "copd": "chronic obstructive pulmonary disease",
    "cva": "stroke cerebrovascular accident",
    "tia": "transient ischemic attack",
    "ckd": "chronic kidney disease",
    "esrd": "end stage renal disease",
    "aki": "acute kidney injury",
    "arf": "acute renal failure",
    "uti": "urinary tract infection",
    "utis": "urinary tract infection",
    "sob": "shortness of breath dyspnea",
    "doe": "dyspnea on exertion",
    "gerd": "gastroesophageal reflux disease",
    "dvt": "deep vein thrombosis",
    "ugib": "upper gastrointestinal bleeding",
    "lgib": "lower gastrointestinal bleeding",
    "gib": "gastrointestinal bleeding",
    "hcv": "hepatitis c",
    "hbv": "hepatitis b",
    "hep": "hepatitis",
    "ra": "rheumatoid arthritis",
    "sle": "systemic lupus erythematosus",
    "ards": "acute respiratory distress syndrome",
    "bph": "benign prostatic hyperplasia",
    "osa": "obstructive sleep apnea",
    "ptsd": "post traumatic stress disorder",
    "adhd": "attention deficit hyperactivity disorder",
    "ibd": "inflammatory bowel disease",
    "ibs": "irritable bowel syndrome",
    "nsclc": "non small cell lung cancer",
    "sclc": "small cell lung cancer",
    "aml": "acute myeloid leukemia",
    "cml": "chronic myeloid leukemia",
    "cll": "chronic lymphocytic leukemia",
    "crc": "colorectal cancer",
    "hcc": "hepatocellular carcinoma",
    "rcc": "renal cell carcinoma",
    "gbm": "glioblastoma",
    "mdd": "major depressive disorder",
    "ocd": "obsessive compulsive disorder",
    "pcos": "polycystic ovary syndrome",
    "nash": "nonalcoholic steatohepatitis",
    "nafld": "nonalcoholic fatty liver disease",
    "ild": "interstitial lung disease",
    "ipf": "idiopathic pulmonary fibrosis",
    "tb": "tuberculosis",
    "cf": "cystic fibrosis",
    "sah": "subarachnoid hemorrhage",
    "ich": "intracerebral hemorrhage",
    "tbi": "traumatic brain injury",
    "als": "amyotrophic lateral sclerosis",
    "hsv": "herpes simplex virus",
    "cmv": "cytomegalovirus",
    "ebv": "epstein barr virus",
    "hpv": "human papillomavirus",
    "rsv": "respiratory syncytial virus",
    "ct": "computed tomography",
    "mri": "magnetic resonance imaging",
    "ekg": "electrocardiogram",
    "ecg": "electrocardiogram",
    "tte": "echocardiogram",
    "echo": "echocardiogram",
    "bmi": "body mass index",
    "ivdu": "intravenous drug use",
    "etoh": "alcohol",
    "abx": "antibiotics",
    "mets": "metastases",
}

# Phrases replaced before tokenizing (lower-case text).
PHRASES = (
    (re.compile(r"\bheart attacks?\b"), "myocardial infarction"),
    (re.compile(r"\bhigh blood pressure\b"), "hypertension"),
    (re.compile(r"\bshortness of breath\b"), "dyspnea"),
    (re.compile(r"\bhep(?:atitis)? ?c\b"), "hepatitis_c"),
    (re.compile(r"\bhep(?:atitis)? ?b\b"), "hepatitis_b"),
    (re.compile(r"\btype (?:2|ii) diabetes\b"), "type2 diabetes"),
    (re.compile(r"\btype (?:1|i) diabetes\b"), "type1 diabetes"),
    (re.compile(r"\bs/p\b|\bh/o\b|\bw/o?\b|\bc/o\b"), " "),
)

# Word forms folded together after stemming: adjective to noun, a few synonyms.
FOLD_RAW = {
    "obese": "obesity",
    "overweight": "obesity",
    "diabetic": "diabetes",
    "hypertensive": "hypertension",
    "asthmatic": "asthma",
    "anemic": "anemia",
    "septic": "sepsis",
    "cirrhotic": "cirrhosis",
    "epileptic": "epilepsy",
    "psychotic": "psychosis",
    "depressed": "depression",
    "depressive": "depression",
    "anxious": "anxiety",
    "pregnant": "pregnancy",
    "smoker": "smoking",
    "smoke": "smoking",
    "tobacco": "smoking",
    "malignant": "cancer",
    "malignancy": "cancer",
    "malignancies": "cancer",
    "neoplasm": "cancer",
    "neoplasms": "cancer",
    "neoplastic": "cancer",
    "carcinoma": "cancer",
    "carcinomas": "cancer",
    "cancerous": "cancer",
    "oncology": "cancer",
    "metastatic": "metastasis",
    "metastases": "metastasis",
    "renal": "kidney",
    "nephric": "kidney",
    "pulmonary": "lung",
    "cardiac": "heart",
    "coronary": "heart",
    "hepatic": "liver",
    "gastric": "stomach",
    "cerebral": "brain",
    "cutaneous": "skin",
    "dermal": "skin",
    "ocular": "eye",
    "osseous": "bone",
    "mammary": "breast",
    "colonic": "colon",
    "rectal": "rectum",
    "ovarian": "ovary",
    "prostatic": "prostate",
    "pancreatic": "pancreas",
    "uterine": "uterus",
    "infectious": "infection",
    "infected": "infection",
    "inflammatory": "inflammation",
    "fibrotic": "fibrosis",
    "ischemic": "ischemia",
    "ischaemic": "ischemia",
    "thrombotic": "thrombosis",
    "stenotic": "stenosis",
    "arthritic": "arthritis",
    "allergic": "allergy",
    "arrhythmic": "arrhythmia",
    "hypoxic": "hypoxia",
    "hypoglycemic": "hypoglycemia",
    "hyperglycemic": "hyperglycemia",
    "demented": "dementia",
    "autistic": "autism",
    "schizophrenic": "schizophrenia",
    "alcoholic": "alcohol",
    "alcoholism": "alcohol",
    "tumour": "tumor",
    "oedema": "edema",
    "anaemia": "anemia",
    "haemorrhage": "hemorrhage",
    "paediatric": "pediatric",
}

WORD = re.compile(r"[a-z0-9_]+")


def stem(word: str) -> str:
    """A light English stemmer: plurals and -ing / -ed, enough for matching."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "os")):
        word = word[:-1]
    if len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 5 and word.endswith("ed"):
        word = word[:-2]
    return word


FOLD = {stem(k): stem(v) for k, v in FOLD_RAW.items()} | {k: stem(v) for k, v in FOLD_RAW.items()}
_EXPANSIONS = {
    key: [FOLD.get(stem(w), stem(w)) for w in value.split() if w not in STOPWORDS]
    for key, value in ABBREVIATIONS.items()
}


def tokens(text: str) -> list[str]:
    """Content tokens, stemmed and folded; an abbreviation adds its expansion."""
    text = text.lower()
    for pattern, repl in PHRASES:
        text = pattern.sub(repl, text)
    out: list[str] = []
    for raw in WORD.findall(text):
        expansion = _EXPANSIONS.get(raw)
        if expansion:
            out.extend(expansion)
        if raw not in STOPWORDS:
            word = FOLD.get(raw) or stem(raw)
            out.append(FOLD.get(word, word))
    return out


# --- the note ---------------------------------------------------------------------------------

NONSMOKER = re.compile(r"\bnon-?smok\w*", re.I)
DEMOGRAPHIC = frozenset(
    tokens(
        "man men woman women male female boy girl lady gentleman mother father wife husband son"
        " daughter parent caucasian white black african american hispanic asian"
    )
)


@dataclass(frozen=True, slots=True)
class NoteTerms:
    query: dict[str, float]  # weighted terms the patient has
    negated: frozenset[str]  # terms the note denies
    age: float | None
    sex: str
    pregnant: bool


def read_note(note: str, first_weight: float = DEFAULT_WEIGHTS.first_sentence) -> NoteTerms:
    """Weighted query terms: negated and family-history phrases dropped, first sentence up."""
    query: dict[str, float] = {}
    negated: set[str] = set()
    text = normalize_symbols(note)  # the age, sex and pregnancy as the structured reader reads them
    sentences = [s for s in SENTENCE_BREAK.split(note) if s.strip()]
    for n, sentence in enumerate(sentences):
        weight = first_weight if n == 0 else 1.0
        for segment in CLAUSE_END.split(sentence):
            if not segment:
                continue
            family = FAMILY.search(segment)
            if family:
                segment = segment[: family.start()]
            negation = NEGATION.search(segment)
            if negation:
                negated.update(tokens(segment[negation.end() :]))
                segment = segment[: negation.start()]
            for tok in tokens(NONSMOKER.sub(" ", segment)):
                if not tok.isdigit() and tok not in DEMOGRAPHIC:
                    query[tok] = query.get(tok, 0.0) + weight
    if NONSMOKER.search(note):
        negated.update(tokens("smoking"))
    return NoteTerms(
        query=query,
        negated=frozenset(negated - set(query) - DEMOGRAPHIC),
        age=note_age(text),
        sex=note_sex(text) or "",
        pregnant=concerns_pregnancy(text),
    )


# --- trials -----------------------------------------------------------------------------------

UNIT = {"year": 1.0, "month": 1 / 12, "week": 1 / 52, "day": 1 / 365, "hour": 1 / 8760}
AGE_FIELD = re.compile(r"(\d+(?:\.\d+)?)\s*(year|month|week|day|hour)?", re.I)
GE = r"(?:>=|≥|=>|\\>=|greater than or equal to|of at least|at least|over|older than|above|>|\\>)"
LE = r"(?:<=|≤|=<|less than or equal to|under|younger than|below|less than|<|\\<)"
AGE_TEXT_MIN = (
    re.compile(r"minimum age of (\d+) (year|month|week|day)", re.I),
    re.compile(rf"\bage[ds]?\s*(?:of\s*)?{GE}\s*(\d+)", re.I),
    re.compile(rf"\b{GE}\s*(\d+)\s*years? (?:of age|old)", re.I),
    re.compile(r"\b(\d+)\s*years? (?:of age |old )?(?:or|and) (?:older|over|above)", re.I),
    re.compile(r"\bage[ds]?\s*(?:between\s*)?(\d+)\s*(?:-|\u2013|to|and)\s*<?\s*\d+", re.I),
    re.compile(r"\b(\d+)\s*(?:-|\u2013|to)\s*<?\s*\d+\s*years", re.I),
)
AGE_TEXT_MAX = (
    re.compile(r"maximum age of (\d+) (year|month|week|day)", re.I),
    re.compile(rf"\bage[ds]?\s*{LE}\s*(\d+)", re.I),
    re.compile(rf"\b{LE}\s*(\d+)\s*years? (?:of age|old)", re.I),
    re.compile(r"\bage[ds]?\s*(?:between\s*)?\d+\s*(?:-|\u2013|to|and)\s*<?\s*(\d+)", re.I),
    re.compile(r"\b\d+\s*(?:-|\u2013|to)\s*<?\s*(\d+)\s*years", re.I),
)
HEALTHY = re.compile(
    r"\bhealthy (?:adult |male |female |young |older |elderly |normal )?"
    r"(?:volunteer|subject|participant|individual|control|men|women|people|adult|donor)",
    re.I,
)
HEALTHY_CONDITIONS = frozenset({"healthy", "healthy volunteers", "healthy subjects", "normal"})
EXCLUSION_HEAD = re.compile(r"exclusion criteria|\bexclusions?:|\bnot eligible|\bineligib", re.I)
FEMALE_TRIAL = re.compile(
    r"\b(women|woman|female|females|girls|pregnan\w*|postmenopausal|premenopausal|"
    r"ovar(?:y|ian)|uter(?:us|ine)|cervix|endometri\w*|vagin\w*|maternal|mothers)\b",
    re.I,
)
MALE_TRIAL = re.compile(r"\b(men|male|males|boys|prostat\w*|testic\w*|erectile)\b", re.I)
CHILD_TRIAL = re.compile(
    r"\b(child|children|childhood|pediatric|paediatric|infants?|neonat\w*|newborns?|preterm|"
    r"kids|adolescents?|toddlers?|school-?age\w*|juvenile)\b",
    re.I,
)
ADULT_TRIAL = re.compile(r"\b(adults?)\b", re.I)
ELDERLY_TRIAL = re.compile(
    r"\b(elderly|older (?:adults|people|persons|patients)|seniors|geriatric)\b", re.I
)
PREGNANT_TRIAL = re.compile(
    r"\b(pregnan\w*|gestation\w*|antenatal|prenatal|obstetric\w*|labou?r induction)\b", re.I
)


def field_age(value: str) -> float | None:
    text = value.strip().lower()
    if not text or text in {"n/a", "na", "none", "no limit"}:
        return None
    match = AGE_FIELD.search(text)
    if not match:
        return None
    return float(match.group(1)) * UNIT.get((match.group(2) or "year").lower(), 1.0)


def text_age(text: str, patterns: Sequence[re.Pattern[str]]) -> float | None:
    for pattern in patterns:
        match = pattern.search(text)
        if match:
            value = float(match.group(1))
            unit = (match.group(2) if (match.lastindex or 0) > 1 else None) or "year"
            if value <= 120:
                return value * UNIT.get(unit.lower(), 1.0)
    return None


def split_criteria(trial: TrialText) -> tuple[str, str]:
    """(inclusion, exclusion) text, from the split fields or the one block."""
    if trial.inclusion or trial.exclusion:
        return trial.inclusion, trial.exclusion
    match = EXCLUSION_HEAD.search(trial.criteria)
    if not match:
        return trial.criteria, ""
    return trial.criteria[: match.start()], trial.criteria[match.start() :]


def trial_sex(trial: TrialText) -> str:
    sex = trial.sex.strip().lower()
    if sex in {"female", "male"}:
        return sex
    if sex:  # All / Both
        return ""
    text = f"{trial.title} {' '.join(trial.conditions)}"
    female, male = bool(FEMALE_TRIAL.search(text)), bool(MALE_TRIAL.search(text))
    return "female" if female and not male else "male" if male and not female else ""


@dataclass(frozen=True, slots=True)
class PreparedTrial:
    topic: Counter[str]  # title and conditions twice, summary once
    topic_len: int
    phrases: tuple[frozenset[str], ...]  # the title, then each condition
    inclusion: frozenset[str]
    exclusion: frozenset[str]  # terms only in the exclusion criteria
    has_criteria: bool
    sex: str
    min_age: float | None
    max_age: float | None
    healthy: bool
    pregnancy: bool  # recruits pregnant women

    @property
    def vocabulary(self) -> frozenset[str]:
        return frozenset(self.topic) | self.inclusion | self.exclusion


def prepare(trial: TrialText) -> PreparedTrial:
    inclusion, exclusion = split_criteria(trial)
    title = tokens(trial.title)
    conditions = [tokens(c) for c in trial.conditions]
    topic = Counter(title * 2)
    for c in conditions:
        topic.update(c * 2)
    topic.update(tokens(trial.summary))
    phrases = tuple(frozenset(p) for p in [title, *conditions] if p)
    min_age = field_age(trial.minimum_age)
    max_age = field_age(trial.maximum_age)
    if not trial.minimum_age.strip() and not trial.maximum_age.strip():
        min_age = text_age(inclusion, AGE_TEXT_MIN)
        max_age = text_age(inclusion, AGE_TEXT_MAX)
        if min_age is not None and max_age is not None and max_age <= min_age:
            max_age = None
    if min_age is None and max_age is None:
        # No ages anywhere: the title may still name the population.
        head = f"{trial.title} {' '.join(trial.conditions)}"
        child, adult = CHILD_TRIAL.search(head), ADULT_TRIAL.search(head)
        if child and not adult:
            max_age = 18.0
        elif adult and not child:
            min_age = 18.0
        if ELDERLY_TRIAL.search(head):
            min_age = 60.0
    healthy = bool(HEALTHY.search(f"{trial.title}\n{inclusion[:600]}")) or any(
        c.strip().lower() in HEALTHY_CONDITIONS for c in trial.conditions
    )
    inc = frozenset(tokens(inclusion))
    exc = frozenset(tokens(exclusion)) - inc - frozenset(topic)
    return PreparedTrial(
        topic=topic,
        topic_len=sum(topic.values()),
        phrases=phrases,
        inclusion=inc,
        exclusion=exc,
        has_criteria=bool(inclusion.strip() or exclusion.strip()),
        sex=trial_sex(trial),
        min_age=min_age,
        max_age=max_age,
        healthy=healthy,
        pregnancy=bool(PREGNANT_TRIAL.search(f"{trial.title} {' '.join(trial.conditions)}")),
    )


# --- scoring ----------------------------------------------------------------------------------

FEATURES = (
    "topic",
    "condition",
    "criteria",
    "denied",
    "age_out",
    "sex_out",
    "pregnancy_out",
    "healthy",
)


class TrialIndex:
    """Prepared trials plus document frequencies for IDF; build once, score many notes.

    Index the whole collection the pools come from (the registry, or a cohort's corpus) so
    that IDF reflects how common a term is among trials; ``score`` adds any trial it has not
    seen yet.
    """

    def __init__(self, trials: Iterable[TrialText] = ()) -> None:
        self.prepared: dict[TrialText, PreparedTrial] = {}
        self.df: Counter[str] = Counter()
        self.docs = 0
        self.topic_total = 0
        self._idf: dict[str, float] = {}
        self.add(trials)

    def add(self, trials: Iterable[TrialText]) -> None:
        for trial in trials:
            if trial in self.prepared:
                continue
            prepared = prepare(trial)
            self.prepared[trial] = prepared
            self.df.update(prepared.vocabulary)
            self.docs += 1
            self.topic_total += prepared.topic_len
            self._idf.clear()

    def idf(self, term: str) -> float:
        value = self._idf.get(term)
        if value is None:
            df = self.df.get(term, 0)
            value = math.log(1 + (self.docs - df + 0.5) / (df + 0.5))
            self._idf[term] = value
        return value

    def features(
        self, note: str | NoteTerms, trials: Sequence[TrialText], weights: Weights = DEFAULT_WEIGHTS
    ) -> list[dict[str, float]]:
        """Raw feature values per trial (see FEATURES), before pool scaling."""
        self.add(trials)
        terms = note if isinstance(note, NoteTerms) else read_note(note, weights.first_sentence)
        idf = self.idf
        query = [(t, w * idf(t)) for t, w in terms.query.items()]
        present = frozenset(terms.query)
        avg_len = self.topic_total / self.docs if self.docs else 1.0
        k1, b = 1.2, 0.75
        rows: list[dict[str, float]] = []
        for trial in trials:
            p = self.prepared[trial]
            norm = k1 * (1 - b + b * p.topic_len / avg_len)
            topic = p.topic
            bm25 = 0.0
            for term, qw in query:
                f = topic.get(term)
                if f:
                    bm25 += qw * f * (k1 + 1) / (f + norm)
            condition = 0.0
            denied = 0.0
            for phrase in p.phrases:
                total = sum(idf(t) for t in phrase)
                if total > 0:
                    condition = max(condition, sum(idf(t) for t in phrase & present) / total)
                    denied = max(denied, sum(idf(t) for t in phrase & terms.negated) / total)
            criteria = 0.0
            if p.has_criteria:
                criteria = sum(idf(t) for t in present & p.inclusion) - sum(
                    idf(t) for t in present & p.exclusion
                )
            age_out = 0.0
            if terms.age is not None and (
                (p.min_age is not None and terms.age < p.min_age)
                or (p.max_age is not None and terms.age >= p.max_age + 1)
            ):
                age_out = 1.0
            rows.append(
                {
                    "topic": bm25,
                    "condition": condition,
                    "criteria": criteria,
                    "has_criteria": 1.0 if p.has_criteria else 0.0,
                    "denied": denied,
                    "age_out": age_out,
                    "sex_out": 1.0
                    if (terms.sex and p.sex and terms.sex != p.sex)
                    or (p.pregnancy and not terms.pregnant and terms.sex != "female")
                    else 0.0,
                    "pregnancy_out": 1.0 if p.pregnancy and not terms.pregnant else 0.0,
                    "healthy": 1.0 if p.healthy else 0.0,
                }
            )
        return rows

    def score(
        self,
        note: str,
        trials: Sequence[TrialText],
        weights: Weights = DEFAULT_WEIGHTS,
        semantic: Sequence[float] | None = None,
    ) -> list[float]:
        """One score per trial. With feedback on, two passes: the first pass's best trials'
        conditions are the diagnoses the note most likely implies (a note describes symptoms
        that trials on its condition describe too, and names the condition less often), so
        they join the note's terms for a second pass; the score is the first pass's plus the
        second's, each scaled to 0-1 over the pool. `semantic`, one similarity of meaning per
        trial, adds in with weight `weights.semantic`, in picking the feedback trials too."""
        terms = read_note(note, weights.first_sentence)
        first = combine(self.features(terms, trials, weights), weights)
        meaning = (
            [weights.semantic * v for v in scaled(semantic)]
            if semantic is not None and weights.semantic and trials
            else None
        )
        k = weights.feedback_trials
        if not weights.feedback or k <= 0 or len(trials) <= k:
            if meaning is None:
                return first
            return [a + b for a, b in zip(scaled(first), meaning, strict=True)]
        lexical = scaled(first)
        pick = (
            lexical if meaning is None else [a + b for a, b in zip(lexical, meaning, strict=True)]
        )
        feedback = best(trials, pick, k)
        if not feedback:  # nothing in the note set any trial apart: nothing to learn from
            return first if meaning is None else pick
        second = combine(self.features(expanded(terms, feedback), trials, weights), weights)
        total = [a + weights.feedback * b for a, b in zip(lexical, scaled(second), strict=True)]
        if meaning is not None:
            total = [a + b for a, b in zip(total, meaning, strict=True)]
        return total


def best(trials: Sequence[TrialText], scores: Sequence[float], k: int) -> list[TrialText]:
    """The k best-scored trials among those scored above the pool's lowest (ties keep pool
    order): a trial the note did not set apart says nothing about the note, so a note that
    matched nothing (another script, gibberish) gets no feedback at all."""
    floor = min(scores, default=0.0)
    order = sorted((i for i in range(len(trials)) if scores[i] > floor), key=lambda i: -scores[i])
    return [trials[i] for i in order[:k]]


def expanded(terms: NoteTerms, feedback: Sequence[TrialText]) -> NoteTerms:
    """The note's terms plus the conditions (else the title) of the feedback trials, one
    weight per mention; nothing else about the note (age, sex, negations) changes."""
    query = dict(terms.query)
    for trial in feedback:
        for phrase in trial.conditions or (trial.title,):
            for tok in tokens(phrase):
                if not tok.isdigit() and tok not in DEMOGRAPHIC and tok not in terms.negated:
                    query[tok] = query.get(tok, 0.0) + 1.0
    return NoteTerms(
        query=query, negated=terms.negated, age=terms.age, sex=terms.sex, pregnant=terms.pregnant
    )


def scaled(values: Sequence[float]) -> list[float]:
    """Min-max to 0-1 over the pool (all 0 when every value is the same)."""
    low, high = min(values), max(values)
    spread = high - low
    return [(v - low) / spread if spread else 0.0 for v in values]


def combine(rows: list[dict[str, float]], weights: Weights) -> list[float]:
    """Add the features up. BM25 is scaled by the pool's best; the criteria balance by the
    pool's largest magnitude and centred on the pool's trials that have criteria, which a
    trial without criteria then gets, so that criteria text neither helps nor hurts by being
    there."""
    top = max((r["topic"] for r in rows), default=0.0) or 1.0
    with_criteria = [r["criteria"] for r in rows if r["has_criteria"]]
    spread = max((abs(v) for v in with_criteria), default=0.0) or 1.0
    centre = sum(with_criteria) / len(with_criteria) if with_criteria else 0.0
    scores = []
    for r in rows:
        criteria = (r["criteria"] - centre) / spread if r["has_criteria"] else 0.0
        scores.append(
            weights.topic * r["topic"] / top
            + weights.condition * r["condition"]
            + weights.criteria * criteria
            - weights.denied * r["denied"]
            - weights.age_out * r["age_out"]
            - weights.sex_out * r["sex_out"]
            - weights.pregnancy_out * r["pregnancy_out"]
            - weights.healthy * r["healthy"]
        )
    return scores


def score_trials(
    note: str,
    trials: Sequence[TrialText],
    index: TrialIndex | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
    semantic: Sequence[float] | None = None,
) -> list[float]:
    """One score per trial, higher for a likelier match. IDF comes from ``index`` when given
    (build one over the whole collection and reuse it), else from the pool itself."""
    if not trials:
        return []
    return (index or TrialIndex(trials)).score(note, trials, weights, semantic)
