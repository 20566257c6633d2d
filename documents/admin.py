from django.contrib import admin

from documents.models import DocumentBundle, Letter, LetterEvent


class LetterEventInline(admin.TabularInline):
    """The letter's history (trình ký), read only."""

    model = LetterEvent
    fields = ["at", "action", "actor", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    """For looking things up; letters are composed and issued through their own pages."""

    inlines = [LetterEventInline]
    list_display = ["__str__", "issuing_unit", "status", "date", "issued_at"]
    list_filter = ["status", "kind"]
    search_fields = ["subject", "issuing_unit__name", "symbol"]
    readonly_fields = [f.name for f in Letter._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DocumentBundle)
class DocumentBundleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "requested_by", "status", "done", "total", "created_at"]
    list_filter = ["status"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
