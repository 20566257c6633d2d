"""Frameworks (bộ chỉ số) and their criteria trees."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

from scoring import engine
from scoring.models.units import Unit, UnitLevel

SCORE_DIGITS = {"max_digits": 6, "decimal_places": 2}
# A measured value a score is computed from: a survey percentage (87,3512 %), an outside index.
MEASURE_DIGITS = {"max_digits": 9, "decimal_places": 4}


class Source(models.TextChoices):
    """Who gives a leaf criterion its value."""

    SELF = "self", "Đơn vị tự đánh giá, hội đồng thẩm định"
    SURVEY = "survey", "Điều tra xã hội học (hội đồng nhập cho cả đợt)"
    EXTERNAL = "external", "Nguồn bên ngoài (nhập cho cả đợt, ví dụ Bộ chỉ số phục vụ)"


class WhenNone(models.TextChoices):
    """What a criterion gets when nothing arose to measure (không phát sinh, a = 0)."""

    REFUSE = "refuse", "Không chấp nhận (phải có số liệu)"
    FULL = "full", "Đạt điểm tối đa"
    NOT_ASSESSED = "not_assessed", "Không đánh giá (quy đổi điểm)"


class CriterionKind(models.TextChoices):
    """A scored criterion, or an item of the bonus and penalty content (điểm thưởng, điểm trừ):
    items stand outside the framework's total, each capped by its own maximum (negative for a
    penalty), and the content by the framework's bonus and penalty caps."""

    SCORED = "", "Tiêu chí chấm điểm"
    BONUS = "bonus", "Điểm thưởng"
    PENALTY = "penalty", "Điểm trừ"


class Framework(models.Model):
    """The index as a province issues it for one level of units, for one or more years.

    A framework is assembled in draft, then activated: activation checks the whole tree
    (every parent is the sum of its children, the fields sum to the maximum total) and refuses
    a broken one. Only active frameworks take assessments.
    """

    name = models.CharField("tên bộ chỉ số", max_length=300)
    decision = models.CharField("quyết định ban hành", max_length=300, blank=True)
    note = models.TextField("ghi chú", blank=True)
    issuing_unit = models.ForeignKey(
        Unit,
        verbose_name="cơ quan ban hành",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="frameworks_issued",
    )
    year_from = models.PositiveSmallIntegerField("áp dụng từ năm")
    year_to = models.PositiveSmallIntegerField(
        "áp dụng đến năm",
        null=True,
        blank=True,
        help_text="Để trống nếu chưa có bộ chỉ số thay thế.",
    )
    unit_level = models.CharField("áp dụng cho", max_length=20, choices=UnitLevel.choices)
    max_total = models.DecimalField("tổng điểm tối đa", **SCORE_DIGITS, default=Decimal("100"))
    rounding = models.CharField(
        "làm tròn điểm tính toán",
        max_length=10,
        choices=[
            (engine.Rounding.HALF_UP, "Làm tròn (từ 0,005 lên 0,01)"),
            (engine.Rounding.CUT, "Cắt bỏ sau hai chữ số thập phân"),
        ],
        default=engine.Rounding.HALF_UP,
    )
    bonus_cap = models.DecimalField("điểm thưởng tối đa", **SCORE_DIGITS, default=Decimal("0"))
    penalty_cap = models.DecimalField("điểm trừ tối đa", **SCORE_DIGITS, default=Decimal("0"))
    rescales = models.BooleanField(
        "quy đổi điểm",
        default=False,
        help_text="Khi có tiêu chí không đánh giá, kết quả được quy đổi về tổng điểm tối đa.",
    )
    is_active = models.BooleanField("đang áp dụng", default=False, editable=False)

    class Meta:
        verbose_name = "bộ chỉ số"
        verbose_name_plural = "bộ chỉ số"
        ordering = ["-year_from", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_total__gt=0), name="framework_max_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(bonus_cap__gte=0, penalty_cap__gte=0),
                name="framework_caps_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(year_to__isnull=True)
                | models.Q(year_to__gte=models.F("year_from")),
                name="framework_years_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def applies_to_year(self, year: int) -> bool:
        return self.year_from <= year and (self.year_to is None or year <= self.year_to)

    def bands(self) -> list[tuple[str, Decimal]]:
        return [(band.label, band.lower_bound) for band in self.classification_bands.all()]

    def has_items(self) -> bool:
        """Whether the framework lists bonus and penalty items (1 query): its results then
        take no lump bonus or penalty."""
        return self.criteria.filter(kind__in=[CriterionKind.BONUS, CriterionKind.PENALTY]).exists()


class ClassificationBand(models.Model):
    """A classification (xếp loại) and the percentage of the maximum it starts at."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="classification_bands"
    )
    label = models.CharField("xếp loại", max_length=50)
    lower_bound = models.DecimalField("từ (% điểm tối đa)", **SCORE_DIGITS)

    class Meta:
        verbose_name = "mức xếp loại"
        verbose_name_plural = "mức xếp loại"
        ordering = ["framework", "-lower_bound"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "label"], name="band_unique_label"),
            models.CheckConstraint(
                condition=models.Q(lower_bound__gte=0, lower_bound__lte=100),
                name="band_bound_is_percentage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} (từ {engine.vn_number(self.lower_bound)}%)"


class Criterion(models.Model):
    """A field (lĩnh vực), criterion (tiêu chí) or component criterion of a framework.

    Leaves carry a scoring method; parents take the sum of their children.
    """

    framework = models.ForeignKey(
        Framework, verbose_name="bộ chỉ số", on_delete=models.CASCADE, related_name="criteria"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="tiêu chí cha",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField("mã", max_length=32)
    sort_key = models.CharField(max_length=80, editable=False, db_index=True)
    title = models.TextField("nội dung")
    maximum = models.DecimalField("điểm tối đa", **SCORE_DIGITS)
    method = models.CharField(
        "phương pháp chấm",
        max_length=20,
        blank=True,
        choices=list(engine.METHOD_LABELS.items()),
        help_text="Để trống với lĩnh vực và tiêu chí có tiêu chí con.",
    )
    params = models.JSONField(
        "tham số",
        default=dict,
        blank=True,
        help_text='Ví dụ: {"floor": "0.70"}, {"target": "0.30"}, '
        '{"levels": [{"label": "Tốt", "percent": "100"}, …]}, '
        '{"steps": [{"at_least": "90", "points": "1"}, …]}, {"per_case": "0.25"}',
    )
    source = models.CharField(
        "nguồn điểm", max_length=10, choices=Source.choices, default=Source.SELF
    )
    when_none = models.CharField(
        "khi không phát sinh", max_length=15, choices=WhenNone.choices, default=WhenNone.REFUSE
    )
    kind = models.CharField(
        "loại",
        max_length=10,
        choices=CriterionKind.choices,
        default=CriterionKind.SCORED,
        blank=True,
        help_text="Điểm thưởng, điểm trừ: mục ngoài tổng điểm; điểm trừ có điểm tối đa âm.",
    )
    guidance = models.TextField("hướng dẫn chấm", blank=True)
    evidence_required = models.TextField("tài liệu kiểm chứng", blank=True)
    default_department = models.CharField(
        "bộ phận phụ trách mặc định",
        max_length=200,
        blank=True,
        help_text="Tên bộ phận; điểm của mỗi đơn vị được giao cho bộ phận cùng tên.",
    )

    class Meta:
        verbose_name = "tiêu chí"
        verbose_name_plural = "tiêu chí"
        ordering = ["framework", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="criterion_unique_code"),
            # Only a penalty item has a negative maximum (the most it can take away).
            models.CheckConstraint(
                condition=models.Q(maximum__gte=0) | models.Q(kind=CriterionKind.PENALTY),
                name="criterion_max_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    def save(self, *args, **kwargs) -> None:
        self.sort_key = engine.sort_key(self.code)
        super().save(*args, **kwargs)

    @property
    def depth(self) -> int:
        return self.code.count(".")

    def clean(self) -> None:
        try:
            self.sort_key = engine.sort_key(self.code)
        except engine.ScoringError as exc:
            raise ValidationError({"code": str(exc)}) from exc
        if self.parent_id and self.parent.framework_id != self.framework_id:
            raise ValidationError({"parent": "Tiêu chí cha phải thuộc cùng bộ chỉ số."})
        if self.method:
            problems = engine.params_problems(
                self.code, self.method, self.params or {}, maximum=self.maximum
            )
            if problems:
                raise ValidationError({"params": problems})

    def rule_text(self) -> str:
        """The scoring rule in words, shown next to the input."""
        return engine.rule_text(self.method, self.maximum, self.params or {}, kind=self.kind)

    @property
    def is_self_assessed(self) -> bool:
        """The unit scores it itself; a survey or outside criterion the council enters for
        the whole round, and the unit only reads it."""
        return self.source == Source.SELF

    @property
    def is_measured(self) -> bool:
        """Its points follow from a measured percentage (survey result, outside index)."""
        return self.method in engine.MEASURED_METHODS

    def entered_by_council_text(self) -> str:
        """What the self-assessment shows instead of an input ("" for a self-assessed one)."""
        return SOURCE_ENTRY_TEXT.get(self.source, "")

    @property
    def allows_none(self) -> bool:
        """The unit may report "không phát sinh" (the rule gives full points or leaves it out)."""
        return bool(self.when_none) and self.when_none != WhenNone.REFUSE

    def none_rule_text(self, *, rescales: bool) -> str:
        """ "Khi không phát sinh: …" where the rule allows it; empty where it is refused (as
        every criterion was before the rule existed, so nothing is said)."""
        return engine.none_rule_text(self.when_none, rescales=rescales) if self.allows_none else ""


# What the unit reads where a criterion it does not score itself would take its input.
SOURCE_ENTRY_TEXT = {
    Source.SURVEY: "Hội đồng nhập kết quả điều tra",
    Source.EXTERNAL: "Nhập từ nguồn bên ngoài",
}
