"""Second factor: TOTP apps, with one-time recovery codes (django-otp devices)."""

import secrets

import segno
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from medcenter.accounts.models import User
from medcenter.core import audit

RECOVERY_CODE_COUNT = 10


def needs_second_factor(user: User) -> bool:
    """Staff always; patients and caregivers once they have set one up."""
    return bool(user.is_staff or user_has_device(user, confirmed=True))


def pending_totp_device(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """An inline SVG QR code of the device's otpauth:// address (no image files, no CDN)."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=5, border=2))


def confirm_totp_device(*, request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm a new authenticator with its first code; return fresh recovery codes, or None."""
    if not device.verify_token(code.strip()):
        audit.record(
            action="auth.mfa_enrolment_failed",
            outcome=audit.Outcome.FAILURE,
            actor=device.user,
            request=request,
        )
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    audit.record(action="auth.mfa_enrolled", actor=device.user, request=request)
    return new_recovery_codes(user=device.user, request=request)


def new_recovery_codes(*, user: User, request: HttpRequest) -> list[str]:
    """Replace the account's recovery codes; return them (shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    audit.record(action="auth.recovery_codes_created", actor=user, request=request)
    return codes


def verify_second_factor(*, request: HttpRequest, user: User, code: str) -> bool:
    """Accept a current TOTP code (each only once) or an unused recovery code."""
    code = code.strip().replace(" ", "")
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(code):
            otp_login(request, device)
            audit.record(action="auth.mfa_verified", actor=user, request=request)
            return True
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_is_allowed()[0] and static.verify_token(code.lower()):
            otp_login(request, static)
            audit.record(
                action="auth.mfa_verified", actor=user, reason="recovery code", request=request
            )
            return True
    audit.record(
        action="auth.mfa_failed", outcome=audit.Outcome.FAILURE, actor=user, request=request
    )
    return False


def remove_second_factor(*, user: User, request: HttpRequest) -> None:
    """Patients may turn MFA off again; staff may not."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record(action="auth.mfa_removed", actor=user, request=request)
