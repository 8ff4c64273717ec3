"""The demo: released results for the demo patients, the EGFR report, one held result with
its reason, and the 14-year-old's confidential item her parent never sees."""

import random

import pytest
from django.test import Client
from django.urls import reverse

from medcenter.accounts import demo as accounts_demo
from medcenter.oncology import demo as oncology_demo
from medcenter.patients import demo as patients_demo
from medcenter.results import demo
from medcenter.results.models import ClinicianHold, ResultReport

pytestmark = pytest.mark.django_db


def test_the_demo_results(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    rng = random.Random(20261121)  # noqa: S311 - the demo is deterministic, not secret
    for module in (accounts_demo, patients_demo, oncology_demo, demo):
        module.seed(rng=rng)
    demo.seed(rng=rng)  # a second run adds nothing

    genotyping = ResultReport.objects.get(category="genotyping")
    assert genotyping.genotyping_report is not None
    assert "EGFR" in {v.display for v in genotyping.values.all()}
    hold = ClinicianHold.objects.get()
    assert hold.reason and hold.report.display == "CT chest with contrast"
    confidential = ResultReport.objects.get(adolescent_confidential=True)
    assert ResultReport.objects.filter(tumor_marker__isnull=False).count() == 1

    parent = patients_demo.ProxyGrant.objects.get(patient=confidential.patient).proxy
    client = Client()
    client.force_login(parent)
    page = client.get(
        reverse("results:portal_list", kwargs={"public_id": confidential.patient.public_id})
    )
    assert page.status_code == 200
    assert "Complete blood count" in page.content.decode()
    assert confidential.display not in page.content.decode()
