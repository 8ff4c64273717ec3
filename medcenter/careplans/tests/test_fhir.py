import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle

from medcenter.accounts.tests.factories import UserFactory, sign_in_verified
from medcenter.careplans import services
from medcenter.careplans.tests.test_careplans import make_plan
from medcenter.core.models import AuditEvent
from medcenter.oncology.models import CancerDiagnosis
from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory
from medcenter.tumorboards.tests.factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    patient = PatientFactory(user=UserFactory())
    diagnosis = CancerDiagnosis.objects.create(
        patient=patient, kind="primary", description="Lung adenocarcinoma", oncotree_code="LUAD"
    )
    found = make_plan(patient, diagnosis=diagnosis)
    services.activate_plan(plan=found, actor=staff("clinician"))
    return found


def test_care_plan_goal_and_task_are_valid_r4_for_the_care_team(plan):
    clinician = staff("clinician")
    CareRelationshipFactory(staff=clinician, patient=plan.patient)
    client = Client()
    sign_in_verified(client, clinician)
    ref = f"Patient/{plan.patient.public_id}"
    for kind in ("CarePlan", "Goal", "Task"):
        before = AuditEvent.objects.count()
        response = client.get(f"/fhir/R4/{kind}", {"patient": ref})
        assert response.status_code == 200, kind
        bundle = Bundle.model_validate(response.json())
        assert bundle.total >= 1
        assert AuditEvent.objects.count() == before + 1
        first = response.json()["entry"][0]["resource"]
        read = client.get(f"/fhir/R4/{kind}/{first['id']}")
        assert read.status_code == 200 and read.json()["resourceType"] == kind
    care_plan = client.get(f"/fhir/R4/CarePlan/{plan.public_id}").json()
    assert care_plan["addresses"] == [{"reference": f"Condition/{plan.diagnosis.public_id}"}]
    assert care_plan["status"] == "active" and care_plan["intent"] == "plan"
    systemic = care_plan["activity"][0]
    assert systemic["detail"]["description"] == "Osimertinib"
    assert systemic["extension"][0]["valueCode"] == "fda_this_type"


def test_the_patient_reads_their_own_plan_and_others_get_404(plan):
    own = Client()
    own.force_login(plan.patient.user)
    assert own.get(f"/fhir/R4/CarePlan/{plan.public_id}").status_code == 200
    stranger = Client()
    stranger.force_login(UserFactory())
    for url in (
        f"/fhir/R4/CarePlan/{plan.public_id}",
        f"/fhir/R4/Goal/{plan.goals.first().public_id}",
        f"/fhir/R4/Task/{plan.tasks.first().public_id}",
        f"/fhir/R4/CarePlan?patient=Patient/{plan.patient.public_id}",
    ):
        response = stranger.get(url)
        assert response.status_code == 404, url
        assert plan.patient.family_name not in response.content.decode()
    other_clinician = Client()
    sign_in_verified(other_clinician, staff("clinician"))
    assert other_clinician.get(f"/fhir/R4/Task/{plan.tasks.first().public_id}").status_code == 404


def test_a_search_needs_a_patient_and_known_parameters(plan):
    own = Client()
    own.force_login(plan.patient.user)
    assert own.get("/fhir/R4/CarePlan").status_code == 400
    assert own.get("/fhir/R4/CarePlan", {"patient": "x", "status": "y"}).status_code == 400
    assert Client().get(f"/fhir/R4/CarePlan/{plan.public_id}").status_code == 401
    assert own.post(f"/fhir/R4/CarePlan/{plan.public_id}").status_code == 405
