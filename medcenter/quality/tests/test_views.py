"""The public page, the CSV, the dashboard and its forms; who may reach what (R3)."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.patients.tests.factories import PatientFactory
from medcenter.quality import services
from medcenter.quality.models import Entry, Measure, Publication
from medcenter.quality.tests.factories import analyst, catalogue, enter, upload

pytestmark = pytest.mark.django_db

SEPTEMBER = date(2026, 9, 1)
XSS = '<script>alert("x")</script>'


@pytest.fixture(autouse=True)
def _catalogue():
    catalogue()


def client_for(user):
    client = Client()
    sign_in_verified(client, user)
    return client


def _published(code="hcahps-top-box", numerator=150, denominator=200):
    enter(code, SEPTEMBER, numerator, denominator)
    services.take_snapshots(months=[SEPTEMBER])
    services.publish_month(month=SEPTEMBER, actor=analyst())


def test_the_public_page_shows_published_figures_by_aim_in_russian():
    _published()

    html = Client().get("/ru/quality/").content.decode()

    assert "Пациенты, которые точно порекомендуют нас" in html
    assert "75.0%" in html


def test_the_public_page_shows_no_draft():
    enter("hcahps-top-box", SEPTEMBER, 150, 200)
    services.take_snapshots(months=[SEPTEMBER])

    html = Client().get(reverse("quality:home")).content.decode()

    assert "75.0%" not in html
    assert "No published figures yet." in html


def test_a_small_month_is_suppressed_on_the_page_and_in_the_csv():
    _published(numerator=5, denominator=40)

    html = Client().get(reverse("quality:home")).content.decode()
    csv = Client().get(
        reverse("quality:csv", kwargs={"code": "hcahps-top-box", "month": "2026-09"})
    )

    assert "12.5%" not in html and "suppressed" in html
    body = csv.content.decode()
    assert ",5," not in body and ",40," not in body and "yes" in body


def test_the_csv_neutralises_formula_cells():
    from medcenter.giving.staff_views import safe_cell

    assert safe_cell("=HYPERLINK()") == "'=HYPERLINK()"
    _published()
    response = Client().get(
        reverse("quality:csv", kwargs={"code": "hcahps-top-box", "month": "2026-09"})
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "2026-09" in response.content.decode()


def test_an_unknown_measure_or_month_in_the_csv_is_not_found():
    assert Client().get("/en/quality/nope/2026-09.csv").status_code == 404
    assert Client().get("/en/quality/hcahps-top-box/20x6-09.csv").status_code == 404


def test_the_dashboard_shows_drafts_strata_and_entries_to_analysts():
    enter("clabsi-sir", SEPTEMBER, 3, 4.0)
    services.take_snapshots(months=[SEPTEMBER])

    response = client_for(analyst()).get(reverse("quality:dashboard"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Central line bloodstream infections (SIR)" in html
    assert "nhsn-report.pdf" in html


def test_an_unknown_stratifier_is_a_bad_request():
    response = client_for(analyst()).get(reverse("quality:dashboard") + "?stratifier=ssn")
    assert response.status_code == 400


def test_an_entry_without_a_source_comes_back_with_a_message_in_the_users_language():
    response = client_for(analyst()).post(
        "/es/staff/quality/entries/new/",
        {"measure": "clabsi-sir", "month": "2026-09", "numerator": "3", "denominator": "4.2"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="4.2"' in html
    assert "document" in response.context["form"].errors
    assert not Entry.objects.exists()


def test_a_numerator_above_its_denominator_keeps_the_form_and_the_upload():
    client = client_for(analyst())
    response = client.post(
        reverse("quality:new_entry"),
        {
            "measure": "hcahps-top-box",
            "month": "2026-09",
            "numerator": "120",
            "denominator": "100",
            "document": upload(),
        },
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert "numerator" in form.errors
    kept = form["document_kept"].value()
    assert kept
    again = client.post(
        reverse("quality:new_entry"),
        {
            "measure": "hcahps-top-box",
            "month": "2026-09",
            "numerator": "80",
            "denominator": "100",
            "document_kept": kept,
        },
    )
    assert again.status_code == 302
    assert Entry.objects.get().source_filename.endswith(".pdf")


def test_an_analyst_enters_then_publishes_by_the_forms():
    client = client_for(analyst())
    client.post(
        reverse("quality:new_entry"),
        {
            "measure": "clabsi-sir",
            "month": "2026-09",
            "numerator": "3",
            "denominator": "4.0",
            "document": upload(),
        },
    )
    services.take_snapshots(months=[SEPTEMBER])

    response = client.post(reverse("quality:publish"), {"month": "2026-09"})

    assert response.status_code == 302
    assert Publication.objects.filter(month=SEPTEMBER).exists()
    assert client.post(reverse("quality:publish"), {"month": "2026-09"}).status_code == 400


def test_names_in_figures_are_escaped_on_every_page():
    enter("clabsi-sir", SEPTEMBER, 3, 4.0, source_note=XSS)
    services.take_snapshots(months=[SEPTEMBER])
    from medcenter.quality.models import Measure

    measure = Measure.objects.get(code="clabsi-sir")
    services.revise_measure(measure=measure, actor=analyst(), name=XSS, explanation=XSS)

    for client, url in (
        (client_for(analyst()), reverse("quality:dashboard")),
        (client_for(analyst()), reverse("quality:definitions")),
        (Client(), reverse("quality:home")),
    ):
        assert XSS not in client.get(url).content.decode()


def test_staff_without_the_quality_permissions_are_refused():
    client = client_for(StaffUserFactory(roles=["scheduler"]))
    for name in ("quality:dashboard", "quality:definitions", "quality:new_entry"):
        assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse("quality:publish"), {"month": "2026-09"}).status_code == 403


def test_analysts_reach_no_patient_data():
    """R3: the quality analyst role holds no patient permission and patient routes refuse it."""
    from medcenter.accounts.roles import ROLE_BY_NAME

    permissions = ROLE_BY_NAME["quality_analyst"].permissions
    assert not [
        p
        for p in permissions
        if p.split(".")[0]
        in {"patients", "oncology", "messaging", "results", "scheduling", "questionnaires"}
    ]
    patient = PatientFactory()
    client = client_for(analyst())
    for url in (
        reverse("patients:staff_detail", kwargs={"public_id": patient.public_id}),
        reverse("patients:staff_home"),
    ):
        assert client.get(url).status_code in (401, 403, 404)


def test_the_trend_is_a_chart_with_a_table_beside_it():
    august = date(2026, 8, 1)
    actor = analyst()
    for month, top in ((august, 140), (SEPTEMBER, 150)):
        enter("hcahps-top-box", month, top, 200, actor=actor)
        services.take_snapshots(months=[month])
        services.publish_month(month=month, actor=actor)

    public = Client().get(reverse("quality:home")).content.decode()
    staff = client_for(analyst()).get(reverse("quality:dashboard")).content.decode()

    for html in (public, staff):
        assert "<svg" in html and "<title" in html
        assert "2026-08" in html and "70.0%" in html


def _public_queries(language="en"):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(f"/{language}/quality/")
    assert response.status_code == 200
    return len(queries)


def test_the_public_page_makes_the_same_few_queries_however_much_is_published():
    _published()
    few = _public_queries()

    # Twelve more published months of every entered measure, a revision (an older version
    # left behind) and strata rows: none of it may add a query.
    for month in range(1, 13):
        first = date(2025, month, 1)
        for code in ("clabsi-sir", "cauti-sir", "hcahps-top-box", "falls-per-1000-patient-days"):
            enter(code, first, 30, 200)
        services.take_snapshots(months=[first])
        services.publish_month(month=first, actor=analyst())
    services.revise_measure(
        measure=Measure.objects.get(code="no-shows"), actor=analyst(), name="Missed visits"
    )

    assert few <= 4
    assert _public_queries() == few
    assert _public_queries("ar") == few
