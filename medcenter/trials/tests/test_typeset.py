"""Units are typeset (10^9/L shows as 10⁹/L) and, like phone numbers and email addresses,
isolated left to right so that an Arabic page shows them in their order; phone numbers on
trial pages are tel: links."""

import re

import pytest
from django.template import Context, Template

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.trials.demo import STUDIES
from medcenter.trials.importer import import_records
from medcenter.trials.models import ContactRequest, Trial
from medcenter.trials.templatetags.trials import email, phone, typeset, units_in


@pytest.mark.parametrize(
    ("flat", "typeset_"),
    [
        ("10^9/L", "10⁹/L"),
        ("10^12/L", "10¹²/L"),
        ("mm^3", "mm³"),
        ("m^2", "m²"),
        ("10^3/µL", "10³/µL"),
        ("10E9/L", "10⁹/L"),
        ("10^-3", "10⁻³"),
        ("g/dL", "g/dL"),
        ("2010^9", "2010^9"),
    ],
)
def test_a_power_in_a_unit_is_raised(flat, typeset_):
    assert typeset(flat) == typeset_


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "Absolute neutrophil count ≥ 1.5 x 10^9/L",
            'Absolute neutrophil count ≥ <bdi dir="ltr">1.5 x 10⁹/L</bdi>',
        ),
        ("Platelets >= 100,000/mm^3", 'Platelets &gt;= <bdi dir="ltr">100,000/mm³</bdi>'),
        ("BSA 1.73 m^2 or more", 'BSA <bdi dir="ltr">1.73 m²</bdi> or more'),
        ("WBC 3.0x10^3/µL", 'WBC <bdi dir="ltr">3.0x10³/µL</bdi>'),
        ("Hemoglobin ≥ 9 g/dL", "Hemoglobin ≥ 9 g/dL"),
        ("<script>x^2</script>", "&lt;script&gt;x^2&lt;/script&gt;"),
    ],
)
def test_units_in_text_are_typeset_isolated_and_the_rest_escaped(text, shown):
    assert units_in(text) == shown


def test_the_filters_work_in_a_template():
    template = Template("{% load trials %}{{ u|unit }} {{ t|units_in }} {{ p|phone }}")
    out = template.render(Context({"u": "10^9/L", "t": "ANC 10^9/L", "p": "+1 617 555 0140"}))
    assert out == (
        '<bdi dir="ltr">10⁹/L</bdi> ANC <bdi dir="ltr">10⁹/L</bdi> '
        '<a href="tel:+16175550140"><bdi dir="ltr">+1 617 555 0140</bdi></a>'
    )


def test_a_phone_number_is_a_tel_link_and_an_address_a_mailto_link():
    assert phone("(617) 555-0140 ext. 12") == (
        '<a href="tel:6175550140"><bdi dir="ltr">(617) 555-0140 ext. 12</bdi></a>'
    )
    assert phone("") == ""
    assert phone("n/a") == '<bdi dir="ltr">n/a</bdi>'
    assert email("team@example.test") == (
        '<a href="mailto:team@example.test"><bdi dir="ltr">team@example.test</bdi></a>'
    )
    assert email('x"<y>') == '<bdi dir="ltr">x&quot;&lt;y&gt;</bdi>'


@pytest.fixture
def catalogue(db):
    import_records((f"demo:{i}", study) for i, (study, *_rest) in enumerate(STUDIES))
    Trial.objects.filter(nct_id="NCT99001001").update(
        coordinator_phone="+1 617 555 0140",
        coordinator_email="lung-trials@example.test",
        contacts=[
            {"name": "Central Desk", "role": "CONTACT", "phone": "800-555-0199", "email": ""}
        ],
    )


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_trial_page_isolates_phones_and_units(client, catalogue, language):
    page = client.get(f"/{language}/trials/NCT99001001/")
    assert page.status_code == 200
    text = page.content.decode()
    assert '<a href="tel:+16175550140"><bdi dir="ltr">+1 617 555 0140</bdi></a>' in text
    assert '<a href="tel:8005550199"><bdi dir="ltr">800-555-0199</bdi></a>' in text
    assert 'href="mailto:lung-trials@example.test"' in text
    assert '<bdi dir="ltr">1.5 x 10⁹/L</bdi>' in text
    assert "10^9" not in text
    if language == "ar":
        assert 'dir="rtl"' in text


@pytest.mark.parametrize("language", ["en", "ar"])
def test_an_empty_search_offers_the_center_as_a_tel_link(client, catalogue, language):
    page = client.get(f"/{language}/trials/", {"condition": "no such condition at all"})
    assert page.status_code == 200
    assert 'class="alert alert--info"><p>' in page.content.decode()
    alert = page.content.decode().split('class="alert alert--info"><p>')[1].split("</p>")[0]
    assert '<a href="tel:' in alert


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_coordinator_sees_a_requesters_phone_as_a_link(client, catalogue, language):
    request = ContactRequest.objects.create(
        trial=Trial.objects.get(nct_id="NCT99001001"),
        name="Rowan Test",
        email="rowan@example.test",
        phone="+1 617 555 0188",
        likely="possible",
        explanation=[
            {
                "section": "inclusion",
                "kind": "lab",
                "criterion": "Platelets ≥ 100 x 10^9/L",
                "outcome": "unknown",
                "evidence": "Platelets 90 10^9/L",
            }
        ],
    )
    sign_in_verified(client, StaffUserFactory(roles=["trial_coordinator"]))
    text = client.get(f"/{language}/staff/trials/requests/{request.public_id}/").content.decode()
    assert '<a href="tel:+16175550188"><bdi dir="ltr">+1 617 555 0188</bdi></a>' in text
    assert '<bdi dir="ltr">100 x 10⁹/L</bdi>' in text
    assert '<bdi dir="ltr">90 10⁹/L</bdi>' in text


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_oncology_record_shows_lab_units_typeset(client, language):
    """The record's laboratory results are read by the matcher in 10^9/L; shown, they read
    10⁹/L, left to right with their value in an Arabic page too."""
    import datetime

    from django.urls import reverse
    from django.utils import timezone, translation

    from medcenter.oncology import services as oncology
    from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory

    clinician = StaffUserFactory(roles=["clinician"])
    patient = PatientFactory()
    CareRelationshipFactory(staff=clinician, patient=patient)
    oncology.record_lab_result(
        patient=patient,
        actor=clinician,
        test="platelets",
        value=245,
        unit="10^9/L",
        observed_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    sign_in_verified(client, clinician)
    with translation.override(language):
        url = reverse("oncology:summary", args=[patient.public_id])
    text = client.get(url).content.decode()
    assert re.search(r'<bdi dir="ltr">245[^<]{0,4} 10⁹/L</bdi>', text)
    assert "10^9" not in text
