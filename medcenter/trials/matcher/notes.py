"""`profile_from_note`: what a free-text patient note says, as a `Profile`.

Every concept is read by the recogniser that also reads it in eligibility criteria: age, sex
and pregnancy (`recognisers.demographics`), ECOG and Karnofsky (`recognisers.performance`),
negation, hedges and other people (`recognisers.scope`), and the cancers, stage and
metastatic disease, brain metastases, gene results and treatments in their
`trials/eligibility/` module, with the one vocabulary. This module only puts them together.
"""

from typing import Any

from medcenter.trials.eligibility.biomarkers import merge_note_biomarkers, note_biomarkers
from medcenter.trials.eligibility.brain import note_brain
from medcenter.trials.eligibility.diagnosis import note_diagnoses
from medcenter.trials.eligibility.stage import note_metastatic, note_stage
from medcenter.trials.eligibility.therapies import note_therapies
from medcenter.trials.matcher.rules import Biomarker, Profile
from medcenter.trials.matcher.vocabulary import read_therapies
from medcenter.trials.recognisers.demographics import note_age, note_pregnancy, note_sex
from medcenter.trials.recognisers.performance import note_ecog, note_karnofsky
from medcenter.trials.recognisers.scope import OTHER_PERSON, STATEMENT_BREAK
from medcenter.trials.recognisers.text import normalize_symbols


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
    text = normalize_symbols(note) if isinstance(note, str) else ""
    sentences = [s for s in STATEMENT_BREAK.split(text) if s.strip()]
    sex = note_sex(text)
    codes: list[str] = []
    terms: list[str] = []
    therapies: list[str] = []
    biomarkers: list[dict[str, Any]] = []
    brain: bool | None = None
    for sentence in sentences:
        for mention in note_diagnoses(sentence):
            codes.extend(code for code in mention.codes if code not in codes)
            if mention.phrase not in terms:
                terms.append(mention.phrase)
        brain = note_brain(sentence, brain)
        if OTHER_PERSON.search(sentence):
            continue  # a family member's genes and treatments are not the patient's
        biomarkers.extend(note_biomarkers(sentence))
        therapies.extend(name for name in note_therapies(sentence) if name not in therapies)
    stage = note_stage(text)
    metastatic = note_metastatic(text, sentences)
    if (stage is not None and stage[0] == "IV") or brain:
        metastatic = True
    return {
        "age": note_age(text),
        "sex": sex,
        "oncotree": codes,
        "terms": terms,
        "biomarkers": merge_note_biomarkers(biomarkers),
        "ecog": note_ecog(text),
        "karnofsky": note_karnofsky(text),
        "brain_metastases": brain,
        "stage": stage[0] if stage else None,
        "stage_detail": stage[1] if stage else None,
        "metastatic": metastatic,
        "prior_therapies": therapies,
        "pregnant": note_pregnancy(text, sex),
    }
