"""The JSON API and FHIR: public reads get published, suppressed figures only."""

from datetime import date

import pytest
from django.test import Client
from fhir.resources.R4B.measure import Measure as FhirMeasure
from fhir.resources.R4B.measurereport import MeasureReport as FhirMeasureReport
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.quality import services
from medcenter.quality.models import Measure, MeasureVersion, Snapshot, SnapshotStatus
from medcenter.quality.tests.factories import analyst, catalogue, enter

pytestmark = pytest.mark.django_db

SEPTEMBER = date(2026, 9, 1)


@pytest.fixture(autouse=True)
def _catalogue():
    catalogue()


def _published():
    enter("hcahps-top-box", SEPTEMBER, 150, 200)
    services.take_snapshots(months=[SEPTEMBER])
    services.publish_month(month=SEPTEMBER, actor=analyst())


def test_measures_are_listed_with_definitions_and_benchmarks():
    body = Client().get("/api/v1/quality/measures").json()

    codes = {m["code"]: m for m in body["measures"]}
    assert "slot-fill" not in codes  # internal
    assert codes["clabsi-sir"]["benchmarks"][0]["value"] == 1.0
    assert codes["clabsi-sir"]["benchmarks"][0]["demo"] is False


def test_values_are_published_only():
    enter("hcahps-top-box", SEPTEMBER, 150, 200)
    services.take_snapshots(months=[SEPTEMBER])
    assert Client().get("/api/v1/quality/measures/hcahps-top-box/values").json()["values"] == []

    services.publish_month(month=SEPTEMBER, actor=analyst())

    values = (
        Client()
        .get("/api/v1/quality/measures/hcahps-top-box/values?month=2026-09")
        .json()["values"]
    )
    assert values[0]["value"] == 0.75 and values[0]["suppressed"] is False


def test_unknown_stratifiers_months_and_measures_are_refused():
    client = Client()
    assert (
        client.get("/api/v1/quality/measures/hcahps-top-box/values?stratifier=ssn").status_code
        == 400
    )
    assert (
        client.get("/api/v1/quality/measures/hcahps-top-box/values?month=2026-9").status_code == 400
    )
    assert client.get("/api/v1/quality/measures/nope/values").status_code == 404
    assert client.get("/api/v1/quality/measures/slot-fill/values").status_code == 404


def test_entries_are_for_analysts_only():
    enter("clabsi-sir", SEPTEMBER, 3, 4.0)
    assert Client().get("/api/v1/quality/entries").status_code == 401
    other = Client()
    sign_in_verified(other, StaffUserFactory(roles=["scheduler"]))
    assert other.get("/api/v1/quality/entries").status_code == 403
    mine = Client()
    sign_in_verified(mine, analyst())
    assert mine.get("/api/v1/quality/entries").json()["entries"][0]["measure"] == "clabsi-sir"


def test_fhir_measure_and_summary_report_validate():
    _published()
    client = Client()
    measures = client.get("/fhir/R4/Measure?identifier=hcahps-top-box").json()
    resource = measures["entry"][0]["resource"]
    FhirMeasure.model_validate(resource)
    assert resource["improvementNotation"]["coding"][0]["code"] == "increase"

    reports = client.get("/fhir/R4/MeasureReport?measure=hcahps-top-box&period=2026-09").json()
    report = reports["entry"][0]["resource"]
    FhirMeasureReport.model_validate(report)
    assert report["type"] == "summary"
    assert report["group"][0]["measureScore"]["value"] == 0.75


def test_fhir_reports_are_published_only():
    enter("hcahps-top-box", SEPTEMBER, 150, 200)
    services.take_snapshots(months=[SEPTEMBER])
    assert Client().get("/fhir/R4/MeasureReport").json()["total"] == 0


def _shown_counts(payload, keys=("numerator", "denominator", "count")):
    found = []
    if isinstance(payload, dict):
        for key, value in payload.items():
            if key in keys and isinstance(value, (int, float)):
                found.append(value)
            else:
                found += _shown_counts(value, keys)
    elif isinstance(payload, list):
        for item in payload:
            found += _shown_counts(item, keys)
    return found


cells = st.tuples(st.integers(0, 40), st.integers(0, 40))


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(cells, min_size=2, max_size=5))
def test_no_surface_shows_or_lets_one_derive_a_count_from_1_to_10(strata):
    """Random strata under one stratifier, published: the page, CSV, API and FHIR show no count
    from 1 to 10, and the overall count less the shown strata is never one either."""
    Snapshot.objects.all().delete()
    measure = Measure.objects.get(code="no-shows")
    version = MeasureVersion.objects.filter(measure=measure).first()
    rows = [(x, x + y) for x, y in strata]
    total_x, total_n = sum(x for x, _ in rows), sum(n for _, n in rows)
    if total_n == 0:
        return
    Snapshot.objects.create(
        version=version,
        month=SEPTEMBER,
        numerator=total_x,
        denominator=total_n,
        value=total_x / total_n,
        low=0,
        high=1,
        status=SnapshotStatus.PUBLISHED,
    )
    for index, (x, n) in enumerate(rows):
        if n:
            Snapshot.objects.create(
                version=version,
                month=SEPTEMBER,
                stratifier="sex",
                stratum=f"s{index}",
                numerator=x,
                denominator=n,
                value=x / n,
                low=0,
                high=1,
                status=SnapshotStatus.PUBLISHED,
            )
    client = Client()
    api = client.get("/api/v1/quality/measures/no-shows/values?stratifier=sex&month=2026-09").json()
    fhir = client.get("/fhir/R4/MeasureReport?measure=no-shows").json()
    csv = client.get("/en/quality/no-shows/2026-09.csv").content.decode()
    csv_counts = [
        float(cell) for line in csv.splitlines()[1:] for cell in line.split(",")[6:8] if cell
    ]
    for counts in (_shown_counts(api), _shown_counts(fhir), csv_counts):
        assert not [c for c in counts if 0 < c < 11], counts
    shown = [v for v in api["values"] if v["stratifier"] == "sex" and not v["suppressed"]]
    overall = [v for v in api["values"] if v["stratifier"] == ""]
    if overall and not overall[0]["suppressed"] and len(shown) < len(rows):
        hidden_x = overall[0]["numerator"] - sum(v["numerator"] for v in shown)
        hidden_n = overall[0]["denominator"] - sum(v["denominator"] for v in shown)
        assert not 0 < hidden_x < 11 and not 0 < hidden_n < 11 and not 0 < hidden_n - hidden_x < 11


def _surfaces(code):
    """What the page, the CSV, the API and FHIR show of a measure's September."""
    client = Client()
    page = client.get("/en/quality/").content.decode()
    csv = client.get(f"/en/quality/{code}/2026-09.csv").content.decode()
    api = client.get(f"/api/v1/quality/measures/{code}/values?month=2026-09").json()["values"]
    fhir = client.get(f"/fhir/R4/MeasureReport?measure={code}&period=2026-09").json()
    group = fhir["entry"][0]["resource"]["group"][0]
    return page, csv, api[0], group


@pytest.mark.parametrize(
    ("code", "observed", "predicted", "shown"),
    [
        ("clabsi-sir", 3, 4.0, "0.75"),  # 3 infections: an event count, shown as NHSN does
        ("falls-per-1000-patient-days", 4, 2000.0, "2.0"),  # 4 falls in 2,000 patient days
    ],
)
def test_hospital_wide_event_measures_are_shown_alike_on_every_surface(
    code, observed, predicted, shown
):
    enter(code, SEPTEMBER, observed, predicted)
    services.take_snapshots(months=[SEPTEMBER])
    services.publish_month(month=SEPTEMBER, actor=analyst())

    page, csv, api, group = _surfaces(code)

    assert f"<strong>{shown}</strong>" in page
    assert f"2026-09,{float(shown):.6g}," in csv and csv.rstrip().endswith(",no")
    assert api["numerator"] == observed and api["suppressed"] is False
    assert group["measureScore"]["value"] == pytest.approx(float(shown))
    assert {p["code"]["coding"][0]["code"]: p["count"] for p in group["population"]}[
        "numerator"
    ] == observed


def test_an_sir_under_one_predicted_infection_is_withheld_on_every_surface():
    enter("cdiff-sir", SEPTEMBER, 1, 0.8)
    services.take_snapshots(months=[SEPTEMBER])
    services.publish_month(month=SEPTEMBER, actor=analyst())

    page, csv, api, group = _surfaces("cdiff-sir")

    assert "suppressed (too few patients to show)" in page
    assert csv.replace("\r", "").splitlines()[1].endswith(",yes")
    assert api["value"] is None and api["numerator"] is None and api["suppressed"] is True
    assert "measureScore" not in group and "population" not in group


def test_hcahps_respondents_are_people_and_a_small_count_is_suppressed_everywhere():
    enter("hcahps-top-box", SEPTEMBER, 5, 40)
    services.take_snapshots(months=[SEPTEMBER])
    services.publish_month(month=SEPTEMBER, actor=analyst())

    page, csv, api, group = _surfaces("hcahps-top-box")

    assert "12.5%" not in page and ",5," not in csv and ",40," not in csv
    assert api["suppressed"] is True and api["numerator"] is None
    assert "measureScore" not in group and "population" not in group
