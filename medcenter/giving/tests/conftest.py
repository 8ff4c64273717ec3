import pytest


@pytest.fixture(autouse=True)
def _sandbox(settings):
    settings.GIVING_GATEWAY = "sandbox"
    settings.GIVING_SANDBOX_WEBHOOK_URL = ""


@pytest.fixture(autouse=True)
def _tallies_equal_a_recount(request):
    """After every giving test that touches the database, the kept tallies (GiftTally) equal a
    recount of the gifts: every path that creates a gift or moves its state keeps them."""
    if request.node.get_closest_marker("django_db") is None:
        yield
        return
    request.getfixturevalue("db")  # set up first, so torn down after this check
    yield
    from medcenter.giving import tallies

    assert tallies.kept() == tallies.counted()
