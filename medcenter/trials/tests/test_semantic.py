"""Sentence embeddings (trials/semantic.py): the NumPy encoder, the stored trial vectors, and
how they join the ranking of a free-text note."""

import numpy as np
import pytest
from django.utils import timezone

from medcenter.trials import selectors, semantic, services
from medcenter.trials.demo import STUDIES
from medcenter.trials.importer import import_records
from medcenter.trials.models import LocalStatus, Trial, TrialVector
from medcenter.trials.textmatch import TrialText, Weights, scaled, score_trials

pytestmark = pytest.mark.skipif(not semantic.available(), reason="model package not installed")


def test_the_tokenizer_splits_words_into_known_pieces_and_bounds_the_length() -> None:
    tokenizer = semantic._encoder().tokenizer
    assert tokenizer.words("Non-small-cell Lung CANCER, EGFR!") == [
        *("non", "-", "small", "-", "cell", "lung", "cancer", ",", "egfr", "!")
    ]
    ids = tokenizer.encode("pembrolizumab")
    assert ids[0] == tokenizer.cls and ids[-1] == tokenizer.sep
    assert len(ids) > 3  # a rare word is several pieces, not [UNK]
    assert tokenizer.unk not in ids
    assert tokenizer.words("Café naïve") == ["cafe", "naive"]
    assert len(tokenizer.encode("word " * 1000)) == semantic.MAX_TOKENS


def test_embeddings_put_paraphrases_together() -> None:
    """The published behaviour of all-MiniLM-L6-v2 (cosines 0.755 and 0.048 for these)."""
    food, bread, drums = semantic.embed(
        ["A man is eating food.", "A man is eating a piece of bread.", "A monkey is playing drums."]
    )
    assert float(food @ bread) == pytest.approx(0.7553, abs=1e-3)
    assert float(food @ drums) == pytest.approx(0.0476, abs=1e-3)
    assert np.linalg.norm(bread) == pytest.approx(1.0, abs=1e-5)
    # Batching and padding do not change a text's vector.
    (alone,) = semantic.embed(["A man is eating a piece of bread."])
    assert np.allclose(alone, bread, atol=1e-5)
    assert semantic.embed([]).shape == (0, semantic.DIMENSIONS)


def test_a_vector_round_trips_through_bytes_and_its_key_follows_the_text() -> None:
    (vector,) = semantic.embed(["shortness of breath"])
    assert np.array_equal(semantic.from_bytes(semantic.to_bytes(vector)), vector)
    assert semantic.document_key("a") != semantic.document_key("b")
    assert semantic.trial_document("Title", ["A", "B"], "") == "Title. A; B"


def test_meaning_lifts_a_trial_that_shares_no_word_with_the_note() -> None:
    note = "My child keeps wetting the bed at night."
    trials = [
        TrialText(nct_id="NCT1", title="Nocturnal Enuresis", conditions=("Enuresis",)),
        TrialText(nct_id="NCT2", title="Night Shift Nurses and Sleep Quality"),
        TrialText(nct_id="NCT3", title="Bed Rest After Surgery"),
    ]
    texts = [semantic.trial_document(t.title, t.conditions, "") for t in trials]
    (query,) = semantic.embed([note])
    cosines = [float(v) for v in semantic.embed(texts) @ query]
    assert cosines[0] == max(cosines)
    words = score_trials(note, trials, weights=Weights(feedback=0))
    assert words.index(max(words)) != 0  # by words, a trial on nights or beds wins
    # Both scaled 0-1 over the pool, meaning counts half as much as words by default ...
    default = score_trials(note, trials, weights=Weights(feedback=0), semantic=cosines)
    expected = [w + 0.5 * c for w, c in zip(scaled(words), scaled(cosines), strict=True)]
    assert default == pytest.approx(expected)
    # ... and weighted more, it decides here.
    heavy = score_trials(note, trials, weights=Weights(feedback=0, semantic=2.0), semantic=cosines)
    assert heavy.index(max(heavy)) == 0
    # No similarities: the lexical ranking, unchanged.
    assert score_trials(note, trials, semantic=None) == score_trials(note, trials)


@pytest.mark.django_db
def test_open_trials_are_embedded_once_and_again_when_their_text_changes() -> None:
    import_records((f"demo:{i}", study) for i, (study, *_rest) in enumerate(STUDIES))
    opened = list(Trial.objects.open())
    closed = Trial.objects.exclude(pk__in=[t.pk for t in opened])
    assert services.refresh_trial_vectors() == len(opened)
    assert TrialVector.objects.count() == len(opened)
    assert not TrialVector.objects.filter(trial__in=closed).exists()
    assert services.refresh_trial_vectors() == 0  # nothing changed
    changed = opened[0]
    Trial.objects.filter(pk=changed.pk).update(
        brief_summary="A different summary.", updated_at=timezone.now()
    )
    assert services.refresh_trial_vectors() == 1
    stored = TrialVector.objects.get(trial=changed)
    changed.refresh_from_db()
    assert stored.key == semantic.document_key(selectors.trial_document(changed))


@pytest.mark.django_db
def test_note_relevance_uses_the_vectors_only_when_every_trial_has_a_current_one() -> None:
    import_records((f"demo:{i}", study) for i, (study, *_rest) in enumerate(STUDIES))
    trials = list(Trial.objects.open().order_by("nct_id"))
    note = "A teenager with a bone tumour of the pelvis that has spread to the lungs."
    assert selectors.note_similarities(note, trials) is None  # none embedded yet
    services.refresh_trial_vectors()
    cosines = selectors.note_similarities(note, trials)
    assert cosines is not None and len(cosines) == len(trials)
    stored = {v.trial_id: semantic.from_bytes(bytes(v.vector)) for v in TrialVector.objects.all()}
    (query,) = semantic.embed([note])
    assert cosines[0] == pytest.approx(float(stored[trials[0].pk] @ query), abs=1e-6)
    relevance = selectors.note_relevance(note, trials)
    texts = [selectors.trial_text(t) for t in trials]
    expected = score_trials(note, texts, semantic=cosines)
    assert expected != score_trials(note, texts)  # the cosines change the scores ...
    low, high = min(expected), max(expected)
    assert relevance == {  # ... and note_relevance is those scores, 0-100
        t.pk: round(100 * (e - low) / (high - low), 1)
        for t, e in zip(trials, expected, strict=True)
    }
    # One stale vector (its trial's text changed): words alone, for every trial of the pool.
    Trial.objects.filter(pk=trials[0].pk).update(brief_title="Renamed")
    trials[0].refresh_from_db()
    assert selectors.note_similarities(note, trials) is None
    Trial.objects.filter(pk=trials[1].pk).update(local_status=LocalStatus.CLOSED)
    assert services.refresh_trial_vectors() == 1  # the renamed one; the closed one is left


@pytest.mark.django_db
def test_without_the_model_package_notes_are_ranked_by_words(monkeypatch) -> None:
    import_records((f"demo:{i}", study) for i, (study, *_rest) in enumerate(STUDIES))
    monkeypatch.setattr(semantic, "model_dir", lambda: None)
    trials = list(Trial.objects.open())
    assert services.refresh_trial_vectors() == 0
    assert selectors.note_similarities("Ewing sarcoma", trials) is None
    assert selectors.note_relevance("Ewing sarcoma", trials)


@pytest.mark.django_db
def test_a_damaged_model_package_leaves_ranking_by_words(monkeypatch, caplog) -> None:
    import_records((f"demo:{i}", study) for i, (study, *_rest) in enumerate(STUDIES))
    trials = list(Trial.objects.open())
    services.refresh_trial_vectors()

    def broken(texts, **kwargs):
        raise OSError("model.safetensors: unexpected end of file")

    monkeypatch.setattr(semantic, "embed", broken)
    Trial.objects.filter(pk=trials[0].pk).update(brief_title="Renamed")
    assert services.refresh_trial_vectors() == 0  # logged, not raised
    assert "ranked by words alone" in caplog.text
    fresh = list(Trial.objects.filter(pk__in=[t.pk for t in trials[1:]]))
    assert selectors.note_similarities("Ewing sarcoma", fresh) is None
    assert selectors.note_relevance("Ewing sarcoma", fresh)


def test_a_note_leaves_none_of_its_words_in_the_tokenizer_cache() -> None:
    semantic.embed(["an unmistakable zygomycosis xylophonist"], remember=False)
    assert "xylophonist" not in semantic._encoder().tokenizer._pieces
    semantic.embed(["an unmistakable zygomycosis xylophonist"])
    assert "xylophonist" in semantic._encoder().tokenizer._pieces
