"""Scope: what denies, doubts or puts on someone else the words that follow it.

One set of cue words, read by three readers with the scope each needs:
- `NEGATED_BEFORE` (criteria): a cue in the clause before a mention ("no brain metastases",
  "neither … nor", "excludes …");
- `NOTE_NEGATED_BEFORE` (notes): a cue or a hedge ("possible", "concern for") in the 60
  characters before a mention, in its sentence;
- `NOTE_NOT_RECEIVED_BEFORE` (a treatment in a note): a cue, or a plan or an offer ("will
  start", "candidate for", "declined");
- `NEGATION` (the text ranker): the first cue of a clause, whose words after it are denied.
Family members and other people (`OTHER_PERSON`, `FAMILY`) are the people a note can talk
about who are not the patient.
"""

import re

# The words that deny what follows, in criteria and notes alike.
NEGATION_CUES = r"no|not|never|without|den(?:ies|ied|y)|negative\s+for|free\s+of|absence\s+of"
# Words that leave what follows unsure: in a note, not a fact about the patient.
HEDGE_CUES = (
    r"unlikely|rather\s+than|instead\s+of|concern\s+for|suspicious\s+for|question\s+of|"
    r"possible|probable|differential"
)
# A treatment named but not (yet) received.
NOT_RECEIVED_CUES = (
    r"declined|refused|candidate\s+for|will\s+(?:start|begin|receive)|plan(?:ned|s)?\s+"
    r"(?:to|for)|recommended|considering|consider|offered|prior\s+to|before|scheduled\s+for|"
    r"awaiting|eligible\s+for|referred\s+for"
)
# Whose illness is the patient's family history; then the other relatives, who also report
# ("Daughter has noted increased edema") and whose illness a note may mention.
FAMILY_HISTORY_RELATIVES = r"mother|father|sister|brother|sibling|grandmother|grandfather"
RELATIVES = (
    rf"{FAMILY_HISTORY_RELATIVES}|aunt|uncle|cousin|daughter|son|husband|wife|spouse|partner|"
    r"parents?|niece|nephew"
)

NEGATED_BEFORE = re.compile(
    rf"\b(?:{NEGATION_CUES}|non|nor|neither|exclude[sd]?)\b[^,;.]{{0,40}}$", re.IGNORECASE
)
NOTE_NEGATED_BEFORE = re.compile(
    rf"\b(?:{NEGATION_CUES}|ruled?\s+out|r/o|{HEDGE_CUES})\b[^.;:]{{0,60}}$", re.IGNORECASE
)
NOTE_NOT_RECEIVED_BEFORE = re.compile(
    rf"\b(?:{NEGATION_CUES}|{NOT_RECEIVED_CUES})\b[^.;]{{0,50}}$", re.IGNORECASE
)
NEGATION = re.compile(rf"\b(?:{NEGATION_CUES}|ruled\s+out|rules\s+out)\b", re.IGNORECASE)

# A sentence of a note that names someone else: what it says of a cancer may be theirs.
OTHER_PERSON = re.compile(rf"\b(?:{RELATIVES}|family|friend|neighbou?r)\b", re.IGNORECASE)
# Where the family's history starts in a clause ("family history of", "mother had").
FAMILY = re.compile(
    rf"\bfamily\s+history\b|\b(?:{FAMILY_HISTORY_RELATIVES})(?:'s)?\s+(?:has|had|with|was|died|is)\b",
    re.IGNORECASE,
)

# Sentences of a note: the note reader's end at ";" too; the text ranker's start with a
# capital, a number or a bracket, and it cuts them into clauses at `CLAUSE_END`.
STATEMENT_BREAK = re.compile(r"(?<=[.!?;])\s+|\n+")
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\[])|\n+")
CLAUSE_END = re.compile(r"[;:]|\b(?:but|however|although|though|except|apart\s+from)\b", re.I)
