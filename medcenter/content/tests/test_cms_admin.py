"""The editors' admin: staff with a verified second factor only; its CSP exception stays there."""

import pytest
from django.contrib.auth.models import Group

from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory, sign_in_verified
from medcenter.content import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(tree):
    services.ensure_editorial_setup()
    user = StaffUserFactory()
    user.groups.add(Group.objects.get(name=services.EDITORS))
    return user


def test_nobody_signed_in_is_sent_to_the_projects_sign_in(client):
    response = client.get("/cms/")

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/sign-in/?next=/cms/")


def test_wagtails_own_sign_in_form_is_not_offered(client):
    response = client.get("/cms/login/")

    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]


def test_staff_without_a_verified_second_factor_are_refused(client, editor):
    client.force_login(editor)

    response = client.get("/cms/")

    assert response.status_code == 302
    assert "/two-step/" in response["Location"] or "verify" in response["Location"]


def test_someone_who_is_not_staff_is_refused_even_when_verified(client, tree):
    patient_user = UserFactory()
    sign_in_verified(client, patient_user)

    assert client.get("/cms/").status_code == 403


def test_a_verified_editor_reaches_the_admin_with_its_relaxed_policy(client, editor):
    sign_in_verified(client, editor)

    response = client.get("/cms/")

    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in csp
    assert "frame-ancestors 'self'" in csp
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_public_pages_keep_the_strict_policy(client, tree):
    for url in ("/en/resources/", "/en/no-such-page/", "/ar/resources/", "/en/search/?q=x"):
        csp = client.get(url)["Content-Security-Policy"]
        assert "unsafe-inline" not in csp, url
        assert "frame-ancestors 'none'" in csp, url


def test_verified_staff_outside_the_editorial_groups_cannot_use_the_admin(client, tree):
    services.ensure_editorial_setup()
    sign_in_verified(client, StaffUserFactory())

    response = client.get("/cms/")

    assert response.status_code in (302, 403)
    assert response.status_code != 200


def test_editors_and_reviewers_may_upload_and_choose_images(client, tree):
    services.ensure_editorial_setup()
    for group in (services.EDITORS, services.REVIEWERS):
        member = StaffUserFactory()
        member.groups.add(Group.objects.get(name=group))
        sign_in_verified(client, member)

        assert client.get("/cms/images/add/").status_code == 200, group
        assert client.get("/cms/images/chooser/").status_code == 200, group
