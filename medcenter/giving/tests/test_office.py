"""The officers' funds, campaigns and employer matches: audited services with field messages,
pages that keep what was typed, permissions from the giving officer role (R3, R4)."""

from datetime import date, timedelta
from typing import Any, cast

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified, verified
from medcenter.core.caching import public_page_key
from medcenter.core.models import AuditEvent
from medcenter.giving import services
from medcenter.giving.models import Campaign, Fund, MatchingGift, MatchStatus
from medcenter.giving.services import CampaignInput, FundInput
from medcenter.giving.tests.factories import CampaignFactory, FundFactory, GiftFactory

pytestmark = pytest.mark.django_db


def officer() -> Any:
    return verified(cast(Any, StaffUserFactory(roles=["giving_officer"])))


def client_for(roles: list[str]) -> Client:
    client = Client()
    sign_in_verified(client, cast(Any, StaffUserFactory(roles=roles)))
    return client


def campaign_input(**changes: Any) -> CampaignInput:
    fields: dict[str, Any] = {
        "slug": "nurses-2027",
        "fund": "nursing",
        "title": "Nurses for 2027",
        "story": "Ten fellowships for new nurses.",
        "goal_minor": 50_000_000,
        "currency": "USD",
        "starts_on": date(2027, 1, 1),
        "ends_on": date(2027, 3, 31),
    }
    return CampaignInput(**{**fields, **changes})


def field_errors(call: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        call()
    return raised.value.message_dict


# --- Services -----------------------------------------------------------------------------


def test_an_officer_creates_and_changes_a_fund_each_write_audited():
    actor = officer()

    fund = services.save_fund(
        fund=None,
        data=FundInput(slug="nursing", kind="fellowship", name=" Nursing fellowship "),
        actor=actor,
    )
    services.save_fund(
        fund=fund,
        data=FundInput(slug="nursing", kind="fellowship", name="Nurses", is_active=False),
        actor=actor,
    )

    fund.refresh_from_db()
    assert (fund.name, fund.is_active) == ("Nurses", False)
    assert list(
        AuditEvent.objects.filter(action__startswith="fund.").values_list("action", flat=True)
    ) == ["fund.created", "fund.changed"]


def test_a_fund_refuses_a_taken_or_reserved_address_and_a_program_fund_without_program():
    FundFactory(slug="research")
    actor = officer()

    taken = field_errors(
        lambda: services.save_fund(
            fund=None, data=FundInput(slug="research", kind="program", name="X"), actor=actor
        )
    )
    reserved = field_errors(
        lambda: services.save_fund(
            fund=None, data=FundInput(slug="new", kind="research", name=""), actor=actor
        )
    )

    assert set(taken) == {"slug", "program"}
    assert set(reserved) == {"slug", "name"}
    assert Fund.objects.count() == 1


def test_a_campaign_is_created_with_its_goal_dates_and_story_audited():
    FundFactory(slug="nursing")

    campaign = services.save_campaign(campaign=None, data=campaign_input(), actor=officer())

    assert (campaign.goal_minor, campaign.ends_on, campaign.fund.slug) == (
        50_000_000,
        date(2027, 3, 31),
        "nursing",
    )
    assert AuditEvent.objects.filter(action="campaign.created").count() == 1


def test_a_campaign_refuses_an_end_before_its_start_a_zero_goal_and_an_unknown_fund():
    errors = field_errors(
        lambda: services.save_campaign(
            campaign=None,
            data=campaign_input(goal_minor=0, ends_on=date(2026, 12, 31), currency="XYZ"),
            actor=officer(),
        )
    )

    assert set(errors) == {"fund", "goal", "ends_on", "currency"}
    assert not Campaign.objects.exists()


def test_a_campaign_keeps_its_currency_once_gifts_have_come_in():
    campaign = CampaignFactory(slug="nurses-2027", fund=FundFactory(slug="nursing"))
    GiftFactory(campaign=campaign, fund=campaign.fund, status="paid")

    errors = field_errors(
        lambda: services.save_campaign(
            campaign=campaign, data=campaign_input(currency="EUR"), actor=officer()
        )
    )

    assert set(errors) == {"currency"}


def test_saving_a_campaign_drops_its_cached_page_in_every_language(
    django_capture_on_commit_callbacks,
):
    campaign = CampaignFactory(slug="nurses-2027", fund=FundFactory(slug="nursing"))
    keys = [
        public_page_key(language=code, path=f"/{code}/give/campaigns/nurses-2027/", htmx=False)
        for code in ("en", "es", "ar")
    ]
    cache.set_many({key: (b"old", "text/html") for key in keys})

    with django_capture_on_commit_callbacks(execute=True):
        services.save_campaign(
            campaign=campaign, data=campaign_input(title="Renamed"), actor=officer()
        )

    assert cache.get_many(keys) == {}


def test_a_match_is_recorded_only_for_a_received_gift_within_three_times_its_amount():
    actor = officer()
    pending = GiftFactory(status="pending")
    paid = GiftFactory(status="paid", amount_minor=10_000, employer="Example Widgets")

    refused = field_errors(
        lambda: services.record_match(
            gift=pending, employer="Example Widgets", amount_minor=5000, actor=actor
        )
    )
    too_much = field_errors(
        lambda: services.record_match(gift=paid, employer=" ", amount_minor=30_001, actor=actor)
    )
    match = services.record_match(
        gift=paid, employer="Example Widgets", amount_minor=30_000, actor=actor
    )

    assert set(refused) == {"gift"}
    assert set(too_much) == {"employer", "amount"}
    assert (match.status, match.currency, match.recorded_by) == ("recorded", "USD", actor)
    assert AuditEvent.objects.filter(action="matching_gift.recorded").count() == 1


def test_a_gift_has_one_open_match_and_a_declined_one_may_be_recorded_again():
    actor = officer()
    gift = GiftFactory(status="paid")
    first = services.record_match(gift=gift, employer="Example Co", amount_minor=5000, actor=actor)

    with pytest.raises(ValidationError):
        services.record_match(gift=gift, employer="Example Co", amount_minor=5000, actor=actor)
    services.decide_match(match=first, confirmed=False, actor=actor)
    again = services.record_match(gift=gift, employer="Example Co", amount_minor=4000, actor=actor)

    assert MatchingGift.objects.filter(gift=gift).count() == 2
    assert again.status == MatchStatus.RECORDED


def test_an_answered_match_can_neither_change_nor_be_answered_again():
    actor = officer()
    match = services.record_match(
        gift=GiftFactory(status="paid"), employer="Example Co", amount_minor=5000, actor=actor
    )

    services.change_match(match=match, employer="Example Co.", amount_minor=2500, actor=actor)
    confirmed = services.decide_match(match=match, confirmed=True, actor=actor)

    with pytest.raises(ValidationError):
        services.change_match(match=match, employer="Other", amount_minor=100, actor=actor)
    with pytest.raises(ValidationError):
        services.decide_match(match=match, confirmed=False, actor=actor)
    match.refresh_from_db()
    assert (match.status, match.amount_minor, match.employer) == ("confirmed", 2500, "Example Co.")
    assert confirmed.decided_by == actor and confirmed.decided_at is not None
    assert AuditEvent.objects.filter(action__startswith="matching_gift.").count() == 3


# --- Pages --------------------------------------------------------------------------------

PAGES = [
    "/en/staff/giving/funds/",
    "/en/staff/giving/funds/new/",
    "/en/staff/giving/funds/nursing/",
    "/en/staff/giving/campaigns/",
    "/en/staff/giving/campaigns/new/",
    "/en/staff/giving/campaigns/nurses-2027/",
    "/en/staff/giving/matches/",
]


@pytest.fixture
def world():
    fund = FundFactory(slug="nursing")
    CampaignFactory(slug="nurses-2027", fund=fund)
    return fund


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("roles", [["scheduler"], ["content_editor"]])
def test_other_roles_are_refused_the_office_pages(world, url, roles):
    assert client_for(roles).get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_a_giving_officer_opens_every_office_page(world, url):
    assert client_for(["giving_officer"]).get(url).status_code == 200


def test_a_fund_posted_with_extra_fields_is_created_without_them():
    client = client_for(["giving_officer"])

    response = client.post(
        "/en/staff/giving/funds/new/",
        {
            "name": "Patient navigation",
            "slug": "navigation",
            "kind": "navigation",
            "order": "2",
            "is_active": "on",
            "id": "999",
            "public_id": "00000000-0000-0000-0000-000000000001",
        },
    )

    assert response.status_code == 302
    fund = Fund.objects.get(slug="navigation")
    assert fund.pk != 999 and str(fund.public_id) != "00000000-0000-0000-0000-000000000001"


def test_a_goal_of_abc_comes_back_in_spanish_with_everything_typed_kept(world):
    client = client_for(["giving_officer"])

    response = client.post(
        "/es/staff/giving/campaigns/new/",
        {
            "title": "Enfermería <script>alert(1)</script>",
            "slug": "enfermeria",
            "fund": "nursing",
            "story": "Una historia.",
            "currency": "USD",
            "goal": "abc",
            "starts_on": "2027-01-01",
            "ends_on": "2027-02-01",
        },
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "Escriba una cantidad en números" in body
    assert 'value="abc"' in body and "Una historia." in body
    assert "<script>alert(1)</script>" not in body
    assert not Campaign.objects.filter(slug="enfermeria").exists()


def test_a_campaign_ending_before_it_starts_is_shown_on_the_field(world):
    client = client_for(["giving_officer"])

    response = client.post(
        "/en/staff/giving/campaigns/nurses-2027/",
        {
            "title": "Nurses",
            "slug": "nurses-2027",
            "fund": "nursing",
            "story": "A story.",
            "currency": "USD",
            "goal": "1000",
            "starts_on": "2027-02-01",
            "ends_on": "2027-01-01",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"] == [
        "The campaign cannot end before it starts."
    ]


def test_an_officer_records_and_confirms_a_match_from_the_gift(world):
    gift = GiftFactory(status="paid", employer="Example Widgets", fund=world)
    client = client_for(["giving_officer"])

    form = client.get(f"/en/staff/giving/gifts/{gift.public_id}/match/")
    recorded = client.post(
        f"/en/staff/giving/gifts/{gift.public_id}/match/",
        {"employer": "Example Widgets", "amount": "50.00", "note": "Ref 42"},
    )
    match = MatchingGift.objects.get(gift=gift)
    confirmed = client.post(f"/en/staff/giving/matches/{match.public_id}/", {"decision": "confirm"})

    assert form.context["form"].initial["employer"] == "Example Widgets"
    assert (recorded.status_code, confirmed.status_code) == (302, 302)
    match.refresh_from_db()
    assert (match.amount_minor, match.status) == (5000, "confirmed")


def test_a_bad_match_amount_keeps_the_form_and_unknown_ids_are_not_found(world):
    gift = GiftFactory(status="paid", fund=world)
    client = client_for(["giving_officer"])

    response = client.post(
        f"/en/staff/giving/gifts/{gift.public_id}/match/",
        {"employer": "Example Widgets", "amount": "lots"},
    )

    assert response.status_code == 400
    assert "Example Widgets" in response.content.decode()
    assert client.get("/en/staff/giving/matches/not-a-uuid/").status_code == 404
    assert client.get("/en/staff/giving/gifts/not-a-uuid/match/").status_code == 404


def test_the_office_lists_hold_a_query_budget(world, django_assert_max_num_queries):
    actor = officer()
    for n in range(5):
        FundFactory()
        CampaignFactory()
        gift = GiftFactory(status="paid")
        services.record_match(gift=gift, employer=f"Employer {n}", amount_minor=1000, actor=actor)
    client = client_for(["giving_officer"])
    client.get("/en/staff/giving/funds/")  # the session and permissions, cached per request

    for url in (
        "/en/staff/giving/funds/",
        "/en/staff/giving/campaigns/",
        "/en/staff/giving/matches/?status=recorded",
    ):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_campaigns_from_the_office_show_on_the_public_page_once_published(world):
    FundFactory(slug="research")
    actor = officer()
    today = timezone.localdate()
    services.save_campaign(
        campaign=None,
        data=campaign_input(
            slug="research-now",
            fund="research",
            starts_on=today,
            ends_on=today + timedelta(days=30),
            is_published=False,
        ),
        actor=actor,
    )

    assert Client().get("/en/give/campaigns/research-now/").status_code == 404


def test_no_office_write_gets_through_without_a_csrf_token(world):
    gift = GiftFactory(status="paid", fund=world)
    match = services.record_match(
        gift=gift, employer="Example Co", amount_minor=100, actor=officer()
    )
    client = Client(enforce_csrf_checks=True)
    sign_in_verified(client, StaffUserFactory(roles=["giving_officer"]))
    posts = {
        "/en/staff/giving/funds/new/": {"name": "X", "slug": "x", "kind": "research", "order": "0"},
        "/en/staff/giving/funds/nursing/": {"name": "X", "slug": "nursing", "kind": "research"},
        "/en/staff/giving/campaigns/nurses-2027/": {"title": "X"},
        f"/en/staff/giving/gifts/{gift.public_id}/match/": {"employer": "X", "amount": "1"},
        f"/en/staff/giving/matches/{match.public_id}/": {"decision": "confirm"},
    }

    answers = [client.post(url, data).status_code for url, data in posts.items()]

    assert answers == [403] * len(posts)
    match.refresh_from_db()
    assert match.status == "recorded" and not Fund.objects.filter(slug="x").exists()
    assert Fund.objects.get(slug="nursing").name == world.name
