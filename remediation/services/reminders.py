"""Reminder mails: each person gets one mail listing their overdue tasks and those due within
the next days. Run daily by `manage.py send_task_reminders`.

A person already reminded today is skipped, so running the command twice (a retried cron job)
sends nothing twice. Mail is sent person by person, each recorded right after it went out:
a failure half-way leaves those already mailed recorded and the others to the next run.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse

from remediation.models import ReminderSent, Task

DUE_WITHIN_DAYS = 7


@dataclass
class ReminderReport:
    sent: list[tuple[str, int]] = field(default_factory=list)  # email, number of tasks
    already: list[str] = field(default_factory=list)  # reminded earlier today
    no_email: list[str] = field(default_factory=list)  # people without an address


def _recipients(task: Task) -> set:
    """The lead and other assignees; when the task names no one, its department's members."""
    people = {o.user for o in [task.lead, *task.assignees.all()] if o is not None and o.is_active}
    if not people and task.department is not None:
        people = {o.user for o in task.department.officials.all() if o.is_active}
    return people


def _line(task: Task, today: datetime.date, base_url: str) -> str:
    days = task.days_left(today)
    if days < 0:
        when = f"hạn {task.deadline:%d/%m/%Y}, quá hạn {-days} ngày"
    elif days == 0:
        when = f"hạn hôm nay {task.deadline:%d/%m/%Y}"
    else:
        when = f"hạn {task.deadline:%d/%m/%Y}, còn {days} ngày"
    codes = [s.criterion.code for s in task.scores.all()]
    title = task.short_title
    if codes and not any(code in title for code in codes):
        title = f"Tiêu chí {', '.join(codes)}: {title}"
    where = f"{task.assessment.unit} – {task.assessment.period}"
    text = f"- [{where}] {title} ({when})"
    if base_url:
        text += f"\n  {base_url.rstrip('/')}{reverse('remediation:task', args=[task.pk])}"
    return text


def _message(user, tasks: list[Task], today: datetime.date, base_url: str) -> EmailMessage:
    overdue = [t for t in tasks if t.deadline < today]
    soon = [t for t in tasks if t.deadline >= today]
    counts = []
    if overdue:
        counts.append(f"{len(overdue)} việc quá hạn")
    if soon:
        counts.append(f"{len(soon)} việc đến hạn trong {DUE_WITHIN_DAYS} ngày")
    lines = [f"Kính gửi: {user.get_full_name() or user.username},", ""]
    if overdue:
        lines += ["CÁC VIỆC ĐÃ QUÁ HẠN:", *(_line(t, today, base_url) for t in overdue), ""]
    if soon:
        lines += [
            f"CÁC VIỆC ĐẾN HẠN TRONG {DUE_WITHIN_DAYS} NGÀY TỚI:",
            *(_line(t, today, base_url) for t in soon),
            "",
        ]
    lines += [
        "Đề nghị cập nhật tiến độ và tài liệu kết quả trên hệ thống Chỉ số CCHC "
        "(mục “Việc của tôi”).",
        "",
        "Thư này được gửi tự động, vui lòng không trả lời.",
    ]
    return EmailMessage(
        subject=f"[Chỉ số CCHC] Nhắc việc khắc phục: {', '.join(counts)}",
        body="\n".join(lines),
        to=[user.email],
    )


def reminders_send(
    *, today: datetime.date, base_url: str = "", force: bool = False
) -> ReminderReport:
    """Mail everyone their assigned, unfinished tasks that are overdue or due within 7 days."""
    tasks = (
        Task.objects.due_by(today + datetime.timedelta(days=DUE_WITHIN_DAYS))
        .select_related("assessment__unit", "assessment__period", "lead__user", "department")
        .prefetch_related("assignees__user", "department__officials__user", "scores__criterion")
        .order_by("deadline", "pk")
    )
    by_user: dict = defaultdict(list)
    for task in tasks:
        for user in _recipients(task):
            by_user[user].append(task)
    already = set(
        ReminderSent.objects.filter(sent_on=today, user__in=list(by_user)).values_list(
            "user_id", flat=True
        )
    )
    report = ReminderReport()
    connection = get_connection()
    for user, user_tasks in sorted(by_user.items(), key=lambda item: item[0].username):
        if not user.email:
            report.no_email.append(user.get_full_name() or user.username)
            continue
        if user.pk in already and not force:
            report.already.append(user.email)
            continue
        with transaction.atomic():
            connection.send_messages([_message(user, user_tasks, today, base_url)])
            ReminderSent.objects.update_or_create(
                user=user, sent_on=today, defaults={"task_count": len(user_tasks)}
            )
        report.sent.append((user.email, len(user_tasks)))
    return report
