"""Administrative units, their departments, and the officials who work in them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class UnitLevel(models.TextChoices):
    PROVINCE = "province", "Cấp tỉnh"
    DISTRICT = "district", "Cấp huyện"
    COMMUNE = "commune", "Cấp xã"
    # Provincial departments are scored on a framework of their own, beside the communes.
    DEPARTMENT = "department", "Sở, ban, ngành cấp tỉnh"


class UnitKind(models.TextChoices):
    PROVINCE = "tinh", "Tỉnh"
    CENTRAL_CITY = "thanh_pho_tw", "Thành phố trực thuộc trung ương"
    PROVINCIAL_CITY = "thanh_pho", "Thành phố thuộc tỉnh"
    URBAN_DISTRICT = "quan", "Quận"
    RURAL_DISTRICT = "huyen", "Huyện"
    TOWN = "thi_xa", "Thị xã"
    WARD = "phuong", "Phường"
    COMMUNE = "xa", "Xã"
    TOWNSHIP = "thi_tran", "Thị trấn"
    SPECIAL_ZONE = "dac_khu", "Đặc khu"
    # Sở, ban, ngành and the units a province scores like them (a provincial office, a board).
    DEPARTMENT = "so_nganh", "Sở, ban, ngành"


LEVEL_OF_KIND = {
    UnitKind.PROVINCE: UnitLevel.PROVINCE,
    UnitKind.CENTRAL_CITY: UnitLevel.PROVINCE,
    UnitKind.PROVINCIAL_CITY: UnitLevel.DISTRICT,
    UnitKind.URBAN_DISTRICT: UnitLevel.DISTRICT,
    UnitKind.RURAL_DISTRICT: UnitLevel.DISTRICT,
    UnitKind.TOWN: UnitLevel.DISTRICT,
    UnitKind.WARD: UnitLevel.COMMUNE,
    UnitKind.COMMUNE: UnitLevel.COMMUNE,
    UnitKind.TOWNSHIP: UnitLevel.COMMUNE,
    UnitKind.SPECIAL_ZONE: UnitLevel.COMMUNE,
    UnitKind.DEPARTMENT: UnitLevel.DEPARTMENT,
}


class Unit(models.Model):
    """A local government unit. The tree takes any depth: province → district → commune, or
    province → commune since July 2025. Units are never deleted: a merged or dissolved unit
    turns inactive and keeps its assessments; the unit it became lists it in `merged_from`.
    """

    code = models.CharField("mã đơn vị", max_length=32, unique=True)
    name = models.CharField("tên đơn vị", max_length=200)
    kind = models.CharField("loại đơn vị", max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="đơn vị cấp trên",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_active = models.BooleanField("đang hoạt động", default=True)
    self_entry_by_department = models.BooleanField(
        "công chức chỉ tự chấm tiêu chí của bộ phận mình",
        default=False,
        help_text="Nếu bật, công chức chuyên môn chỉ nhập điểm tự đánh giá cho các tiêu chí "
        "giao cho bộ phận của mình; công chức phụ trách CCHC và lãnh đạo nhập được tất cả.",
    )
    merged_from = models.ManyToManyField(
        "self",
        verbose_name="hợp nhất từ các đơn vị",
        symmetrical=False,
        blank=True,
        related_name="merged_into",
    )
    established_on = models.DateField("ngày thành lập", null=True, blank=True)
    dissolved_on = models.DateField("ngày giải thể / sáp nhập", null=True, blank=True)

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="unit_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def level(self) -> str:
        return LEVEL_OF_KIND[UnitKind(self.kind)]

    def ancestors(self) -> list["Unit"]:
        """Parents from the nearest up; one query per level (the tree is at most a few deep)."""
        chain, current = [], self.parent
        while current is not None:
            chain.append(current)
            current = current.parent
        return chain

    def clean(self) -> None:
        if not (self.pk and self.parent_id):
            return
        if self.parent_id == self.pk or any(a.pk == self.pk for a in self.parent.ancestors()):
            raise ValidationError(
                {"parent": "Đơn vị cấp trên không được là chính nó hay một đơn vị cấp dưới của nó."}
            )


class Department(models.Model):
    """A department (bộ phận) or specialist post (công chức chuyên môn) of a unit."""

    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField("tên bộ phận", max_length=200)
    is_active = models.BooleanField("đang hoạt động", default=True)

    class Meta:
        verbose_name = "bộ phận chuyên môn"
        verbose_name_plural = "bộ phận chuyên môn"
        ordering = ["unit__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="department_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    STAFF = "staff", "Công chức chuyên môn"
    COORDINATOR = "coordinator", "Công chức phụ trách CCHC"
    CHAIRPERSON = "chairperson", "Chủ tịch / Phó Chủ tịch"
    APPRAISER = "appraiser", "Thành viên hội đồng thẩm định"
    # The council's secretary (at a province: the Department of Home Affairs, Sở Nội vụ): opens
    # the rounds, follows every unit on the board, publishes each group's results.
    SECRETARY = "secretary", "Thư ký hội đồng thẩm định"
    ADMINISTRATOR = "administrator", "Quản trị hệ thống"


class OfficialQuerySet(models.QuerySet):
    def current(self) -> "OfficialQuerySet":
        """Posts held today: active, and not ended before today (the end date is the last
        day in the post). Ended posts stay, with the history that names them."""
        today = timezone.localdate()
        return self.filter(is_active=True).filter(
            models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=today)
        )


class Official(models.Model):
    """A user's place in a unit: which unit, which department, in what role.

    A person may hold several (a district official who also sits on the appraisal council).
    A post ends on `ended_on` (or when `is_active` is turned off): from the next day the
    person no longer reaches that unit's pages; what they did there stays on record.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người dùng",
        on_delete=models.CASCADE,
        related_name="officials",
    )
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="officials"
    )
    department = models.ForeignKey(
        Department,
        verbose_name="bộ phận",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="officials",
    )
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    title = models.CharField("chức vụ", max_length=200, blank=True)
    is_active = models.BooleanField("đang công tác", default=True)
    ended_on = models.DateField(
        "thôi giữ chức vụ từ sau ngày",
        null=True,
        blank=True,
        help_text="Ngày làm việc cuối cùng ở chức vụ này; từ ngày hôm sau người này không còn "
        "truy cập được trang của đơn vị (lịch sử vẫn giữ nguyên).",
    )

    objects = OfficialQuerySet.as_manager()

    class Meta:
        verbose_name = "cán bộ, công chức"
        verbose_name_plural = "cán bộ, công chức"
        ordering = ["unit__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"], name="official_unique_role_in_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.title or self.get_role_display()} ({self.unit})"

    @property
    def is_current(self) -> bool:
        return self.is_active and (self.ended_on is None or self.ended_on >= timezone.localdate())

    def clean(self) -> None:
        if self.department_id and self.unit_id and self.department.unit_id != self.unit_id:
            raise ValidationError({"department": "Bộ phận không thuộc đơn vị đã chọn."})
