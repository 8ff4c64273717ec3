"""Account emails (password reset, email confirmation) go through the outbox; their links are
made when the email is sent, work, and open in the person's language."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from medcenter.accounts.tests.factories import UserFactory
from medcenter.core.models import Notification, NotificationStatus

pytestmark = pytest.mark.django_db


def _link(message):
    return urlsplit(re.search(r"https?://\S+", message.body).group()).path


def test_a_password_reset_link_from_the_outbox_lets_the_person_choose_a_password(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="forgetful@example.test", preferred_language="es")
    client = Client()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "Forgetful@example.test"})

    note = Notification.objects.get()
    assert (note.kind, note.status, note.user_public_id) == (
        "accounts.password_reset",
        NotificationStatus.SENT,
        user.public_id,
    )
    assert note.context == {}  # no token is stored: it is made when the email is sent
    (message,) = mail.outbox
    assert message.to == ["forgetful@example.test"]
    path = _link(message)
    assert path.startswith("/es/")  # the person's language
    form = client.get(path, follow=True)
    assert form.status_code == 200
    chosen = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase-42", "new_password2": "a-new-long-passphrase-42"},
    )
    assert chosen.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-new-long-passphrase-42")


def test_asking_again_for_the_confirmation_link_sends_a_working_one(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="unconfirmed@example.test")
    client = Client()
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:resend_verification"))

    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["unconfirmed@example.test"]
    client.post(_link(message))
    user.refresh_from_db()
    assert user.email_verified_at is not None
