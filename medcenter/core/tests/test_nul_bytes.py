"""A NUL byte anywhere in the path or query is a 400 on every kind of page, never a 500
(PostgreSQL refuses NUL in text, so it must not reach a query)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/en/trials/?condition=%00lung",
        "/en/doctors/?q=%00",
        "/fhir/R4/ResearchStudy?identifier=%00",
        "/fhir/R4/Practitioner?name=a%00b",
        "/api/v1/trials/search?q=%00x",
        "/api/v1/directory/clinicians?q%00=x",
        "/en/trials/NCT%0099001001/",
    ],
)
def test_a_nul_byte_is_a_bad_request(client, path):
    assert client.get(path).status_code == 400


def test_ordinary_requests_pass(client):
    assert client.get("/en/trials/?condition=lung").status_code == 200
