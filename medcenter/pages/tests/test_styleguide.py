import pytest

from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory, sign_in_verified

pytestmark = pytest.mark.django_db

URL = "/en/styleguide/"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/sign-in/?next=/en/styleguide/"


def test_patients_cannot_see_the_style_guide(client):
    client.force_login(UserFactory())

    response = client.get(URL)

    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()


def test_staff_see_every_component(client):
    sign_in_verified(client, StaffUserFactory(roles=["content_editor"]))

    html = client.get(URL).content.decode()

    for marker in (
        'class="button',
        'class="alert',
        "<form",
        "<table",
        'class="card',
        'class="pagination"',
        'class="breadcrumbs"',
        'class="tabs"',
    ):
        assert marker in html


def test_a_form_with_errors_comes_back_filled_in_with_inline_errors(client):
    sign_in_verified(client, StaffUserFactory(roles=["content_editor"]))

    response = client.post(URL, {"full_name": "Rowan Demo", "email": "not-an-email"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Rowan Demo"' in html
    assert 'value="not-an-email"' in html
    assert 'id="id_email_error"' in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="error-summary"' in html


def test_a_tab_requested_by_htmx_returns_only_its_panel(client):
    sign_in_verified(client, StaffUserFactory(roles=["content_editor"]))

    response = client.get(URL + "?tab=details", HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.strip().startswith('<div id="tab-panel"')
    assert "work without JavaScript" in html
    assert "<footer" not in html


def test_an_unknown_tab_or_page_falls_back_instead_of_failing(client):
    sign_in_verified(client, StaffUserFactory(roles=["content_editor"]))

    response = client.get(URL + "?tab=<script>&page=9999")

    assert response.status_code == 200
    assert "<script>&" not in response.content.decode()


def test_staff_must_pass_the_second_factor_first(client):
    client.force_login(StaffUserFactory(roles=["content_editor"]))

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/two-step/setup/")


def test_staff_without_the_permission_are_refused(client):
    sign_in_verified(client, StaffUserFactory(roles=["clinician"]))

    assert client.get(URL).status_code == 403
