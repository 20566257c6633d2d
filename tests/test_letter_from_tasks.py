"""A letter's directions drafted from the remediation tasks the office has written: each lost
criterion with a task says that task's action, lead and deadline; the general request
("làm rõ nguyên nhân, có giải pháp khắc phục …") is said once, not under every criterion."""

from datetime import date

import pytest

from documents import services as documents
from documents.content import letter_content
from documents.models import LetterKind
from remediation import services as remediation
from scoring.models import Official

pytestmark = pytest.mark.django_db

GENERAL = "làm rõ nguyên nhân, có giải pháp khắc phục cụ thể"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _body(letter) -> str:
    return "\n".join(block.text for block in letter_content(letter).body)


@pytest.fixture
def task_for_1_7(phuong1_2023, chairperson):
    """The office drafts the tasks and writes the one for 1.7: action, lead, deadline."""
    drafts = remediation.task_drafts_create(assessment=phuong1_2023, user=chairperson)
    task = next(t for t in drafts if t.scores.get().criterion.code == "1.7")
    lead = Official.objects.get(user__username="cchc.p1", unit=phuong1_2023.unit)
    return remediation.task_update(
        task=task,
        action="Ban hành kế hoạch kiểm tra công tác CCHC năm 2024 và kiểm tra 100% bộ phận",
        reason=task.reason,
        scores=list(task.scores.all()),
        points=None,
        lead=lead,
        assignees=[],
        department=task.department,
        deadline=date(2024, 6, 30),
        past_deadline_confirmed=True,  # the demo's 2023 result: its deadlines are past
        user=chairperson,
    )


def test_a_criterion_with_a_task_is_directed_as_its_task_says(phuong1_2023, task_for_1_7):
    letter = documents.letter_create(assessment=phuong1_2023, kind=LetterKind.CONG_VAN)
    direction = letter.directions.get(criterion_code="1.7")
    assert direction.action == task_for_1_7.action
    assert direction.deadline == date(2024, 6, 30)
    assert (direction.source, direction.source_id) == ("task", task_for_1_7.pk)
    body = _body(letter)
    line = next(text for text in body.splitlines() if "Tiêu chí 1.7 " in text)
    assert "Ban hành kế hoạch kiểm tra công tác CCHC năm 2024 và kiểm tra 100% bộ phận." in line
    assert "Thời hạn hoàn thành: trước ngày 30/06/2024." in line
    assert "Thực hiện: Nguyễn Thị Thu Hà" in line  # the task's lead
    # A criterion whose task is still the untouched draft keeps the common deadline.
    other = letter.directions.get(criterion_code="1.5.3")
    assert (other.action, other.deadline, other.source) == (
        "",
        date(2024, 10, 31),
        "lost_criterion",
    )


@pytest.mark.parametrize("kind", [LetterKind.CONG_VAN, LetterKind.CHI_THI, LetterKind.BAO_CAO])
def test_the_general_request_is_said_once_whatever_the_kind(phuong1_2023, kind):
    letter = documents.letter_create(assessment=phuong1_2023, kind=kind)
    body = _body(letter)
    assert body.count(GENERAL) == 1
    assert letter.directions.count() == 16
    assert body.index(GENERAL) < body.index("Tiêu chí 1.1.3")


def test_redrafting_the_directions_takes_a_task_written_after_the_letter(phuong1_2023, chairperson):
    letter = documents.letter_create(assessment=phuong1_2023, kind=LetterKind.CONG_VAN)
    assert letter.directions.get(criterion_code="1.7").action == ""
    remediation.task_create(
        assessment=phuong1_2023,
        action="Tự kiểm tra công tác CCHC tại các bộ phận mỗi quý",
        scores=[phuong1_2023.scores.get(criterion__code="1.7")],
        deadline=date(2024, 9, 30),
        past_deadline_confirmed=True,
        user=chairperson,
    )
    documents.letter_redraft_directions(letter=letter)
    direction = letter.directions.get(criterion_code="1.7")
    assert direction.action == "Tự kiểm tra công tác CCHC tại các bộ phận mỗi quý"
    assert direction.deadline == date(2024, 9, 30)
