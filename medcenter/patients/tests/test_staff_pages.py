import pytest
from django.test import Client
from django.urls import reverse

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.core.models import AuditEvent
from medcenter.patients.models import CareRelationship, Patient
from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory

pytestmark = pytest.mark.django_db

NEW_PATIENT = {
    "given_name": "Wren",
    "family_name": "Osterby",
    "date_of_birth": "1971-04-09",
    "sex": "female",
    "preferred_language": "es",
    "contact_preference": "letter",
    "country": "PT",
}


@pytest.fixture
def scheduler():
    user = StaffUserFactory(roles=["scheduler"])
    client = Client()
    sign_in_verified(client, user)
    return client, user


def test_registering_a_patient_assigns_an_mrn_and_a_case_to_the_registrar(scheduler):
    client, user = scheduler

    response = client.post(reverse("patients:staff_new"), NEW_PATIENT)

    patient = Patient.objects.get(family_name="Osterby")
    assert response["Location"] == reverse("patients:staff_detail", args=[patient.public_id])
    assert len(patient.mrn) == 9
    assert CareRelationship.objects.filter(staff=user, patient=patient, kind="case").exists()
    assert AuditEvent.objects.filter(
        action="patient.registered", patient_public_id=str(patient.public_id)
    ).exists()


def test_mrns_carry_a_check_digit():
    from medcenter.patients.services import generate_mrn

    def luhn_ok(number):
        total = 0
        for i, d in enumerate(int(c) for c in reversed(number)):
            d = d * 2 if i % 2 else d
            total += d - 9 if d > 9 else d
        return total % 10 == 0

    assert all(luhn_ok(generate_mrn()) for _ in range(200))


def test_bad_input_keeps_what_was_typed_and_explains(scheduler):
    client, _user = scheduler

    response = client.post(
        reverse("patients:staff_new"),
        {
            **NEW_PATIENT,
            "date_of_birth": "2999-01-01",
            "contact_preference": "sms",
            "phone": "12",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "cannot be in the future" in html
    assert "must agree" in html
    assert 'value="Osterby"' in html
    assert not Patient.objects.exists()


def test_fields_that_are_not_editable_cannot_be_set_through_the_form(scheduler):
    client, _user = scheduler
    other_user = StaffUserFactory()

    client.post(
        reverse("patients:staff_new"),
        {
            **NEW_PATIENT,
            "mrn": "000000000",
            "user": other_user.pk,
            "public_id": "00000000-0000-0000-0000-000000000000",
        },
    )

    patient = Patient.objects.get(family_name="Osterby")
    assert patient.mrn != "000000000"
    assert patient.user is None
    assert str(patient.public_id) != "00000000-0000-0000-0000-000000000000"


def test_editing_changes_the_details_and_records_which_fields(scheduler):
    client, user = scheduler
    patient = PatientFactory()
    CareRelationshipFactory(staff=user, patient=patient)
    form = client.get(reverse("patients:staff_edit", args=[patient.public_id])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        preferred_name="Birdie",
        date_of_birth=patient.date_of_birth.isoformat(),
        phone="",
        emergency_contact_phone="",
    )

    response = client.post(reverse("patients:staff_edit", args=[patient.public_id]), data)

    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.preferred_name == "Birdie"
    assert AuditEvent.objects.get(action="patient.updated").reason == "preferred_name"


def test_search_finds_by_mrn_or_name_and_is_audited(scheduler):
    client, user = scheduler
    patient = PatientFactory(family_name="Quillfeather")
    CareRelationshipFactory(staff=user, patient=patient)

    by_name = client.get(reverse("patients:staff_home"), {"q": "quillfeather"})
    by_mrn = client.get(reverse("patients:staff_home"), {"q": patient.mrn})

    assert patient.mrn in by_name.content.decode()
    assert "Quillfeather" in by_mrn.content.decode()
    assert AuditEvent.objects.filter(action="patient.searched").count() == 2


def test_the_staff_list_has_a_fixed_query_count(scheduler, django_assert_max_num_queries):
    client, user = scheduler
    for patient in PatientFactory.create_batch(15):
        CareRelationshipFactory(staff=user, patient=patient)

    with django_assert_max_num_queries(25):
        response = client.get(reverse("patients:staff_home"))

    assert response.status_code == 200
