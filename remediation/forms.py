"""Forms of the remediation pages: they parse and check input; the services do the writing."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from cchc.dates import DayInput
from cchc.text import shorten
from remediation.models import CommitmentKind, CommitmentStatus, TaskStatus
from remediation.services import lost_scores
from scoring import engine
from scoring.models import Assessment, Official

DATE = DayInput()
DATE_ERRORS = {"invalid": "Ngày không hợp lệ (ví dụ hợp lệ: 31/10/2024)."}


class OfficialChoice(forms.ModelChoiceField):
    def label_from_instance(self, official: Official) -> str:
        title = official.title or official.get_role_display()
        return f"{official.user.get_full_name()} – {title}"


class OfficialsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, official: Official) -> str:
        title = official.title or official.get_role_display()
        return f"{official.user.get_full_name()} – {title}"


class ScoresChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, score) -> str:
        lost = engine.vn_number(score.line().lost)
        return f"{score.criterion.code}. {shorten(score.criterion.title, 90)} (bị trừ {lost})"


def unit_officials(unit_id: int):
    return (
        Official.objects.current()
        .filter(unit_id=unit_id)
        .select_related("user")
        .order_by("user__full_name")
    )


class TaskForm(forms.Form):
    action = forms.CharField(
        label="Việc cần làm",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Cần ghi việc cần làm."},
    )
    reason = forms.CharField(
        label="Lý do bị trừ điểm (ý kiến hội đồng thẩm định)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    scores = ScoresChoice(
        label="Tiêu chí khắc phục",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    points = forms.CharField(
        label="Điểm có thể lấy lại",
        required=False,
        help_text="Để trống: bằng tổng số điểm bị trừ của các tiêu chí đã chọn.",
    )
    lead = OfficialChoice(
        label="Người chủ trì", queryset=None, required=False, empty_label="— chưa chọn —"
    )
    assignees = OfficialsChoice(
        label="Người phối hợp",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    department = forms.ModelChoiceField(
        label="Bộ phận phụ trách", queryset=None, required=False, empty_label="— chưa chọn —"
    )
    responsible_note = forms.CharField(
        label="Trách nhiệm (ghi như văn bản)", max_length=300, required=False
    )
    deadline = forms.DateField(
        label="Hạn hoàn thành", required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    past_deadline_ok = forms.BooleanField(label="Đúng là hạn đã qua", required=False)

    def __init__(self, *args, assessment: Assessment, **kwargs):
        super().__init__(*args, **kwargs)
        # The confirmation is offered once a past deadline has been refused (or was ticked).
        self.asks_past_deadline = bool(self.data.get("past_deadline_ok"))
        self.fields["scores"].queryset = lost_scores(assessment)
        self.fields["lead"].queryset = unit_officials(assessment.unit_id)
        self.fields["assignees"].queryset = unit_officials(assessment.unit_id)
        self.fields["department"].queryset = assessment.unit.departments.filter(is_active=True)

    def clean_points(self):
        raw = self.cleaned_data["points"].strip()
        if not raw:
            return None
        try:
            return engine.parse_number(raw)
        except engine.ScoringError as exc:
            raise forms.ValidationError(str(exc)) from exc

    @staticmethod
    def initial_for(task) -> dict:
        return {
            "action": task.action,
            "reason": task.reason,
            "scores": list(task.scores.all()),
            "points": engine.vn_number(task.points),
            "lead": task.lead,
            "assignees": list(task.assignees.all()),
            "department": task.department,
            "responsible_note": task.responsible_note,
            "deadline": task.deadline,
        }


class AssignForm(forms.Form):
    deadline = forms.DateField(
        label="Hạn hoàn thành cho các việc chưa có hạn",
        required=False,
        widget=DATE,
        error_messages=DATE_ERRORS,
    )
    past_deadline_ok = forms.BooleanField(label="Đúng là hạn đã qua", required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=TaskStatus.choices, error_messages={"invalid_choice": "Trạng thái không hợp lệ."}
    )
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Tiến độ, kết quả",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Cần ghi nội dung tiến độ."},
    )
    date = forms.DateField(label="Ngày", required=False, widget=DATE, error_messages=DATE_ERRORS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class CommitmentForm(forms.Form):
    official = OfficialChoice(
        label="Người đăng ký", queryset=None, empty_label="— chọn người đăng ký —"
    )
    kind = forms.ChoiceField(label="Loại", choices=CommitmentKind.choices)
    content = forms.CharField(
        label="Nội dung",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Cần ghi nội dung đăng ký."},
    )

    def __init__(self, *args, officials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["official"].queryset = officials
        if len(officials) == 1:
            self.fields["official"].initial = officials[0]


class CommitmentStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=CommitmentStatus.choices,
        error_messages={"invalid_choice": "Kết quả không hợp lệ."},
    )
    note = forms.CharField(label="Ghi chú", required=False)


def first_error(form: forms.Form) -> str:
    for errors in form.errors.values():
        for error in errors:
            return error
    return "Dữ liệu không hợp lệ."
