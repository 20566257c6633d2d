from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin

from cchc.models import User


class RecordAdmin(admin.ModelAdmin):
    """Records of what happened: readable in the admin, written only by the services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class CchcUserAdmin(UserAdmin):
    list_display = ("username", "full_name", "email", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")
    actions = ["send_invitations", "turn_off_two_factor"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Thông tin cá nhân", {"fields": ("full_name", "email", "phone", "notice_emails")}),
        (
            "Quyền",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Thời gian", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "description": "Để trống mật khẩu (chọn “Tắt” ở đăng nhập bằng mật khẩu) rồi "
                "gửi lời mời: người dùng tự đặt mật khẩu qua liên kết trong thư.",
                "fields": (
                    "username",
                    "full_name",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    @admin.action(description="Gửi lời mời đặt mật khẩu (tài khoản chưa có mật khẩu)")
    def send_invitations(self, request, queryset):
        from accounts import services
        from accounts.views import site_url

        counts = {services.SENT: 0, services.FAILED: 0, services.NO_EMAIL: 0}
        skipped = 0
        for user in services.without_password(queryset.filter(is_active=True)):
            counts[
                services.invitation_send(
                    user=user, base_url=site_url(request), inviter=request.user
                )
            ] += 1
        skipped = queryset.count() - sum(counts.values())
        self.message_user(
            request,
            f"Đã gửi {counts[services.SENT]} lời mời; gửi không được {counts[services.FAILED]}; "
            f"chưa có thư điện tử {counts[services.NO_EMAIL]}; bỏ qua {skipped} tài khoản đã có "
            "mật khẩu hoặc đã khóa.",
            messages.SUCCESS if not counts[services.FAILED] else messages.WARNING,
        )

    @admin.action(description="Tắt xác thực hai bước (người dùng mất điện thoại)")
    def turn_off_two_factor(self, request, queryset):
        from accounts import twofactor

        for user in queryset:
            twofactor.two_factor_disable(user=user, request=request, by=request.user)
        self.message_user(
            request,
            f"Đã tắt xác thực hai bước của {queryset.count()} tài khoản; người bắt buộc dùng sẽ "
            "được yêu cầu thiết lập lại ở lần đăng nhập sau.",
        )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            from accounts.audit import event_record
            from accounts.models import EventKind

            event_record(
                kind=EventKind.PASSWORD_SET_BY_ADMIN,
                user=self.get_object(request, id),
                request=request,
                actor=request.user,
            )
        return response
