"""Forgotten password, the link that sets a new one (reset or invitation), change password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from accounts import services, throttle
from accounts.audit import event_record
from accounts.forms import ResetRequestForm
from accounts.models import EventKind
from accounts.tokens import TokenState, invitation_tokens, lifetime_vi, reset_tokens
from accounts.views import site_url
from cchc.deploy import client_ip
from cchc.middleware import duration_vi


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """ "Quên mật khẩu?": the answer is the same whether or not an account has the address."""
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST":
        wait = throttle.address_wait(client_ip(request))
        if wait is not None:
            seconds = max(60, int(wait.total_seconds()) // 60 * 60 + 60)
            response = render(
                request,
                "accounts/password_reset.html",
                {
                    "form": form,
                    "refused": f"Máy của bạn đã yêu cầu đặt lại mật khẩu nhiều lần; "
                    f"hãy thử lại sau khoảng {duration_vi(seconds)}.",
                },
                status=429,
            )
            response["Retry-After"] = str(int(wait.total_seconds()) + 1)
            return response
        if form.is_valid():
            services.password_reset_request(
                email=form.cleaned_data["email"], request=request, base_url=site_url(request)
            )
            return redirect("accounts:reset_sent")
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_sent.html")


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The one-time link of a forgotten-password e-mail: set a new password, signed in."""

    token_generator = reset_tokens
    template_name = "accounts/password_set.html"
    reset_url_token = "mat-khau-moi"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("home")
    event_kind = EventKind.PASSWORD_RESET
    done_message = "Đã đặt mật khẩu mới; bạn đã đăng nhập."
    heading = "Đặt mật khẩu mới"

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        event_record(kind=self.event_kind, user=form.user, request=self.request)
        messages.success(self.request, self.done_message)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        token = self.kwargs.get("token")
        if token == self.reset_url_token:
            token = self.request.session.get(INTERNAL_RESET_SESSION_TOKEN)
        state = self.token_generator.state(self.user, token) if self.user else None
        context.update(
            heading=self.heading,
            expired=state is TokenState.EXPIRED,
            lifetime=lifetime_vi(self.token_generator.timeout),
            account=self.user,
        )
        return context


class InvitationView(SetPasswordView):
    """The one-time link of an invitation: the person's first password (7 days, once)."""

    token_generator = invitation_tokens
    template_name = "accounts/invitation.html"
    reset_url_token = "dat-mat-khau"
    event_kind = EventKind.INVITATION_ACCEPTED
    done_message = (
        "Đã đặt mật khẩu; bạn đã đăng nhập. Từ nay hãy đăng nhập bằng tên đăng nhập và mật "
        "khẩu này."
    )
    heading = "Đặt mật khẩu cho tài khoản mới"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def post(self, request, *args, **kwargs):
        wait = throttle.change_wait(request.user)
        if wait is not None:
            form = self.get_form()
            form.is_valid()  # the fields as typed, shown back; nothing is checked or changed
            form.errors.clear()
            form.add_error(
                None,
                "Đã nhập sai mật khẩu hiện tại nhiều lần; hãy thử lại sau khoảng "
                f"{duration_vi(max(60, int(wait.total_seconds()) // 60 * 60 + 60))}.",
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if "old_password" in form.errors:
            event_record(
                kind=EventKind.SIGN_IN_FAILED,
                user=self.request.user,
                request=self.request,
                typed=self.request.user.get_username(),
                detail=throttle.CHANGE_FAILED_DETAIL,
            )
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        event_record(kind=EventKind.PASSWORD_CHANGED, user=form.user, request=self.request)
        messages.success(
            self.request, "Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc."
        )
        return response
