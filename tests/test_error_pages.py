"""The error pages a user can meet, in Vietnamese, with what to do next.

Outside a user's scope: 404, the same page whether the object exists or not. In scope but not
allowed: 403, with the reason. A stale form: the CSRF page. A server error: the 500 page.
"""

import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_an_object_outside_the_users_scope_is_a_vietnamese_404_that_reveals_nothing(
    client, phuong1_2023, outsider
):
    client.force_login(outsider)
    existing = client.get(reverse("scoring:assessment", args=[phuong1_2023.pk]))
    missing = client.get(reverse("scoring:assessment", args=[999_999]))
    assert existing.status_code == missing.status_code == 404
    page = existing.content.decode()
    assert "Không tìm thấy trang" in page and 'lang="vi"' in page
    assert "Not Found" not in page
    assert _without_token(page) == _without_token(missing.content.decode())


def _without_token(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)  # masked anew each time


def test_an_action_the_user_may_not_take_is_a_403_that_says_who_may(client, phuong1_2023, staff):
    client.force_login(staff)  # sees Phường 1's tasks, does not assign them
    response = client.get(reverse("remediation:task_add", args=[phuong1_2023.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Không được phép" in page
    assert "Chỉ công chức phụ trách CCHC và lãnh đạo đơn vị" in page
    assert "Forbidden" not in page


def test_a_stale_form_gets_a_vietnamese_page_and_saves_nothing(phuong1_2023, coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    response = client.post(reverse("scoring:assessment", args=[phuong1_2023.pk]), {})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Biểu mẫu đã hết hạn" in page and "chưa có gì được lưu" in page
    assert "CSRF verification failed" not in page


def test_a_server_error_is_a_vietnamese_page():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Lỗi máy chủ" in page and "báo quản trị hệ thống" in page
    assert "Server Error" not in page
