"""Units and officials lists through django-import-export, with Vietnamese columns and messages.

A list is previewed with `import_data(dry_run=True)` (everything rolled back) and applied with
the same call for real inside the import's transaction. Rows are matched on the unit code, and
on username + unit code + role for officials; unchanged rows are skipped.
"""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from import_export import fields, resources, widgets

from exchange.parsing.text import cell_text, fold
from exchange.plans.framework import choice_value
from scoring.models import Department, Official, Role, Unit, UnitKind

YES = frozenset({"co", "x", "1", "true", "yes", "dung"})
NO = frozenset({"khong", "0", "false", "no", "sai"})


class YesNoWidget(widgets.Widget):
    """ "Có" / "Không"; an empty cell takes `default`."""

    def __init__(self, default: bool):
        super().__init__()
        self.default = default

    def clean(self, value, row=None, **kwargs):
        folded = fold(value)
        if not folded:
            return self.default
        if folded in YES:
            return True
        if folded in NO:
            return False
        raise ValueError(f"“{value}” không phải Có hoặc Không.")

    def render(self, value, obj=None, **kwargs):
        return "Có" if value else "Không"


class LabelWidget(widgets.Widget):
    """A choice written as its Vietnamese label ("Phường"); its stored value is accepted too."""

    def __init__(self, choices):
        super().__init__()
        self.choices = dict(choices)

    def clean(self, value, row=None, **kwargs):
        found = choice_value(value, self.choices)
        if found is None:
            raise ValueError(
                f"“{cell_text(value)}” không phải một trong: {', '.join(self.choices.values())}."
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return str(self.choices.get(value, value or ""))


class VnDateWidget(widgets.Widget):
    """dd/mm/yyyy, or a date cell."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = cell_text(value)
        if not text:
            return None
        for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise ValueError(f"Ngày “{text}” không hợp lệ; ghi dạng ngày/tháng/năm, ví dụ 01/07/2025.")

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%d/%m/%Y") if value else ""


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value)


class UnitCodeWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Unit, field="code")

    def clean(self, value, row=None, **kwargs):
        code = cell_text(value)
        if not code:
            return None
        unit = Unit.objects.filter(code__iexact=code).first()
        if unit is None:
            raise ValueError(f"Không có đơn vị mã “{code}”.")
        return unit


class UnitCodesWidget(widgets.ManyToManyWidget):
    def __init__(self):
        super().__init__(Unit, separator=",", field="code")

    def clean(self, value, row=None, **kwargs):
        codes = [c.strip() for c in cell_text(value).replace(";", ",").split(",") if c.strip()]
        units = list(Unit.objects.filter(code__in=codes))
        missing = set(codes) - {u.code for u in units}
        if missing:
            raise ValueError(f"Không có đơn vị mã {', '.join(sorted(missing))}.")
        return units

    def render(self, value, obj=None, **kwargs):
        return ", ".join(u.code for u in value.all()) if value is not None else ""


class ScopedResource(resources.ModelResource):
    """A resource that refuses rows outside the units an administrator manages."""

    def __init__(self, allowed_units: set[int] | None = None):
        super().__init__()
        self.allowed_units = allowed_units

    def in_scope(self, unit: Unit | None) -> bool:
        return self.allowed_units is None or (unit is not None and unit.id in self.allowed_units)


class UnitResource(ScopedResource):
    code = fields.Field(attribute="code", column_name="Mã đơn vị", widget=TextWidget())
    name = fields.Field(attribute="name", column_name="Tên đơn vị", widget=TextWidget())
    kind = fields.Field(
        attribute="kind", column_name="Loại đơn vị", widget=LabelWidget(UnitKind.choices)
    )
    parent = fields.Field(
        attribute="parent", column_name="Mã đơn vị cấp trên", widget=UnitCodeWidget()
    )
    is_active = fields.Field(
        attribute="is_active", column_name="Đang hoạt động", widget=YesNoWidget(True)
    )
    self_entry_by_department = fields.Field(
        attribute="self_entry_by_department",
        column_name="Tự đánh giá theo bộ phận",
        widget=YesNoWidget(False),
    )
    merged_from = fields.Field(
        attribute="merged_from", column_name="Hợp nhất từ (mã đơn vị)", widget=UnitCodesWidget()
    )
    established_on = fields.Field(
        attribute="established_on", column_name="Ngày thành lập", widget=VnDateWidget()
    )
    dissolved_on = fields.Field(
        attribute="dissolved_on", column_name="Ngày giải thể / sáp nhập", widget=VnDateWidget()
    )
    departments = fields.Field(column_name="Bộ phận chuyên môn", readonly=True)

    class Meta:
        model = Unit
        import_id_fields = ("code",)
        fields = (
            "code",
            "name",
            "kind",
            "parent",
            "is_active",
            "self_entry_by_department",
            "merged_from",
            "established_on",
            "dissolved_on",
            "departments",
        )
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        store_instance = True
        store_row_values = True
        skip_html_diff = True

    def get_queryset(self):
        units = Unit.objects.select_related("parent").prefetch_related("merged_from", "departments")
        if self.allowed_units is not None:
            units = units.filter(id__in=self.allowed_units)
        return units.order_by("parent_id", "code")

    def dehydrate_departments(self, unit: Unit) -> str:
        return "; ".join(d.name for d in unit.departments.all() if d.is_active)

    def _departments_in(self, row) -> list[str]:
        raw = cell_text(row.get("Bộ phận chuyên môn"))
        return [name.strip() for name in raw.replace("\n", ";").split(";") if name.strip()]

    def get_instance(self, instance_loader, row):
        code = cell_text(row.get("Mã đơn vị"))
        return Unit.objects.filter(code__iexact=code).first() if code else None

    def before_import_row(self, row, **kwargs):
        code = cell_text(row.get("Mã đơn vị"))
        if not code:
            raise ValidationError("Thiếu mã đơn vị.")
        if self.allowed_units is None:
            return
        existing = Unit.objects.filter(code__iexact=code).first()
        parent_code = cell_text(row.get("Mã đơn vị cấp trên"))
        parent = Unit.objects.filter(code__iexact=parent_code).first() if parent_code else None
        if (existing is not None and not self.in_scope(existing)) or not self.in_scope(
            parent if existing is None else existing
        ):
            raise ValidationError(f"Đơn vị {code} nằm ngoài phạm vi quản lý của bạn.")

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if instance.pk:
            have = set(instance.departments.values_list("name", flat=True))
            if set(self._departments_in(row)) - have:
                return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def after_save_instance(self, instance, row, **kwargs):
        # Departments named in the list are created when missing; none are removed here.
        for name in self._departments_in(row):
            Department.objects.get_or_create(unit=instance, name=name)
        if self.allowed_units is not None:
            self.allowed_units.add(instance.id)  # a new unit's children may follow it


class UserWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(get_user_model(), field="username")

    def clean(self, value, row=None, **kwargs):
        username = cell_text(value)
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise ValueError(f"Chưa có tài khoản “{username}”.")
        return user


class DepartmentWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Department, field="name")

    def clean(self, value, row=None, **kwargs):
        name = cell_text(value)
        if not name:
            return None
        unit_code = cell_text((row or {}).get("Mã đơn vị"))
        department = Department.objects.filter(unit__code__iexact=unit_code, name=name).first()
        if department is None:
            raise ValueError(
                f"Đơn vị {unit_code} không có bộ phận “{name}” (thêm bộ phận ở danh sách đơn vị)."
            )
        return department


class OfficialResource(ScopedResource):
    user = fields.Field(attribute="user", column_name="Tên đăng nhập", widget=UserWidget())
    full_name = fields.Field(column_name="Họ và tên", readonly=True)
    # Read for a new account only (its invitation goes there); an existing account's address
    # is the person's own, changed on their profile page.
    email = fields.Field(column_name="Thư điện tử", readonly=True)
    unit = fields.Field(attribute="unit", column_name="Mã đơn vị", widget=UnitCodeWidget())
    role = fields.Field(attribute="role", column_name="Vai trò", widget=LabelWidget(Role.choices))
    department = fields.Field(
        attribute="department", column_name="Bộ phận", widget=DepartmentWidget()
    )
    title = fields.Field(attribute="title", column_name="Chức vụ", widget=TextWidget())
    is_active = fields.Field(
        attribute="is_active", column_name="Đang công tác", widget=YesNoWidget(True)
    )

    class Meta:
        model = Official
        import_id_fields = ("user", "unit", "role")
        fields = (
            "user",
            "full_name",
            "email",
            "unit",
            "role",
            "department",
            "title",
            "is_active",
        )
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        store_instance = True
        store_row_values = True
        skip_html_diff = True

    def __init__(self, allowed_units: set[int] | None = None):
        super().__init__(allowed_units)
        self.new_usernames: list[str] = []

    def get_queryset(self):
        officials = Official.objects.select_related("user", "unit", "department")
        if self.allowed_units is not None:
            officials = officials.filter(unit_id__in=self.allowed_units)
        return officials.order_by("unit__code", "user__username", "role")

    def dehydrate_full_name(self, official: Official) -> str:
        return official.user.full_name

    def dehydrate_email(self, official: Official) -> str:
        return official.user.email

    def before_import_row(self, row, **kwargs):
        """Check the unit is in scope; create a missing account without a password, with the
        list's e-mail address: the person sets a password from the invitation e-mail (Tài
        khoản → Gửi lời mời) or through "Quên mật khẩu?"."""
        unit_code = cell_text(row.get("Mã đơn vị"))
        unit = Unit.objects.filter(code__iexact=unit_code).first()
        if unit is not None and not self.in_scope(unit):
            raise ValidationError(f"Đơn vị {unit_code} nằm ngoài phạm vi quản lý của bạn.")
        username = cell_text(row.get("Tên đăng nhập"))
        User = get_user_model()
        if not username:
            raise ValidationError("Thiếu tên đăng nhập.")
        if User.objects.filter(username=username).exists():
            return
        try:
            User.username_validator(username)
        except ValidationError:
            raise ValidationError(
                f"Tên đăng nhập “{username}” chỉ gồm chữ không dấu, số và các ký tự . @ + - _."
            ) from None
        email = cell_text(row.get("Thư điện tử"))
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise ValidationError(
                    f"Thư điện tử “{email}” không hợp lệ (ví dụ: ten@quangtri.gov.vn)."
                ) from None
        user = User(username=username, full_name=cell_text(row.get("Họ và tên")), email=email)
        user.set_unusable_password()
        user.save()
        self.new_usernames.append(username)


RESOURCES = {"units": UnitResource, "officials": OfficialResource}
