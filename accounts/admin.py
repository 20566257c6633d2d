from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccountEvent, InvitationBatch
from cchc.admin import RecordAdmin

# Devices change only through the person's own page or the user admin's recorded action
# ("Tắt xác thực hai bước"), so that every change is in the account record.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(AccountEvent)
class AccountEventAdmin(RecordAdmin):
    list_display = ("at", "kind", "user", "typed", "actor", "ip_address", "detail")
    list_filter = ("kind", "at")
    search_fields = ("user__username", "user__full_name", "typed", "ip_address")
    date_hierarchy = "at"
    list_select_related = ("user", "actor")


@admin.register(InvitationBatch)
class InvitationBatchAdmin(RecordAdmin):
    list_display = ("created_at", "requested_by", "status", "total", "sent", "failed", "no_email")
    list_select_related = ("requested_by",)
