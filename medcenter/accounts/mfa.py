"""Second factor: TOTP apps, with one-time recovery codes (django-otp devices).

These functions check codes and keep devices; marking the session as verified
(`django_otp.login`) is the view's, since only the view has the session.
"""

import secrets
from functools import cache

import segno
from django_otp import device_classes
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from medcenter.accounts.models import User
from medcenter.core import audit

RECOVERY_CODE_COUNT = 10


@cache
def _device_models() -> tuple[type[Device], ...]:
    # django_otp finds the device models by walking every installed model on each call; the
    # second-factor check runs on every signed-in request, and the models never change.
    return tuple(device_classes())


def needs_second_factor(user: User) -> bool:
    """Staff always; patients and caregivers once they have set one up."""
    return bool(
        user.is_staff
        or any(
            model.objects.devices_for_user(user, confirmed=True).exists()
            for model in _device_models()
        )
    )


def pending_totp_device(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """An inline SVG QR code of the device's otpauth:// address (no image files, no CDN)."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=5, border=2))


def confirm_totp_device(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm a new authenticator with its first code; return fresh recovery codes, or None.

    The caller marks the session verified with the device (django_otp.login) on success."""
    if not device.verify_token(code.strip()):
        audit.record(
            action="auth.mfa_enrolment_failed",
            outcome=audit.Outcome.FAILURE,
            actor=device.user,
        )
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(action="auth.mfa_enrolled", actor=device.user)
    return new_recovery_codes(user=device.user)


def new_recovery_codes(*, user: User) -> list[str]:
    """Replace the account's recovery codes; return them (shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    audit.record(action="auth.recovery_codes_created", actor=user)
    return codes


def verify_second_factor(*, user: User, code: str) -> Device | None:
    """Accept a current TOTP code (each only once) or an unused recovery code; return the
    device that accepted it (the caller marks the session verified with it), or None."""
    code = code.strip().replace(" ", "")
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(code):
            audit.record(action="auth.mfa_verified", actor=user)
            return device
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_is_allowed()[0] and static.verify_token(code.lower()):
            audit.record(action="auth.mfa_verified", actor=user, reason="recovery code")
            return static
    audit.record(action="auth.mfa_failed", outcome=audit.Outcome.FAILURE, actor=user)
    return None


def remove_second_factor(*, user: User) -> None:
    """Patients may turn MFA off again; staff may not."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record(action="auth.mfa_removed", actor=user)
