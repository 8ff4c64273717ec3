"""R26: a case submission is idempotent under concurrency, on SQLite and PostgreSQL alike."""

import json

import pytest
from django.test import Client

from medcenter.accounts.tests.factories import sign_in_verified
from medcenter.scheduling.tests.races import at_once
from medcenter.tumorboards.models import BoardCase
from medcenter.tumorboards.tests.factories import case_world

API = "/api/v1/tumorboards/cases"


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submissions_with_one_key_make_one_case_and_one_answer():
    world = case_world(place=False)
    signed_in = Client()
    sign_in_verified(signed_in, world.submitter)
    body = json.dumps(
        {
            "patient": str(world.patient.public_id),
            "question": "molecular",
            "question_detail": "EGFR exon 19: which TKI?",
            "diagnosis": str(world.diagnosis.public_id),
            "genotyping": str(world.report.public_id),
        }
    )

    def submit():
        client = Client()
        client.cookies = signed_in.cookies  # one session, as a client retrying would have
        response = client.post(
            API, body, content_type="application/json", headers={"Idempotency-Key": "race-1"}
        )
        return response.status_code, response.content

    results = at_once(*[submit for _ in range(20)])

    assert all(isinstance(r, tuple) for r in results), results
    assert {status for status, _body in results} == {201}, results
    assert len({content for _status, content in results}) == 1
    made = BoardCase.objects.exclude(pk=world.case.pk)
    assert made.count() == 1
    assert json.loads(results[0][1])["id"] == str(made.get().public_id)
