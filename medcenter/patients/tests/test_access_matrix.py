"""SECURITY.md R1 and R21: patient B's data, requested as everyone else, on every route."""

from urllib.parse import urlencode

import pytest
from django.db.models import Max
from django.test import Client
from django.urls import reverse
from django.utils import translation

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.core.models import AuditEvent
from medcenter.messaging.tests.matrix import b_thread
from medcenter.patients.models import BreakGlassGrant, Patient, ProxyGrant
from medcenter.patients.tests.factories import CareRelationshipFactory
from medcenter.patients.tests.routes import patient_data_routes

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
LANGUAGES = ("en", "ar")


def _kwargs_for_b(route, world):
    values = {}
    for kwarg in route.kwargs:
        if kwarg == "public_id":
            values[kwarg] = world.patient_b.public_id
        elif kwarg == "grant_id" and route.model == "patients.breakglassgrant":
            values[kwarg] = world.b_break_glass.public_id
        elif kwarg == "grant_id":
            values[kwarg] = world.b_grant.public_id
        elif kwarg == "diagnosis_id":
            values[kwarg] = _b_oncology(world)[0].public_id
        elif kwarg == "report_id":
            values[kwarg] = _b_oncology(world)[1].public_id
        elif kwarg == "appointment_id":
            values[kwarg] = _b_appointment(world)[0].public_id
        elif kwarg == "offer_id":
            values[kwarg] = _b_appointment(world)[1].public_id
        elif kwarg == "referral_id":
            values[kwarg] = _b_referral(world)[0].public_id
        elif kwarg == "document_id" and route.model == "results.document":
            values[kwarg] = _b_results(world)[1].public_id
        elif kwarg == "result_id":
            values[kwarg] = _b_results(world)[0].public_id
        elif kwarg == "resource_id" and route.model.startswith("results."):
            values[kwarg] = str(_b_results(world)[route.model].public_id)  # FHIR result ids
        elif kwarg == "document_id":
            values[kwarg] = _b_referral(world)[1].public_id
        elif kwarg == "resource_id" and route.model == "scheduling.appointment":
            values[kwarg] = str(_b_appointment(world)[0].public_id)  # FHIR Appointment id
        elif kwarg == "resource_id" and route.model == "scheduling.referral":
            values[kwarg] = str(_b_referral(world)[0].public_id)  # FHIR ServiceRequest id
        elif kwarg == "resource_id" and route.model == "trials.candidate":
            values[kwarg] = str(_b_trials(world)[0].public_id)  # FHIR ResearchSubject id
        elif kwarg == "candidate_id":
            values[kwarg] = _b_trials(world)[0].public_id
        elif kwarg == "request_id":
            values[kwarg] = _b_trials(world)[1].public_id
        elif route.model == "international.case" and kwarg in (
            "case_id",
            "estimate_id",
            "letter_id",
            "case_document_id",
        ):
            values[kwarg] = _b_international(world)[kwarg]
        elif kwarg == "action":
            values[kwarg] = "status"  # one of a case's actions (international)
        elif kwarg == "questionnaire_id":
            values[kwarg] = _b_questionnaires(world)[0].public_id  # a public form
        elif kwarg == "response_id":
            values[kwarg] = _b_questionnaires(world)[1].public_id
        elif kwarg == "resource_id" and route.model == "questionnaires.questionnaireresponse":
            values[kwarg] = str(_b_questionnaires(world)[1].public_id)
        elif kwarg == "alert_id":
            values[kwarg] = _b_questionnaires(world)[2].public_id
        elif kwarg == "thread_id":
            values[kwarg] = b_thread(world)[0].public_id
        elif kwarg == "attachment_id":
            values[kwarg] = b_thread(world)[1].public_id
        elif kwarg == "resource_id" and route.model == "messaging.message":
            values[kwarg] = str(b_thread(world)[1].message.public_id)  # FHIR Communication id
        elif kwarg in _B_BOARD_KWARGS or route.model.startswith("careplans."):
            values[kwarg] = _b_tumorboard(world, kwarg, route.model)
        else:
            pytest.fail(f"teach the access matrix how to build {kwarg!r} for patient B")
    return values


def _url_for_b(name, route, world):
    """The route's URL naming patient B's data: by the object ids in its path, or, for a
    search with no id in its path (FHIR), by `patient=` in the query."""
    url = reverse(name, kwargs=_kwargs_for_b(route, world))
    if not route.kwargs:
        url += "?" + urlencode({"patient": f"Patient/{world.patient_b.public_id}"})
    return url


def _b_appointment(world):
    """Patient B's booked appointment and an earlier time offered to them, made once."""
    from datetime import timedelta

    from django.utils import timezone

    from medcenter.scheduling.models import Appointment, SlotOffer, WaitlistEntry
    from medcenter.scheduling.tests.factories import (
        ClinicianFactory,
        LocationFactory,
        VisitTypeFactory,
    )

    offer = SlotOffer.objects.filter(entry__patient=world.patient_b).select_related("entry").first()
    if offer is not None:
        return offer.entry.appointment, offer
    visit = VisitTypeFactory(code="matrix-visit")
    row = {
        "patient": world.patient_b,
        "clinician": ClinicianFactory(),
        "location": LocationFactory(),
        "visit_type": visit,
        "channel": "staff",
    }
    start = timezone.now() + timedelta(days=20)
    booked = Appointment.objects.create(
        status="booked",
        start=start,
        end=start + timedelta(minutes=30),
        reserved_until=start + timedelta(minutes=30),
        **row,
    )
    early = start - timedelta(days=10)
    hold = Appointment.objects.create(
        status="pending",
        hold_expires_at=timezone.now() + timedelta(hours=1),
        start=early,
        end=early + timedelta(minutes=30),
        reserved_until=early + timedelta(minutes=30),
        **row,
    )
    entry = WaitlistEntry.objects.create(
        patient=world.patient_b, appointment=booked, visit_type=visit
    )
    offer = SlotOffer.objects.create(
        entry=entry, hold=hold, expires_at=timezone.now() + timedelta(hours=1)
    )
    return booked, offer


def _b_referral(world):
    """A referral for patient B, with one (encrypted) document."""
    from django.utils import timezone

    from medcenter.core import vault
    from medcenter.scheduling.models import Referral, ReferralDocument

    document = ReferralDocument.objects.filter(referral__patient=world.patient_b).first()
    if document is not None:
        return document.referral, document
    b = world.patient_b
    referral = Referral.objects.create(
        source="physician",
        patient=b,
        given_name=b.given_name,
        family_name=b.family_name,
        date_of_birth=b.date_of_birth,
        email=b.email,
        diagnosis="Osteosarcoma",
        contact_due_at=timezone.now(),
    )
    document = ReferralDocument.objects.create(
        referral=referral,
        filename="records.txt",
        content_type="text/plain",
        size=5,
        sha256="0" * 64,
        vault_key=vault.store(content=b"notes"),
    )
    return referral, document


def _b_trials(world):
    """Patient B as a trial candidate, and a pre-screen contact request linked to B."""
    from medcenter.trials.models import Candidate, ContactRequest, Trial

    candidate = Candidate.objects.filter(patient=world.patient_b).first()
    if candidate is not None:
        return candidate, ContactRequest.objects.get(patient=world.patient_b)
    trial = Trial.objects.create(nct_id="NCT99000009", brief_title="Matrix trial")
    candidate = Candidate.objects.create(trial=trial, patient=world.patient_b, score=50.0)
    b = world.patient_b
    contact = ContactRequest.objects.create(
        trial=trial, patient=b, name=f"{b.given_name} {b.family_name}", email=b.email
    )
    return candidate, contact


def _b_international(world):
    """Patient B's international case (followed from B's account), with an estimate sent to
    them, a letter and a document."""
    from datetime import date

    from django.utils import timezone

    from medcenter.core import vault
    from medcenter.international.models import Case, CaseDocument, Estimate, Letter

    case = Case.objects.filter(patient=world.patient_b).first()
    if case is None:
        now = timezone.now()
        case = Case.objects.create(
            reference="IPC-MATRIXB",
            inquirer_role="patient",
            inquirer_name=world.patient_b.given_name,
            email=world.patient_b.email or "b@example.test",
            country="MX",
            language="es",
            patient_name=world.patient_b.family_name,
            patient_birth_date=date(1970, 1, 1),
            condition_text="sarcoma",
            service="consultation",
            payer="self",
            received_at=now,
            first_reply_due_at=now,
            due_at=now,
            patient=world.patient_b,
            account=world.patient_b.user,
        )
        Estimate.objects.create(case=case, number="IPC-MATRIXB-E1", status="sent")
        Letter.objects.create(
            case=case, kind="visa", number="IPC-MATRIXB-VIS", language="es", issued_at=now
        )
        CaseDocument.objects.create(
            case=case,
            kind="record",
            filename="records.txt",
            content_type="text/plain",
            size=5,
            sha256="0" * 64,
            vault_key=vault.store(content=b"notes"),
        )
    return {
        "case_id": case.public_id,
        "estimate_id": case.estimates.get().public_id,
        "letter_id": case.letters.get().public_id,
        "case_document_id": case.documents.get().public_id,
    }


def _b_results(world):
    """Patient B's released report (with a value) and document, made once per test."""
    from medcenter.results.models import Document, ResultReport
    from medcenter.results.tests.factories import document, report

    found = ResultReport.objects.filter(patient=world.patient_b).first()
    if found is None:
        found = report(world.patient_b)
        document(world.patient_b)
    doc = Document.objects.get(patient=world.patient_b)
    return {
        0: found,
        1: doc,
        "results.resultreport": found,
        "results.resultvalue": found.values.first(),
        "results.document": doc,
    }


def _b_questionnaires(world):
    """The check-in, and patient B's severe report with its alert, made once per test."""
    from medcenter.patients.access import resolve_access
    from medcenter.questionnaires import services
    from medcenter.questionnaires.models import Questionnaire, SymptomAlert
    from medcenter.questionnaires.tests.factories import answers

    checkin = Questionnaire.objects.get(kind="symptom_checkin", status="active")
    alert = SymptomAlert.objects.filter(patient=world.patient_b).first()
    if alert is None:
        response = services.save_response(
            access=resolve_access(world.user_b, world.patient_b),
            questionnaire=checkin,
            author=world.user_b,
            answers=answers(pain=3),
            submit=True,
        )
        alert = SymptomAlert.objects.get(response=response)
    return checkin, alert.response, alert


_B_BOARD_KWARGS = ("case_id", "attachment_id", "meeting_id", "plan_id", "task_id")


def _b_tumorboard(world, kwarg, model):
    """Patient B's tumor board case (with a report), care plan, goal and navigator task."""
    from medcenter.tumorboards.tests.factories import b_board_objects

    _b_oncology(world)  # the case presents B's diagnosis
    found = b_board_objects(world.patient_b)
    key = {
        "careplans.careplan": "plan_id",
        "careplans.goal": "goal",
        "careplans.navigatortask": "task_id",
    }
    return str(found[kwarg if kwarg in _B_BOARD_KWARGS else key[model]].public_id)


def _b_oncology(world):
    """Patient B's diagnosis and genotyping report, made once per test."""
    from medcenter.oncology.models import CancerDiagnosis, GenotypingReport

    diagnosis = CancerDiagnosis.objects.filter(patient=world.patient_b).first()
    if diagnosis is None:
        diagnosis = CancerDiagnosis.objects.create(
            patient=world.patient_b, kind="primary", description="Osteosarcoma"
        )
        GenotypingReport.objects.create(
            patient=world.patient_b,
            test_name="Panel",
            tumor_type="OS",
            reported_on="2026-01-05",
            source_format="table",
        )
    return diagnosis, GenotypingReport.objects.get(patient=world.patient_b)


def _identities(world):
    unverified = StaffUserFactory(roles=["clinician"])
    CareRelationshipFactory(staff=unverified, patient=world.patient_b)  # but no second factor
    clients = {"anonymous": Client()}
    for name, user, verify in [
        ("patient A (and parent proxy of A's child)", world.user_a, False),
        ("clinician with a relationship to A only", world.clinician_a, True),
        ("trial coordinator without a relationship", world.coordinator, True),
        ("clinician of B without a second factor", unverified, False),
    ]:
        client = Client()
        if verify:
            sign_in_verified(client, user)
        else:
            client.force_login(user)
        clients[name] = (client, user)
    clients["anonymous"] = (clients["anonymous"], None)
    return clients


def _b_markers(world):
    b = world.patient_b
    return [b.given_name, b.family_name, b.mrn, b.email]


def _snapshot(world):
    b = Patient.objects.get(pk=world.patient_b.pk)
    return (
        [getattr(b, f.attname) for f in Patient._meta.fields if f.attname != "updated_at"],
        list(
            ProxyGrant.objects.filter(patient=b).values_list("revoked_at", "scopes", "expires_at")
        ),
        list(BreakGlassGrant.objects.filter(patient=b).values_list("review", "expires_at")),
    )


SHARDS = 4


# The routes in SHARDS interleaved parts, one test each, so the workers share them; each part
# asks for every route of its part in every language, as every identity, by every method.
@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_patient_data_route_refuses_patient_b_to_everyone_else(world, shard):
    every_route = patient_data_routes()
    assert len(every_route) >= 10
    assert {
        "fhir:appointment_search",
        "fhir:appointment_read",
        "fhir:service_request_search",
        "fhir:service_request_read",
    } <= {name for name, _route in every_route}
    routes = every_route[shard::SHARDS]
    identities = _identities(world)
    markers = _b_markers(world)
    before = _snapshot(world)
    requests = 0
    leaks = []
    for name, route in routes:
        for language in LANGUAGES:
            with translation.override(language):
                url = _url_for_b(name, route, world)
            for who, (client, user) in identities.items():
                may_break_glass = user is not None and user == world.clinician_a
                for method in METHODS:
                    last_event = AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0
                    response = getattr(client, method)(url)
                    requests += 1
                    body = response.content.decode(errors="replace")
                    granted_form = name == "patients:break_glass" and may_break_glass
                    ok_status = (
                        response.status_code in (200, 400, 405)
                        if granted_form
                        # 401: FHIR answers an API client rather than redirecting to sign-in
                        else response.status_code in (302, 401, 403, 404, 405)
                    )
                    if response.status_code == 302:
                        ok_status = "/accounts/" in response["Location"]
                    if not ok_status or any(m in body for m in markers):
                        leaks.append(f"{method.upper()} {url} as {who}: {response.status_code}")
                    if response.status_code != 405 and not granted_form:
                        # R21: the refusal is itself an audit event
                        assert AuditEvent.objects.filter(pk__gt=last_event).exists(), (
                            f"{method} {url} as {who}"
                        )
    assert leaks == []
    assert requests == len(routes) * len(LANGUAGES) * len(identities) * len(METHODS)
    assert requests >= 500 // SHARDS
    assert _snapshot(world) == before


AUTHORIZED = {
    # route name -> who may open patient B's page
    "patients:staff_detail": "care team",
    "patients:staff_edit": "care team",
    "patients:staff_proxies": "care team",
    "patients:staff_access_history": "privacy officer",
    "portal:record_home": "patient B",
    "portal:details": "patient B",
    "portal:proxies": "patient B",
    "portal:access_history": "patient B",
    "portal:security": "patient B",
    "portal:appointments": "patient B",
    "portal:summary": "patient B",
    "portal:download": "patient B",
    "portal:download_mcode": "patient B",
    "portal:download_summary": "patient B",
    "oncology:summary": "care team",
    "oncology:diagnosis_new": "care team",
    "oncology:performance_new": "care team",
    "oncology:treatment_new": "care team",
    "oncology:treatment_history_confirm": "care team",
    "oncology:lab_new": "care team",
    "oncology:pregnancy_new": "care team",
    "oncology:genotyping_upload": "care team",
    "fhir:mcode_export": "care team",
    "scheduling:staff_book": "care team",
    "scheduling:multidisciplinary": "care team",
    "trials:patient_trials": "care team",
    "questionnaires:portal_due": "patient B",
    "messaging:portal_threads": "patient B",
    "messaging:portal_new_thread": "patient B",
    "messaging:portal_ask_trial": "patient B",
    "results:portal_list": "patient B",
    "results:portal_documents": "patient B",
    "results:release_preferences": "patient B",
    "results:notifications": "patient B",
    "results:staff_list": "care team",
    "tumorboards:submit": "care team",
    "careplans:portal_plan": "patient B",
    "careplans:portal_plan_pdf": "patient B",
}


def test_each_authorized_read_leaves_exactly_one_audit_event_naming_the_patient(world):
    care_team = StaffUserFactory(roles=["clinician", "nurse_navigator"])
    CareRelationshipFactory(staff=care_team, patient=world.patient_b)
    users = {
        "care team": care_team,
        "privacy officer": world.privacy_officer,
        "patient B": world.user_b,
    }
    readable = {name for name, route in patient_data_routes() if route.kwargs == ("public_id",)}
    missing = (
        readable - set(AUTHORIZED) - {"patients:break_glass", "patients:staff_activation_code"}
    )
    assert missing == set(), "add the new route to AUTHORIZED"
    for name, who in AUTHORIZED.items():
        client = Client()
        user = users[who]
        if user.is_staff:
            sign_in_verified(client, user)
        else:
            client.force_login(user)
        before = set(AuditEvent.objects.values_list("id", flat=True))

        response = client.get(reverse(name, kwargs={"public_id": world.patient_b.public_id}))

        new = AuditEvent.objects.exclude(id__in=before)
        assert response.status_code == 200, name
        assert new.count() == 1, name
        event = new.get()
        assert event.patient_public_id == str(world.patient_b.public_id)
        assert event.actor_public_id == str(user.public_id)
        assert event.outcome == "success"
