"""`send_task_reminders` mails each person their due and overdue tasks once a day;
`seed_scale` builds a province-sized dataset, once, and rebuilds it on request."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command

from remediation import services
from remediation.models import ReminderSent, Task, TaskStatus
from remediation.scale import PROVINCE_CODE
from scoring.models import Assessment, Official, Score, Unit

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2024, 3, 20)


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def assigned(phuong1_2023, coordinator) -> dict[str, Task]:
    """Phường 1's tasks with a spread of deadlines around 20/03/2024."""
    drafts = services.task_drafts_create(assessment=phuong1_2023, user=coordinator)
    by_code = {t.scores.get().criterion.code: t for t in drafts}
    deadlines = {
        "1.7": TODAY - datetime.timedelta(days=5),  # one-stop desk, overdue
        "1.6": TODAY + datetime.timedelta(days=3),  # one-stop desk, due soon
        "3.12.1": TODAY + datetime.timedelta(days=7),  # one-stop desk, due on the 7th day
        "3.13.2": TODAY + datetime.timedelta(days=8),  # one-stop desk, not yet
        "7.2": TODAY + datetime.timedelta(days=1),  # culture and society
        "4.4": TODAY - datetime.timedelta(days=30),  # office, finished: no reminder
    }
    for code, deadline in deadlines.items():
        task = by_code[code]
        task.deadline = deadline
        task.save()
        services.task_assign(task=task)
    services.task_set_status(task=by_code["4.4"], status=TaskStatus.DONE)
    for username in ("motcua.p1", "vhxh.p1", "cchc.p1"):
        get_user_model().objects.filter(username=username).update(email=f"{username}@p1.vn")
    return by_code


def test_each_person_gets_one_mail_with_their_overdue_and_due_tasks(assigned):
    output = _run(
        "send_task_reminders", "--date", TODAY.isoformat(), "--base-url", "https://cchc.vn"
    )
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["motcua.p1@p1.vn", "vhxh.p1@p1.vn"]
    desk = next(m for m in mail.outbox if m.to == ["motcua.p1@p1.vn"])
    assert desk.subject == (
        "[Chỉ số CCHC] Nhắc việc khắc phục: 1 việc quá hạn, 2 việc đến hạn trong 7 ngày"
    )
    body = desk.body
    assert body.startswith("Kính gửi: Trần Văn Minh,")
    overdue, soon = body.split("CÁC VIỆC ĐẾN HẠN TRONG 7 NGÀY TỚI:")
    assert "tiêu chí 1.7:" in overdue and "quá hạn 5 ngày" in overdue
    assert "tiêu chí 1.6:" in soon and "còn 3 ngày" in soon and "tiêu chí 3.12.1:" in soon
    assert "3.13.2" not in body and "4.4" not in body
    assert f"https://cchc.vn/khac-phuc/{assigned['1.7'].pk}/" in body
    assert "gửi 2 thư" in output


def test_running_it_again_the_same_day_sends_nothing_and_force_sends_again(assigned):
    _run("send_task_reminders", "--date", TODAY.isoformat())
    output = _run("send_task_reminders", "--date", TODAY.isoformat())
    assert len(mail.outbox) == 2
    assert "Bỏ qua motcua.p1@p1.vn: đã nhắc hôm nay." in output
    _run("send_task_reminders", "--date", TODAY.isoformat(), "--force")
    assert len(mail.outbox) == 4
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    _run("send_task_reminders", "--date", tomorrow)
    assert len(mail.outbox) == 6
    assert ReminderSent.objects.filter(sent_on=TODAY).count() == 2


def test_a_named_lead_and_helper_are_reminded_instead_of_their_department(assigned):
    task = assigned["7.2"]
    task.lead = Official.objects.get(user__username="cchc.p1")
    task.save()
    task.assignees.set([Official.objects.get(user__username="motcua.p1")])
    _run("send_task_reminders", "--date", TODAY.isoformat())
    recipients = {m.to[0]: m.body for m in mail.outbox}
    assert "tiêu chí 7.2:" in recipients["cchc.p1@p1.vn"]
    assert "tiêu chí 7.2:" in recipients["motcua.p1@p1.vn"]
    assert "vhxh.p1@p1.vn" not in recipients


def test_people_without_an_address_are_reported_and_drafts_are_never_reminded(
    assigned, phuong1_2023
):
    get_user_model().objects.filter(username="vhxh.p1").update(email="")
    Task.objects.filter(assessment=phuong1_2023, assigned_at__isnull=True).update(
        deadline=TODAY - datetime.timedelta(days=1)
    )
    output = _run("send_task_reminders", "--date", TODAY.isoformat())
    assert "Không gửi được cho Hoàng Thị Mai: chưa có địa chỉ email." in output
    assert [m.to for m in mail.outbox] == [["motcua.p1@p1.vn"]]
    assert "tiêu chí 1.1.3" not in mail.outbox[0].body  # a draft, though "overdue"


def test_a_bad_date_is_refused_plainly():
    with pytest.raises(CommandError, match="Ngày “20/03/2024” không hợp lệ"):
        _run("send_task_reminders", "--date", "20/03/2024")


def test_seed_scale_builds_a_province_once_and_rebuilds_it_on_reset(phuong1_2023):
    services.task_drafts_create(assessment=phuong1_2023)  # the demo's own tasks stay as they are
    demo_tasks = list(Task.objects.order_by("pk").values_list("pk", "assessment_id"))
    # 2019–2022: its last round is also a demo round, which must not get the scale's tasks
    output = _run("seed_scale", "--units", "3", "--criteria", "12", "--periods", "8")
    assert "Đã tạo 3 xã, 24 bản đánh giá, 288 điểm tiêu chí" in output
    province = Unit.objects.get(code=PROVINCE_CODE)
    assessments = Assessment.objects.filter(unit__parent=province)
    assert assessments.count() == 24 and not assessments.exclude(status="published").exists()
    assert not assessments.filter(result_total__isnull=True).exists()
    latest = assessments.filter(period__year=2022, period__kind="annual")
    assert sorted(latest.values_list("result_rank", flat=True))[0] == 1 and latest.count() == 3
    assert Score.objects.filter(assessment__in=assessments).count() == 288
    scale_tasks = Task.objects.exclude(pk__in=[pk for pk, _ in demo_tasks])
    assert scale_tasks.exists()
    assert set(scale_tasks.values_list("assessment_id", flat=True)) <= set(
        latest.values_list("pk", flat=True)
    )
    assert "đã có; không tạo thêm" in _run("seed_scale", "--units", "3", "--criteria", "12")
    output = _run("seed_scale", "--reset", "--units", "2", "--criteria", "9", "--periods", "2")
    assert "Đã tạo 2 xã, 4 bản đánh giá, 36 điểm tiêu chí" in output
    assert Unit.objects.filter(parent__code=PROVINCE_CODE).count() == 2
    # the demo is untouched
    assert Assessment.objects.filter(unit__code="TXQT-P1").count() == 3
    demo_now = Task.objects.filter(assessment__unit__code__startswith="TXQT").order_by("pk")
    assert list(demo_now.values_list("pk", "assessment_id")) == demo_tasks


def test_the_scale_dataset_has_a_chairperson_dashboard_and_a_province_ranking(client):
    _run("seed_scale", "--units", "4", "--criteria", "12", "--periods", "4")
    client.force_login(get_user_model().objects.get(username="qmt.chutich"))
    page = client.get("/tong-quan/").content.decode()
    assert "Chỉ số CCHC – Xã Thử 001" in page and "6 tháng đầu năm" in page
    client.force_login(get_user_model().objects.get(username="qmt.tinh"))
    page = client.get("/tong-quan/").content.decode()
    assert page.count("Xã Thử 00") >= 4


def test_the_worker_sends_the_reminders_every_morning_with_links(assigned, settings, monkeypatch):
    from django.utils import timezone

    from remediation.tasks import send_task_reminders

    entry = settings.CELERY_BEAT_SCHEDULE["send-task-reminders"]
    assert entry["task"] == send_task_reminders.name
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {0})
    settings.SITE_URL = "https://cchc.quangtri.gov.vn"
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)

    send_task_reminders.delay()
    send_task_reminders.delay()  # a second run the same day (two schedulers) sends nothing more

    assert sorted(m.to[0] for m in mail.outbox) == ["motcua.p1@p1.vn", "vhxh.p1@p1.vn"]
    assert "https://cchc.quangtri.gov.vn/khac-phuc/" in mail.outbox[0].body
