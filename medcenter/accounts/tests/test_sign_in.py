import pytest
from django.test import Client
from django.urls import reverse

from medcenter.accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_signs_in_with_email_and_password_and_gets_a_new_session_id(client):
    user = UserFactory()
    client.get(reverse("accounts:login"))
    before = client.session.session_key

    response = client.post(
        reverse("accounts:login"), {"username": user.email.upper(), "password": TEST_PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.session_key != before


def test_a_failed_sign_in_keeps_the_email_and_does_not_say_which_part_was_wrong(client):
    user = UserFactory()

    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": "wrong-password-123"}
    )
    unknown = client.post(
        reverse("accounts:login"),
        {"username": "nobody@example.test", "password": "wrong-password-123"},
    )

    assert response.status_code == 200
    assert f'value="{user.email}"' in response.content.decode()
    assert "do not match an account" in response.content.decode()
    assert _errors(response) == _errors(unknown)


def test_sign_in_without_a_csrf_token_is_refused():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": TEST_PASSWORD}
    )

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_sign_out_needs_a_post_and_ends_the_session_on_the_server(client):
    user = UserFactory()
    client.force_login(user)
    key = client.session.session_key

    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()


def test_a_disabled_account_cannot_sign_in(client):
    user = UserFactory(is_active=False)

    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": TEST_PASSWORD}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def _errors(response):
    return [str(e) for e in response.context["form"].non_field_errors()]


@pytest.mark.parametrize("target", ["0001-01-01", "pages:home", "https://evil.example/"])
def test_a_next_that_is_not_a_path_here_goes_home(client, target):
    """`next` is a path on this site or nothing; a bare word once reached `redirect()`, which
    read it as a URL pattern's name and failed with a 500."""
    user = UserFactory()
    client.force_login(user)

    response = client.get(reverse("accounts:login"), {"next": target})

    assert response.status_code == 302
    assert response["Location"] == reverse("pages:home")
