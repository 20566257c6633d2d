from django.contrib import admin

from cchc.admin import RecordAdmin
from exchange.models import ImportApplication, ImportRecord


@admin.register(ImportRecord)
class ImportRecordAdmin(RecordAdmin):
    """Imports are records of what happened: readable here, changed only by the services."""

    list_display = (
        "uploaded_at",
        "kind",
        "original_name",
        "assessment",
        "uploaded_by",
        "status",
        "error_count",
        "warning_count",
        "change_count",
    )
    list_filter = ("kind", "status", "via_command_line")
    search_fields = ("original_name", "uploaded_by__username", "assessment__unit__name")
    list_select_related = ("uploaded_by", "assessment__unit", "assessment__period")
    exclude = ("preview",)
    date_hierarchy = "uploaded_at"


@admin.register(ImportApplication)
class ImportApplicationAdmin(RecordAdmin):
    """Confirmed imports as worker jobs: which worker, how many attempts, why one failed."""

    list_display = ("record", "requested_by", "status", "attempts", "worker", "created_at")
    list_filter = ("status",)
    list_select_related = ("record", "requested_by")
