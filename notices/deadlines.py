"""Notices three days before each deadline: self-assessment (the unit, while it is a draft),
explanations (the unit, while returned), appraisal (the council, while it appraises)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from notices.models import NoticeKind
from notices.recipients import COUNCIL, unit_people
from notices.services import News, notify_many
from scoring.models import Assessment, AssessmentStatus

AHEAD = timedelta(days=3)

DEADLINES = (
    ("self_deadline", AssessmentStatus.DRAFT, "tự đánh giá", "unit"),
    ("response_deadline", AssessmentStatus.RETURNED, "giải trình", "unit"),
    ("appraisal_deadline", AssessmentStatus.SUBMITTED, "thẩm định", "council"),
    ("appraisal_deadline", AssessmentStatus.ROUND_2, "thẩm định", "council"),
)


def deadline_notices_send(*, now: datetime) -> int:
    """Notices for deadlines between now and three days ahead; returns how many were made."""
    news = []
    for field, status, what, who in DEADLINES:
        due = Assessment.objects.filter(
            status=status, **{f"{field}__gt": now, f"{field}__lte": now + AHEAD}
        ).select_related("unit__parent", "period")
        due = list(due)
        if not due:
            continue
        if who == "unit":
            people = unit_people([a.unit for a in due])
        else:
            parents = [a.unit.parent for a in due if a.unit.parent]
            council = unit_people(parents, COUNCIL)
            people = {a.unit_id: council.get(a.unit.parent_id, []) for a in due}
        for assessment in due:
            deadline = getattr(assessment, field)
            when = timezone.localtime(deadline)
            news.append(
                News(
                    users=people[assessment.unit_id],
                    kind=NoticeKind.DEADLINE,
                    text=f"Còn {_days_left(now, deadline)} đến hạn {what} {assessment.period} của "
                    f"{assessment.unit} ({when:%H:%M ngày %d/%m/%Y}).",
                    url=reverse("scoring:assessment", args=[assessment.pk]),
                    assessment=assessment,
                    key=f"deadline:{assessment.pk}:{field}:{when:%Y%m%d%H%M}",
                )
            )
    return len(notify_many(news))


def _days_left(now: datetime, deadline: datetime) -> str:
    hours = int((deadline - now).total_seconds() // 3600)
    return f"{hours // 24} ngày" if hours >= 24 else f"{max(hours, 1)} giờ"
