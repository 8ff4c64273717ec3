"""An error Django answers before the API sees the request is a problem body under /api/."""

import pytest

from medcenter.core.problems import MEDIA_TYPE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/trials/search?q=%00x", 400, "invalid"),
        ("/api/v1/no-such-operation", 404, "not_found"),
        ("/api/v1/trials/NCT1/extra/parts", 404, "not_found"),
    ],
)
def test_the_api_answers_its_error_pages_as_problems(client, path, status, code):
    response = client.get(path)

    assert response.status_code == status
    assert response["Content-Type"] == MEDIA_TYPE
    assert response.json()["status"] == status
    assert response.json()["code"] == code


def test_pages_keep_their_html_error_pages(client):
    response = client.get("/en/trials/?condition=%00lung")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
