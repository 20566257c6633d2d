from django.contrib import admin
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
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Thông tin cá nhân", {"fields": ("full_name", "email")}),
        (
            "Quyền",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Thời gian", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")},
        ),
    )
