"""A unit's people (its coordinator's page) and the invitations of everyone without a
password yet (administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access, services
from accounts.forms import PersonForm, PostEndForm
from accounts.models import InvitationBatch
from accounts.views import site_url
from scoring import access as scoring_access
from scoring.models import Role

# What a unit's coordinator or chairperson may give (and end); administrators give any role.
UNIT_ROLES = (Role.STAFF, Role.COORDINATOR)
OUTCOME_MESSAGES = {
    services.SENT: "Đã gửi lời mời tới {email}.",
    services.FAILED: "Không gửi được lời mời tới {email}: máy chủ thư từ chối; hãy thử lại sau.",
    services.NO_EMAIL: "Chưa gửi lời mời: tài khoản chưa có địa chỉ thư điện tử.",
}


def _roles_for(user, unit) -> list[tuple[str, str]]:
    administered = scoring_access.own_unit_ids(user, (Role.ADMINISTRATOR,))
    above = {unit.pk, *(u.pk for u in unit.ancestors())}
    if user.is_superuser or administered & above:
        return list(Role.choices)
    return [(r.value, r.label) for r in UNIT_ROLES]


def _say_outcome(request: HttpRequest, outcome: str, user) -> None:
    level = messages.success if outcome == services.SENT else messages.warning
    level(request, OUTCOME_MESSAGES[outcome].format(email=user.email))


@login_required
@require_http_methods(["GET", "POST"])
def unit_people(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = access.get_unit_for_manager(request.user, unit_pk)
    roles = _roles_for(request.user, unit)
    form = PersonForm(request.POST or None, unit=unit, roles=roles)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        invite = data.pop("invite")
        try:
            official = services.person_add(unit=unit, by=request.user, **data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request, f"Đã tạo tài khoản “{official.user.username}” cho {official.user}."
            )
            if invite:
                outcome = services.invitation_send(
                    user=official.user, base_url=site_url(request), inviter=request.user
                )
                _say_outcome(request, outcome, official.user)
            return redirect("accounts:unit_people", unit_pk=unit.pk)
    officials = list(
        unit.officials.select_related("user", "department").order_by(
            "-is_active", "user__full_name", "role"
        )
    )
    return render(
        request,
        "accounts/unit_people.html",
        {
            "unit": unit,
            "form": form,
            "current": [o for o in officials if o.is_current],
            "ended": [o for o in officials if not o.is_current],
            "end_form": PostEndForm(),
            "endable": {value for value, _ in roles},
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def person_invite(request: HttpRequest, unit_pk: int, pk: int) -> HttpResponse:
    unit = access.get_unit_for_manager(request.user, unit_pk)
    official = access.get_official_for_manager(request.user, unit, pk)
    if official.user.has_usable_password():
        raise PermissionDenied(
            f"{official.user} đã đặt mật khẩu; nếu quên, người đó dùng “Quên mật khẩu?”."
        )
    outcome = services.invitation_send(
        user=official.user, base_url=site_url(request), inviter=request.user
    )
    _say_outcome(request, outcome, official.user)
    return redirect("accounts:unit_people", unit_pk=unit.pk)


@login_required
@require_POST
def post_end(request: HttpRequest, unit_pk: int, pk: int) -> HttpResponse:
    unit = access.get_unit_for_manager(request.user, unit_pk)
    official = access.get_official_for_manager(request.user, unit, pk)
    if official.user_id == request.user.pk and not request.user.is_superuser:
        raise PermissionDenied("Không tự kết thúc chức vụ của mình; hãy nhờ lãnh đạo đơn vị.")
    if official.role not in {value for value, _ in _roles_for(request.user, unit)}:
        raise PermissionDenied(
            f"Chỉ quản trị hệ thống mới kết thúc được chức vụ “{official.get_role_display()}”."
        )
    form = PostEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["ended_on"]))
        return redirect("accounts:unit_people", unit_pk=unit.pk)
    try:
        services.official_end(
            official=official, ended_on=form.cleaned_data["ended_on"], by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"{official.user} thôi giữ chức vụ {official.get_role_display().lower()} sau ngày "
            f"{official.ended_on:%d/%m/%Y}; lịch sử vẫn giữ nguyên.",
        )
    return redirect("accounts:unit_people", unit_pk=unit.pk)


@login_required
@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest) -> HttpResponse:
    """Everyone the user manages who has no password yet, and "gửi lời mời" to them all."""
    if not access.manages_people(request.user):
        raise Http404("Không tìm thấy trang.")
    if request.method == "POST":
        batch = services.invitation_batch_start(
            requested_by=request.user, site_url=site_url(request)
        )
        return redirect("accounts:invitation_batch", pk=batch.pk)
    pending = services.without_password(access.managed_users(request.user)).order_by("username")
    return render(
        request,
        "accounts/invitations.html",
        {
            "pending": pending[:200],
            "pending_count": pending.count(),
            "without_email": pending.filter(email="").count(),
            "units": access.managed_units(request.user).order_by("name")[:300],
            "batches": InvitationBatch.objects.filter(requested_by=request.user)[:10],
        },
    )


@login_required
def invitation_batch(request: HttpRequest, pk: int) -> HttpResponse:
    batches = InvitationBatch.objects.all()
    if not request.user.is_superuser:
        batches = batches.filter(requested_by=request.user)
    try:
        batch = batches.get(pk=pk)
    except InvitationBatch.DoesNotExist:
        raise Http404("Không tìm thấy đợt gửi lời mời.") from None
    return render(request, "accounts/invitation_batch.html", {"batch": batch})
