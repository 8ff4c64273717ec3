import pytest

from medcenter.directory import index
from medcenter.directory.models import Clinician, Program
from medcenter.directory.search import DoctorQuery, search_doctors

pytestmark = pytest.mark.django_db


def test_an_empty_search_lists_every_doctor_by_name(demo_directory):
    results = search_doctors(DoctorQuery())

    assert results.total == Clinician.objects.filter(is_active=True).count()
    names = [h.clinician.family_name for h in results.hits]
    assert names == sorted(names, key=str.casefold) or len(names) == 20


def test_a_filter_narrows_and_each_facet_counts_without_its_own_filter(demo_directory):
    everything = search_doctors(DoctorQuery(q="bone cancer"))
    narrowed = search_doctors(DoctorQuery(q="bone cancer", specialty="orthopaedic-oncology"))

    assert 0 < narrowed.total < everything.total
    assert all(
        any(s.slug == "orthopaedic-oncology" for s in h.clinician.specialties.all())
        for h in narrowed.hits
    )
    specialty_facet = {v.value: v.count for v in narrowed.facets["specialty"]}
    assert specialty_facet == {v.value: v.count for v in everything.facets["specialty"]}
    selected = [v for v in narrowed.facets["specialty"] if v.selected]
    assert [v.value for v in selected] == ["orthopaedic-oncology"]
    assert sum(v.count for v in narrowed.facets["gender"]) == narrowed.total


def test_facet_counts_match_the_results_they_lead_to(demo_directory):
    results = search_doctors(DoctorQuery(q="lung cancer"))

    for value in results.facets["language"][:3]:
        filtered = search_doctors(DoctorQuery(q="lung cancer", language=value.value))
        assert filtered.total == value.count


def test_unknown_filters_match_nothing_and_never_fail(demo_directory):
    results = search_doctors(
        DoctorQuery(q="bone", specialty="no-such-thing", page=999, sort="evil")
    )

    assert results.total == 0
    assert results.query.sort == "relevance"


def test_sorting_by_distance_from_a_zip_code(demo_directory):
    results = search_doctors(DoctorQuery(near="03101", sort="distance"))

    distances = [h.distance_km for h in results.hits]
    assert all(d is not None for d in distances)
    assert distances == sorted(distances)
    assert distances[0] < 5  # Manchester, NH has an affiliated site


def test_an_unknown_zip_code_is_reported_not_fatal(demo_directory):
    results = search_doctors(DoctorQuery(q="lung cancer", near="99999x", sort="distance"))

    assert results.near_unknown
    assert results.total > 0


def test_words_the_vocabulary_does_not_know_are_found_in_biographies(demo_directory):
    results = search_doctors(DoctorQuery(q="intraoperative radiation"))

    assert results.total > 0
    assert all(
        "ntraoperative" in (h.clinician.research_interests + h.clinician.bio)
        for h in results.hits[:5]
    )


def test_nothing_found_suggests_nothing_false(demo_directory):
    results = search_doctors(DoctorQuery(q="qwxzv"))

    assert results.total == 0
    assert results.hits == []


def test_pages_hold_twenty_and_the_last_page_the_rest(demo_directory):
    first = search_doctors(DoctorQuery(q="cancer", page=1))
    assert len(first.hits) <= 20
    last = search_doctors(DoctorQuery(page=10_000))

    assert last.query.page == last.pages
    assert 0 < len(last.hits) <= 20


def test_a_change_to_the_directory_reaches_the_search_index(demo_directory):
    from medcenter.directory.services import save_program

    search_doctors(DoctorQuery(q="lung"))
    program = Program.objects.get(slug="thoracic")
    program.name = "Chest and Lung Tumor Program"
    save_program(program=program)
    index.bump_version()

    results = search_doctors(DoctorQuery(q="chest and lung tumor"))
    assert "thoracic" in [p.slug for p in results.programs]


def test_the_search_page_costs_a_fixed_number_of_queries(
    demo_directory, client, django_assert_max_num_queries
):
    client.get("/en/doctors/?q=lung")  # builds the in-memory index
    with django_assert_max_num_queries(12):
        response = client.get("/en/doctors/?q=lung+cancer&accepting=on")
    assert response.status_code == 200


def test_the_same_words_ask_the_database_once_until_the_directory_changes(
    demo_directory, monkeypatch, django_capture_on_commit_callbacks
):
    from medcenter.directory import fts, services

    asked = []
    real = fts.search

    def counting(words, **kwargs):
        asked.append(tuple(words))
        return real(words, **kwargs)

    monkeypatch.setattr(fts, "search", counting)
    first = search_doctors(DoctorQuery(q="quixotic marmalade"))
    again = search_doctors(DoctorQuery(q="quixotic marmalade"))
    assert len(asked) == 1
    assert [h.clinician.pk for h in again.hits] == [h.clinician.pk for h in first.hits]

    with django_capture_on_commit_callbacks(execute=True):
        services.save_clinician(clinician=Clinician.objects.filter(is_active=True).first())
    search_doctors(DoctorQuery(q="quixotic marmalade"))
    assert len(asked) == 2  # a directory change starts afresh
