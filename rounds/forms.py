"""Forms of the round pages: they parse and check what was typed; the services write."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from scoring.access import descendant_ids
from scoring.models import (
    DeadlineKind,
    Framework,
    PeriodKind,
    RankingGroup,
    Unit,
    UnitKind,
)
from scoring.models.units import LEVEL_OF_KIND

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]


class VnDateField(forms.DateField):
    """A date typed day/month/year (31/10/2026), refused in the past."""

    widget = forms.TextInput(
        attrs={"placeholder": "ngày/tháng/năm", "inputmode": "numeric", "size": 12}
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_FORMATS)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": "Ngày không hợp lệ; ghi dạng ngày/tháng/năm, ví dụ 31/10/2026.",
                "required": "Hãy ghi ngày.",
            },
        )
        super().__init__(**kwargs)
        self.widget.format = "%d/%m/%Y"

    def validate(self, value) -> None:
        super().validate(value)
        if value and value < timezone.localdate():
            raise forms.ValidationError(
                f"Ngày {value:%d/%m/%Y} đã qua; hãy chọn từ hôm nay "
                f"({timezone.localdate():%d/%m/%Y}) trở đi."
            )


def end_of_day(day: datetime.date | None) -> datetime.datetime | None:
    """A deadline on a day is the end of that day, in the local time zone."""
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, unit: Unit) -> str:
        return str(unit)


class GroupsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, group: RankingGroup) -> str:
        return f"{group.name} ({group.kind_labels().lower()}) – {group.council_unit}"


class UnitsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, unit: Unit) -> str:
        return f"{unit.name} ({unit.get_kind_display().lower()})"


def _kinds_label(groups) -> str:
    labels = []
    for group in groups:
        for kind in group.kinds:
            label = UnitKind(kind).label.lower()
            if label not in labels:
                labels.append(label)
    return ", ".join(labels)


def suggested_name(year: int, period_kind: str, groups) -> str:
    """E.g. "Đánh giá CCHC năm 2026 – phường, xã, đặc khu"."""
    when = f"6 tháng đầu năm {year}" if period_kind == PeriodKind.MID_YEAR else f"năm {year}"
    kinds = _kinds_label(groups)
    return f"Đánh giá CCHC {when}" + (f" – {kinds}" if kinds else "")


class RoundCreateForm(forms.Form):
    council_unit = UnitChoice(
        label="Đơn vị tổ chức đánh giá",
        queryset=Unit.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Hãy chọn một đơn vị bạn tổ chức đánh giá."},
    )
    framework = forms.ModelChoiceField(
        label="Bộ chỉ số",
        queryset=Framework.objects.none(),
        empty_label="— chọn bộ chỉ số —",
        error_messages={"required": "Hãy chọn bộ chỉ số."},
    )
    year = forms.IntegerField(
        label="Năm đánh giá",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "Hãy ghi năm đánh giá.",
            "invalid": "Năm đánh giá phải là một số, ví dụ 2026.",
            "min_value": "Năm đánh giá không hợp lệ.",
            "max_value": "Năm đánh giá không hợp lệ.",
        },
    )
    period_kind = forms.ChoiceField(
        label="Kỳ đánh giá", choices=PeriodKind.choices, initial=PeriodKind.ANNUAL
    )
    name = forms.CharField(
        label="Tên đợt đánh giá",
        max_length=300,
        required=False,
        help_text="Để trống để đặt tên theo lựa chọn ở trên.",
    )
    groups = GroupsChoice(
        label="Nhóm xếp hạng",
        queryset=RankingGroup.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Hãy chọn ít nhất một nhóm xếp hạng."},
    )
    excluded = UnitsChoice(
        label="Đơn vị không đánh giá trong đợt này",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Không bắt buộc. Giữ Ctrl (⌘ trên máy Mac) để chọn nhiều đơn vị.",
    )
    self_deadline = VnDateField(label="Hạn tự đánh giá")
    response_deadline = VnDateField(label="Hạn giải trình", required=False)
    appraisal_deadline = VnDateField(label="Hạn thẩm định", required=False)

    def __init__(self, *args, councils, **kwargs):
        super().__init__(*args, **kwargs)
        councils = list(councils)
        self.councils = councils
        council_ids = {c.pk for c in councils}
        below = descendant_ids(council_ids)
        units = Unit.objects.filter(pk__in=below, is_active=True)
        levels = {LEVEL_OF_KIND[UnitKind(k)] for k in units.values_list("kind", flat=True)}
        self.fields["council_unit"].queryset = Unit.objects.filter(pk__in=council_ids)
        if len(councils) == 1:
            self.fields["council_unit"].initial = councils[0].pk
        self.fields["framework"].queryset = Framework.objects.filter(
            is_active=True, unit_level__in=levels
        ).order_by("-year_from", "name")
        self.fields["groups"].queryset = RankingGroup.objects.filter(
            council_unit_id__in=council_ids
        ).select_related("council_unit")
        self.fields["excluded"].queryset = units.order_by("name")
        self.fields["year"].initial = timezone.localdate().year
        frameworks = list(self.fields["framework"].queryset[:2])
        if len(frameworks) == 1:
            self.fields["framework"].initial = frameworks[0].pk

    def clean(self):
        data = super().clean()
        council, framework = data.get("council_unit"), data.get("framework")
        groups, year = data.get("groups") or [], data.get("year")
        if council and groups:
            foreign = [g.name for g in groups if g.council_unit_id != council.pk]
            if foreign:
                self.add_error(
                    "groups", f"Nhóm {', '.join(foreign)} không thuộc {council}; hãy bỏ chọn."
                )
        if framework and groups:
            wrong = [
                g.name
                for g in groups
                if any(LEVEL_OF_KIND[UnitKind(k)] != framework.unit_level for k in g.kinds)
            ]
            if wrong:
                self.add_error(
                    "groups",
                    f"Nhóm {', '.join(wrong)} không thuộc đối tượng của bộ chỉ số đã chọn "
                    f"({framework.get_unit_level_display().lower()}).",
                )
        if framework and year and not framework.applies_to_year(year):
            self.add_error("year", f"Bộ chỉ số “{framework}” không áp dụng cho năm {year}.")
        excluded = data.get("excluded") or []
        if council and excluded:
            below = descendant_ids({council.pk})
            outside = [u.name for u in excluded if u.pk not in below]
            if outside:
                self.add_error("excluded", f"{', '.join(outside)} không thuộc {council}.")
        self._check_order(data)
        if not data.get("name", "").strip() and year and groups:
            data["name"] = suggested_name(year, data.get("period_kind"), groups)
        return data

    def _check_order(self, data) -> None:
        self_d, response, appraisal = (
            data.get("self_deadline"),
            data.get("response_deadline"),
            data.get("appraisal_deadline"),
        )
        if self_d and response and response <= self_d:
            self.add_error(
                "response_deadline",
                f"Hạn giải trình ({response:%d/%m/%Y}) phải sau hạn tự đánh giá "
                f"({self_d:%d/%m/%Y}).",
            )
        for earlier, what in ((response, "hạn giải trình"), (self_d, "hạn tự đánh giá")):
            if earlier and appraisal and appraisal <= earlier:
                self.add_error(
                    "appraisal_deadline",
                    f"Hạn thẩm định ({appraisal:%d/%m/%Y}) phải sau {what} ({earlier:%d/%m/%Y}).",
                )
                break

    def suggested_name(self) -> str:
        """The name the form gives with what is chosen now (shown as the placeholder)."""
        year, kind = timezone.localdate().year, PeriodKind.ANNUAL
        groups = self.fields["groups"].queryset
        if self.is_bound:
            raw_year = str(self.data.get("year", ""))
            year = int(raw_year) if raw_year.isdigit() and len(raw_year) == 4 else year
            kind = self.data.get("period_kind") or kind
            chosen = [g for g in self.data.getlist("groups") if g.isdigit() and len(g) < 18]
            groups = [g for g in groups if str(g.pk) in chosen] or groups
        return suggested_name(year, kind, groups)


class StatusForm(forms.Form):
    note = forms.CharField(
        label="Lý do",
        max_length=300,
        error_messages={"required": "Hãy ghi lý do đóng hoặc mở lại đợt."},
    )


class ExtendForm(forms.Form):
    deadline = forms.ChoiceField(label="Gia hạn", choices=DeadlineKind.choices)
    until = VnDateField(label="Đến hết ngày")
    reason = forms.CharField(
        label="Lý do gia hạn",
        max_length=500,
        error_messages={"required": "Hãy ghi lý do gia hạn."},
    )


BULK_ACTIONS = [
    ("nhac", "Gửi thư nhắc hạn"),
    ("gia-han", "Gia hạn"),
    ("chap-nhan", "Chấp nhận điểm tự đánh giá và gửi kết quả vòng 1"),
]


class BulkForm(forms.Form):
    action = forms.ChoiceField(
        label="Việc cần làm với các đơn vị đã chọn",
        choices=BULK_ACTIONS,
        error_messages={
            "required": "Hãy chọn việc cần làm.",
            "invalid_choice": "Việc không hợp lệ.",
        },
    )
    chon = forms.TypedMultipleChoiceField(
        coerce=int,
        choices=(),
        error_messages={
            "required": "Hãy đánh dấu ít nhất một đơn vị.",
            "invalid_choice": "Có đơn vị không thuộc đợt đánh giá này.",
        },
    )
    deadline = forms.ChoiceField(
        label="Hạn", choices=DeadlineKind.choices, required=False, initial=DeadlineKind.SELF
    )
    until = VnDateField(label="Đến hết ngày", required=False)
    reason = forms.CharField(label="Lý do gia hạn", max_length=500, required=False)

    def __init__(self, *args, assessment_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chon"].choices = [(pk, pk) for pk in assessment_ids]

    def clean(self):
        data = super().clean()
        if data.get("action") == "gia-han":
            if not data.get("until") and "until" not in self.errors:
                self.add_error("until", "Hãy ghi ngày gia hạn đến.")
            if not (data.get("reason") or "").strip():
                self.add_error("reason", "Hãy ghi lý do gia hạn.")
        return data


def first_error(form: forms.Form) -> str:
    for field_name, errors in form.errors.items():
        label = form.fields[field_name].label if field_name in form.fields else None
        return f"{label}: {errors[0]}" if label else errors[0]
    return ""
