"""Notices for what happens in the cycle (see scoring.signals) and to letters on their way
to the signer (documents.signals.letter_moved)."""

from __future__ import annotations

from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from cchc.text import shorten
from documents.models import LetterAction
from documents.signals import letter_moved
from notices.models import NoticeKind
from notices.recipients import COUNCIL, UNIT_LEADS, council_of, letter_office, unit_people
from notices.services import News, notify, notify_many
from scoring.engine import vn_number as number
from scoring.models import Assessment, AssessmentStatus
from scoring.signals import (
    assessment_moved,
    group_published,
    round_framework_changed,
    round_opened,
)


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M ngày %d/%m/%Y") if moment else "(chưa đặt)"


def _page(assessment) -> str:
    return reverse("scoring:assessment", args=[assessment.pk])


@receiver(assessment_moved)
def tell_about_a_move(sender, *, assessment, status, user, **kwargs) -> None:
    unit, period = assessment.unit, assessment.period
    if status == AssessmentStatus.SUBMITTED:
        notify(
            users=council_of(unit),
            kind=NoticeKind.SUBMITTED,
            text=f"{unit} đã gửi bản tự đánh giá {period} để thẩm định.",
            url=_page(assessment),
            assessment=assessment,
        )
    elif status == AssessmentStatus.RETURNED:
        notify(
            users=unit_people([unit])[unit.pk],
            kind=NoticeKind.RETURNED,
            text=f"Hội đồng thẩm định đã gửi kết quả vòng 1 {period} của {unit}; hạn giải "
            f"trình: {_when(assessment.response_deadline)}.",
            url=_page(assessment),
            assessment=assessment,
        )
    elif status == AssessmentStatus.ROUND_2:
        notify(
            users=council_of(unit),
            kind=NoticeKind.ROUND_2,
            text=f"{unit} đã xong phần giải trình {period}: chờ thẩm định vòng 2.",
            url=_page(assessment),
            assessment=assessment,
        )
    elif status == AssessmentStatus.PUBLISHED:
        notify(
            users=unit_people([unit])[unit.pk],
            kind=NoticeKind.PUBLISHED,
            text=f"Kết quả Chỉ số CCHC {period} của {unit} đã công bố: xem tổng điểm, xếp hạng "
            "và các tiêu chí bị trừ điểm.",
            url=_page(assessment),
            assessment=assessment,
        )


@receiver(round_opened)
def tell_about_an_opening(sender, *, round, assessments, user, **kwargs) -> None:
    people = unit_people([a.unit for a in assessments])
    notify_many(
        News(
            users=people[assessment.unit_id],
            kind=NoticeKind.OPENED,
            text=f"Đợt “{round}” đã mở cho {assessment.unit}: hạn tự đánh giá "
            f"{_when(assessment.self_deadline)}.",
            url=_page(assessment),
            assessment=assessment,
        )
        for assessment in assessments
    )


@receiver(group_published)
def tell_about_a_publication(sender, *, round, group, again, user, **kwargs) -> None:
    """Each published unit's leads hear its frozen result; units nobody leads in the app (most
    of a province's, before their people are invited) cost nothing (3 queries)."""
    led = Assessment.objects.filter(
        round=round,
        ranking_group=group,
        status=AssessmentStatus.PUBLISHED,
        unit__officials__role__in=list(UNIT_LEADS),
        unit__officials__is_active=True,
    ).distinct()
    assessments = list(led.select_related("unit", "period", "ranking_group"))
    people = unit_people([a.unit for a in assessments])
    what = "đã công bố lại (đính chính)" if again else "đã công bố"
    notify_many(
        News(
            users=people[a.unit_id],
            kind=NoticeKind.PUBLISHED,
            text=f"Kết quả Chỉ số CCHC {a.period} của {a.unit} {what}: "
            f"{number(a.result_total)} điểm"
            + (f" (quy đổi {number(a.result_rescaled)})" if a.result_rescaled is not None else "")
            + f", xếp loại {a.result_classification or '—'}, "
            f"thứ {a.result_rank}/{a.result_rank_of} trong nhóm “{a.ranking_group}”.",
            url=_page(a),
            assessment=a,
        )
        for a in assessments
    )


@receiver(round_framework_changed)
def tell_about_a_framework_change(sender, *, round, change, assessments, user, **kwargs) -> None:
    """Each unit's leads and the round's council hear that the round moved to another
    framework, and how many entries must be made again (a fixed number of queries)."""
    lost: dict[int, int] = {}
    for entry in change.not_carried:
        if entry.get("assessment"):
            lost[entry["assessment"]] = lost.get(entry["assessment"], 0) + 1
    what = f"Đợt “{round}” chuyển sang bộ chỉ số “{change.new_framework}”"
    people = unit_people([a.unit for a in assessments])
    news = [
        News(
            users=people[a.unit_id],
            kind=NoticeKind.OPENED,
            text=f"{what}: điểm của {a.unit} được giữ theo mã tiêu chí; "
            + (
                f"{lost[a.pk]} mục không chuyển được, hãy nhập lại."
                if lost.get(a.pk)
                else "không có mục nào phải nhập lại."
            ),
            url=_page(a),
            assessment=a,
        )
        for a in assessments
    ]
    council = unit_people([round.council_unit], roles=COUNCIL)[round.council_unit_id]
    news.append(
        News(
            users=council,
            kind=NoticeKind.OPENED,
            text=f"{what}: {change.carried} điểm tiêu chí chuyển sang, "
            f"{len(change.not_carried)} mục không chuyển được.",
            url=reverse("rounds:detail", args=[round.pk]),
        )
    )
    notify_many(news)


def _letter_page(letter) -> str:
    return reverse("documents:letter_detail", args=[letter.pk])


@receiver(letter_moved)
def tell_about_a_letter(sender, *, letter, action, user, comment, **kwargs) -> None:
    """Each step of trình ký tells the next person: a submission its signer; an approval, a
    return, an issue the drafter and the unit's coordinators; a withdrawal the signer, whose
    queue it leaves. Whoever took the step is not told of it."""
    signer = letter.signer.user if letter.signer_id else None
    subject = shorten(letter.subject, 120)
    said = f" Ý kiến: “{shorten(comment, 200)}”." if comment else ""
    if action == LetterAction.SUBMITTED:
        users, kind = [signer], NoticeKind.LETTER_SUBMITTED
        text = f"{user or 'Văn phòng'} trình ký {letter.get_kind_display().lower()} “{subject}”."
    elif action == LetterAction.WITHDRAWN:
        users, kind = [signer], NoticeKind.LETTER_WITHDRAWN
        text = f"{user or 'Văn phòng'} đã rút lại văn bản trình ký “{subject}” để sửa."
    elif action == LetterAction.APPROVED:
        users, kind = letter_office(letter), NoticeKind.LETTER_APPROVED
        text = f"{user} đã duyệt ký “{subject}”: văn bản có thể ban hành."
    elif action == LetterAction.RETURNED:
        users, kind = letter_office(letter), NoticeKind.LETTER_RETURNED
        text = f"{user} đã trả lại dự thảo “{subject}” để sửa."
    elif action == LetterAction.ISSUED:
        users, kind = [*letter_office(letter), signer], NoticeKind.LETTER_ISSUED
        text = f"Đã ban hành {letter}: “{subject}”."
    else:
        return
    notify(
        users=[u for u in users if u is not None and u != user],
        kind=kind,
        text=text + said,
        url=_letter_page(letter),
        assessment=letter.assessment,
    )
