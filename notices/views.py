"""The notices page: the user's latest notices, mark them read, e-mail on or off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from notices import services
from notices.models import Notice

SHOWN = 50


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    notices = list(Notice.objects.filter(user=request.user)[:SHOWN])
    return render(request, "notices/index.html", {"notices": notices})


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    marked = services.notices_mark_read(user=request.user)
    messages.success(request, f"Đã đánh dấu {marked} thông báo là đã đọc.")
    return redirect("notices:index")


@login_required
@require_POST
def emails(request: HttpRequest) -> HttpResponse:
    enabled = request.POST.get("notice_emails") == "on"
    services.notice_emails_set(user=request.user, enabled=enabled)
    if enabled and not request.user.email:
        messages.warning(
            request,
            "Đã bật thư thông báo, nhưng tài khoản chưa có địa chỉ thư điện tử: hãy nhờ quản "
            "trị hệ thống bổ sung.",
        )
    else:
        messages.success(request, "Đã bật thư thông báo." if enabled else "Đã tắt thư thông báo.")
    return redirect("notices:index")
