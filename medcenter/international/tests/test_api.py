"""/api/v1/international/: an inquiry is one case however often it is sent (R26), the
sender is throttled (R29), and a case is read only by who follows it or international staff."""

import json
import uuid

import pytest
from django.test import Client

from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory, sign_in_verified
from medcenter.international.models import Case
from medcenter.international.tests.factories import inquiry_data
from medcenter.scheduling.tests.races import at_once

URL = "/api/v1/international/inquiries"


def _body(**overrides):
    data = inquiry_data(**overrides)
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


def _post(client, body, key):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


@pytest.mark.django_db
def test_fifty_sends_with_one_key_open_one_case_with_one_answer():
    client = Client()
    answers = {_post(client, _body(), "inquiry-1").content for _ in range(50)}
    assert len(answers) == 1
    assert Case.objects.count() == 1
    changed = _post(client, _body(patient_name="Someone Else"), "inquiry-1")
    assert changed.status_code in (409, 422)
    assert Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_sends_at_once_open_one_case():
    body = _body()

    def send():
        response = _post(Client(), body, "storm")
        return response.status_code, response.content

    results = at_once(*[send] * 20)
    assert all(isinstance(r, tuple) for r in results), results
    assert {status for status, _content in results} == {201}
    assert len({content for _status, content in results}) == 1
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_a_missing_key_or_bad_values_are_problems_naming_the_field():
    client = Client()
    missing = _post(client, _body(), None)
    assert missing.status_code == 400
    assert "Idempotency-Key" in missing.json()["errors"]
    bad = _post(client, _body(service="surgery"), str(uuid.uuid4()))
    assert bad.status_code == 400
    assert "service" in bad.json()["errors"]
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_past_the_hourly_limit_the_sender_gets_429_with_retry_after(settings):
    settings.INTERNATIONAL_INQUIRIES_PER_HOUR = 3
    client = Client()
    statuses = [_post(client, _body(), str(uuid.uuid4())).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    last = _post(client, _body(), str(uuid.uuid4()))
    assert int(last["Retry-After"]) > 0
    assert Case.objects.count() == 3


@pytest.mark.django_db
def test_a_case_is_read_by_its_follower_and_international_staff_only():
    follower = UserFactory()
    client = Client()
    client.force_login(follower)
    created = _post(client, _body(), "mine").json()
    url = f"/api/v1/international/cases/{created['id']}"
    mine = client.get(url)
    assert mine.status_code == 200
    assert mine.json()["reference"] == created["reference"]

    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(url).status_code == 404
    assert Client().get(url).status_code == 401

    staff = Client()
    sign_in_verified(staff, StaffUserFactory(roles=["international_coordinator"]))
    assert staff.get(url).status_code == 200
    other_staff = Client()
    sign_in_verified(other_staff, StaffUserFactory(roles=["scheduler"]))
    assert other_staff.get(url).status_code == 403
