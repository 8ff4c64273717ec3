"""What a concept looks like in text, read alike in an eligibility criterion and in a note.

One module per concept family; each holds the words and value arithmetic for its concepts and
the note reader built on them, and the criteria readers in `trials/eligibility/` import the
same patterns:

- `text`: symbol folding ("≧" → "≥", same length) and number words;
- `scope`: negation and hedge cues, family members and other people, sentence breaks;
- `demographics`: age (units, years, the patient's age in a note), sex (the words; the
  patient's sex in a note) and pregnancy (criterion statements, note statements, a note that
  concerns pregnancy);
- `performance`: ECOG (WHO, Zubrod), Karnofsky and Lansky scale names, their value patterns
  and bounds, and the values a note states.

The concepts that need the cancer, gene and therapy vocabulary (diagnoses, stage and
metastatic disease, brain metastases, biomarkers, prior therapies) stay in their
`trials/eligibility/` module, which holds both their criterion reader and their note reader.

This package imports nothing else from `trials`, so the text ranker (`trials/textmatch.py`)
can use it: `trials.eligibility` loads the vocabulary through `trials.matcher`, which loads
the text ranker.
"""
