"""Writes of the round pages, on top of `scoring.services` (which holds the round itself):
the usual ranking groups of a council, a round created and opened in one go, reminders, and
"accept and return" for many units at once.

Each write is one transaction; the bulk actions run one transaction per unit, so one unit's
refusal leaves the others done.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from scoring import services as scoring
from scoring.access import descendant_ids
from scoring.models import (
    Assessment,
    AssessmentStatus,
    Framework,
    Official,
    Period,
    RankingGroup,
    Role,
    Round,
    Unit,
    UnitKind,
)

K = UnitKind
# The groups councils use, in display order: (name, kinds it may hold). A suggestion keeps the
# kinds actually found below the council.
USUAL_GROUPS = (
    ("Sở, ban, ngành", (K.DEPARTMENT,)),
    ("Huyện, thị xã, thành phố", (K.PROVINCIAL_CITY, K.URBAN_DISTRICT, K.RURAL_DISTRICT, K.TOWN)),
    ("Phường", (K.WARD,)),
    ("Xã và đặc khu", (K.COMMUNE, K.TOWNSHIP, K.SPECIAL_ZONE)),
)
REMINDED_ROLES = (Role.COORDINATOR, Role.CHAIRPERSON)


@dataclass(frozen=True)
class GroupSuggestion:
    name: str
    kinds: list[str]

    def kind_labels(self) -> str:
        return ", ".join(UnitKind(k).label for k in self.kinds)


def ranking_groups_suggest(*, council_unit: Unit) -> list[GroupSuggestion]:
    """The usual groups for the kinds of the active units below the council."""
    below = descendant_ids({council_unit.pk})
    present = set(Unit.objects.filter(pk__in=below, is_active=True).values_list("kind", flat=True))
    suggestions = []
    for name, kinds in USUAL_GROUPS:
        found = [k.value for k in kinds if k in present]
        if not found:
            continue
        if name == "Xã và đặc khu" and K.SPECIAL_ZONE not in found:
            name = "Xã, thị trấn" if K.TOWNSHIP in found else "Xã"
        suggestions.append(GroupSuggestion(name, found))
    return suggestions


@transaction.atomic
def ranking_group_create(
    *, council_unit: Unit, name: str, kinds: list[str], position: int = 0
) -> RankingGroup:
    group = RankingGroup(
        council_unit=council_unit, name=name.strip(), kinds=list(kinds), position=position
    )
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def ranking_groups_create_usual(*, council_unit: Unit) -> list[RankingGroup]:
    """Create the suggested groups the council does not have yet (by name)."""
    have = set(council_unit.ranking_groups.values_list("name", flat=True))
    suggestions = ranking_groups_suggest(council_unit=council_unit)
    if not suggestions:
        raise ValidationError(f"Dưới {council_unit} chưa có đơn vị nào để xếp hạng.")
    return [
        ranking_group_create(
            council_unit=council_unit, name=s.name, kinds=s.kinds, position=position
        )
        for position, s in enumerate(suggestions, start=1)
        if s.name not in have
    ]


@transaction.atomic
def round_create_and_open(
    *,
    council_unit: Unit,
    framework: Framework,
    year: int,
    period_kind: str,
    name: str,
    groups: list[RankingGroup],
    excluded: list[Unit] = (),
    self_deadline: datetime | None = None,
    response_deadline: datetime | None = None,
    appraisal_deadline: datetime | None = None,
    user=None,
) -> tuple[Round, scoring.OpenReport]:
    """The round page's "open a round": the period (made if missing), the round, and every
    unit's assessment, all or nothing."""
    period, _ = Period.objects.get_or_create(year=year, kind=period_kind)
    round_ = scoring.round_create(
        council_unit=council_unit,
        framework=framework,
        period=period,
        name=name,
        groups=groups,
        excluded=excluded,
        self_deadline=self_deadline,
        response_deadline=response_deadline,
        appraisal_deadline=appraisal_deadline,
        user=user,
    )
    return round_, scoring.round_open(round_=round_, user=user)


@transaction.atomic
def deadlines_extend(
    *, assessments: list[Assessment], deadline: str, until: datetime, reason: str, user=None
) -> int:
    """The same extension for several units, all or none."""
    for assessment in assessments:
        scoring.deadline_extend(
            assessment=assessment, deadline=deadline, until=until, reason=reason, user=user
        )
    return len(assessments)


@dataclass
class RemindReport:
    sent: list[str] = field(default_factory=list)  # units mailed
    recipients: int = 0
    no_email: list[str] = field(default_factory=list)  # units nobody could be mailed at


def _reminder(round_: Round, assessment: Assessment, people: list[Official]) -> EmailMessage:
    deadline = assessment.self_deadline
    when = "theo kế hoạch của hội đồng"
    if deadline is not None:
        when = f"{timezone.localtime(deadline):%H:%M ngày %d/%m/%Y}"
    body = "\n".join(
        [
            f"Kính gửi: {', '.join(o.user.get_full_name() for o in people)},",
            "",
            f"Đợt đánh giá: {round_.name}.",
            f"Bản đánh giá của {assessment.unit} đang ở trạng thái "
            f"“{assessment.get_status_display()}”.",
            f"Hạn tự đánh giá của đơn vị: {when}.",
            "",
            "Đề nghị đơn vị hoàn thành tự đánh giá, tải tài liệu kiểm chứng và gửi thẩm định "
            "trên hệ thống Chỉ số CCHC đúng hạn.",
            "",
            f"{round_.council_unit} – Hội đồng thẩm định.",
            "Thư này được gửi tự động, vui lòng không trả lời.",
        ]
    )
    return EmailMessage(
        subject=f"[Chỉ số CCHC] Nhắc hạn tự đánh giá – {assessment.unit}",
        body=body,
        to=sorted({o.user.email for o in people}),
    )


def units_remind(*, round_: Round, assessments: list[Assessment]) -> RemindReport:
    """Mail each unit's CCHC coordinator and chairperson its deadline (one mail per unit)."""
    report = RemindReport()
    officials = (
        Official.objects.current()
        .filter(unit_id__in=[a.unit_id for a in assessments], role__in=REMINDED_ROLES)
        .select_related("user")
    )
    by_unit: dict[int, list[Official]] = {}
    for official in officials:
        if official.user.email and official.user.is_active:
            by_unit.setdefault(official.unit_id, []).append(official)
    mails = []
    for assessment in assessments:
        people = by_unit.get(assessment.unit_id)
        if not people:
            report.no_email.append(str(assessment.unit))
            continue
        mails.append(_reminder(round_, assessment, people))
        report.sent.append(str(assessment.unit))
        report.recipients += len({o.user.email for o in people})
    if mails:
        get_connection().send_messages(mails)
    return report


@dataclass
class AcceptReport:
    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # unit, reason


def _accept_and_return(assessment: Assessment, user) -> None:
    scoring.assessment_lock(assessment)
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ValidationError(
            f"đang ở trạng thái “{assessment.get_status_display()}”, không phải chờ thẩm định "
            "vòng 1."
        )
    cut = (
        assessment.scores.filter(appraised_value__isnull=False)
        .filter(Q(self_value__isnull=True) | ~Q(appraised_value=F("self_value")))
        .order_by("criterion__sort_key")
        .values_list("criterion__code", flat=True)
    )
    if cut:
        raise ValidationError(
            f"hội đồng đã chấm khác điểm tự đánh giá ở tiêu chí {', '.join(cut[:5])}"
            f"{'…' if len(cut) > 5 else ''}; hãy gửi kết quả từ trang thẩm định của đơn vị."
        )
    scoring.assessment_accept_self_values(assessment=assessment, user=user)
    scoring.assessment_return(
        assessment=assessment, response_deadline=assessment.response_deadline, user=user
    )


def assessments_accept_and_return(*, assessments: list[Assessment], user=None) -> AcceptReport:
    """For each submitted unit the council cut nothing from: accept every value the unit gave
    and send round 1 back (the unit may still explain until its response deadline). One
    transaction per unit; a refusal is reported with its reason and changes nothing of it."""
    report = AcceptReport()
    for assessment in assessments:
        try:
            with transaction.atomic():
                _accept_and_return(assessment, user)
        except ValidationError as refused:
            report.refused.append((str(assessment.unit), " ".join(refused.messages)))
        else:
            report.done.append(str(assessment.unit))
    return report
