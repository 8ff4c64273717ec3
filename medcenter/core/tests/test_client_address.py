"""The client address behind a load balancer: one function (core.clientaddr) that throttles and
the audit share. `X-Forwarded-For` is read only through TRUSTED_PROXY_HOPS proxies of ours, and
then its n-th address from the right; with no proxy configured the header is ignored."""

import pytest
from django.test import Client, RequestFactory

from medcenter.accounts.tests.factories import TEST_PASSWORD, UserFactory
from medcenter.core.clientaddr import client_ip
from medcenter.core.models import AuditEvent

BALANCER = "10.0.0.2"
SIGN_IN = "/en/accounts/sign-in/"


def _request(remote="192.0.2.10", forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, None, "192.0.2.10"),
        (0, "203.0.113.9", "192.0.2.10"),  # no proxy of ours: anyone can write the header
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the client wrote the left one
        (1, "198.51.100.1,203.0.113.9 ", "203.0.113.9"),
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.3", "203.0.113.9"),
        (2, "203.0.113.9", "192.0.2.10"),  # shorter than our chain: not through our proxies
        (1, None, "192.0.2.10"),
        (1, "not-an-address", None),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_read_through_the_trusted_hops(settings, hops, forwarded, expected):
    settings.TRUSTED_PROXY_HOPS = hops
    assert client_ip(_request(forwarded=forwarded)) == expected


def test_no_request_has_no_address():
    assert client_ip(None) is None


def _sign_in(email, *, forwarded, password="wrong-password-000"):
    return Client().post(
        SIGN_IN,
        {"username": email, "password": password},
        REMOTE_ADDR=BALANCER,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_behind_one_balancer_two_visitors_get_separate_sign_in_limits(settings):
    """Every request comes from the balancer; the forwarded address tells the visitors apart,
    so an attacker's failures do not lock the owner out (R10)."""
    settings.TRUSTED_PROXY_HOPS = 1
    user = UserFactory()
    attacker = [_sign_in(user.email, forwarded="203.0.113.50").status_code for _ in range(11)]
    owner = _sign_in(user.email, forwarded="198.51.100.7", password=TEST_PASSWORD)
    assert attacker[-1] == 429
    assert owner.status_code == 302


@pytest.mark.django_db
def test_without_a_trusted_proxy_a_forged_header_does_not_escape_the_limit(settings):
    settings.TRUSTED_PROXY_HOPS = 0
    user = UserFactory()
    statuses = [_sign_in(user.email, forwarded=f"198.51.100.{n}").status_code for n in range(1, 12)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


@pytest.mark.django_db
def test_the_audit_names_the_forwarded_address_behind_the_balancer(settings):
    settings.TRUSTED_PROXY_HOPS = 1
    user = UserFactory()
    _sign_in(user.email, forwarded="198.51.100.1, 203.0.113.77")
    assert AuditEvent.objects.get(action="auth.login_failed").client_ip == "203.0.113.77"


@pytest.mark.django_db
def test_the_audit_ignores_an_untrusted_header(settings):
    settings.TRUSTED_PROXY_HOPS = 0
    user = UserFactory()
    _sign_in(user.email, forwarded="203.0.113.77")
    assert AuditEvent.objects.get(action="auth.login_failed").client_ip == BALANCER


@pytest.mark.django_db
def test_trial_contact_requests_are_limited_per_forwarded_address(settings):
    from medcenter.trials.demo import STUDIES
    from medcenter.trials.importer import import_records
    from medcenter.trials.models import ContactRequest

    import_records((f"demo:{i}", study) for i, (study, *_rest) in enumerate(STUDIES))
    settings.TRUSTED_PROXY_HOPS = 1
    settings.TRIAL_REQUESTS_PER_HOUR = 2

    def contact(n, forwarded):
        return Client().post(
            "/en/trials/NCT99002001/contact/",
            {"name": "R", "email": f"r{n}@example.test", "consent": "on", "answers": "{}"},
            REMOTE_ADDR=BALANCER,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    first = [contact(n, "203.0.113.1").status_code for n in range(3)]
    other = contact(9, "203.0.113.2")
    assert first[-1] == 429
    assert other.status_code != 429
    assert ContactRequest.objects.count() == 3


@pytest.mark.parametrize(("hops", "second_allowed"), [(0, False), (1, True)])
def test_the_api_throttle_keys_on_the_same_address(settings, hops, second_allowed):
    """ninja's own throttles would trust any X-Forwarded-For; ours read core.clientaddr."""
    from medcenter.core.throttle import AnonRateThrottle

    settings.TRUSTED_PROXY_HOPS = hops
    assert AnonRateThrottle("1/m").allow_request(_request(BALANCER, "203.0.113.1"))
    second = AnonRateThrottle("1/m").allow_request(_request(BALANCER, "203.0.113.2"))
    assert second is second_allowed
    forged = _request(BALANCER, "198.51.100.99, 203.0.113.1")  # the client wrote the left one
    assert not AnonRateThrottle("1/m").allow_request(forged)
