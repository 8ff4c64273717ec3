"""Requests anyone can send to make noise: a body over the limit is a 413 (R30), and a NUL
byte is a 400 logged as one WARNING line without a traceback, at most 10 a minute."""

import json
import logging

import pytest

from medcenter.core import middleware

pytestmark = pytest.mark.django_db

TEN_MB = b"x" * (10 * 1024 * 1024)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/en/appointments/request/", "application/x-www-form-urlencoded"),
        ("/en/accounts/sign-in/", "application/x-www-form-urlencoded"),
        ("/en/", "text/plain"),
    ],
)
def test_a_ten_megabyte_body_to_a_page_is_a_413_in_the_shell(client, path, content_type):
    response = client.generic("POST", path, TEN_MB, content_type=content_type)
    assert response.status_code == 413
    page = response.content.decode()
    assert "<main" in page
    assert "What was sent is too large: at most 2.5 MB." in page


def test_the_413_page_speaks_the_visitors_language(client):
    response = client.generic("POST", "/es/accounts/sign-in/", TEN_MB, content_type="text/plain")
    assert response.status_code == 413
    assert "What was sent is too large" not in response.content.decode()


@pytest.mark.parametrize(
    "path",
    ["/api/v1/scheduling/appointments", "/api/v1/trials/match", "/api/v1/no-such-endpoint"],
)
def test_a_ten_megabyte_body_to_the_api_is_a_413_problem(client, path):
    response = client.generic("POST", path, TEN_MB, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 413
    assert problem["code"] == "too_large"
    assert problem["title"] == "Request too large"


def test_a_body_that_only_the_parser_finds_too_large_is_still_a_413(client, settings, caplog):
    """Multipart bodies pass the declared-length check (files have their own cap); their
    other fields still count, and Django's RequestDataTooBig is answered as a 413 too."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    with caplog.at_level(logging.INFO):
        response = client.post("/en/accounts/sign-in/", {"username": "x" * 4096, "password": "y"})
    assert response.status_code == 413
    refusals = [r for r in caplog.records if r.name.startswith(("medcenter.security", "django"))]
    assert [(r.name, r.levelno, r.exc_info) for r in refusals] == [
        ("medcenter.security", logging.WARNING, None)
    ]


def test_a_ten_megabyte_body_is_one_warning_without_a_traceback(client, caplog):
    with caplog.at_level(logging.INFO):
        client.generic("POST", "/en/", TEN_MB, content_type="text/plain")
    refusals = [r for r in caplog.records if r.name.startswith(("medcenter.security", "django"))]
    assert [(r.name, r.levelno, r.exc_info) for r in refusals] == [
        ("medcenter.security", logging.WARNING, None)
    ]


def test_a_body_within_the_limit_passes(client):
    response = client.post("/en/accounts/sign-in/", {"username": "a@example.test", "password": "x"})
    assert response.status_code == 200


@pytest.fixture
def fresh_nul_limit(monkeypatch):
    monkeypatch.setattr(middleware, "_nul_log", middleware._LogLimit(per_minute=10))


@pytest.mark.parametrize(
    "path",
    ["/en/doctors/?q=%00", "/api/v1/trials/search?q=%00x", "/fhir/R4/Practitioner?name=a%00b"],
)
def test_a_nul_byte_is_one_warning_without_a_traceback(client, caplog, fresh_nul_limit, path):
    with caplog.at_level(logging.INFO):
        response = client.get(path)
    assert response.status_code == 400
    refusals = [r for r in caplog.records if r.name.startswith(("medcenter.security", "django"))]
    assert [(r.name, r.levelno) for r in refusals] == [("medcenter.security", logging.WARNING)]
    assert refusals[0].exc_info is None
    assert not any(r.levelno >= logging.ERROR for r in caplog.records)


def test_a_nul_byte_on_the_api_is_a_problem_and_on_fhir_an_operation_outcome(client):
    api = client.get("/api/v1/trials/search?q=%00x")
    assert api["Content-Type"] == "application/problem+json"
    assert api.json()["code"] == "invalid"
    fhir = client.get("/fhir/R4/Practitioner?name=a%00b")
    assert fhir["Content-Type"].startswith("application/fhir+json")
    assert json.loads(fhir.content)["resourceType"] == "OperationOutcome"


def test_a_flood_of_nul_bytes_writes_at_most_ten_lines_a_minute(client, caplog, fresh_nul_limit):
    with caplog.at_level(logging.WARNING, logger="medcenter.security"):
        statuses = {client.get("/en/doctors/?q=%00").status_code for _ in range(50)}
    assert statuses == {400}
    lines = [r for r in caplog.records if r.name == "medcenter.security"]
    assert len(lines) == 10
