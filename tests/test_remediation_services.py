"""Remediation services: drafts from the lost criteria of seed 002, edits, merges, assignment,
progress, verification, files, history and commitments."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from remediation import services
from remediation.history import task_history
from remediation.models import Task, TaskStatus
from remediation.selectors import commitment_score, commitments_fulfilled
from scoring.models import Assessment, Official
from tests.helpers import PNG_BYTES, pdf
from tests.seed002 import ROWS

pytestmark = pytest.mark.django_db

VP = "Văn phòng - Thống kê"
MOT_CUA = "Bộ phận tiếp nhận và trả kết quả"
VHXH = "Văn hóa - Xã hội"
# Seed 002's appendix, column "Trách nhiệm bộ phận phụ trách", as the demo records it: the
# department the score is given to, and the words of the document.
SEED_RESPONSIBILITY = {
    "1.1.3": (VP, ""),
    "1.5.3": (VP, "Văn phòng - Thống kê (phụ trách CCHC)"),
    "1.5.4": (VP, "Công chức phụ trách CCHC và công chức chuyên môn"),
    "1.6": (MOT_CUA, "Bộ phận tiếp nhận và trả kết quả phường"),
    "1.7": (MOT_CUA, "Bộ phận tiếp nhận và trả kết quả phường"),
    "3.11.1": (MOT_CUA, "Bộ phận tiếp nhận và trả kết quả phường"),
    "3.11.2": (VHXH, "Công chức VH-XH (Phụ trách LĐ TBXH)"),
    "3.12.1": (MOT_CUA, "Bộ phận tiếp nhận và trả kết quả phường"),
    "3.12.2": (VP, "Công chức Văn phòng - Thống kê (phụ trách CCHC)"),
    "3.13.2": (MOT_CUA, "Bộ phận tiếp nhận và trả kết quả phường"),
    "3.13.3": (MOT_CUA, "Bộ phận tiếp nhận và trả kết quả phường"),
    "4.4": (VP, "Công chức Văn phòng - Thống kê"),
    "7.1.4": (None, "Các công chức liên quan"),
    "7.2": (VHXH, "Công chức VH-XH"),
    "7.3.1": (None, "Các công chức liên quan"),
    "7.3.2": (None, "Các công chức liên quan"),
}


@pytest.fixture
def drafts(phuong1_2023, coordinator) -> dict[str, Task]:
    services.task_drafts_create(assessment=phuong1_2023, user=coordinator)
    tasks = Task.objects.filter(assessment=phuong1_2023).prefetch_related("scores__criterion")
    return {t.scores.all()[0].criterion.code: t for t in tasks}


def _code(task: Task) -> str:
    return task.scores.all()[0].criterion.code


def _official(username: str) -> Official:
    return Official.objects.select_related("user").get(user__username=username)


def _assign(task: Task, username: str, days: int = 30) -> Task:
    task.lead = _official(username)
    task.deadline = timezone.localdate() + datetime.timedelta(days=days)
    task.save()
    return services.task_assign(task=task)


# --- drafts ---------------------------------------------------------------------------------


def test_the_16_lost_criteria_become_16_drafts_with_the_seeds_reasons_points_and_departments(
    drafts,
):
    assert set(drafts) == {row[0] for row in ROWS}
    for code, *_, lost in ROWS:
        task = drafts[code]
        department, note = SEED_RESPONSIBILITY[code]
        assert task.points == lost, code
        assert (task.department.name if task.department else None) == department, code
        assert task.responsible_note == note, code
        assert task.is_draft and task.status == TaskStatus.NOT_STARTED
    assert drafts["1.6"].reason.startswith("Hoàn thành 4/5 nội dung cam kết, đạt 80%")
    assert drafts["3.12.2"].action.startswith("Khắc phục tiêu chí 3.12.2: Tỷ lệ hồ sơ thanh toán")
    assert sum(t.points for t in drafts.values()) == D("9.00")


def test_creating_drafts_again_adds_only_criteria_without_a_task(phuong1_2023, drafts, coordinator):
    assert services.task_drafts_create(assessment=phuong1_2023, user=coordinator) == []
    drafts["7.2"].delete()
    again = services.task_drafts_create(assessment=phuong1_2023, user=coordinator)
    assert [t.scores.get().criterion.code for t in again] == ["7.2"]
    assert Task.objects.filter(assessment=phuong1_2023).count() == 16


def test_an_assessment_still_being_self_assessed_takes_no_tasks(current_p1, coordinator):
    with pytest.raises(ValidationError, match="chưa có kết quả thẩm định"):
        services.task_drafts_create(assessment=current_p1, user=coordinator)
    assert not Task.objects.exists()


# --- editing, merging, adding ---------------------------------------------------------------


def test_merging_puts_criteria_points_reasons_and_notes_together(drafts, coordinator):
    first, second = drafts["3.12.1"], drafts["3.12.2"]
    kept, gone = sorted((first.pk, second.pk))
    services.task_note_add(task=second, text="Đã làm việc với Bưu điện", user=coordinator)
    merged = services.task_merge(tasks=[second, first], user=coordinator)
    assert merged.pk == kept
    assert sorted(s.criterion.code for s in merged.scores.all()) == ["3.12.1", "3.12.2"]
    assert merged.points == D("1.58")
    assert "3 TTHC phát sinh" in merged.reason and "73/757 hồ sơ" in merged.reason
    assert merged.department.name == MOT_CUA  # the first task's
    assert merged.notes.count() == 1
    assert not Task.objects.filter(pk=gone).exists()


def test_tasks_of_different_assessments_or_a_finished_one_are_not_merged(
    drafts, phuong1_2023, coordinator
):
    other = Assessment.objects.get(unit__code="TXQT-P1", period__year=2022)
    foreign = services.task_drafts_create(assessment=other, user=coordinator)[0]
    with pytest.raises(ValidationError, match="cùng một bản đánh giá"):
        services.task_merge(tasks=[drafts["1.7"], foreign])
    done = _assign(drafts["1.6"], "motcua.p1")
    services.task_set_status(task=done, status=TaskStatus.DONE)
    with pytest.raises(ValidationError, match="đã hoàn thành"):
        services.task_merge(tasks=[drafts["1.7"], done])
    with pytest.raises(ValidationError, match="ít nhất hai việc"):
        services.task_merge(tasks=[drafts["1.7"]])


def test_points_at_stake_cannot_exceed_what_the_criteria_lost(drafts, phuong1_2023, coordinator):
    task = drafts["1.6"]
    with pytest.raises(
        ValidationError, match=r"vượt số điểm bị trừ của các tiêu chí \(1\.6: 0,20\)"
    ):
        services.task_update(
            task=task,
            action=task.action,
            reason=task.reason,
            scores=list(task.scores.all()),
            points=D("0.50"),
            lead=None,
            assignees=[],
            department=task.department,
            deadline=None,
        )
    task.refresh_from_db()
    assert task.points == D("0.20")


def test_a_task_the_office_adds_without_criteria_recovers_no_points(phuong1_2023, coordinator):
    task = services.task_create(
        assessment=phuong1_2023,
        action="Tham mưu 01 sáng kiến CCHC năm 2024",
        lead=_official("vhxh.p1"),
        deadline=datetime.date(2030, 10, 31),
        user=coordinator,
    )
    assert task.points == D("0") and not task.scores.exists()
    with pytest.raises(ValidationError, match="không có tiêu chí nào"):
        services.task_create(assessment=phuong1_2023, action="x", points=D("1"))


def test_people_and_departments_of_another_unit_are_refused(drafts, other_chairperson):
    task = drafts["7.2"]
    task.lead = Official.objects.get(user=other_chairperson)
    with pytest.raises(ValidationError) as refused:
        task.full_clean()
    assert "Người chủ trì không thuộc đơn vị được đánh giá." in str(refused.value)


# --- assignment and progress ----------------------------------------------------------------


def test_a_draft_is_assigned_only_with_an_owner_and_a_deadline(drafts):
    task = drafts["7.1.4"]  # "Các công chức liên quan": no department
    with pytest.raises(
        ValidationError, match="chưa có người chủ trì hoặc bộ phận phụ trách và hạn"
    ):
        services.task_assign(task=task)
    task.lead = _official("cchc.p1")
    task.save()
    assigned = services.task_assign(task=task, deadline=datetime.date(2030, 10, 31))
    assert assigned.assigned_at is not None and assigned.deadline == datetime.date(2030, 10, 31)


def test_assigning_all_drafts_assigns_those_it_can_and_lists_the_rest(phuong1_2023, drafts):
    deadline = datetime.date(2030, 10, 31)
    report = services.tasks_assign(assessment=phuong1_2023, deadline=deadline)
    assert len(report.assigned) == 13
    left = {_code(task): problem for task, problem in report.left}
    assert set(left) == {"7.1.4", "7.3.1", "7.3.2"}  # no department in the demo
    assert all("chưa có người chủ trì hoặc bộ phận phụ trách" in p for p in left.values())
    assert Task.objects.assigned().filter(deadline=deadline).count() == 13
    assert Task.objects.drafts().filter(assessment=phuong1_2023).count() == 3
    for code in ("7.1.4", "7.3.1", "7.3.2"):
        drafts[code].lead = _official("motcua.p1")
        drafts[code].save()
    report = services.tasks_assign(assessment=phuong1_2023, deadline=deadline)
    assert (len(report.assigned), report.left) == (3, [])
    assert Task.objects.filter(deadline=deadline).count() == 16


def test_assigning_all_is_refused_when_no_draft_can_be_assigned(phuong1_2023, drafts):
    Task.objects.filter(assessment=phuong1_2023).update(department=None, lead=None)
    with pytest.raises(ValidationError) as refused:
        services.tasks_assign(assessment=phuong1_2023, deadline=datetime.date(2030, 10, 31))
    assert refused.value.messages[0] == "Chưa giao được việc nào: hãy bổ sung các việc sau."
    assert len(refused.value.messages) == 17
    assert not Task.objects.assigned().exists()


def test_a_past_deadline_is_refused_until_it_is_confirmed(phuong1_2023, drafts):
    past = timezone.localdate() - datetime.timedelta(days=974)
    with pytest.raises(services.PastDeadline) as refused:
        services.tasks_assign(assessment=phuong1_2023, deadline=past)
    assert refused.value.messages == [
        f"Hạn hoàn thành {past:%d/%m/%Y} đã qua 974 ngày. Nếu đúng là hạn đó, hãy đánh dấu "
        "“Đúng là hạn đã qua” rồi lưu lại; nếu không, hãy sửa hạn hoàn thành."
    ]
    assert not Task.objects.assigned().exists()
    with pytest.raises(services.PastDeadline):
        services.task_create(assessment=phuong1_2023, action="Việc thêm", deadline=past)
    task = drafts["1.7"]
    with pytest.raises(services.PastDeadline):
        services.task_assign(task=task, deadline=past)
    report = services.tasks_assign(
        assessment=phuong1_2023, deadline=past, past_deadline_confirmed=True
    )
    assert len(report.assigned) == 13
    # A task already overdue keeps its deadline through other edits without asking again.
    task.refresh_from_db()
    fields = dict(
        action="Đối thoại lần 2", reason=task.reason, scores=list(task.scores.all()),
        points=None, lead=task.lead, assignees=[], department=task.department,
    )  # fmt: skip
    services.task_update(task=task, deadline=past, **fields)
    with pytest.raises(services.PastDeadline):
        services.task_update(task=task, deadline=past - datetime.timedelta(days=1), **fields)


def test_a_task_moves_through_its_statuses_and_verification_records_who_and_when(
    drafts, staff, chairperson
):
    task = _assign(drafts["1.7"], "motcua.p1")
    services.task_set_status(task=task, status=TaskStatus.IN_PROGRESS, user=staff)
    with pytest.raises(ValidationError, match="Không chuyển được"):
        services.task_set_status(task=task, status=TaskStatus.VERIFIED, user=chairperson)
    services.task_set_status(
        task=task, status=TaskStatus.DONE, note="Đã đối thoại lần 2", user=staff
    )
    assert task.finished_at is not None
    assert task.notes.get().text == "Đã đối thoại lần 2"
    services.task_set_status(task=task, status=TaskStatus.VERIFIED, user=chairperson)
    task.refresh_from_db()
    assert task.verified_by == chairperson and task.verified_at is not None
    services.task_set_status(task=task, status=TaskStatus.IN_PROGRESS, user=chairperson)
    task.refresh_from_db()
    assert task.verified_by is None and task.verified_at is None and task.finished_at is None


def test_a_draft_has_no_progress_yet(drafts, staff):
    with pytest.raises(ValidationError, match="chưa được giao"):
        services.task_set_status(task=drafts["1.7"], status=TaskStatus.DONE, user=staff)


def test_a_note_needs_text_and_a_date_not_in_the_future(drafts, staff):
    task = drafts["1.7"]
    with pytest.raises(ValidationError, match="Cần ghi nội dung"):
        services.task_note_add(task=task, text="  ", user=staff)
    with pytest.raises(ValidationError, match="không được sau hôm nay"):
        services.task_note_add(
            task=task, text="x", date=timezone.localdate() + datetime.timedelta(days=1)
        )


def test_only_a_draft_can_be_deleted(drafts, coordinator):
    services.task_delete(task=drafts["7.2"], user=coordinator)
    assert not Task.objects.filter(pk=drafts["7.2"].pk).exists()
    assigned = _assign(drafts["1.7"], "motcua.p1")
    with pytest.raises(ValidationError, match="Chỉ xóa được việc còn ở dạng nháp"):
        services.task_delete(task=assigned)


# --- files ----------------------------------------------------------------------------------


def test_evidence_files_are_checked_like_the_assessments_and_stored_under_their_own_name(
    drafts, staff, settings
):
    task = drafts["1.7"]
    stored = services.task_file_add(task=task, upload=pdf("bien-ban-doi-thoai.pdf"), user=staff)
    assert (
        stored.content_type == "application/pdf"
        and stored.original_name == "bien-ban-doi-thoai.pdf"
    )
    assert "bien-ban" not in stored.file.name and stored.file.name.startswith("remediation/")
    with pytest.raises(ValidationError, match="thực chất là ảnh PNG"):
        services.task_file_add(task=task, upload=pdf("anh.pdf", PNG_BYTES))
    settings.EVIDENCE_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="vượt giới hạn"):
        services.task_file_add(task=task, upload=pdf())
    assert task.files.count() == 1


# --- history --------------------------------------------------------------------------------


def test_every_change_to_a_task_is_in_its_history_with_who_and_why(drafts, coordinator, staff):
    task = drafts["3.12.2"]
    services.task_update(
        task=task,
        action="Tuyên truyền thanh toán trực tuyến qua Bưu điện",
        reason=task.reason,
        scores=list(task.scores.all()),
        points=None,
        lead=_official("cchc.p1"),
        assignees=[_official("motcua.p1")],
        department=task.department,
        deadline=datetime.date(2030, 10, 31),
        user=coordinator,
    )
    services.task_assign(task=task, user=coordinator)
    services.task_set_status(task=task, status=TaskStatus.IN_PROGRESS, user=staff)
    history = task_history(task)
    assert [entry.reason for entry in history] == [
        "Chuyển sang “Đang thực hiện”",
        "Giao việc",
        "Sửa việc",
        "Tạo từ tiêu chí bị trừ điểm",
    ]
    assert history[0].who == "Trần Văn Minh"
    assert {(c.label, c.old, c.new) for c in history[0].changes} == {
        ("Trạng thái", "Chưa bắt đầu", "Đang thực hiện")
    }
    edit = {c.label: (c.old, c.new) for c in history[2].changes}
    assert edit["Người phối hợp"] == ("(trống)", "Trần Văn Minh")
    assert edit["Việc cần làm"][1] == "Tuyên truyền thanh toán trực tuyến qua Bưu điện"
    assert history[2].who == "Nguyễn Thị Thu Hà"


def test_a_merge_is_in_the_history_of_the_task_that_remains(drafts, coordinator):
    merged = services.task_merge(tasks=[drafts["7.3.1"], drafts["7.3.2"]], user=coordinator)
    latest = task_history(merged)[0]
    assert latest.reason.startswith("Gộp với #")
    assert ("Tiêu chí", "7.3.1", "7.3.1, 7.3.2") in {
        (c.label, c.old, c.new) for c in latest.changes
    }


# --- commitments ----------------------------------------------------------------------------


def test_four_of_five_commitments_fulfilled_give_0_80_on_criterion_1_6(phuong1_2023):
    unit = phuong1_2023.unit
    official = _official("motcua.p1")
    contents = [
        "Tăng tỷ lệ hồ sơ trực tuyến",
        "Số hóa 100% kết quả giải quyết TTHC",
        "Không có hồ sơ trễ hẹn",
        "Tổ chức 02 cuộc đối thoại",
        "Tỷ lệ thanh toán trực tuyến đạt 30%",
    ]
    commitments = [
        services.commitment_register(unit=unit, year=2023, official=official, content=c)
        for c in contents
    ]
    services.commitment_register(
        unit=unit,
        year=2023,
        official=official,
        content="Mô hình ngày không hẹn",
        kind="breakthrough",
    )
    for commitment in commitments[:4]:
        services.commitment_set_status(commitment=commitment, status="done")
    services.commitment_set_status(commitment=commitments[4], status="not_done")
    assert commitments_fulfilled(unit, 2023) == (4, 5)
    result = commitment_score(unit, 2023)
    assert (result.score, result.maximum) == (D("0.80"), D("1.00"))


def test_a_commitment_is_registered_only_for_an_official_of_the_unit(
    phuong1_2023, other_chairperson
):
    with pytest.raises(ValidationError, match="không thuộc đơn vị"):
        services.commitment_register(
            unit=phuong1_2023.unit,
            year=2024,
            official=Official.objects.get(user=other_chairperson),
            content="x",
        )
