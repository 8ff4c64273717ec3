import extruct
import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.directory.models import Program
from medcenter.research.models import Authorship
from medcenter.research.tests.factories import PublicationFactory
from medcenter.scheduling.tests.factories import ClinicianFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def authored():
    program = Program.objects.create(slug="sarcoma", name="Sarcoma Program")
    clinician = ClinicianFactory(slug="dr-ana-rivera", given_name="Ana", family_name="Rivera")
    clinician.programs.add(program)
    confirmed = PublicationFactory(
        title="A fictional sarcoma study", authors=["Rivera, Ana", "Lee, Sam"]
    )
    suggested = PublicationFactory(title="A paper not yet confirmed")
    Authorship.objects.create(
        publication=confirmed, clinician=clinician, author_name="Rivera, Ana", status="confirmed"
    )
    pending = Authorship.objects.create(
        publication=suggested, clinician=clinician, author_name="Rivera, Ana"
    )
    return clinician, program, confirmed, pending


def _articles(html):
    data = extruct.extract(html, syntaxes=["json-ld"], uniform=True)["json-ld"]
    return [d for d in data if d.get("@type") == "ScholarlyArticle"]


def test_the_profile_lists_only_confirmed_publications_with_scholarly_article_data(
    client, authored
):
    clinician, _program, confirmed, _pending = authored

    html = client.get(f"/en/doctors/{clinician.slug}/").content.decode()

    assert "A fictional sarcoma study" in html and "A paper not yet confirmed" not in html
    (article,) = _articles(html)
    for required in ("headline", "author", "datePublished", "isPartOf", "identifier", "url"):
        assert article.get(required), required
    assert article["url"] == f"https://doi.org/{confirmed.doi}"
    assert {i["propertyID"] for i in article["identifier"]} == {"DOI", "PMID"}


def test_the_program_page_lists_its_members_confirmed_publications(client, authored):
    _clinician, program, _confirmed, _pending = authored

    html = client.get(f"/en/programs/{program.slug}/").content.decode()

    assert "A fictional sarcoma study" in html
    assert len(_articles(html)) == 1


def test_the_publication_listing_filters_and_refuses_unknown_names(client, authored):
    clinician, _program, _confirmed, _pending = authored

    by_clinician = client.get(f"/en/research/publications/?clinician={clinician.slug}")
    unknown = client.get("/en/research/publications/?program=nope")

    assert "A fictional sarcoma study" in by_clinician.content.decode()
    assert len(_articles(by_clinician.content.decode())) == 1
    assert unknown.status_code == 400
    assert "We have no program at that address." in unknown.content.decode()


def test_the_api_lists_publications_by_clinician_or_program(client, authored):
    clinician, program, confirmed, _pending = authored

    by_clinician = client.get(f"/api/v1/research/publications?clinician={clinician.slug}").json()
    by_program = client.get(f"/api/v1/research/publications?program={program.slug}").json()
    refused = client.get("/api/v1/research/publications?clinician=nobody")

    assert [p["pmid"] for p in by_clinician["publications"]] == [confirmed.pmid]
    assert by_clinician["publications"][0]["clinicians"] == [
        {
            "clinician": str(clinician.public_id),
            "slug": clinician.slug,
            "name": clinician.display_name,
        }
    ]
    assert [p["title"] for p in by_program["publications"]] == ["A fictional sarcoma study"]
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    assert "clinician" in refused.json()["errors"]


def test_suggestions_need_the_confirm_permission(authored):
    staff = StaffUserFactory()
    client = Client()
    sign_in_verified(client, staff)

    assert client.get("/en/staff/research/suggestions/").status_code == 403

    staff.user_permissions.add(Permission.objects.get(codename="confirm_authorship"))
    assert client.get("/en/staff/research/suggestions/").status_code == 200


def test_an_editor_confirms_a_suggestion_and_it_shows_on_the_profile(authored):
    clinician, _program, _confirmed, pending = authored
    editor = StaffUserFactory()
    editor.user_permissions.add(Permission.objects.get(codename="confirm_authorship"))
    client = Client()
    sign_in_verified(client, editor)

    page = client.get("/en/staff/research/suggestions/").content.decode()
    response = client.post(
        "/en/staff/research/suggestions/",
        {"authorship": str(pending.public_id), "decision": "confirm"},
    )
    again = client.post(
        "/en/staff/research/suggestions/",
        {"authorship": str(pending.public_id), "decision": "reject"},
    )

    pending.refresh_from_db()
    assert "A paper not yet confirmed" in page
    assert response.status_code == 302
    assert pending.status == "confirmed" and pending.decided_by == editor
    assert again.status_code == 400 and "already decided" in again.content.decode()
    assert (
        "A paper not yet confirmed"
        in Client().get(f"/en/doctors/{clinician.slug}/").content.decode()
    )
