"""The home page: search, the ways in, the programs with counted open trials, the favicon."""

import re

import pytest
from django.core.cache import cache

from medcenter.directory.models import Program
from medcenter.trials.models import LocalStatus, OverallStatus, Trial

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the page and its counts are cached; each test counts afresh
    yield
    cache.clear()


def _trial(
    nct: str,
    program: Program | None,
    overall_status: str = OverallStatus.RECRUITING,
    local_status: str = LocalStatus.OPEN,
) -> Trial:
    return Trial.objects.create(
        nct_id=nct,
        brief_title=f"Study {nct}",
        overall_status=overall_status,
        local_status=local_status,
        program=program,
    )


def test_the_home_page_searches_doctors_and_trials_by_get(client):
    html = client.get("/es/").content.decode()

    assert re.search(r'<form class="home-search__form" method="get" action="/es/doctors/"', html)
    assert '<input type="search" id="home-q" name="q"' in html
    assert re.search(r'<form class="home-search__form" method="get" action="/es/trials/"', html)
    assert '<input type="search" id="home-condition" name="condition"' in html
    assert '<label class="field__label" for="home-q">' in html


def test_the_ways_in_show_only_sections_that_exist(client):
    html = client.get("/en/").content.decode()

    assert 'data-way="new_patient"' in html and 'href="/en/appointments/"' in html
    assert 'data-way="second_opinion"' in html and 'href="/en/appointments/request/"' in html
    assert 'data-way="referring"' in html and 'href="/en/appointments/refer/"' in html
    assert 'data-way="give"' in html and 'href="/en/give/"' in html
    from django.urls import NoReverseMatch, reverse

    from medcenter.pages.navigation import WAYS_IN

    for way in WAYS_IN:  # a way in shows exactly when its section's page exists
        try:
            reverse(way.url_name)
            exists = True
        except NoReverseMatch:
            exists = False
        assert (f'data-way="{way.key}"' in html) == exists, way.key


def test_a_way_in_appears_once_its_page_exists(client, settings):
    settings.ROOT_URLCONF = "medcenter.pages.tests.give_urls"  # a stand-in giving:give

    html = client.get("/en/").content.decode()

    assert 'data-way="give"' in html
    assert 'href="/en/give/">Give Now</a>' in html


def test_each_program_shows_its_open_trials_counted_from_the_catalogue(client):
    lung = Program.objects.create(slug="lung", name="Lung Cancer Program", order=1)
    bone = Program.objects.create(slug="bone", name="Bone Sarcoma Program", order=2)
    Program.objects.create(slug="hidden", name="Unpublished Program", is_published=False)
    _trial("NCT90000001", lung)
    _trial("NCT90000002", lung, overall_status=OverallStatus.NOT_YET_RECRUITING)
    _trial("NCT90000003", lung, local_status=LocalStatus.NOT_YET_OPEN)
    _trial("NCT90000004", lung, overall_status=OverallStatus.COMPLETED)  # closed: not counted
    _trial("NCT90000005", bone, overall_status=OverallStatus.TERMINATED)
    _trial("NCT90000006", None)  # no program

    html = client.get("/en/").content.decode()

    assert '<a href="/en/programs/lung/">Lung Cancer Program</a>' in html
    assert '<a href="/en/trials/?program=lung">3 open clinical trials</a>' in html
    assert "No open clinical trials right now" in html  # bone: its one trial has ended
    assert "Unpublished Program" not in html


def test_the_counts_follow_the_catalogue(client):
    lung = Program.objects.create(slug="lung", name="Lung Cancer Program")
    _trial("NCT90000001", lung)
    assert "1 open clinical trial<" in client.get("/en/").content.decode()

    _trial("NCT90000002", lung)
    cache.clear()  # the page (5 minutes) and the counts (2 minutes) are cached

    assert "2 open clinical trials" in client.get("/en/").content.decode()


def test_the_home_page_keeps_places_for_stories_and_news(client):
    from django.template.loader import get_template

    template = get_template("pages/home.html").template
    blocks = {node.name for node in template.nodelist.get_nodes_by_type(_block_node())}
    assert {"stories", "news"} <= blocks


def _block_node() -> type:
    from django.template.loader_tags import BlockNode

    return BlockNode


def test_every_page_links_the_favicon_in_svg_and_a_bitmap_fallback(client):
    html = client.get("/ar/contact/").content.decode()

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert '<link rel="icon" href="/static/favicon.ico" sizes="32x32">' in html
    assert '<link rel="apple-touch-icon" href="/static/apple-touch-icon.png">' in html
    for name in ("favicon.svg", "favicon.ico", "apple-touch-icon.png"):
        assert client.get(f"/static/{name}").status_code == 200


def test_the_avatar_shows_a_portrait_with_its_alt_text_or_else_the_initials():
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    def avatar(**person: str) -> str:
        return render_to_string(
            "components/avatar.html", {"person": SimpleNamespace(initials="RD", **person)}
        )

    assert avatar() == '<span class="avatar" aria-hidden="true">RD</span>\n'
    with_photo = avatar(photo_url="/media/rd.jpg", photo_alt="Dr Rowan Demo, smiling")
    assert 'src="/media/rd.jpg" alt="Dr Rowan Demo, smiling"' in with_photo
    assert "RD" not in with_photo
    assert "<img" not in avatar(photo_url="/media/rd.jpg", photo_alt="")  # no alt, no image
