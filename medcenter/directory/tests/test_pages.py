import pytest

from medcenter.directory.models import Clinician, Location
from medcenter.directory.services import sanitize

# Every test here runs against the demo directory, seeded once for the module (see conftest).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_directory_once")]


def test_the_search_page_works_without_javascript_and_keeps_the_query(demo_directory, client):
    response = client.get("/en/doctors/", {"q": "bone cancer", "accepting": "on"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="bone cancer"' in html
    assert "Bone and Sarcoma Program" in html
    facet_links = [link for link in html.split('href="?')[1:] if "specialty=" in link[:200]]
    assert facet_links and all("q=bone+cancer" in link[:200] for link in facet_links)


def test_htmx_gets_only_the_results(demo_directory, client):
    response = client.get("/en/doctors/", {"q": "lung"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.strip().startswith('<div id="results"')
    assert "<footer" not in html


def test_an_empty_result_offers_a_program_or_a_phone_number(demo_directory, client):
    html = client.get("/en/doctors/", {"q": "bone cancer", "language": "xx"}).content.decode()

    assert "No doctor matches all of that" in html
    assert "/en/programs/bone-sarcoma/" in html
    assert "+1 555 010 0100" in html


def test_an_empty_result_suggests_a_spelling_the_closest_programs_and_a_phone_link(
    demo_directory, client
):
    html = client.get("/en/doctors/", {"q": "brst"}).content.decode()

    assert "No doctor matches all of that" in html
    assert 'Did you mean <a href="?q=breast">breast</a>?' in html
    assert "/en/programs/breast/" in html
    assert 'href="tel:+15550100100"' in html


def test_the_spelling_suggestion_link_finds_doctors(demo_directory, client):
    html = client.get("/en/doctors/", {"q": "breast"}).content.decode()

    assert 'class="doctor-card"' in html
    assert "No doctor matches" not in html


def test_a_search_with_nothing_to_suggest_still_offers_the_programs_and_the_phone(
    demo_directory, client
):
    html = client.get("/en/doctors/", {"q": "zzqxv"}).content.decode()

    assert "Did you mean" not in html
    assert 'href="/en/programs/"' in html
    assert 'href="tel:+15550100100"' in html


def test_results_come_before_the_filters_which_sit_in_a_disclosure(demo_directory, client):
    html = client.get("/en/doctors/", {"q": "bone cancer"}).content.decode()

    first_result = html.index('class="doctor-card"')
    disclosure = html.index('<details class="facets__disclosure"')
    assert first_result < disclosure
    assert "specialty=" not in html[:first_result]
    assert '<details class="facets__disclosure" data-open-wide>' in html  # closed on a phone


def test_the_filter_disclosure_is_open_and_counts_filters_when_one_is_chosen(
    demo_directory, client
):
    html = client.get(
        "/en/doctors/", {"q": "bone cancer", "specialty": "orthopaedic-oncology"}
    ).content.decode()

    assert '<details class="facets__disclosure" data-open-wide open>' in html
    assert "Filters (1)" in html


def test_search_input_is_escaped(demo_directory, client):
    html = client.get("/en/doctors/", {"q": "<script>alert(1)</script>"}).content.decode()

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def test_result_cards_and_facets_escape_what_editors_typed(demo_directory, client):
    from medcenter.directory.index import bump_version

    clinician = Clinician.objects.get(slug="severin-ashgrove")
    clinician.title = '<img src=x onerror="alert(1)">'
    clinician.save()
    bump_version()

    html = client.get("/en/doctors/", {"q": "Ashgrove"}).content.decode()

    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


@pytest.mark.parametrize("code", ["en", "es", "ar", "zh-hans"])
def test_profile_program_and_location_pages_render_in_every_language(demo_directory, client, code):
    clinician = Clinician.objects.get(slug="severin-ashgrove")
    location = Location.objects.get(slug="main-campus")

    for url in (
        f"/{code}/doctors/{clinician.slug}/",
        f"/{code}/programs/",
        f"/{code}/programs/bone-sarcoma/",
        f"/{code}/locations/",
        f"/{code}/locations/{location.slug}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url


def test_the_bone_and_sarcoma_page_has_everything_a_patient_looks_for(demo_directory, client):
    html = client.get("/en/programs/bone-sarcoma/").content.decode()

    for text in (
        "Osteosarcoma",
        "Chondrosarcoma",
        "Ewing",
        "Chordoma",
        "Adamantinoma",
        "Paget",
        "ymphoma of bone",
        "PET/CT",
        "Musculoskeletal pathologists",
        "Microvascular surgeons",
        "Palliative care",
        "imb-sparing",
        "roton",
        "ntraoperative",
        "Adolescent and Young Adult",
        "Preparing for your visit",
    ):
        assert text in html, text


def test_unknown_slugs_are_404(client, db):
    assert client.get("/en/doctors/nobody/").status_code == 404
    assert client.get("/en/programs/nothing/").status_code == 404
    assert client.get("/en/locations/nowhere/").status_code == 404


def test_locations_sort_by_distance_from_a_zip_code(demo_directory, client):
    response = client.get("/en/locations/", {"near": "05401"})

    rows = response.context["rows"]
    assert rows[0][0].slug == "green-mountain"
    assert [km for _, km in rows] == sorted(km for _, km in rows)


def test_rich_text_is_sanitized():
    dirty = '<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:x()">l</a></p>'

    clean = sanitize(dirty)

    assert "script" not in clean
    assert "onclick" not in clean
    assert "javascript" not in clean
    assert "<p>Hi" in clean


def test_program_names_and_teasers_appear_in_the_visitors_language(demo_directory, client):
    html = client.get("/es/programs/").content.decode()

    assert "Programa de Oncología Torácica" in html
    assert "Thoracic Oncology Program" not in html


def test_a_program_page_opens_the_request_form_for_that_program_and_offers_the_phone(
    demo_directory, client
):
    html = client.get("/en/programs/breast/").content.decode()

    assert 'href="/en/appointments/request/?program=breast"' in html
    assert 'href="tel:+15550100100"' in html
    form = client.get("/en/appointments/request/", {"program": "breast"}).content.decode()
    assert "selected>Breast" in form
