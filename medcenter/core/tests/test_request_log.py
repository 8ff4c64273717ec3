import io
import json
import logging
import uuid

import pytest


@pytest.fixture
def log_stream():
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_each_request_logs_one_json_line_with_its_request_id(client, log_stream):
    request_id = str(uuid.uuid4())

    response = client.get("/en/contact/?q=Jane+Doe+1970-01-01", HTTP_X_REQUEST_ID=request_id)

    lines = [json.loads(line) for line in log_stream.getvalue().splitlines()]
    requests = [line for line in lines if line["message"] == "request"]
    assert len(requests) == 1
    assert requests[0]["request_id"] == request_id
    assert requests[0]["path"] == "/en/contact/"
    assert requests[0]["status"] == 200
    assert response["X-Request-ID"] == request_id


def test_the_log_never_holds_the_query_string(client, log_stream):
    client.get("/en/contact/?name=Jane+Doe&dob=1970-01-01")

    assert "Jane" not in log_stream.getvalue()
    assert "1970" not in log_stream.getvalue()


def test_a_request_without_an_id_gets_a_fresh_one(client, log_stream):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert first and second and first != second
