"""Rounds (đợt đánh giá): a council runs one framework × period for many units at once.

Since the 2025 reform a province's appraisal council runs the index for its wards, communes
and special zones and for its departments, each on its own framework and ranked in separate
groups. A round opens every unit's assessment at once, with common deadlines; a unit's
deadline can be extended on its own, with the reason kept.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from scoring.models.assessments import Assessment, Period
from scoring.models.frameworks import Criterion, Framework
from scoring.models.units import LEVEL_OF_KIND, Unit, UnitKind


class RankingGroup(models.Model):
    """Units ranked together, e.g. "Sở, ban, ngành", "Phường", "Xã và đặc khu": data, set by
    the council's unit for its rounds. Rank and "thứ x/y" are counted within a group."""

    council_unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị tổ chức đánh giá",
        on_delete=models.PROTECT,
        related_name="ranking_groups",
    )
    name = models.CharField("tên nhóm xếp hạng", max_length=100)
    kinds = models.JSONField(
        "loại đơn vị trong nhóm",
        default=list,
        help_text="Các loại đơn vị được xếp hạng chung trong nhóm này.",
    )
    position = models.PositiveSmallIntegerField("thứ tự hiển thị", default=0)

    class Meta:
        verbose_name = "nhóm xếp hạng"
        verbose_name_plural = "nhóm xếp hạng"
        ordering = ["council_unit__name", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["council_unit", "name"], name="ranking_group_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def kind_labels(self) -> str:
        return ", ".join(UnitKind(k).label for k in self.kinds if k in UnitKind.values)

    def clean(self) -> None:
        unknown = [k for k in self.kinds or [] if k not in UnitKind.values]
        if not self.kinds or unknown:
            raise ValidationError({"kinds": "Hãy chọn ít nhất một loại đơn vị hợp lệ."})
        levels = {LEVEL_OF_KIND[UnitKind(k)] for k in self.kinds}
        if len(levels) > 1:
            raise ValidationError(
                {"kinds": "Một nhóm xếp hạng chỉ gồm các loại đơn vị cùng cấp (cùng bộ chỉ số)."}
            )


class RoundStatus(models.TextChoices):
    OPEN = "open", "Đang mở"
    CLOSED = "closed", "Đã đóng"


class Round(models.Model):
    """One framework × period run by a council for the units of some ranking groups.

    Opening creates every unit's assessment with every leaf score (`round_open`); a unit
    added later joins an open round. Closing and re-opening are kept in the history.
    """

    council_unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị tổ chức đánh giá",
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    framework = models.ForeignKey(
        Framework, verbose_name="bộ chỉ số", on_delete=models.PROTECT, related_name="rounds"
    )
    period = models.ForeignKey(
        Period, verbose_name="kỳ đánh giá", on_delete=models.PROTECT, related_name="rounds"
    )
    name = models.CharField("tên đợt đánh giá", max_length=300)
    groups = models.ManyToManyField(
        RankingGroup, verbose_name="nhóm xếp hạng", related_name="rounds"
    )
    excluded_units = models.ManyToManyField(
        Unit,
        verbose_name="đơn vị không đánh giá",
        blank=True,
        related_name="rounds_excluded_from",
    )
    self_deadline = models.DateTimeField("hạn tự đánh giá", null=True, blank=True)
    response_deadline = models.DateTimeField("hạn giải trình", null=True, blank=True)
    appraisal_deadline = models.DateTimeField("hạn thẩm định", null=True, blank=True)
    status = models.CharField(
        "trạng thái", max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    opened_at = models.DateTimeField("ngày mở", null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người mở",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status_note = models.CharField("lý do đóng / mở lại", max_length=300, blank=True)
    history = HistoricalRecords(excluded_fields=["opened_at"])

    class Meta:
        verbose_name = "đợt đánh giá"
        verbose_name_plural = "đợt đánh giá"
        ordering = ["-period__year", "period__kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["council_unit", "framework", "period"], name="round_unique_per_period"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class DeadlineKind(models.TextChoices):
    SELF = "self_deadline", "Hạn tự đánh giá"
    RESPONSE = "response_deadline", "Hạn giải trình"
    APPRAISAL = "appraisal_deadline", "Hạn thẩm định"


class DeadlineExtension(models.Model):
    """One unit's deadline moved past the round's, with the reason: the unit may enter until
    the new deadline, nobody else."""

    assessment = models.ForeignKey(
        Assessment,
        verbose_name="bản đánh giá",
        on_delete=models.CASCADE,
        related_name="deadline_extensions",
    )
    deadline = models.CharField("hạn", max_length=20, choices=DeadlineKind.choices)
    previous = models.DateTimeField("hạn cũ", null=True, blank=True)
    extended_to = models.DateTimeField("gia hạn đến")
    reason = models.CharField("lý do", max_length=500)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người gia hạn",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    granted_at = models.DateTimeField("thời điểm gia hạn", auto_now_add=True)

    class Meta:
        verbose_name = "gia hạn"
        verbose_name_plural = "gia hạn"
        ordering = ["-granted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_deadline_display()} của {self.assessment}"


class GroupPublication(models.Model):
    """The publication of one ranking group's results in a round, with the council's decision.

    A group is published as a whole: its units' totals, classifications and ranks are frozen
    together. A later correction is a re-publication (revision 2, 3, …) with its reason, which
    re-ranks the group; each stays on record.
    """

    round = models.ForeignKey(
        Round, verbose_name="đợt đánh giá", on_delete=models.CASCADE, related_name="publications"
    )
    group = models.ForeignKey(
        RankingGroup,
        verbose_name="nhóm xếp hạng",
        on_delete=models.PROTECT,
        related_name="publications",
    )
    revision = models.PositiveSmallIntegerField("lần công bố", default=1)
    decision = models.CharField(
        "quyết định công bố",
        max_length=300,
        help_text="Ví dụ: Quyết định số 125/QĐ-UBND ngày 20/01/2027 của UBND tỉnh",
    )
    decided_on = models.DateField("ngày quyết định")
    reason = models.TextField("lý do công bố lại", blank=True)
    published_at = models.DateTimeField("thời điểm công bố", auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người công bố",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    unit_count = models.PositiveIntegerField("số đơn vị", default=0)

    class Meta:
        verbose_name = "công bố kết quả nhóm"
        verbose_name_plural = "công bố kết quả nhóm"
        ordering = ["round", "group", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "group", "revision"], name="group_publication_unique_revision"
            ),
        ]

    def __str__(self) -> str:
        what = "Công bố" if self.revision == 1 else f"Công bố lại lần {self.revision - 1}"
        return f"{what}: {self.group} – {self.round}"


class AppraisalPart(models.Model):
    """A share of a round's appraisal given to one appraiser for every unit of the round: some
    fields (lĩnh vực) or criteria, e.g. the legal department appraises field 2 for every
    commune. A field or criterion with children covers all the leaves below it."""

    round = models.ForeignKey(
        Round, verbose_name="đợt đánh giá", on_delete=models.CASCADE, related_name="parts"
    )
    name = models.CharField("tên phần việc", max_length=200)
    appraiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thẩm định",
        on_delete=models.PROTECT,
        related_name="appraisal_parts",
    )
    criteria = models.ManyToManyField(
        Criterion, verbose_name="lĩnh vực, tiêu chí", related_name="appraisal_parts"
    )

    class Meta:
        verbose_name = "phần việc thẩm định"
        verbose_name_plural = "phần việc thẩm định"
        ordering = ["round", "name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="appraisal_part_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.appraiser})"


class RoundFrameworkChange(models.Model):
    """An open round moved to a framework issued in its place (a new decision within the year).

    Scores whose criterion keeps its code and method were carried over; `not_carried` lists the
    rest as {"code", "title", "reason"} so that the council sees what must be entered again.
    """

    round = models.ForeignKey(
        Round,
        verbose_name="đợt đánh giá",
        on_delete=models.CASCADE,
        related_name="framework_changes",
    )
    old_framework = models.ForeignKey(
        Framework, verbose_name="bộ chỉ số cũ", on_delete=models.PROTECT, related_name="+"
    )
    new_framework = models.ForeignKey(
        Framework, verbose_name="bộ chỉ số mới", on_delete=models.PROTECT, related_name="+"
    )
    carried = models.PositiveIntegerField("số điểm chuyển sang", default=0)
    not_carried = models.JSONField("không chuyển được", default=list, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField("thời điểm", auto_now_add=True)

    class Meta:
        verbose_name = "thay bộ chỉ số của đợt"
        verbose_name_plural = "thay bộ chỉ số của đợt"
        ordering = ["round", "-changed_at"]

    def __str__(self) -> str:
        return f"{self.round}: {self.old_framework} → {self.new_framework}"
