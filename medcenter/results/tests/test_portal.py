"""The portal section: list, detail, documents, download; R5 and R24 on every page."""

import pytest
from django.test import Client
from django.urls import reverse

from medcenter.core.models import AuditEvent
from medcenter.results.models import Document, ResultReport
from medcenter.results.tests.conftest import HELD, PLAIN, PRELIMINARY, RESTRICTED
from medcenter.results.tests.factories import PDF, document, report

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _pages(patient):
    pid = patient.public_id
    return [
        reverse("results:portal_list", kwargs={"public_id": pid}),
        reverse("results:portal_documents", kwargs={"public_id": pid}),
    ]


def test_the_parent_of_a_teen_sees_plain_items_and_no_restricted_one(family):
    client = _client(family.parent)
    shown = ""
    for url in _pages(family.teen):
        response = client.get(url)
        assert response.status_code == 200
        shown += response.content.decode()
    assert PLAIN in shown
    for hidden in (RESTRICTED, HELD, PRELIMINARY):
        assert hidden not in shown
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )


def test_every_restricted_item_is_404_to_the_parent_by_its_own_address(family):
    client = _client(family.parent)
    pid = family.teen.public_id
    restricted = ResultReport.objects.filter(patient=family.teen).exclude(display=PLAIN)
    for item in restricted:
        url = reverse(
            "results:portal_detail", kwargs={"public_id": pid, "result_id": item.public_id}
        )
        assert client.get(url).status_code == 404, item.display
    for doc in Document.objects.filter(patient=family.teen, adolescent_confidential=True):
        url = reverse(
            "results:portal_download", kwargs={"public_id": pid, "document_id": doc.public_id}
        )
        assert client.get(url).status_code == 404


def test_a_parent_of_a_child_under_12_sees_confidential_items_with_the_results_scope(family):
    # The parent's grant for the child names only appointments, yet under 12 a parent
    # has full access (patients.access).
    response = _client(family.parent).get(_pages(family.child)[0])

    assert response.status_code == 200
    assert "CHILD-CONFIDENTIAL" in response.content.decode()


def test_a_proxy_without_the_results_scope_gets_404_everywhere(family):
    client = _client(family.no_scope)
    for url in _pages(family.teen):
        assert client.get(url).status_code == 404
    item = ResultReport.objects.get(display=PLAIN)
    url = reverse(
        "results:portal_detail",
        kwargs={"public_id": family.teen.public_id, "result_id": item.public_id},
    )
    assert client.get(url).status_code == 404


def test_the_section_is_in_the_menu_only_with_the_scope(family):
    with_scope = _client(family.parent).get(_pages(family.teen)[0]).content.decode()
    assert reverse("results:portal_list", kwargs={"public_id": family.teen.public_id}) in with_scope
    # Notifications are the patient's own: never in a proxy's menu.
    assert "/notifications/" not in with_scope


def test_the_detail_shows_values_ranges_and_flags_in_words(family):
    item = report(family.adult, display="Blood count")
    response = _client(family.adult_user).get(
        reverse(
            "results:portal_detail",
            kwargs={"public_id": family.adult.public_id, "result_id": item.public_id},
        )
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "10.2 g/dL" in body
    assert "12 to 16 g/dL" in body
    assert "Below the reference range" in body
    assert 'class="table-scroll" role="region"' in body


def test_another_patients_result_is_404_even_by_its_right_id(family):
    other = report(display="SOMEONE-ELSE")
    response = _client(family.adult_user).get(
        reverse(
            "results:portal_detail",
            kwargs={"public_id": family.adult.public_id, "result_id": other.public_id},
        )
    )
    assert response.status_code == 404
    assert "SOMEONE-ELSE" not in response.content.decode()


def test_a_download_is_an_audited_attachment_that_is_not_sniffed(family):
    doc = document(family.adult, title="Letter about your visit")
    before = AuditEvent.objects.count()

    response = _client(family.adult_user).get(
        reverse(
            "results:portal_download",
            kwargs={"public_id": family.adult.public_id, "document_id": doc.public_id},
        )
    )

    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert event.action == "document.downloaded"
    assert event.patient_public_id == str(family.adult.public_id)


def test_a_tampered_document_is_never_served(family, settings):
    """R19: the vault refuses a file whose bytes changed on disk."""
    from medcenter.core import vault

    doc = document(family.adult)
    path = vault._path(doc.vault_key)
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x01
    path.write_bytes(bytes(data))
    client = _client(family.adult_user)
    client.raise_request_exception = False
    response = client.get(
        reverse(
            "results:portal_download",
            kwargs={"public_id": family.adult.public_id, "document_id": doc.public_id},
        )
    )
    assert response.status_code != 200
    assert PDF not in response.content


def test_the_vault_holds_no_plaintext(family):
    marker = b"PLAINTEXT-MARKER-R19"
    doc = document(family.adult, content=PDF.replace(b"%%EOF", marker + b"\n%%EOF"))
    from medcenter.core import vault

    assert marker not in vault._path(doc.vault_key).read_bytes()


XSS = '<script>alert("x")</script>'


def test_titles_and_values_are_escaped(family):
    """R16: a payload in a test name, a value, a conclusion or a document title is text."""
    report(
        family.adult,
        display=XSS,
        conclusion=XSS,
        values=[
            __import__("medcenter.results.services", fromlist=["ValueIn"]).ValueIn(
                display=XSS, value_text=XSS
            )
        ],
    )
    document(family.adult, title=XSS, author=XSS)
    client = _client(family.adult_user)
    item = ResultReport.objects.get(patient=family.adult, display=XSS)
    urls = [
        *_pages(family.adult),
        reverse(
            "results:portal_detail",
            kwargs={"public_id": family.adult.public_id, "result_id": item.public_id},
        ),
    ]
    for url in urls:
        body = client.get(url).content.decode()
        assert XSS not in body
        assert "&lt;script&gt;" in body


def test_the_list_makes_a_fixed_number_of_queries(family, django_assert_max_num_queries):
    for i in range(15):
        report(family.adult, display=f"Extra {i}")
    client = _client(family.adult_user)
    url = _pages(family.adult)[0]
    client.get(url)
    with django_assert_max_num_queries(25):
        client.get(url)


def test_a_revoked_grant_ends_access_at_once(family):
    from django.utils import timezone

    from medcenter.patients.models import ProxyGrant

    client = _client(family.parent)
    url = _pages(family.teen)[0]
    assert client.get(url).status_code == 200
    ProxyGrant.objects.filter(proxy=family.parent, patient=family.teen).update(
        revoked_at=timezone.now()
    )
    assert client.get(url).status_code == 404


def test_a_parent_of_an_18_year_old_without_their_consent_sees_nothing(family):
    from medcenter.patients.tests.factories import PatientFactory, ProxyGrantFactory, born_years_ago

    adult_child = PatientFactory(date_of_birth=born_years_ago(18))
    ProxyGrantFactory(proxy=family.parent, patient=adult_child, scopes=["results"])
    report(adult_child, display="GROWN-UP-RESULT")
    response = _client(family.parent).get(_pages(adult_child)[0])
    assert response.status_code == 404
    assert "GROWN-UP-RESULT" not in response.content.decode()


def test_the_home_panel_counts_only_what_the_access_may_see(family):
    from medcenter.patients.access import resolve_access
    from medcenter.results.portal import new_results_panel

    parent_view = new_results_panel(resolve_access(family.parent, family.teen))
    # The plain report and the plain document; not the confidential, held or preliminary.
    assert [item.count for item in parent_view] == [2]
    child_view = new_results_panel(resolve_access(family.parent, family.child))
    assert [item.count for item in child_view] == [1]


def test_the_patient_asks_to_see_genetic_results_after_review(family):
    from medcenter.results.models import ReleasePreference

    url = reverse("results:release_preferences", kwargs={"public_id": family.adult.public_id})
    client = _client(family.adult_user)
    assert client.get(url).status_code == 200
    response = client.post(url, {"genetic": "7", "hiv": ""})
    assert response.status_code == 302
    assert list(
        ReleasePreference.objects.filter(patient=family.adult).values_list(
            "sensitive_type", "max_days"
        )
    ) == [("genetic", 7)]
    # A genetic result now waits for review; a plain one does not.
    genetic = report(family.adult, display="GENETIC-PANEL", sensitive_type="genetic")
    plain = report(family.adult, display="PLAIN-LAB")
    body = client.get(_pages(family.adult)[0]).content.decode()
    assert "PLAIN-LAB" in body and "GENETIC-PANEL" not in body
    assert genetic.release_at > plain.release_at
    # Out-of-range input is a field error, never a 500.
    assert client.post(url, {"genetic": "999"}).status_code == 200


def test_only_the_patient_sets_release_wishes(family):
    url = reverse("results:release_preferences", kwargs={"public_id": family.teen.public_id})
    assert _client(family.parent).get(url).status_code == 404
    assert _client(family.parent).post(url, {"genetic": "7"}).status_code == 404


def test_the_home_panel_makes_two_queries_whatever_the_history(family, django_assert_num_queries):
    from medcenter.patients.access import resolve_access
    from medcenter.results.portal import new_results_panel

    for i in range(10):
        report(family.adult, display=f"History {i}", actor=family.clinician)
    access = resolve_access(family.adult_user, family.adult)
    with django_assert_num_queries(2):
        new_results_panel(access)
