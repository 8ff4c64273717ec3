"""The pages as a stranger, a patient and staff use them: bad input keeps what was typed,
refusals speak the visitor's language, and nobody reaches a case that is not theirs."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory, sign_in_verified
from medcenter.core.models import Notification
from medcenter.international import services
from medcenter.international.models import Case, CaseDocument
from medcenter.international.tests.factories import dicom_bytes, dicom_zip, inquiry_data, new_case

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(f"international:{name}", kwargs=kwargs)


def _form(**overrides):
    data = {k: str(v) if v is not None else "" for k, v in inquiry_data().items()}
    data.update(overrides)
    return data


@pytest.mark.parametrize("language", ["en", "es", "ar"])
def test_the_public_pages_answer_in_each_language(client, language):
    for name in ("home", "inquiry"):
        response = client.get(_url(name, language))
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()


def test_an_inquiry_with_a_problem_comes_back_filled_in_with_its_file_kept(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = _form(patient_birth_date="2999-01-01", message="Tiene dolor en la rodilla")
    data["documents"] = SimpleUploadedFile("informe.pdf", PDF, content_type="application/pdf")
    response = client.post(_url("inquiry", "es"), data)

    assert response.status_code == 400
    body = response.content.decode()
    assert "Tiene dolor en la rodilla" in body
    assert "Lucía Ferrán" in body
    assert "informe.pdf" in body  # held for the next try
    assert not Case.objects.exists()

    kept = response.context["form"]["documents_kept"].value()
    data = _form(patient_birth_date="1968-04-02")
    data["documents_kept"] = kept
    response = client.post(_url("inquiry", "es"), data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert list(case.documents.values_list("filename", flat=True)) == ["informe.pdf"]


def test_a_sent_inquiry_takes_a_dicom_zip_and_refuses_a_bomb_in_the_visitors_language(client):
    response = client.post(_url("inquiry", "es"), _form())
    assert response.status_code == 302
    case = Case.objects.get()
    sent = response["Location"]
    assert Notification.objects.filter(kind="international.inquiry_received").count() == 1

    from django.core.files.uploadedfile import SimpleUploadedFile

    bomb = dicom_zip({"IM1": dicom_bytes(30 * 1024 * 1024)})
    response = client.post(sent, {"study": SimpleUploadedFile("estudio.zip", bomb)})
    assert response.status_code == 400
    with translation.override("es"):
        from medcenter.international.dicom import MESSAGES

        assert str(MESSAGES["bomb"]) % {"name": "estudio.zip"} in response.content.decode()
    assert not CaseDocument.objects.filter(case=case).exists()

    good = dicom_zip({"SE1/IM1": dicom_bytes(), "SE1/IM2": dicom_bytes()})
    response = client.post(sent, {"study": SimpleUploadedFile("estudio.zip", good)})
    assert response.status_code == 302
    study = CaseDocument.objects.get(case=case)
    assert (study.kind, study.dicom_files, study.size) == ("dicom", 2, len(good))

    assert Client().get(sent).status_code == 404  # another browser: not theirs


def test_the_follow_link_signs_in_then_opens_the_case_page(client):
    case = new_case()
    user = UserFactory()
    link = _url("follow", "es", token=services.follow_token(case))
    response = client.get(link)
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    client.force_login(user)
    response = client.get(link)
    assert response["Location"] == _url("my_case", "es", case_id=case.public_id)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert case.reference in page.content.decode()

    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(_url("my_case", case_id=case.public_id)).status_code == 404
    assert stranger.get(_url("follow", token="nonsense")).status_code == 400


def test_a_document_downloads_as_an_attachment_only_for_its_follower(client):
    user = UserFactory()
    case = services.submit_inquiry(data=inquiry_data(), account=user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(user)
    response = client.post(
        _url("my_case", case_id=case.public_id),
        {"form": "study", "study": SimpleUploadedFile("ct.dcm", dicom_bytes(5000))},
    )
    assert response.status_code == 302
    document = case.documents.get()
    url = _url("my_case_document", case_id=case.public_id, case_document_id=document.public_id)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == dicom_bytes(5000)


def _staff(client, roles):
    user = StaffUserFactory(roles=roles)
    sign_in_verified(client, user)
    return user


@pytest.mark.parametrize(
    ("roles", "status"),
    [(["international_coordinator"], 200), (["clinician"], 200), (["scheduler"], 403)],
)
def test_the_queue_is_for_international_staff(client, roles, status):
    new_case()
    _staff(client, roles)
    assert client.get(_url("queue")).status_code == status
    assert client.get(_url("prices")).status_code == (
        200 if roles[0] != "clinician" and status == 200 else 403
    )


@pytest.mark.parametrize(
    "query",
    ["sort=patient_name", "status=bogus", "nosuch=1", "after=%%%", "country=M1", "coordinator=x"],
)
def test_the_queue_refuses_unknown_filters_and_sorts(client, query):
    _staff(client, ["international_coordinator"])
    response = client.get(_url("queue") + "?" + query)
    assert response.status_code == 400


def test_the_queue_pages_by_keyset_with_a_constant_number_of_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _staff(client, ["international_coordinator"])
    for _ in range(5):
        new_case()
    from medcenter.international import selectors

    user = StaffUserFactory(roles=["international_coordinator"])
    user.is_verified = lambda: True
    first = selectors.queue(user, selectors.QueueParams(), page_size=2)
    second = selectors.queue(user, selectors.QueueParams(after=first.next_cursor), page_size=2)
    third = selectors.queue(user, selectors.QueueParams(after=second.next_cursor), page_size=2)
    seen = [c.pk for page in (first, second, third) for c in page.cases]
    assert len(seen) == len(set(seen)) == 5
    assert third.next_cursor == ""
    client.get(_url("queue"))  # the session's first page writes what later pages reuse
    with CaptureQueriesContext(connection) as few:
        client.get(_url("queue"))
    for _ in range(10):
        case = new_case()
        services.add_task(
            case=case, kind="records", title="Ask", due_at=timezone.now(), owner=user, actor=user
        )
    with CaptureQueriesContext(connection) as many:
        client.get(_url("queue"))
    assert len(many) == len(few), [q["sql"][:80] for q in many.captured_queries]


def test_the_queue_counts_each_cases_open_tasks():
    from medcenter.international import selectors

    user = StaffUserFactory(roles=["international_coordinator"])
    user.is_verified = lambda: True
    busy, quiet = new_case(), new_case()
    for title in ("Ask for the MRI", "Ask for the slides"):
        services.add_task(
            case=busy, kind="records", title=title, due_at=timezone.now(), owner=user, actor=user
        )
    for task in quiet.tasks.all():
        task.done_at = timezone.now()
        task.save()

    page = selectors.queue(user, selectors.QueueParams())

    counts = {c.pk: c.open_tasks for c in page.cases}
    assert counts == {busy.pk: busy.tasks.open().count(), quiet.pk: 0}
    assert counts[busy.pk] >= 2


def test_a_staff_action_with_a_missing_reason_says_so_and_changes_nothing(client):
    _staff(client, ["international_coordinator"])
    case = new_case()
    response = client.post(
        _url("case_action", "es", case_id=case.public_id, action="status"),
        {"status-status": "declined", "status-reason": ""},
    )
    assert response.status_code == 400
    with translation.override("es"):
        from django.utils.translation import gettext as _

        assert _("Please give the reason for declining.") in response.content.decode()
    case.refresh_from_db()
    assert case.status == "new"
    assert (
        client.post(_url("case_action", case_id=case.public_id, action="nope")).status_code == 404
    )


def test_the_coordinator_records_a_deposit_in_dollars(client):
    _staff(client, ["international_coordinator"])
    case = new_case()
    url = _url("case_action", case_id=case.public_id, action="deposit")
    bad = client.post(url, {"deposit-amount": "abc", "deposit-received_on": "2026-12-01"})
    assert bad.status_code == 400
    assert 'value="abc"' in bad.content.decode()
    good = client.post(
        url,
        {"deposit-amount": "1,250.50", "deposit-received_on": timezone.localdate().isoformat()},
    )
    assert good.status_code == 302
    case.refresh_from_db()
    assert case.covered_cents == 125_050


def test_extra_fields_cannot_set_status_money_or_coordinator(client):
    """R4: what an inquirer sends cannot name the status, amounts or who coordinates."""
    coordinator = StaffUserFactory(roles=["international_coordinator"])
    data = _form(
        status="cleared",
        coordinator=str(coordinator.public_id),
        covered_cents="99999999",
        accepted_estimate_cents="1",
        clearance_override_reason="free",
        reference="IPC-CHOSEN",
    )
    assert client.post(_url("inquiry"), data).status_code == 302
    case = Case.objects.get()
    assert (case.status, case.coordinator, case.covered_cents) == ("new", None, 0)
    assert (case.clearance_override_reason, case.reference) == ("", case.reference)
    assert case.reference != "IPC-CHOSEN"


PAYLOADS = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "javascript:alert(1)"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_free_text_is_escaped_on_every_page_that_shows_it(client, payload):
    """R16: names, the condition and the message as an attacker would write them."""
    user = UserFactory()
    case = services.submit_inquiry(
        data=inquiry_data(
            inquirer_name=payload, patient_name=payload, condition_text=payload, message=payload
        ),
        account=user,
    )
    client.force_login(user)
    own = client.get(_url("my_case", case_id=case.public_id)).content.decode()
    staff = Client()
    _staff(staff, ["international_coordinator"])
    page = staff.get(_url("case", case_id=case.public_id)).content.decode()
    queue = staff.get(_url("queue")).content.decode()
    for body in (own, page, queue):
        assert "<script>alert" not in body
        assert "<img src=x" not in body


def test_a_specialist_opens_only_the_cases_given_to_them(client):
    """R1: unlinked inquiries are for international coordinators; a specialist sees a case
    once a coordinator asks them to review it."""
    from medcenter.international.tests.factories import coordinator

    doctor = StaffUserFactory(roles=["clinician"])
    sign_in_verified(client, doctor)
    mine, other = new_case(), new_case()
    services.assign_reviewer(case=mine, reviewer=doctor, actor=coordinator())
    assert client.get(_url("case", case_id=other.public_id)).status_code == 403
    assert client.get(_url("case", case_id=mine.public_id)).status_code == 200
    queue = client.get(_url("queue")).content.decode()
    assert mine.reference in queue and other.reference not in queue
