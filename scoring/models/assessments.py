"""Periods, assessments (one unit × framework × period), their scores and evidence."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from scoring import engine
from scoring.models.frameworks import (
    MEASURE_DIGITS,
    SCORE_DIGITS,
    Criterion,
    CriterionKind,
    Framework,
)
from scoring.models.units import Department, Unit


class PeriodKind(models.TextChoices):
    ANNUAL = "annual", "Cả năm"
    MID_YEAR = "mid_year", "6 tháng đầu năm"


class Period(models.Model):
    year = models.PositiveSmallIntegerField("năm")
    kind = models.CharField("kỳ đánh giá", max_length=10, choices=PeriodKind.choices)

    class Meta:
        verbose_name = "kỳ đánh giá"
        verbose_name_plural = "kỳ đánh giá"
        # "mid_year" sorts after "annual", so descending kind puts a year's mid-year round first.
        ordering = ["year", "-kind"]
        constraints = [
            models.UniqueConstraint(fields=["year", "kind"], name="period_unique_year_kind"),
        ]

    def __str__(self) -> str:
        if self.kind == PeriodKind.MID_YEAR:
            return f"6 tháng đầu năm {self.year}"
        return f"Năm {self.year}"


class AssessmentStatus(models.TextChoices):
    """The cycle: the unit scores itself, the council appraises in two rounds, then publishes.

    Round 1 ends by returning the results to the unit, which may explain (giải trình) any
    criterion before the response deadline; round 2 fixes the final appraised values.
    """

    DRAFT = "draft", "Đang tự đánh giá"
    SUBMITTED = "submitted", "Chờ thẩm định vòng 1"
    RETURNED = "returned", "Chờ đơn vị giải trình"
    ROUND_2 = "round_2", "Chờ thẩm định vòng 2"
    APPRAISED = "appraised", "Đã thẩm định"
    PUBLISHED = "published", "Đã công bố"


class Assessment(models.Model):
    """One unit's index in one period, scored on one framework."""

    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="assessments"
    )
    framework = models.ForeignKey(
        Framework, verbose_name="bộ chỉ số", on_delete=models.PROTECT, related_name="assessments"
    )
    period = models.ForeignKey(
        Period, verbose_name="kỳ đánh giá", on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(
        "trạng thái",
        max_length=10,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    # The round it was opened in, and the group it is ranked in; both empty for the results
    # recorded before rounds existed (ranked among the framework and period's other results).
    round = models.ForeignKey(
        "scoring.Round",
        verbose_name="đợt đánh giá",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
    )
    ranking_group = models.ForeignKey(
        "scoring.RankingGroup",
        verbose_name="nhóm xếp hạng",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
    )
    self_deadline = models.DateTimeField("hạn tự đánh giá", null=True, blank=True)
    response_deadline = models.DateTimeField("hạn giải trình", null=True, blank=True)
    appraisal_deadline = models.DateTimeField("hạn thẩm định", null=True, blank=True)
    bonus = models.DecimalField("điểm thưởng", **SCORE_DIGITS, default=0)
    bonus_note = models.TextField("lý do điểm thưởng", blank=True)
    penalty = models.DecimalField("điểm trừ ngoài bộ tiêu chí", **SCORE_DIGITS, default=0)
    penalty_note = models.TextField("lý do điểm trừ", blank=True)
    published_decision = models.CharField(
        "quyết định công bố",
        max_length=300,
        blank=True,
        help_text="Ví dụ: Quyết định số 1299/QĐ-UBND ngày 29/12/2023 của UBND thị xã Quảng Trị",
    )
    published_at = models.DateTimeField("ngày công bố", null=True, blank=True)
    submitted_at = models.DateTimeField("ngày gửi thẩm định", null=True, blank=True)
    returned_at = models.DateTimeField("ngày gửi kết quả vòng 1", null=True, blank=True)
    # Frozen at publication (and re-ranked when a sibling unit is published later).
    result_total = models.DecimalField("tổng điểm", **SCORE_DIGITS, null=True, blank=True)
    result_percentage = models.DecimalField("tỷ lệ (%)", **SCORE_DIGITS, null=True, blank=True)
    result_classification = models.CharField("xếp loại", max_length=50, blank=True)
    result_rescaled = models.DecimalField(
        "điểm quy đổi",
        **SCORE_DIGITS,
        null=True,
        blank=True,
        help_text="Tổng điểm quy đổi về tổng điểm tối đa khi có tiêu chí không đánh giá; "
        "tỷ lệ, xếp loại và xếp hạng theo điểm này.",
    )
    result_rank = models.PositiveIntegerField("xếp hạng", null=True, blank=True)
    result_rank_of = models.PositiveIntegerField("trong số", null=True, blank=True)
    result_change = models.DecimalField(
        "tăng/giảm so với kỳ trước", **SCORE_DIGITS, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "bản đánh giá"
        verbose_name_plural = "bản đánh giá"
        ordering = ["-period__year", "period__kind", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period"], name="assessment_one_per_unit_period"
            ),
            models.CheckConstraint(
                condition=models.Q(bonus__gte=0, penalty__gte=0),
                name="assessment_bonus_penalty_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.period}"

    def self_entry_open(self, now=None) -> bool:
        """Self-assessment can be entered: still a draft and not past its deadline."""
        now = now or timezone.now()
        return self.status == AssessmentStatus.DRAFT and (
            self.self_deadline is None or now <= self.self_deadline
        )

    def response_open(self, now=None) -> bool:
        """The unit can still explain (giải trình) after round 1."""
        now = now or timezone.now()
        return self.status == AssessmentStatus.RETURNED and (
            self.response_deadline is None or now <= self.response_deadline
        )

    def appraisal_open(self) -> bool:
        return self.status in (AssessmentStatus.SUBMITTED, AssessmentStatus.ROUND_2)

    def clean(self) -> None:
        errors = {}
        if self.framework_id and self.unit_id and self.framework.unit_level != self.unit.level:
            errors["framework"] = (
                f"Bộ chỉ số áp dụng cho {self.framework.get_unit_level_display().lower()}, "
                f"không áp dụng cho {self.unit}."
            )
        if (
            self.framework_id
            and self.period_id
            and not self.framework.applies_to_year(self.period.year)
        ):
            errors["period"] = (
                f"Bộ chỉ số “{self.framework}” không áp dụng cho năm {self.period.year}."
            )
        if self.framework_id and (self.bonus or self.penalty) and self.framework.has_items():
            errors["bonus"] = (
                "Bộ chỉ số có các mục điểm thưởng, điểm trừ: không nhập điểm thưởng, điểm trừ "
                "gộp; hãy chấm từng mục trên bảng điểm."
            )
        elif self.framework_id:
            if self.bonus > self.framework.bonus_cap:
                errors["bonus"] = (
                    f"Điểm thưởng {engine.vn_number(self.bonus)} vượt mức tối đa "
                    f"{engine.vn_number(self.framework.bonus_cap)} của bộ chỉ số."
                )
            if self.penalty > self.framework.penalty_cap:
                errors["penalty"] = (
                    f"Điểm trừ {engine.vn_number(self.penalty)} vượt mức tối đa "
                    f"{engine.vn_number(self.framework.penalty_cap)} của bộ chỉ số."
                )
        if errors:
            raise ValidationError(errors)


AGREED_WITHOUT_NOTE = "Đồng ý với điểm tự đánh giá của đơn vị."


def losing_points(field: str = "appraised_value", prefix: str = "") -> models.Q:
    """Scores whose `field` loses points (`engine.loses_points`), as a filter: below the
    maximum for a scored criterion, any point taken by a penalty item, never a bonus item."""
    kind = f"{prefix}criterion__kind"
    items = [CriterionKind.BONUS, CriterionKind.PENALTY]
    return models.Q(**{f"{prefix}{field}__lt": models.F(f"{prefix}maximum")}) & ~models.Q(
        **{f"{kind}__in": items}
    ) | models.Q(**{kind: CriterionKind.PENALTY, f"{prefix}{field}__lt": 0})


def _within_maximum(field: str) -> models.Q:
    """Between 0 and the maximum; a penalty item's maximum is negative, its value ≤ 0."""
    return (
        models.Q(**{f"{field}__isnull": True})
        | models.Q(**{f"{field}__gte": 0, f"{field}__lte": models.F("maximum")})
        | models.Q(**{"maximum__lt": 0, f"{field}__lte": 0, f"{field}__gte": models.F("maximum")})
    )


def _counts_consistent(b: str, a: str) -> models.Q:
    """Counts the database can check without knowing the criterion's method: b ≥ 0, and a
    either empty (a deduction's number of cases) or > 0. Whether b may exceed a depends on the
    method (a ratio that may pass 100 %); Score.clean() and the services hold that rule."""
    both_empty = models.Q(**{f"{b}__isnull": True, f"{a}__isnull": True})
    counted = models.Q(**{f"{b}__isnull": False, f"{b}__gte": 0}) & (
        models.Q(**{f"{a}__isnull": True}) | models.Q(**{f"{a}__gt": 0})
    )
    return both_empty | counted


class Score(models.Model):
    """One leaf criterion in one assessment: what the unit claims and what the council awards.

    `maximum` is copied from the criterion so that the database itself can hold
    0 ≤ value ≤ maximum. An empty appraised value means "not yet appraised": it counts neither
    as earned nor as lost.
    """

    assessment = models.ForeignKey(
        Assessment, verbose_name="bản đánh giá", on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name="tiêu chí", on_delete=models.PROTECT, related_name="scores"
    )
    maximum = models.DecimalField("điểm tối đa", **SCORE_DIGITS, editable=False)
    self_value = models.DecimalField("điểm tự đánh giá", **SCORE_DIGITS, null=True, blank=True)
    self_b = models.PositiveIntegerField("số b (tự đánh giá)", null=True, blank=True)
    self_a = models.PositiveIntegerField("số a (tự đánh giá)", null=True, blank=True)
    self_measure = models.DecimalField(
        "kết quả đo (tự đánh giá)", **MEASURE_DIGITS, null=True, blank=True
    )
    self_not_assessed = models.BooleanField("đơn vị báo không phát sinh", default=False)
    self_note = models.TextField(
        "giải thích của đơn vị",
        blank=True,
        help_text="Bắt buộc khi điểm tự đánh giá không có tài liệu kiểm chứng.",
    )
    appraised_value = models.DecimalField("điểm thẩm định", **SCORE_DIGITS, null=True, blank=True)
    appraised_b = models.PositiveIntegerField("số b (thẩm định)", null=True, blank=True)
    appraised_a = models.PositiveIntegerField("số a (thẩm định)", null=True, blank=True)
    appraised_measure = models.DecimalField(
        "kết quả đo (thẩm định)",
        **MEASURE_DIGITS,
        null=True,
        blank=True,
        help_text="Kết quả điều tra (%), chỉ số từ nguồn bên ngoài: điểm tính từ số này.",
    )
    appraised_not_assessed = models.BooleanField("hội đồng xác định không đánh giá", default=False)
    appraisal_comment = models.TextField("ý kiến hội đồng thẩm định", blank=True)
    round1_value = models.DecimalField(
        "điểm thẩm định vòng 1", **SCORE_DIGITS, null=True, blank=True
    )
    round1_comment = models.TextField("ý kiến thẩm định vòng 1", blank=True)
    response = models.TextField("giải trình của đơn vị", blank=True)
    responsible_department = models.ForeignKey(
        Department,
        verbose_name="bộ phận phụ trách",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scores",
    )
    responsible_note = models.CharField(
        "trách nhiệm (ghi như văn bản)",
        max_length=300,
        blank=True,
        help_text="Ví dụ: “Các công chức liên quan”.",
    )
    # Every save through the services bumps `version`; a save based on an older version is
    # refused, so a second editor never silently overwrites the first.
    version = models.PositiveIntegerField(default=0, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người sửa cuối",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "điểm tiêu chí"
        verbose_name_plural = "điểm tiêu chí"
        ordering = ["assessment", "criterion__sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="score_one_per_criterion"
            ),
            models.CheckConstraint(
                condition=_within_maximum("self_value"), name="score_self_in_range"
            ),
            models.CheckConstraint(
                condition=_within_maximum("appraised_value"), name="score_appraised_in_range"
            ),
            models.CheckConstraint(
                condition=_counts_consistent("self_b", "self_a"), name="score_self_counts_valid"
            ),
            models.CheckConstraint(
                condition=_counts_consistent("appraised_b", "appraised_a"),
                name="score_appraised_counts_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} – {self.criterion.code}"

    def line(self) -> engine.Line:
        return engine.Line(self.maximum, self.self_value, self.appraised_value, self.criterion.kind)

    def all_evidence(self) -> list:
        """The files proving this criterion: those uploaded for it, then those uploaded for
        another criterion and linked to it (prefetch `evidence` and `linked_evidence`)."""
        own = list(self.evidence.all())
        return own + [e for e in self.linked_evidence.all() if e not in own]

    @property
    def agrees_with_unit(self) -> bool:
        """The council kept the unit's own value, below the maximum: the unit itself gave the
        points up, so its note is the reason (shown as "đồng ý với đơn vị")."""
        value = self.appraised_value
        return value == self.self_value and self.loses_points(value)

    def loses_points(self, value: Decimal | None) -> bool:
        """`value` (of this score) loses points: see `engine.loses_points`."""
        return engine.loses_points(value, self.maximum, self.criterion.kind)

    @property
    def is_item(self) -> bool:
        """A bonus or penalty item: optional, an empty one counts as 0."""
        return self.criterion.kind in engine.ITEM_KINDS

    def agreed_reason(self) -> str:
        """The council's reason when it agrees with a value the unit scored below the maximum:
        the unit's own note, or a sentence saying so when the unit wrote none."""
        return self.self_note.strip() or AGREED_WITHOUT_NOTE

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        criterion = self.criterion
        for field in ("self_value", "appraised_value"):
            value = getattr(self, field)
            if value is not None:
                problems = engine.value_problems(
                    criterion.code, criterion.method, criterion.maximum, criterion.params, value
                )
                if problems:
                    errors[field] = problems
        for b_field, a_field in (("self_b", "self_a"), ("appraised_b", "appraised_a")):
            b, a = getattr(self, b_field), getattr(self, a_field)
            if b is not None or a is not None:
                problems = engine.counts_problems(
                    b, a, method=criterion.method, params=criterion.params or {}
                )
                if problems:
                    errors[b_field] = problems
        if self.responsible_department_id and (
            self.responsible_department.unit_id != self.assessment.unit_id
        ):
            errors["responsible_department"] = [
                "Bộ phận phụ trách không thuộc đơn vị được đánh giá."
            ]
        if errors:
            raise ValidationError(errors)


class EvidenceStage(models.TextChoices):
    SELF = "self", "Tự đánh giá"
    RESPONSE = "response", "Giải trình"


def _evidence_path(instance: "Evidence", filename: str) -> str:
    # The stored name is not the user's: it cannot collide or carry path tricks.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{instance.score.assessment_id}/{uuid.uuid4().hex}.{suffix}"


class Evidence(models.Model):
    """A file that proves a claim (tài liệu kiểm chứng), uploaded for one criterion's score
    and possibly linked to other criteria of the same assessment (one plan can prove several
    criteria: it is uploaded once, counted for each).

    Stored outside any public URL: it is served only through a view that checks the user
    may see the assessment.
    """

    score = models.ForeignKey(
        Score, verbose_name="tiêu chí", on_delete=models.CASCADE, related_name="evidence"
    )
    linked_scores = models.ManyToManyField(
        Score,
        verbose_name="cũng là tài liệu của tiêu chí",
        related_name="linked_evidence",
        blank=True,
    )
    file = models.FileField("tệp", upload_to=_evidence_path, max_length=300)
    original_name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField("loại tệp", max_length=100)
    size = models.PositiveIntegerField("dung lượng (byte)")
    stage = models.CharField(
        "giai đoạn", max_length=10, choices=EvidenceStage.choices, default=EvidenceStage.SELF
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tải lên",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("thời điểm tải lên", auto_now_add=True)

    class Meta:
        verbose_name = "tài liệu kiểm chứng"
        verbose_name_plural = "tài liệu kiểm chứng"
        ordering = ["score", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    def shared_codes(self) -> list[str]:
        """The codes of the criteria the file also proves, in code order."""
        scores = sorted(self.linked_scores.all(), key=lambda s: s.criterion.sort_key)
        return [s.criterion.code for s in scores]
