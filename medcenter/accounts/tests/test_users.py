import pytest
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from medcenter import settings as settings_module
from medcenter.accounts.models import User
from medcenter.accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_stored_lower_case():
    user = User.objects.create_user("Ana.Example@Example.TEST", "a-long-passphrase-1")

    assert user.email == "ana.example@example.test"
    assert authenticate(username="ANA.example@example.test", password="a-long-passphrase-1") == user


def test_two_accounts_cannot_share_an_email_in_any_letter_case():
    UserFactory(email="same@example.test")

    with pytest.raises(IntegrityError):
        User.objects.create(email="SAME@example.test")


def test_every_user_has_a_public_uuid_distinct_from_the_key():
    first, second = UserFactory(), UserFactory()

    assert first.public_id != second.public_id
    assert str(first.public_id) != str(first.pk)


def test_wrong_password_does_not_authenticate():
    user = UserFactory()

    assert authenticate(username=user.email, password="not-" + TEST_PASSWORD) is None


@pytest.mark.parametrize(
    "password",
    ["short-pass1", "password1234", "123456789012345", "qwertyuiop123"],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        password_validation.validate_password(
            password, user=User(email="x@example.test"), password_validators=_validators()
        )


def test_a_long_uncommon_passphrase_is_accepted():
    password_validation.validate_password(
        "amber-lantern-orchard-17",
        user=User(email="x@example.test"),
        password_validators=_validators(),
    )


def test_passwords_are_hashed_with_argon2_in_every_environment():
    assert settings_module.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def _validators():
    return password_validation.get_password_validators(settings_module.AUTH_PASSWORD_VALIDATORS)
