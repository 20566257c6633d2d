from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from scoring import services
from scoring.models import (
    AppraisalPart,
    Assessment,
    ClassificationBand,
    Criterion,
    DeadlineExtension,
    Department,
    Evidence,
    Framework,
    GroupPublication,
    Official,
    Period,
    RankingGroup,
    Round,
    Score,
    Unit,
    UnitKind,
    WhenNone,
)
from scoring.selectors import framework_problems


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("merged_from",)
    inlines = [DepartmentInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "unit__name")
    autocomplete_fields = ("unit",)


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ("user", "title", "role", "unit", "department", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__full_name", "user__username", "unit__name")
    autocomplete_fields = ("user", "unit", "department")
    list_select_related = ("user", "unit", "department")


class ClassificationBandInline(admin.TabularInline):
    model = ClassificationBand
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "unit_level",
        "year_from",
        "year_to",
        "max_total",
        "rescales",
        "is_active",
    )
    list_filter = ("unit_level", "is_active")
    search_fields = ("name", "decision")
    readonly_fields = ("is_active",)
    inlines = [ClassificationBandInline]
    actions = ["activate"]

    @admin.action(description="Kiểm tra và đưa vào áp dụng")
    def activate(self, request, queryset):
        for framework in queryset:
            try:
                services.framework_activate(framework=framework)
            except ValidationError as exc:
                for message in exc.messages:
                    self.message_user(request, f"{framework}: {message}", messages.ERROR)
            else:
                self.message_user(request, f"Đã đưa “{framework}” vào áp dụng.", messages.SUCCESS)


class CriterionAdminForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = (
            "framework",
            "parent",
            "code",
            "title",
            "maximum",
            "kind",
            "method",
            "params",
            "guidance",
            "evidence_required",
            "default_department",
            "when_none",
        )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Left out of a form (as before the rule existed), it stays "Không chấp nhận".
        self.fields["when_none"].required = False

    def clean_when_none(self) -> str:
        return self.cleaned_data.get("when_none") or WhenNone.REFUSE

    def _post_clean(self) -> None:
        # Runs after the instance holds the submitted values: check the whole tree with them.
        super()._post_clean()
        framework = getattr(self.instance, "framework", None)
        if self.errors or framework is None or not framework.is_active:
            return
        problems = framework_problems(framework, pending=self.instance)
        if problems:
            self.add_error(
                None,
                ["Bộ chỉ số đang áp dụng: thay đổi này làm bộ chỉ số không còn hợp lệ.", *problems],
            )


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    form = CriterionAdminForm
    list_display = ("code", "title", "maximum", "method", "when_none", "framework")
    list_display_links = ("code", "title")
    list_filter = ("framework", "method", "when_none")
    search_fields = ("code", "title")
    autocomplete_fields = ("parent",)
    list_select_related = ("framework",)
    ordering = ("framework", "sort_key")

    def has_delete_permission(self, request, obj=None):
        # Removing a node from a framework in force would break its sums.
        if obj is not None and obj.framework.is_active:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ("__str__", "year", "kind")
    list_filter = ("kind",)


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    can_delete = False
    fields = ("criterion", "maximum", "self_value", "appraised_value", "appraisal_comment")
    readonly_fields = ("criterion", "maximum")
    ordering = ("criterion__sort_key",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ("unit", "period", "framework", "status", "published_at")
    list_filter = ("status", "period", "framework")
    search_fields = ("unit__name", "unit__code")
    list_select_related = ("unit", "period", "framework")
    autocomplete_fields = ("unit",)
    raw_id_fields = ("round", "ranking_group")
    inlines = [ScoreInline]

    def has_add_permission(self, request) -> bool:
        # An assessment opened here would have no scores: assessments are opened by a round
        # (Đợt đánh giá), which creates every unit's, each with every leaf criterion.
        return False


class RankingGroupForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label="Loại đơn vị trong nhóm",
        choices=UnitKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = RankingGroup
        fields = ["council_unit", "name", "kinds", "position"]


@admin.register(RankingGroup)
class RankingGroupAdmin(admin.ModelAdmin):
    form = RankingGroupForm
    list_display = ("name", "council_unit", "kind_labels", "position")
    list_select_related = ("council_unit",)
    autocomplete_fields = ("council_unit",)

    @admin.display(description="loại đơn vị")
    def kind_labels(self, group: RankingGroup) -> str:
        return group.kind_labels()


@admin.register(Round)
class RoundAdmin(SimpleHistoryAdmin):
    list_display = ("name", "council_unit", "framework", "period", "status")
    list_filter = ("status", "period")
    list_select_related = ("council_unit", "framework", "period")
    autocomplete_fields = ("council_unit", "excluded_units")
    filter_horizontal = ("groups",)
    readonly_fields = ("opened_at", "opened_by")
    actions = ["open_selected"]

    @admin.action(description="Mở đợt: tạo bản đánh giá cho mọi đơn vị còn thiếu")
    def open_selected(self, request, queryset) -> None:
        for round_ in queryset:
            try:
                report = services.round_open(round_=round_, user=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"{round_}: đã tạo {len(report.created)} bản đánh giá "
                    f"({report.scores} tiêu chí); {len(report.already)} đơn vị đã có.",
                )


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(admin.ModelAdmin):
    list_display = ("assessment", "deadline", "previous", "extended_to", "reason", "granted_by")
    list_select_related = ("assessment__unit", "assessment__period", "granted_by")
    readonly_fields = [f.name for f in DeadlineExtension._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # through the service: it moves the assessment's deadline too


@admin.register(Score)
class ScoreAdmin(SimpleHistoryAdmin):
    list_display = (
        "criterion",
        "assessment",
        "maximum",
        "self_value",
        "appraised_value",
        "responsible_department",
    )
    list_filter = ("assessment__period", "assessment__unit")
    search_fields = ("criterion__code", "assessment__unit__name")
    list_select_related = (
        "criterion",
        "assessment__unit",
        "assessment__period",
        "responsible_department",
    )
    readonly_fields = ("maximum",)
    raw_id_fields = ("assessment", "criterion", "responsible_department")


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("original_name", "score", "stage", "size", "uploaded_by", "uploaded_at")
    list_filter = ("stage",)
    search_fields = ("original_name", "score__criterion__code", "score__assessment__unit__name")
    list_select_related = (
        "score__criterion",
        "score__assessment__unit",
        "score__assessment__period",
        "uploaded_by",
    )
    readonly_fields = (
        "score",
        "file",
        "original_name",
        "content_type",
        "size",
        "stage",
        "uploaded_by",
        "uploaded_at",
    )

    def has_add_permission(self, request):
        # Files are attached on the criterion page, where their type and size are checked.
        return False


@admin.register(GroupPublication)
class GroupPublicationAdmin(admin.ModelAdmin):
    list_display = ("group", "round", "revision", "decision", "decided_on", "published_by")
    list_select_related = ("group", "round", "published_by")
    readonly_fields = [f.name for f in GroupPublication._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # through publication: it freezes the group's results too


@admin.register(AppraisalPart)
class AppraisalPartAdmin(admin.ModelAdmin):
    list_display = ("name", "round", "appraiser")
    list_select_related = ("round", "appraiser")
    autocomplete_fields = ("appraiser",)
    filter_horizontal = ("criteria",)
