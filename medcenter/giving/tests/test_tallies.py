"""The gift tallies: kept in the transaction of each change, always equal to a recount; the
list's totals and a campaign's progress read them."""

import pytest

from medcenter.giving import selectors, services, tallies
from medcenter.giving.gateways.sandbox import SandboxGateway, add_month
from medcenter.giving.models import GiftTally
from medcenter.giving.tests.factories import CampaignFactory, GiftFactory, today
from medcenter.giving.tests.test_receipts_and_plans import pay, start

pytestmark = pytest.mark.django_db


def test_every_change_of_a_gift_moves_it_between_tallies(django_capture_on_commit_callbacks):
    from medcenter.accounts.tests.factories import StaffUserFactory

    officer = StaffUserFactory(roles=["giving_officer"])
    gift, _url = start(amount=5000)
    assert tallies.kept() == tallies.counted()
    assert GiftTally.objects.get(status="pending").gifts == 1

    pay(gift, django_capture_on_commit_callbacks)
    assert tallies.kept() == tallies.counted()
    with django_capture_on_commit_callbacks(execute=True):
        services.refund_gift(gift=gift, amount_minor=2000, reason="asked", actor=officer)
        services.refund_gift(gift=gift, amount_minor=3000, reason="all", actor=officer)
    assert tallies.kept() == tallies.counted()

    monthly = pay(start(frequency="monthly", amount=2500)[0], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert SandboxGateway().renew_due(today=add_month(today())) == 1
    assert tallies.kept() == tallies.counted()
    assert selectors.gift_totals(params={"frequency": "monthly"}).gifts == 2
    assert selectors.gift_totals(params={"status": "refunded"}).net == [("USD", 0)]
    assert monthly.status == "paid"
    # An empty group stays as a row of zeros; the recount ignores it, and so does kept().
    assert GiftTally.objects.filter(status="pending", gifts=0).exists()


def test_a_campaigns_progress_counts_received_gifts_net_of_refunds_in_its_currency():
    campaign = CampaignFactory(goal_minor=100_000)
    GiftFactory(campaign=campaign, fund=campaign.fund, amount_minor=4000, status="paid")
    GiftFactory(
        campaign=campaign,
        fund=campaign.fund,
        amount_minor=3000,
        fee_minor=100,
        refunded_minor=1000,
        status="partially_refunded",
    )
    GiftFactory(campaign=campaign, fund=campaign.fund, amount_minor=9000, status="pending")
    GiftFactory(campaign=campaign, fund=campaign.fund, amount_minor=9000, currency="EUR")
    GiftFactory(fund=campaign.fund, amount_minor=9000, status="paid")  # not the campaign's

    progress = selectors.campaign_progress(campaign)
    assert (progress.raised_minor, progress.gifts, progress.percent) == (6100, 2, 6)


def test_a_rebuild_recounts_gifts_loaded_in_bulk():
    GiftFactory.create_batch(3, status="paid")
    GiftTally.objects.all().delete()
    assert tallies.kept() != tallies.counted()
    assert tallies.rebuild() == 3  # each factory gift has its own fund
    assert tallies.kept() == tallies.counted()
