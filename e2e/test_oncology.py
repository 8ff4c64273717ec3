"""A clinician records, stages and genotypes a cancer, with axe on every page on the way."""

import pytest
from playwright.sync_api import Page, expect

from e2e.journeys import blocking_violations, sign_in_staff
from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory

PANEL = "gene\tprotein_change\tkind\nEGFR\tL858R\tSNV\nTP53\tR273H\tSNV\n"


@pytest.mark.parametrize("code", ["en", "ar"])
def test_a_clinician_stages_a_lung_cancer_and_reads_the_molecular_report(
    page: Page, code, tmp_path
):
    clinician = StaffUserFactory(roles=["clinician"])
    patient = PatientFactory(given_name="Wren", family_name="Halloway")
    CareRelationshipFactory(staff=clinician, patient=patient)
    sign_in_staff(page, clinician, code)
    base = f"/{code}/staff/patients/{patient.public_id}/oncology/"

    page.goto(f"{base}diagnoses/new/")
    assert blocking_violations(page) == []
    page.locator("#id_description").fill("Adenocarcinoma of the left lower lobe")
    page.locator("#id_oncotree_code").fill("LUAD")
    page.locator("#id_icd10_code").fill("C34.32")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"**{base}")
    assert blocking_violations(page) == []

    page.locator('a[href*="/stage/"]').first.click()
    page.locator("#id_scheme").select_option("nsclc")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("#id_assessed_on")).to_be_visible()
    assert blocking_violations(page) == []
    page.locator("#id_assessed_on").fill("2026-11-02")
    page.locator("#id_m").fill("M0")
    page.locator("#id_fact_size_cm").fill("6")
    page.locator("#id_fact_node_sites").fill("ipsilateral mediastinal")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"**{base}")
    expect(page.locator("table").first).to_contain_text("IIIB")

    panel = tmp_path / "panel.tsv"
    panel.write_text(PANEL)
    page.goto(f"{base}genotyping/import/")
    assert blocking_violations(page) == []
    page.locator("#id_test_name").fill("Lung panel")
    page.locator("#id_tumor_type").fill("LUAD")
    page.locator("#id_reported_on").fill("2026-11-03")
    page.locator("#id_results").set_input_files(str(panel))
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("table")).to_contain_text("osimertinib")
    assert blocking_violations(page) == []
