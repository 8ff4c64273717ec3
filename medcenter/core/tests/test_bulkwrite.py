"""core.bulkwrite: rows written without model instances read back as the ORM wrote them
(COPY on PostgreSQL, executemany on SQLite: the suite runs on both)."""

import uuid

import pytest
from django.utils import timezone

from medcenter.core import bulkwrite
from medcenter.patients.tests.factories import PatientFactory
from medcenter.trials.models import Candidate, CandidateStatus, MatchState, Trial

pytestmark = pytest.mark.django_db


def test_new_uuids_are_distinct_version_4_ids():
    ids = bulkwrite.new_uuids(1000)
    assert len(set(ids)) == 1000
    for text in ids[:50]:
        value = uuid.UUID(hex=text)
        assert value.version == 4 and value.variant == uuid.RFC_4122 and value.hex == text
    assert bulkwrite.new_uuids(0) == []


def test_inserted_updated_and_upserted_rows_read_back_through_the_orm():
    trial = Trial.objects.create(nct_id="NCT99990001", brief_title="A bulk-written trial")
    patients = [PatientFactory() for _ in range(3)]
    now = timezone.now().replace(microsecond=123456)
    at = bulkwrite.db_value(Candidate, "matched_at", now)
    ids = bulkwrite.new_uuids(3)
    fields = ["public_id", "created_at", "updated_at", "trial", "patient", "score", "met"]
    fields += ["unknown", "explanation", "matched_at", "is_current", "status", "status_reason"]
    rows = [
        (ids[i], at, at, trial.pk, p.pk, 50.5 + i, i, 2, "[]", at, True, "new", "")
        for i, p in enumerate(patients)
    ]
    rows[0] = (*rows[0][:8], bulkwrite.db_value(Candidate, "explanation", []), *rows[0][9:])
    assert bulkwrite.insert_rows(Candidate, fields, iter(rows)) == 3

    stored = list(Candidate.objects.filter(trial=trial).order_by("score"))
    assert [c.public_id for c in stored] == [uuid.UUID(hex=i) for i in ids]
    assert [(c.score, c.met, c.unknown) for c in stored] == [
        (50.5, 0, 2),
        (51.5, 1, 2),
        (52.5, 2, 2),
    ]
    assert all(c.matched_at == now and c.explanation == [] and c.is_current for c in stored)
    assert all(c.status == CandidateStatus.NEW for c in stored)

    changed = [(60.0, 7, 0, at, False, at, stored[1].pk)]
    fields = ["score", "met", "unknown", "matched_at", "is_current", "updated_at"]
    assert bulkwrite.update_rows(Candidate, fields, changed) == 1
    stored[1].refresh_from_db()
    assert (stored[1].score, stored[1].met, stored[1].is_current) == (60.0, 7, False)
    stored[0].refresh_from_db()
    assert stored[0].score == 50.5  # the others untouched

    MatchState.objects.create(patient=patients[0], matched_at=now - timezone.timedelta(days=1))
    later = now + timezone.timedelta(hours=1)
    upserted = [(p.pk, bulkwrite.db_value(MatchState, "matched_at", later)) for p in patients]
    assert (
        bulkwrite.upsert_rows(
            MatchState, ["patient", "matched_at"], upserted, unique="patient", update=["matched_at"]
        )
        == 3
    )
    states = MatchState.objects.filter(patient__in=patients)
    assert states.count() == 3 and {s.matched_at for s in states} == {later}
