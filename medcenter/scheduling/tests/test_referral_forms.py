"""The referral form loses nothing, takes a target and insurance, and says where it went."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from fpdf import FPDF

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.core import pending_uploads, vault
from medcenter.core.models import PendingUpload
from medcenter.core.uploads import check_upload
from medcenter.directory.models import Condition, Program
from medcenter.scheduling import referrals
from medcenter.scheduling.models import Payment, Referral, ReferralDocument
from medcenter.scheduling.tests.factories import ClinicianFactory

pytestmark = pytest.mark.django_db

VALID_NPI, WRONG_NPI = "1234567893", "1234567890"


@pytest.fixture(autouse=True)
def document_root(settings, tmp_path):
    settings.DOCUMENT_ROOT = tmp_path / "documents"


@pytest.fixture
def sarcoma():
    program = Program.objects.create(slug="sarcoma", name="Sarcoma Program", order=1)
    clinician = ClinicianFactory(given_name="Ines", family_name="Okafor-Lind")
    clinician.programs.add(program)
    return program, clinician


def _pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Pathology report (synthetic)")
    return bytes(pdf.output())


def _referral(**extra):
    return {
        "given_name": "Rowan",
        "family_name": "Testerly",
        "date_of_birth": "1970-05-02",
        "email": "rowan@example.test",
        "language": "en",
        "diagnosis": "Chondrosarcoma on MRI",
        "urgency": "routine",
        "idempotency_key": "referral-form-key-1",
        "referrer_name": "Dr Lena Marsh",
        "referrer_npi": VALID_NPI,
        "referrer_practice": "Hillcrest Family Practice",
        "referrer_email": "marsh@example.test",
        "referrer_phone": "+1 555 010 0300",
        **extra,
    }


def _kept_token(html: str) -> str:
    match = re.search(r'name="documents_kept" value="([^"]+)"', html)
    assert match, "the re-rendered form carries no token for its files"
    return match.group(1)


def _service_data(**extra):
    return {
        "given_name": "Rowan",
        "family_name": "Testerly",
        "date_of_birth": datetime.date(1970, 5, 2),
        "email": "rowan@example.test",
        "diagnosis": "Chondrosarcoma",
        **extra,
    }


# --- services ------------------------------------------------------------------------------------


def test_routing_follows_the_requested_program_then_the_clinician_then_the_condition(sarcoma):
    program, clinician = sarcoma
    bone = Program.objects.create(slug="bone", name="Bone Program", order=2)
    condition = Condition.objects.create(slug="osteosarcoma", name="Osteosarcoma")
    condition.programs.add(bone)

    assert referrals.route(condition, program=bone, clinician=clinician) == bone
    assert referrals.route(condition, clinician=clinician) == program
    assert referrals.route(condition, clinician=ClinicianFactory()) == bone
    assert referrals.route(None) is None


def test_a_referral_to_a_clinician_is_routed_to_their_program_and_keeps_the_insurance(sarcoma):
    program, clinician = sarcoma

    referral = referrals.submit_referral(
        data=_service_data(
            requested_clinician=clinician,
            payment=Payment.INSURANCE,
            insurance_payer=" Northwind Health Plan ",
            insurance_member_id="NW-0042-77",
        ),
        source="patient",
    )

    assert referral.program == program
    assert referral.requested_clinician == clinician and referral.requested_program is None
    assert (referral.insurance_payer, referral.insurance_member_id) == (
        "Northwind Health Plan",
        "NW-0042-77",
    )


def test_a_clinician_outside_the_requested_program_is_refused(sarcoma):
    program, _clinician = sarcoma

    with pytest.raises(ValidationError) as refused:
        referrals.submit_referral(
            data=_service_data(requested_program=program, requested_clinician=ClinicianFactory()),
            source="patient",
        )

    assert "requested_clinician" in refused.value.message_dict
    assert not Referral.objects.exists()


def test_an_inactive_clinician_or_unpublished_program_is_refused():
    hidden = Program.objects.create(slug="hidden", name="Hidden", is_published=False)

    with pytest.raises(ValidationError) as refused:
        referrals.submit_referral(
            data=_service_data(
                requested_program=hidden, requested_clinician=ClinicianFactory(is_active=False)
            ),
            source="patient",
        )

    assert set(refused.value.message_dict) == {"requested_program", "requested_clinician"}


def test_insurance_needs_a_payer_and_a_member_id():
    with pytest.raises(ValidationError) as refused:
        referrals.submit_referral(data=_service_data(payment=Payment.INSURANCE), source="patient")

    assert set(refused.value.message_dict) == {"insurance_payer", "insurance_member_id"}


def test_self_pay_keeps_no_insurance_details_and_a_payer_alone_means_insurance():
    self_pay = referrals.submit_referral(
        data=_service_data(
            payment=Payment.SELF_PAY, insurance_payer="Typed by mistake", insurance_member_id="1"
        ),
        source="patient",
    )
    with pytest.raises(ValidationError) as refused:
        referrals.submit_referral(
            data=_service_data(insurance_payer="Northwind Health Plan"), source="patient"
        )

    assert (self_pay.payment, self_pay.insurance_payer, self_pay.insurance_member_id) == (
        Payment.SELF_PAY,
        "",
        "",
    )
    assert set(refused.value.message_dict) == {"insurance_member_id"}


def test_submitting_turns_kept_uploads_into_documents_and_releases_them(
    django_capture_on_commit_callbacks,
):
    upload = check_upload(name="report.pdf", content=_pdf())
    kept = pending_uploads.hold_uploads(uploads=[upload], owner="s", purpose="scheduling.referral")

    with django_capture_on_commit_callbacks(execute=True):
        referral = referrals.submit_referral(
            data=_service_data(), source="patient", documents=[upload], kept=kept
        )

    document = referral.documents.get()
    assert vault.fetch(key=document.vault_key) == upload.content
    assert not PendingUpload.objects.exists()
    assert {key for key, _path in vault.stored_documents()} == {document.vault_key}


# --- pages ---------------------------------------------------------------------------------------


def test_the_referral_journey_with_a_wrong_npi_and_a_pdf_keeps_the_pdf(
    client, django_capture_on_commit_callbacks
):
    pdf = _pdf()
    upload = SimpleUploadedFile("pathology report.pdf", pdf, content_type="application/pdf")

    refused = client.post(
        "/en/appointments/refer/", {**_referral(referrer_npi=WRONG_NPI), "documents": [upload]}
    )

    html = refused.content.decode()
    assert refused.status_code == 400
    assert "not a valid 10-digit NPI" in html
    assert "Attached: <bdi>pathology report.pdf</bdi>" in html
    assert 'name="documents_remove"' in html
    assert not Referral.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            "/en/appointments/refer/", {**_referral(), "documents_kept": _kept_token(html)}
        )

    assert sent.status_code == 200
    document = ReferralDocument.objects.get()
    assert document.filename == "pathology report.pdf"
    assert vault.fetch(key=document.vault_key) == pdf
    assert not PendingUpload.objects.exists()
    page = sent.content.decode()
    assert "pathology report.pdf" in page and "Files we received" in page


def test_a_token_replayed_from_another_browser_attaches_nothing(client):
    upload = SimpleUploadedFile("pathology report.pdf", _pdf(), content_type="application/pdf")
    refused = client.post(
        "/en/appointments/refer/", {**_referral(referrer_npi=WRONG_NPI), "documents": [upload]}
    )
    token = _kept_token(refused.content.decode())

    stranger = Client().post("/en/appointments/refer/", {**_referral(), "documents_kept": token})

    assert stranger.status_code == 400
    assert "could not be kept" in stranger.content.decode()
    assert "pathology report.pdf" not in stranger.content.decode()
    assert not Referral.objects.exists()


def test_a_removed_file_is_not_sent(client, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("wrong file.pdf", _pdf(), content_type="application/pdf")
    refused = client.post(
        "/en/appointments/refer/", {**_referral(referrer_npi=WRONG_NPI), "documents": [upload]}
    )
    kept = PendingUpload.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            "/en/appointments/refer/",
            {
                **_referral(),
                "documents_kept": _kept_token(refused.content.decode()),
                "documents_remove": str(kept.public_id),
            },
        )

    assert sent.status_code == 200
    assert not ReferralDocument.objects.exists()
    assert not PendingUpload.objects.exists()
    assert "No files were attached" in sent.content.decode()


def test_kept_and_new_files_together_are_capped_at_ten(client):
    first = [
        SimpleUploadedFile(f"r{i}.pdf", _pdf(), content_type="application/pdf") for i in range(6)
    ]
    refused = client.post(
        "/en/appointments/refer/", {**_referral(referrer_npi=WRONG_NPI), "documents": first}
    )
    more = [
        SimpleUploadedFile(f"s{i}.pdf", _pdf(), content_type="application/pdf") for i in range(5)
    ]

    again = client.post(
        "/en/appointments/refer/",
        {**_referral(), "documents_kept": _kept_token(refused.content.decode()), "documents": more},
    )

    assert again.status_code == 400
    assert "at most 10 files" in again.content.decode()
    assert not Referral.objects.exists()


def test_a_referral_with_a_target_and_insurance_is_routed_shown_and_confirmed(
    client, sarcoma, django_capture_on_commit_callbacks
):
    program, clinician = sarcoma
    upload = SimpleUploadedFile("mri.pdf", _pdf(), content_type="application/pdf")

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            "/en/appointments/refer/",
            {
                **_referral(),
                "requested_program": str(program.pk),
                "requested_clinician": str(clinician.pk),
                "payment": "insurance",
                "insurance_payer": "Northwind Health Plan",
                "insurance_member_id": "NW-0042-77",
                "documents": [upload],
            },
        )

    page = sent.content.decode()
    assert sent.status_code == 200
    assert "To the triage team of Sarcoma Program." in page
    assert "Ines Okafor-Lind" in page
    assert "mri.pdf" in page and "What happens next" in page
    referral = Referral.objects.get()
    assert referral.program == program and referral.requested_clinician == clinician
    staff = Client()
    sign_in_verified(staff, StaffUserFactory(roles=["scheduler"]))
    detail = staff.get(f"/en/staff/referrals/{referral.public_id}/").content.decode()
    assert "Northwind Health Plan" in detail and "NW-0042-77" in detail
    assert "Sarcoma Program · Ines Okafor-Lind" in detail


def test_a_target_that_does_not_fit_is_explained_and_the_file_kept(client, sarcoma):
    program, _clinician = sarcoma
    other = ClinicianFactory(given_name="Theo", family_name="Vance")
    upload = SimpleUploadedFile("mri.pdf", _pdf(), content_type="application/pdf")

    refused = client.post(
        "/en/appointments/refer/",
        {
            **_referral(),
            "requested_program": str(program.pk),
            "requested_clinician": str(other.pk),
            "payment": "insurance",
            "documents": [upload],
        },
    )

    html = refused.content.decode()
    assert refused.status_code == 400
    assert "is not part of the Sarcoma Program team" in html
    assert "Give the member ID from the insurance card." in html
    assert "Attached: <bdi>mri.pdf</bdi>" in html
    assert not Referral.objects.exists()


def test_an_unknown_clinician_choice_is_refused(client):
    response = client.post(
        "/en/appointments/refer/", {**_referral(), "requested_clinician": "9999"}
    )

    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_request_an_appointment_for_a_clinician_starts_with_them_chosen(client, sarcoma):
    _program, clinician = sarcoma

    page = client.get(f"/en/appointments/request/?clinician={clinician.slug}").content.decode()

    assert f'<option value="{clinician.pk}" selected>' in page
