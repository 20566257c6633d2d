"""The menu shows what the user can use, the assessment page no empty task card, and dates are
typed and shown day/month/year (issue 14)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from documents import services as document_services
from documents.models import LetterKind
from scoring import services
from scoring.models import AssessmentStatus
from tests.helpers import appraise_all, fill_self_assessment
from tests.test_documents_views import _editor_form

pytestmark = pytest.mark.django_db


def _menu_links(client, user) -> str:
    client.force_login(user)
    page = client.get(reverse("scoring:assessments")).content.decode()
    return page[page.index('<nav class="nav"') : page.index("</nav>", page.index('class="nav"'))]


def test_the_appraisal_link_is_in_the_menu_of_appraisers_only(client, staff, appraiser):
    queue = f'href="{reverse("scoring:queue")}"'
    assert queue in _menu_links(client, appraiser)
    staff_menu = _menu_links(client, staff)
    assert queue not in staff_menu
    assert f'href="{reverse("scoring:assessments")}"' in staff_menu


def test_someone_without_tasks_gets_no_task_card_on_the_assessment_page(
    client, appraiser, current_p1
):
    client.force_login(appraiser)
    page = client.get(reverse("scoring:assessment", args=[current_p1.pk])).content.decode()
    assert 'id="my-tasks"' in page and "Việc của tôi</h2>" not in page  # a placeholder only
    panel = client.get(reverse("remediation:my_tasks_panel"))
    assert panel.status_code == 200 and panel.content == b""


def test_a_response_deadline_typed_day_first_is_that_day(
    client, coordinator, appraiser, current_p1
):
    fill_self_assessment(current_p1, coordinator)
    services.assessment_submit(assessment=current_p1, user=coordinator)
    appraise_all(current_p1, appraiser)
    client.force_login(appraiser)
    page = client.get(reverse("scoring:assessment", args=[current_p1.pk])).content.decode()
    assert 'name="response_deadline"' in page and 'placeholder="ngày/tháng/năm"' in page
    next_year = timezone.localdate().year + 1
    client.post(
        reverse("scoring:action", args=[current_p1.pk, "return"]),
        {"response_deadline": f"07/03/{next_year}"},
    )
    current_p1.refresh_from_db()
    assert current_p1.status == AssessmentStatus.RETURNED
    assert timezone.localdate(current_p1.response_deadline) == datetime.date(next_year, 3, 7)


def test_the_letter_editor_shows_and_reads_deadlines_day_first(client, chairperson, phuong1_2023):
    letter = document_services.letter_create(
        assessment=phuong1_2023, kind=LetterKind.CONG_VAN, user=chairperson
    )
    client.force_login(chairperson)
    direction = letter.directions.get(criterion_code="1.7")
    form = _editor_form(letter)
    form[f"d-{direction.pk}-deadline"] = "07/03/2025"
    client.post(reverse("documents:letter_edit", args=[letter.pk]), form)
    direction.refresh_from_db()
    assert direction.deadline == datetime.date(2025, 3, 7)
    page = client.get(reverse("documents:letter_edit", args=[letter.pk])).content.decode()
    assert f'name="d-{direction.pk}-deadline" value="07/03/2025"' in page
