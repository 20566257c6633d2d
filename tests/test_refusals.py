"""Inside a user's scope, an action they may not take answers 403 with the reason in Vietnamese
(outside it, 404: tests/test_permission_matrix.py); a verified task takes no more notes."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from remediation import services as remediation_services
from remediation.models import TaskStatus
from scoring import services
from scoring.models import AssessmentStatus, EvidenceStage, Official
from tests.helpers import appraise_all, fill_self_assessment, pdf, score_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted_p1(current_p1, coordinator):
    fill_self_assessment(current_p1, coordinator)
    services.assessment_submit(assessment=current_p1, user=coordinator)
    return current_p1


@pytest.fixture
def returned_p1(submitted_p1, appraiser):
    appraise_all(submitted_p1, appraiser, lose={"7.2": "0"})
    services.assessment_return(
        assessment=submitted_p1,
        response_deadline=timezone.now() + datetime.timedelta(days=7),
        user=appraiser,
    )
    return submitted_p1


def _act(client, assessment, action: str, data=None):
    return client.post(reverse("scoring:action", args=[assessment.pk, action]), data or {})


def _status(assessment) -> str:
    assessment.refresh_from_db()
    return assessment.status


def test_staff_who_submit_get_403_with_who_may(client, staff, current_p1):
    fill_self_assessment(current_p1, staff)
    client.force_login(staff)
    response = _act(client, current_p1, "submit")
    assert response.status_code == 403
    assert "Chỉ công chức phụ trách CCHC và lãnh đạo đơn vị" in response.content.decode()
    assert _status(current_p1) == AssessmentStatus.DRAFT


def test_the_council_may_not_submit_for_the_unit(client, appraiser, current_p1):
    client.force_login(appraiser)
    assert _act(client, current_p1, "submit").status_code == 403


@pytest.mark.parametrize(
    ("action", "data", "reason"),
    [
        ("return", {"response_deadline": "2099-01-31"}, "trả kết quả vòng 1"),
        ("accept-self", {}, "lấy điểm tự đánh giá"),
        ("finalize", {}, "chốt kết quả thẩm định"),
        ("publish", {"decision": "Quyết định số 1/QĐ-UBND"}, "công bố kết quả"),
    ],
)
@pytest.mark.parametrize("who", ["staff", "coordinator", "chairperson"])
def test_the_councils_actions_answer_403_with_the_reason_to_the_unit(
    request, client, submitted_p1, who, action, data, reason
):
    client.force_login(request.getfixturevalue(who))
    response = _act(client, submitted_p1, action, data)
    assert response.status_code == 403
    assert f"Chỉ hội đồng thẩm định cấp trên {reason}" in response.content.decode()
    assert _status(submitted_p1) == AssessmentStatus.SUBMITTED


def test_staff_may_not_move_to_round_2(client, staff, returned_p1):
    client.force_login(staff)
    response = _act(client, returned_p1, "round2")
    assert response.status_code == 403
    assert "chuyển sang thẩm định vòng 2" in response.content.decode()
    assert _status(returned_p1) == AssessmentStatus.RETURNED


def test_the_council_is_told_to_wait_for_the_explanations_before_round_2(
    client, appraiser, returned_p1
):
    client.force_login(appraiser)
    response = client.post(reverse("scoring:action", args=[returned_p1.pk, "round2"]), follow=True)
    assert response.status_code == 200
    assert "Đơn vị còn hạn giải trình đến" in response.content.decode()
    assert _status(returned_p1) == AssessmentStatus.RETURNED


def test_an_action_that_does_not_exist_is_404(client, coordinator, current_p1):
    client.force_login(coordinator)
    assert _act(client, current_p1, "xoa-het").status_code == 404


def test_the_council_may_see_but_not_remove_the_units_evidence(
    client, appraiser, staff, current_p1
):
    evidence = services.evidence_add(
        score=score_of(current_p1, "1.7"), upload=pdf(), stage=EvidenceStage.SELF, user=staff
    )
    client.force_login(appraiser)
    assert (
        client.get(reverse("scoring:evidence", args=[current_p1.pk, evidence.pk])).status_code
        == 200
    )
    response = client.post(reverse("scoring:evidence_remove", args=[current_p1.pk, evidence.pk]))
    assert response.status_code == 403
    assert "Chỉ cán bộ của đơn vị được nhập tiêu chí này xóa tài liệu" in response.content.decode()


# --- a verified task's record is closed --------------------------------------------------------


@pytest.fixture
def verified_task(phuong1_2023, coordinator):
    task = remediation_services.task_create(
        assessment=phuong1_2023,
        action="Tổ chức đối thoại với người dân",
        scores=[score_of(phuong1_2023, "1.7")],
        lead=Official.objects.get(user__username="motcua.p1", unit__code="TXQT-P1"),
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        user=coordinator,
    )
    remediation_services.task_assign(task=task, user=coordinator)
    remediation_services.task_set_status(task=task, status=TaskStatus.DONE, user=coordinator)
    remediation_services.task_set_status(task=task, status=TaskStatus.VERIFIED, user=coordinator)
    return task


def test_a_verified_task_takes_no_more_notes(verified_task, staff):
    with pytest.raises(ValidationError, match="Việc đã được kiểm tra, không ghi thêm tiến độ"):
        remediation_services.task_note_add(task=verified_task, text="Bổ sung", user=staff)
    assert not verified_task.notes.filter(text="Bổ sung").exists()


def test_the_note_form_of_a_verified_task_says_why_it_is_closed(client, verified_task, staff):
    client.force_login(staff)
    page = client.get(reverse("remediation:task", args=[verified_task.pk])).content.decode()
    assert "Việc đã được kiểm tra: không ghi thêm tiến độ." in page
    response = client.post(
        reverse("remediation:task_note", args=[verified_task.pk]), {"text": "Bổ sung"}, follow=True
    )
    assert "không ghi thêm tiến độ được" in response.content.decode()
    assert not verified_task.notes.filter(text="Bổ sung").exists()


def test_sent_back_from_verified_the_task_takes_notes_again(verified_task, coordinator, staff):
    remediation_services.task_set_status(
        task=verified_task, status=TaskStatus.IN_PROGRESS, note="Cần làm thêm", user=coordinator
    )
    note = remediation_services.task_note_add(task=verified_task, text="Đã bổ sung", user=staff)
    assert note.pk is not None
