"""Text people type: NUL and the other control characters (but tab and line breaks) are refused
with a Vietnamese message before anything is saved, in every form of the site."""

import datetime
import importlib

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cchc.text import ProhibitControlCharactersValidator, control_character_problem
from remediation import services as remediation_services
from remediation.models import Task
from scoring.models import Framework, Official, Score

pytestmark = pytest.mark.django_db

APPS = ("cchc", "scoring", "remediation", "exchange", "documents")
FORM_MODULES = ["scoring.views", "scoring.admin", "remediation.forms", "exchange.forms"]


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_text_field_of_the_sites_forms_refuses_control_characters():
    for name in [*FORM_MODULES, "documents.forms"]:
        importlib.import_module(name)
    checked = []
    for form in _subclasses(forms.BaseForm):
        if form.__module__.split(".")[0] not in APPS:
            continue
        for field_name, field in form.base_fields.items():
            if isinstance(field, forms.CharField):
                validators = [type(v) for v in field.validators]
                assert ProhibitControlCharactersValidator in validators, (form, field_name)
                checked.append((form.__name__, field_name))
    # Including the admin's criterion form, created before the apps are ready.
    assert ("CriterionAdminForm", "guidance") in checked
    assert ("NoteForm", "text") in checked
    assert ("LetterHeaderForm", "subject") in checked


def test_tabs_and_line_breaks_are_ordinary_typing():
    assert control_character_problem("Dòng 1\r\nDòng 2\tcột", "Ghi chú") is None
    assert control_character_problem("Đã\x00 làm\x07", "Ghi chú") == (
        "Ghi chú: nội dung có ký tự không hợp lệ (NUL, U+0007); hãy xóa ký tự đó rồi nhập lại."
    )


@pytest.fixture
def task(phuong1_2023, coordinator) -> Task:
    created = remediation_services.task_drafts_create(assessment=phuong1_2023, user=coordinator)
    lead = Official.objects.get(user=coordinator)
    Task.objects.filter(pk__in=[t.pk for t in created], lead=None).update(lead=lead)
    remediation_services.tasks_assign(
        assessment=phuong1_2023,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        user=coordinator,
    )
    return Task.objects.get(pk=created[0].pk)


@pytest.mark.parametrize(
    ("char", "message"),
    [
        ("\x00", "Nội dung có ký tự không hợp lệ (NUL); hãy xóa ký tự đó rồi nhập lại."),
        ("\x1b", "Nội dung có ký tự không hợp lệ (U+001B); hãy xóa ký tự đó rồi nhập lại."),
    ],
)
def test_a_progress_note_with_a_control_character_is_refused(
    client, task, coordinator, char, message
):
    client.force_login(coordinator)
    url = reverse("remediation:task_note", args=[task.pk])
    page = client.post(url, {"text": f"Đã{char} làm"}, HTTP_HX_REQUEST="true").content.decode()
    assert message in page
    page = client.post(url, {"text": f"Đã{char} làm"}, follow=True).content.decode()
    assert message in page
    assert not task.notes.exists()


def test_a_task_with_a_control_character_in_its_action_is_refused(client, task, coordinator):
    client.force_login(coordinator)
    url = reverse("remediation:task_edit", args=[task.pk])
    response = client.post(url, {"action": "Bổ sung\x08 hồ sơ", "reason": "", "points": ""})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Nội dung có ký tự không hợp lệ (U+0008); hãy xóa ký tự đó rồi nhập lại." in page
    assert Task.objects.get(pk=task.pk).action == task.action


def test_a_score_explanation_with_a_control_character_is_refused(client, coordinator, current_p1):
    score = Score.objects.get(assessment=current_p1, criterion__code="1.1.2")
    client.force_login(coordinator)
    data = {f"{score.pk}-version": str(score.version), f"{score.pk}-value": "1"}
    data[f"{score.pk}-text"] = "Đã\x07 làm"
    response = client.post(reverse("scoring:assessment", args=[current_p1.pk]), data)
    assert response.status_code == 422
    assert (
        "Tiêu chí 1.1.2: nội dung có ký tự không hợp lệ (U+0007); hãy xóa ký tự đó rồi nhập lại."
        in response.content.decode()
    )
    assert Score.objects.get(pk=score.pk).self_note == score.self_note


def test_a_framework_name_with_a_control_character_is_refused(client, phuong1_2023):
    client.force_login(get_user_model().objects.get(username="admin"))
    url = reverse("exchange:framework_copy", args=[phuong1_2023.framework_id])
    response = client.post(url, {"name": "Bộ\x0c mới", "year_from": 2027})
    assert response.status_code == 400
    assert "Nội dung có ký tự không hợp lệ (U+000C)" in response.content.decode()
    assert (
        not Framework.objects.filter(name__startswith="Bộ")
        .exclude(pk=phuong1_2023.framework_id)
        .exists()
    )
