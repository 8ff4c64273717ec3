"""SECURITY.md R10: brute force is throttled; the real user is never locked out for good."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from medcenter.accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = "/en/accounts/sign-in/"


def _try(client, email, password="wrong-password-000", ip="10.9.8.7"):
    return client.post(URL, {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_the_eleventh_failure_in_fifteen_minutes_is_throttled_even_with_the_right_password():
    user, client = UserFactory(), Client()
    statuses = [_try(client, user.email).status_code for _ in range(10)]

    blocked = _try(client, user.email, TEST_PASSWORD)

    assert statuses == [200] * 10
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.content.decode()
    assert f'value="{user.email}"' in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_500_wrong_passwords_get_nowhere_and_the_owner_signs_in_after_the_back_off():
    user, client = UserFactory(), Client()
    statuses = [_try(client, user.email).status_code for _ in range(500)]

    assert statuses.count(429) == 490
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        response = _try(client, user.email, TEST_PASSWORD)
    assert response.status_code == 302


def test_an_attacker_elsewhere_does_not_lock_the_owner_out():
    user = UserFactory()
    for _ in range(20):
        _try(Client(), user.email, ip="203.0.113.50")

    response = _try(Client(), user.email, TEST_PASSWORD, ip="198.51.100.7")

    assert response.status_code == 302


def test_spraying_many_accounts_from_one_address_is_throttled():
    users = [UserFactory() for _ in range(50)]
    client = Client()
    statuses = [_try(client, u.email).status_code for u in users for _ in range(10)]

    assert statuses.count(429) >= 500 - 50
    assert _try(client, UserFactory().email).status_code == 429


def test_failures_are_audited_without_the_password():
    from medcenter.core.models import AuditEvent

    user = UserFactory()
    _try(Client(), user.email)

    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.object_id == str(user.public_id)
    assert "wrong-password" not in str(AuditEvent.objects.values().get())
