"""The person's own page: details, posts held, notices by e-mail, password and 2FA links."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import access, services, twofactor
from accounts.forms import ProfileForm

FIELD_NAMES = {
    "full_name": "họ và tên",
    "email": "thư điện tử",
    "phone": "điện thoại",
    "notice_emails": "nhận thông báo qua thư",
}


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {name: getattr(user, name) for name in FIELD_NAMES}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.profile_update(user=user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if changed:
                names = ", ".join(FIELD_NAMES[name] for name in changed)
                messages.success(request, f"Đã lưu: {names}.")
            else:
                messages.info(request, "Không có gì thay đổi.")
            return redirect("accounts:profile")
    posts = user.officials.select_related("unit", "department").order_by(
        "-is_active", "unit__name", "role"
    )
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "posts": posts,
            "two_factor": twofactor.status(user),
            # Superusers reach every unit from the invitations page rather than a long list.
            "managed_units": [] if user.is_superuser else list(access.managed_units(user)[:20]),
            "manages_many": access.manages_people(user),
        },
    )
