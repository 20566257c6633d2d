from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from remediation.models import Commitment, ReminderSent, Task, TaskFile, TaskNote


class TaskNoteInline(admin.TabularInline):
    model = TaskNote
    extra = 0
    autocomplete_fields = ("author",)


class TaskFileInline(admin.TabularInline):
    model = TaskFile
    extra = 0
    readonly_fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    fields = readonly_fields


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "assessment", "status", "deadline", "lead", "department")
    list_filter = ("status", "assessment__period")
    search_fields = ("action", "reason", "assessment__unit__name")
    list_select_related = ("assessment__unit", "assessment__period", "lead__user", "department")
    autocomplete_fields = ("lead", "assignees", "department")
    raw_id_fields = ("assessment", "scores")
    readonly_fields = ("created_by", "created_at", "verified_by", "verified_at")
    inlines = [TaskNoteInline, TaskFileInline]


@admin.register(Commitment)
class CommitmentAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "unit", "year", "official", "kind", "status")
    list_filter = ("kind", "status", "year")
    search_fields = ("content", "unit__name", "official__user__full_name")
    list_select_related = ("unit", "official__user")
    autocomplete_fields = ("unit", "official")


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ("user", "sent_on", "task_count", "sent_at")
    list_filter = ("sent_on",)
    date_hierarchy = "sent_on"
