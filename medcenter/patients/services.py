"""Writes to patient data. Each is one transaction, permission-checked and audited."""

import random
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from medcenter.accounts.models import User
from medcenter.core import audit, outbox
from medcenter.patients import notices
from medcenter.patients.access import ADULT_AGE, Basis, PatientAccess, is_mfa_verified
from medcenter.patients.merging import merge_steps
from medcenter.patients.models import (
    ActivationCode,
    ActivationCodeChannel,
    BreakGlassGrant,
    BreakGlassReview,
    CareRelationship,
    Patient,
    ProvisionalRegistration,
    ProxyGrant,
    ProxyRelationship,
    ProxyScope,
    RegistrationStatus,
    RelationshipKind,
)

# Fields staff may set on a patient; anything else in the input is ignored (no mass assignment).
EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "gender_identity",
    "preferred_language",
    "interpreter_needed",
    "email",
    "phone",
    "contact_preference",
    "sms_consent",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
STAFF_CODE_LIFETIME = timedelta(days=30)
EMAIL_CODE_LIFETIME = timedelta(minutes=30)
MAX_CODE_ATTEMPTS = 5
MIN_BREAK_GLASS_REASON = 15


def generate_mrn(rng: random.Random | None = None) -> str:
    """Return a new 9-digit MRN: 8 random digits and a Luhn check digit against typos."""
    digits = [(rng or secrets.SystemRandom()).randrange(10) for _ in range(8)]
    digits[0] = digits[0] or 1
    total = 0
    for i, d in enumerate(reversed(digits)):
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def register_patient(
    *,
    data: dict[str, Any],
    registered_by: User,
    rng: random.Random | None = None,
) -> Patient:
    """Register a new patient; the registering staff member gets an assigned-case relationship."""
    if not (registered_by.is_staff and registered_by.has_perm("patients.add_patient")):
        raise PermissionDenied
    fields = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    for _attempt in range(5):
        try:
            with transaction.atomic():
                patient = Patient(mrn=generate_mrn(rng), **fields)
                patient.full_clean()
                patient.save()
                CareRelationship.objects.create(
                    staff=registered_by,
                    patient=patient,
                    kind=RelationshipKind.CASE,
                    note="registered the patient",
                )
                audit.record(
                    action="patient.registered",
                    actor=registered_by,
                    patient=patient,
                    target=patient,
                    purpose=RelationshipKind.CASE,
                )
                return patient
        except IntegrityError:
            continue  # an MRN collision: draw another
    raise ValidationError(_("Could not assign a record number. Please try again."))


@transaction.atomic
def update_patient(
    *,
    access: PatientAccess,
    changes: dict[str, Any],
    changed_by: User,
) -> Patient:
    """Change a patient's details; only the editable fields, only with change permission."""
    if not (access.is_staff_access and changed_by.has_perm("patients.change_patient")):
        raise PermissionDenied
    patient = Patient.objects.select_for_update().get(pk=access.patient.pk)
    changed = []
    for field, value in changes.items():
        if field in EDITABLE_FIELDS and getattr(patient, field) != value:
            setattr(patient, field, value)
            changed.append(field)
    if changed:
        patient.full_clean()
        patient.save()
    audit.record(
        action="patient.updated",
        actor=changed_by,
        patient=patient,
        target=patient,
        purpose=access.basis,
        reason=",".join(changed),
    )
    return patient


# What a patient (or their proxy) keeps current themselves, at e-check-in: never the legal
# name, birth date or sex, which registration checks against documents.
# Registration checks these against documents; everything else staff may edit is the patient's.
IDENTITY_FIELDS = frozenset({"given_name", "family_name", "date_of_birth", "sex"})
OWN_DETAIL_FIELDS = tuple(f for f in EDITABLE_FIELDS if f not in IDENTITY_FIELDS)
# A new email or phone number redirects notices and codes: only after a fresh re-authentication.
REAUTH_FIELDS = ("email", "phone")


@transaction.atomic
def update_own_details(
    *, access: PatientAccess, changes: dict[str, Any], changed_by: User, reauthenticated: bool
) -> list[str]:
    """Change the details a patient or their proxy keeps current; return the fields changed."""
    if access.basis not in (Basis.SELF, Basis.PROXY):
        raise PermissionDenied
    patient = Patient.objects.select_for_update().get(pk=access.patient.pk)
    changed = []
    for field, value in changes.items():
        if field in OWN_DETAIL_FIELDS and getattr(patient, field) != value:
            setattr(patient, field, value)
            changed.append(field)
    needs_reauth = [f for f in changed if f in REAUTH_FIELDS]
    if needs_reauth and not reauthenticated:
        message = _("To change your email or phone number, please confirm it is you first.")
        raise ValidationError({f: message for f in needs_reauth})
    if changed:
        patient.full_clean()
        patient.save()
        audit.record(
            action="patient.details_updated",
            actor=changed_by,
            patient=patient,
            target=patient,
            purpose=access.basis,
            reason=",".join(changed),
        )
    return changed


def _code_digest(code: str) -> str:
    normalized = "".join(ch for ch in code.upper() if ch.isalnum())
    return salted_hmac("medcenter.patients.activation-code", normalized).hexdigest()


@transaction.atomic
def issue_activation_code(*, access: PatientAccess, issued_by: User) -> str:
    """Issue a portal activation code for the patient; return it (shown once, never stored)."""
    if not (access.is_staff_access and issued_by.has_perm("patients.issue_activation_code")):
        raise PermissionDenied
    if access.patient.user_id is not None:
        raise ValidationError(_("This patient already has a portal account."))
    ActivationCode.objects.filter(
        patient=access.patient, channel=ActivationCodeChannel.STAFF, used_at__isnull=True
    ).update(expires_at=timezone.now())  # a new code replaces any earlier one
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    code = "-".join(raw[i : i + 4] for i in range(0, 12, 4))
    ActivationCode.objects.create(
        patient=access.patient,
        channel=ActivationCodeChannel.STAFF,
        code_digest=_code_digest(code),
        expires_at=timezone.now() + STAFF_CODE_LIFETIME,
        issued_by=issued_by,
    )
    audit.record(
        action="patient.activation_code_issued",
        actor=issued_by,
        patient=access.patient,
        purpose=access.basis,
    )
    return code


def _check_code(code: ActivationCode | None, *, date_of_birth: date, digest: str) -> str:
    """Return "" if the code opens the record, else the problem; count a wrong try.

    Called inside a transaction that commits even when the code is wrong, so the failure
    count sticks and a code cannot be guessed at.
    """
    if code is None or code.used_at is not None or code.expires_at <= timezone.now():
        return "invalid"
    if code.failed_attempts >= MAX_CODE_ATTEMPTS:
        return "locked"
    if code.code_digest != digest or code.patient.date_of_birth != date_of_birth:
        ActivationCode.objects.filter(pk=code.pk).update(failed_attempts=F("failed_attempts") + 1)
        return "invalid"
    if code.patient.user_id is not None:
        return "has_account"
    return ""


def _code_error(problem: str) -> ValidationError:
    messages = {
        "invalid": _(
            "That code and date of birth do not match. Check both, or ask for a new code."
        ),
        "locked": _("This code was tried too many times. Please ask for a new one."),
        "has_account": _("This record already has a portal account. Please sign in."),
    }
    return ValidationError(messages[problem])


def _create_portal_user(*, email: str, password: str, full_name: str, verified: bool) -> User:
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("An account with this email address already exists. Please sign in.")}
        )
    user = User(email=email, full_name=full_name)
    password_validation.validate_password(password, user)
    user.set_password(password)
    if verified:
        user.email_verified_at = timezone.now()
    user.save()
    return user


def _open_account(
    *,
    code: ActivationCode,
    email: str,
    password: str,
    verified: bool,
    action: str,
) -> User:
    patient = code.patient
    user = _create_portal_user(
        email=email, password=password, full_name=patient.display_name, verified=verified
    )
    Patient.objects.filter(pk=patient.pk).update(user=user)
    ActivationCode.objects.filter(pk=code.pk).update(used_at=timezone.now())
    audit.record(action=action, actor=user, patient=patient, purpose=Basis.SELF)
    return user


def activate_portal_account(*, code: str, date_of_birth: date, email: str, password: str) -> User:
    """Open a portal account with a staff-issued code and the patient's date of birth."""
    digest = _code_digest(code)
    with transaction.atomic():
        found = (
            ActivationCode.objects.select_for_update()
            .select_related("patient")
            .filter(code_digest=digest, channel=ActivationCodeChannel.STAFF)
            .first()
        )
        problem = _check_code(found, date_of_birth=date_of_birth, digest=digest)
    if problem or found is None:
        raise _code_error(problem or "invalid")
    with transaction.atomic():
        return _open_account(
            code=found,
            email=email,
            password=password,
            verified=False,
            action="account.activated",
        )


def request_signup_code(*, mrn: str, date_of_birth: date) -> None:
    """Email a sign-up code to the address on file if the MRN and birth date match.

    The caller always says the same thing, whether or not anything matched, so the form
    cannot be used to learn who is a patient here.
    """
    patient = Patient.objects.filter(
        mrn=_clean_mrn(mrn), date_of_birth=date_of_birth, user__isnull=True
    ).first()
    if patient is None or not patient.email:
        audit.record(action="account.signup_code_requested", outcome=audit.Outcome.DENIED)
        return
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        ActivationCode.objects.filter(
            patient=patient, channel=ActivationCodeChannel.EMAIL, used_at__isnull=True
        ).update(expires_at=timezone.now())
        activation = ActivationCode.objects.create(
            patient=patient,
            channel=ActivationCodeChannel.EMAIL,
            code_digest=_code_digest(f"{patient.pk}:{code}"),
            expires_at=timezone.now() + EMAIL_CODE_LIFETIME,
        )
        audit.record(action="account.signup_code_requested", patient=patient)
        # Written with the code, in this transaction: the email goes out if and only if the
        # code was stored. The plain code stays in the outbox only until it is sent.
        outbox.enqueue(
            kind=notices.SIGNUP_CODE,
            to=patient.email,
            language=patient.preferred_language,
            patient=patient,
            context={"code": code},
            dedupe_key=f"signup-code:{activation.public_id}",
        )


def complete_signup(*, mrn: str, date_of_birth: date, code: str, password: str) -> User:
    """Open a portal account with the emailed code; the email on file becomes the log-in."""
    with transaction.atomic():
        found = (
            ActivationCode.objects.select_for_update()
            .select_related("patient")
            .filter(
                patient__mrn=_clean_mrn(mrn),
                channel=ActivationCodeChannel.EMAIL,
                used_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .order_by("-created_at")
            .first()
        )
        digest = _code_digest(f"{found.patient_id}:{code.strip()}") if found else ""
        problem = _check_code(found, date_of_birth=date_of_birth, digest=digest)
    if problem or found is None:
        raise _code_error(problem or "invalid")
    with transaction.atomic():
        return _open_account(
            code=found,
            email=found.patient.email,
            password=password,
            verified=True,
            action="account.signed_up",
        )


def _clean_mrn(mrn: str) -> str:
    return "".join(ch for ch in mrn if ch.isdigit())


def break_the_glass(*, user: User, patient: Patient, reason: str) -> BreakGlassGrant:
    """Open a record without a known relationship for 60 minutes; queued for privacy review."""
    if not (user.is_staff and is_mfa_verified(user) and user.has_perm("patients.break_glass")):
        # Outside the grant's transaction, so the refused attempt stays in the log (R23).
        audit.record(
            action="patient.break_glass",
            outcome=audit.Outcome.DENIED,
            actor=user,
            patient=patient,
        )
        raise PermissionDenied
    reason = reason.strip()
    if len(reason) < MIN_BREAK_GLASS_REASON:
        raise ValidationError(
            _("Please give the clinical reason in at least %(count)d characters.")
            % {"count": MIN_BREAK_GLASS_REASON}
        )
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            user=user,
            patient=patient,
            reason=reason,
            expires_at=timezone.now() + BreakGlassGrant.DURATION,
        )
        audit.record(
            action="patient.break_glass",
            actor=user,
            patient=patient,
            target=grant,
            purpose=Basis.BREAK_GLASS,
            reason=reason,
        )
    return grant


@transaction.atomic
def review_break_glass(
    *,
    grant: BreakGlassGrant,
    reviewer: User,
    outcome: str,
    note: str,
) -> BreakGlassGrant:
    """Record the privacy officer's finding on one break-the-glass access."""
    if not (is_mfa_verified(reviewer) and reviewer.has_perm("patients.review_break_glass")):
        raise PermissionDenied
    if grant.user_id == reviewer.pk:
        raise ValidationError(_("You cannot review your own break-the-glass access."))
    if outcome not in (BreakGlassReview.APPROPRIATE, BreakGlassReview.INAPPROPRIATE):
        raise ValidationError(_("Choose whether the access was appropriate."))
    grant = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.review != BreakGlassReview.PENDING:
        raise ValidationError(_("This access has already been reviewed."))
    grant.review, grant.review_note = outcome, note.strip()
    grant.reviewed_by, grant.reviewed_at = reviewer, timezone.now()
    grant.save(update_fields=["review", "review_note", "reviewed_by", "reviewed_at", "updated_at"])
    audit.record(
        action="patient.break_glass_reviewed",
        actor=reviewer,
        patient=grant.patient,
        target=grant,
        purpose=Basis.PRIVACY_REVIEW,
        reason=outcome,
    )
    return grant


@transaction.atomic
def grant_proxy(
    *,
    access: PatientAccess,
    proxy_email: str,
    relationship: str,
    scopes: list[str],
    expires_on: date | None,
    consent_given: bool,
    granted_by: User,
) -> ProxyGrant:
    """Link a caregiver's own account to the patient with scopes and an end date.

    Staff with the manage-proxies permission may grant for any patient they can see; an adult
    patient may grant for themselves, which is their consent. An adult's proxy needs consent.
    """
    patient = access.patient
    by_patient = access.basis == Basis.SELF
    if not by_patient and not (
        access.is_staff_access and granted_by.has_perm("patients.manage_proxies")
    ):
        raise PermissionDenied
    today = timezone.localdate()
    adult = patient.age_on(today) >= ADULT_AGE
    if by_patient and not adult:
        raise PermissionDenied
    proxy = User.objects.filter(email__iexact=proxy_email.strip(), is_active=True).first()
    if proxy is None or proxy.is_staff:
        raise ValidationError(
            {
                "proxy_email": _(
                    "No caregiver account uses this email address. The caregiver "
                    "must open their own account first."
                )
            }
        )
    if proxy.pk == patient.user_id:
        raise ValidationError({"proxy_email": _("A patient cannot be their own proxy.")})
    scopes = sorted(set(scopes) & set(ProxyScope.values))
    if not scopes:
        raise ValidationError({"scopes": _("Choose at least one thing the proxy may see.")})
    if relationship not in ProxyRelationship.values:
        raise ValidationError({"relationship": _("Choose the relationship.")})
    if expires_on is None:
        if adult:
            raise ValidationError({"expires_on": _("Choose when this access ends.")})
        expires_on = patient.birthday(ADULT_AGE)  # a minor's proxy ends at 18
    if expires_on <= today:
        raise ValidationError({"expires_on": _("The end date must be in the future.")})
    if adult and not (by_patient or consent_given):
        raise ValidationError(
            {"consent_given": _("An adult patient's proxy needs the patient's consent.")}
        )
    expires_at = timezone.make_aware(datetime.combine(expires_on, time.min))
    grant = ProxyGrant.objects.create(
        proxy=proxy,
        patient=patient,
        relationship=relationship,
        scopes=scopes,
        expires_at=expires_at,
        granted_by=granted_by,
        consent_recorded_at=timezone.now() if adult else None,
    )
    audit.record(
        action="proxy.granted",
        actor=granted_by,
        patient=patient,
        target=grant,
        purpose=access.basis,
        reason=",".join(scopes),
    )
    return grant


@transaction.atomic
def revoke_proxy(*, access: PatientAccess, grant_id: Any, revoked_by: User) -> ProxyGrant:
    """End a proxy's access now; their next request is refused."""
    by_patient = access.basis == Basis.SELF
    if not by_patient and not (
        access.is_staff_access and revoked_by.has_perm("patients.manage_proxies")
    ):
        raise PermissionDenied
    grant = (
        ProxyGrant.objects.select_for_update()
        .filter(public_id=grant_id, patient=access.patient)
        .first()
    )
    if grant is None:
        raise ValidationError(_("That proxy access was not found."))
    if grant.revoked_at is None:
        grant.revoked_at, grant.revoked_by = timezone.now(), revoked_by
        grant.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    audit.record(
        action="proxy.revoked",
        actor=revoked_by,
        patient=access.patient,
        target=grant,
        purpose=access.basis,
    )
    return grant


# --- Provisional patients: booked online, reconciled by staff -----------------------------------

PROVISIONAL_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "preferred_language",
    "interpreter_needed",
    "email",
    "phone",
    "contact_preference",
    "sms_consent",
)
PLACEHOLDER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # letters only: never read as an MRN


def _placeholder_mrn() -> str:
    return "PV" + "".join(secrets.choice(PLACEHOLDER_ALPHABET) for _ in range(10))


@transaction.atomic
def register_provisional_patient(
    *, data: dict[str, Any], payment: dict[str, str], verified_channel: str
) -> Patient:
    """Create the provisional patient a new patient's online booking is made for.

    No lookup of existing records happens here, and the caller says the same thing whatever
    exists, so booking cannot reveal who is a patient; staff find duplicates in the queue.
    """
    fields = {k: v for k, v in data.items() if k in PROVISIONAL_FIELDS}
    patient = Patient(mrn=_placeholder_mrn(), provisional=True, **fields)
    patient.full_clean()
    patient.save()
    ProvisionalRegistration.objects.create(
        patient=patient,
        payment=payment.get("payment", ""),
        payer=payment.get("payer", "")[:120],
        member_id=payment.get("member_id", "")[:60],
        verified_channel=verified_channel,
    )
    audit.record(action="patient.provisional_registered", patient=patient, target=patient)
    return patient


def _check_reconciler(user: User) -> None:
    if not (
        user.is_staff and is_mfa_verified(user) and user.has_perm("patients.reconcile_patient")
    ):
        raise PermissionDenied


def _waiting(registration: ProvisionalRegistration) -> ProvisionalRegistration:
    locked = (
        ProvisionalRegistration.objects.select_for_update()
        .select_related("patient")
        .get(pk=registration.pk)
    )
    if locked.status != RegistrationStatus.WAITING:
        raise ValidationError(_("This registration was already reconciled."))
    return locked


def _reconciled(
    registration: ProvisionalRegistration, status: str, actor: User, **also: Any
) -> None:
    """Close a waiting registration: who reconciled it, when, and how."""
    for name, value in {"status": status, **also}.items():
        setattr(registration, name, value)
    registration.reconciled_at = timezone.now()
    registration.reconciled_by = actor
    registration.save(
        update_fields=["status", *also, "reconciled_at", "reconciled_by", "updated_at"]
    )


@transaction.atomic
def merge_provisional_patient(
    *, registration: ProvisionalRegistration, into: Patient, actor: User
) -> Patient:
    """Merge a provisional patient into an existing record: their appointments move over."""
    _check_reconciler(actor)
    locked = _waiting(registration)
    target = Patient.objects.select_for_update().get(pk=into.pk)
    if target.provisional:
        raise ValidationError(_("Choose an existing, confirmed record to merge into."))
    source = locked.patient
    moved = {key: step(source, target) for key, step in merge_steps()}
    _reconciled(locked, RegistrationStatus.MERGED, actor, merged_into=target)
    reason = "; ".join(f"{key}={n}" for key, n in moved.items())
    audit.record(
        action="patient.provisional_merged",
        actor=actor,
        patient=source,
        target=locked,
        reason=f"into {target.public_id}; {reason}",
    )
    audit.record(
        action="patient.merged_into", actor=actor, patient=target, target=locked, reason=reason
    )
    return target


@transaction.atomic
def confirm_provisional_patient(
    *, registration: ProvisionalRegistration, actor: User, rng: random.Random | None = None
) -> Patient:
    """Confirm a provisional patient as a new patient of the center: assign a real MRN."""
    _check_reconciler(actor)
    locked = _waiting(registration)
    patient = Patient.objects.select_for_update().get(pk=locked.patient_id)
    for _attempt in range(5):
        mrn = generate_mrn(rng)
        if not Patient.objects.filter(mrn=mrn).exists():
            break
    else:
        raise ValidationError(_("Could not assign a record number. Please try again."))
    patient.mrn = mrn
    patient.provisional = False
    patient.save(update_fields=["mrn", "provisional", "updated_at"])
    _reconciled(locked, RegistrationStatus.CONFIRMED, actor)
    CareRelationship.objects.create(
        staff=actor, patient=patient, kind=RelationshipKind.CASE, note="confirmed the patient"
    )
    audit.record(
        action="patient.provisional_confirmed", actor=actor, patient=patient, target=patient
    )
    return patient
