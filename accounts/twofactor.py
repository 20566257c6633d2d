"""Two-factor sign-in: a TOTP authenticator app, with single-use recovery codes.

Required (when OTP_REQUIRED is on) for superusers and anyone who can open the admin site,
council members (appraisers, the council's secretary) and administrators of a unit that has
units below it; optional for everyone else. Whoever has set it up is asked for a code at
every sign-in, required or not. django-otp keeps the devices and throttles wrong codes (each
failure doubles the wait before the device accepts another).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import event_record
from accounts.models import EventKind
from scoring import access
from scoring.models import Role, Unit

COUNCIL_ROLES = (Role.APPRAISER, Role.SECRETARY)
RECOVERY_CODES = 10
TOTP_NAME = "Ứng dụng xác thực"
RECOVERY_NAME = "Mã dự phòng"
WRONG_CODE = (
    "Mã không đúng hoặc đã hết hạn. Nhập mã 6 chữ số đang hiện trong ứng dụng xác thực "
    "(hoặc một mã dự phòng chưa dùng)."
)


# What a signed-in, not yet verified session owes, kept in the session from its first page.
SESSION_NEED = "cchc_2fa_need"
NEED_CODE, NEED_SETUP, NEED_NOTHING = "code", "setup", ""


def need_of(user) -> str:
    if has_device(user):
        return NEED_CODE
    return NEED_SETUP if required_for(user) else NEED_NOTHING


def forget_need(request: HttpRequest) -> None:
    """After a change of devices the session's need is worked out again at the next page."""
    request.session.pop(SESSION_NEED, None)


def required_for(user) -> bool:
    """Whether the user must use two-factor sign-in (always False with OTP_REQUIRED off)."""
    if not settings.OTP_REQUIRED or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    posts = access.officials_of(user)
    if any(o.role in COUNCIL_ROLES for o in posts):
        return True
    administered = [o.unit_id for o in posts if o.role == Role.ADMINISTRATOR]
    return bool(administered) and Unit.objects.filter(parent_id__in=administered).exists()


def totp_device(user, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@dataclass(frozen=True)
class Status:
    enabled: bool
    required: bool
    recovery_left: int


def status(user) -> Status:
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    left = device.token_set.count() if device else 0
    return Status(enabled=has_device(user), required=required_for(user), recovery_left=left)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code (inline in the page, no image request)."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2
    )
    return image.to_string(encoding="unicode")


def secret_text(device: TOTPDevice) -> str:
    """The key in groups of four, for typing into an app when the camera cannot read it."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


# --- writes ------------------------------------------------------------------------------------


@transaction.atomic
def totp_start(*, user) -> TOTPDevice:
    """A new, unconfirmed authenticator for the user (an earlier unconfirmed one is replaced)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def _clean(token: str) -> str:
    return re.sub(r"[\s-]", "", token or "").lower()


@transaction.atomic
def totp_confirm(*, request: HttpRequest, token: str) -> list[str]:
    """Check the first code from the new authenticator; on success it replaces any earlier
    one, the session counts as verified, and fresh recovery codes are returned (shown once)."""
    user = request.user
    device = totp_device(user, confirmed=False)
    if device is None:
        raise ValidationError("Hãy bắt đầu lại: bấm “Thiết lập ứng dụng xác thực”.")
    if not device.verify_token(_clean(token)):
        raise ValidationError(WRONG_CODE)
    for old in TOTPDevice.objects.filter(user=user, confirmed=True):
        old.delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_make(user)
    otp_login(request, device)
    event_record(kind=EventKind.TWO_FACTOR_ENABLED, user=user, request=request)
    return codes


def _recovery_codes_make(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@transaction.atomic
def recovery_codes_renew(*, request: HttpRequest) -> list[str]:
    if not has_device(request.user):
        raise ValidationError("Chưa bật xác thực hai bước.")
    codes = _recovery_codes_make(request.user)
    event_record(kind=EventKind.RECOVERY_CODES_RENEWED, user=request.user, request=request)
    return codes


@transaction.atomic
def two_factor_disable(*, user, request: HttpRequest | None = None, by=None) -> None:
    """Remove the user's authenticator and recovery codes. The person may do it only where
    it is optional; an administrator (`by`) may do it for someone who lost their phone, who
    is then sent to set it up again at the next sign-in if it is required for them."""
    if by is None and required_for(user):
        raise ValidationError(
            "Tài khoản của bạn bắt buộc dùng xác thực hai bước; chỉ có thể thiết lập lại "
            "ứng dụng xác thực, không tắt được."
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    event_record(kind=EventKind.TWO_FACTOR_DISABLED, user=user, request=request, actor=by)


def _wait_message(devices) -> str:
    """Why no device will check a code now (django-otp's doubling wait after failures)."""
    waits = []
    for device in devices:
        allowed, why = device.verify_is_allowed()
        if allowed:
            return ""
        waits.append(why or {})
    until = max((w["locked_until"] for w in waits if w.get("locked_until")), default=None)
    if until is None:
        return WRONG_CODE
    failures = max(w.get("failure_count", 0) for w in waits)
    return (
        f"Đã nhập sai {failures} lần liên tiếp; hãy đợi đến "
        f"{timezone.localtime(until):%H:%M:%S} rồi nhập mã mới."
    )


def verify(*, request: HttpRequest, token: str) -> str:
    """The code asked for at sign-in: a current TOTP code, or one recovery code (used up).
    Returns "" when it passed, else what to tell the person. During the wait after a wrong
    code nothing is checked (nor counted), and the page says until when."""
    user = request.user
    token = _clean(token)
    model = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    devices = list(model.objects.filter(user=user, confirmed=True))
    wait = _wait_message(devices) if devices else ""
    if wait:
        return wait
    for device in devices:
        matched = verify_token(user, device.persistent_id, token)
        if matched is not None:
            otp_login(request, matched)
            detail = "mã dự phòng" if model is StaticDevice else ""
            event_record(
                kind=EventKind.TWO_FACTOR_PASSED, user=user, request=request, detail=detail
            )
            return ""
    event_record(kind=EventKind.TWO_FACTOR_FAILED, user=user, request=request)
    return WRONG_CODE
