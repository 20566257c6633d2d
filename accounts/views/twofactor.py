"""Two-factor sign-in pages: setting it up (QR code, first code, recovery codes), the code
asked for after the password, renewing recovery codes, turning it off where optional."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from accounts import twofactor


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _setup_page(request: HttpRequest, device, error: str = "", status: int = 200):
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "device": device,
            "qr": twofactor.qr_svg(device),
            "secret": twofactor.secret_text(device),
            "error": error,
            "next": _next(request),
        },
        status=status,
    )


def _codes_page(request: HttpRequest, codes: list[str]) -> HttpResponse:
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """The person's two-factor page; whoever must set it up is sent here until they have."""
    user = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "start":
        return _setup_page(request, twofactor.totp_start(user=user))
    if action == "confirm":
        try:
            codes = twofactor.totp_confirm(request=request, token=request.POST.get("token", ""))
        except ValidationError as exc:
            device = twofactor.totp_device(user, confirmed=False)
            if device is None:
                messages.error(request, exc.messages[0])
                return redirect("accounts:two_factor")
            return _setup_page(request, device, exc.messages[0], status=400)
        twofactor.forget_need(request)
        messages.success(request, "Đã bật xác thực hai bước.")
        return _codes_page(request, codes)
    if action == "codes":
        try:
            codes = twofactor.recovery_codes_renew(request=request)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("accounts:two_factor")
        messages.success(request, "Đã tạo bộ mã dự phòng mới; các mã cũ không còn dùng được.")
        return _codes_page(request, codes)
    if action == "disable":
        if not user.check_password(request.POST.get("password", "")):
            messages.error(request, "Mật khẩu không đúng; xác thực hai bước vẫn bật.")
            return redirect("accounts:two_factor")
        try:
            twofactor.two_factor_disable(user=user, request=request)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("accounts:two_factor")
        twofactor.forget_need(request)
        messages.success(request, "Đã tắt xác thực hai bước.")
        return redirect("accounts:two_factor")
    status = twofactor.status(user)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "status": status,
            "must_set_up": status.required and not status.enabled,
            "next": _next(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the authenticator app, or one recovery code."""
    if request.user.is_verified() or not twofactor.has_device(request.user):
        return redirect(_next(request) or "home")
    error = ""
    if request.method == "POST":
        error = twofactor.verify(request=request, token=request.POST.get("token", ""))
        if not error:
            twofactor.forget_need(request)
            return redirect(_next(request) or "home")
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"error": error, "next": _next(request)},
        status=400 if error else 200,
    )
