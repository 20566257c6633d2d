"""A session that ends while someone is typing: scripts get 401, the page signs in again in a
dialog (the login view answers it in JSON), and the login page says why people are there."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.helpers import score_of

pytestmark = pytest.mark.django_db

LOGIN = "/dang-nhap/"
PASSWORD = "cchc-demo-2024"
JSON = {"HTTP_ACCEPT": "application/json"}


def _page(assessment) -> str:
    return reverse("scoring:assessment", args=[assessment.pk])


def test_a_script_without_a_session_gets_401_with_a_token_to_sign_in_with(client, current_p1):
    response = client.get(reverse("session"), **JSON)
    assert response.status_code == 401
    body = response.json()
    assert body["message"] == "Phiên làm việc đã hết hạn, hãy đăng nhập lại."
    assert body["login_url"] == LOGIN
    assert body["csrf_token"]
    score = score_of(current_p1, "1.1.2")
    saved = client.post(_page(current_p1), {f"{score.pk}-value": "1"}, **JSON)
    assert saved.status_code == 401
    assert score_of(current_p1, "1.1.2").self_value == score.self_value


def test_an_htmx_request_without_a_session_gets_401(client, current_p1):
    response = client.post(reverse("scoring:preview", args=[current_p1.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 401


def test_a_page_without_a_session_still_goes_to_the_login_page(client, current_p1):
    response = client.get(_page(current_p1))
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={_page(current_p1)}"
    login = client.get(response["Location"]).content.decode()
    assert "Trang bạn vừa mở cần đăng nhập; đăng nhập xong sẽ trở lại trang đó." in login


def test_the_login_page_says_the_session_ended_when_the_browser_still_held_one(client, current_p1):
    client.cookies[settings.SESSION_COOKIE_NAME] = "a-session-the-server-no-longer-has"
    response = client.get(_page(current_p1), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "Phiên làm việc đã hết hạn, hãy đăng nhập lại." in page
    assert "Trang bạn vừa mở cần đăng nhập" not in page  # one reason, the precise one


def test_signing_out_does_not_say_the_session_expired(client, coordinator):
    client.force_login(coordinator)
    page = client.post(reverse("logout"), follow=True).content.decode()
    assert "hết hạn" not in page


def test_the_dialog_signs_in_and_gets_the_new_csrf_token(client, coordinator):
    client.get(reverse("session"), **JSON)  # the 401 that opened the dialog
    response = client.post(LOGIN, {"username": "cchc.p1", "password": PASSWORD}, **JSON)
    assert response.status_code == 200
    assert response.json()["user"] == "cchc.p1"
    token = response.json()["csrf_token"]
    alive = client.get(reverse("session"), **JSON)
    assert alive.status_code == 200
    assert alive.json()["user"] == "cchc.p1"
    assert alive.json()["csrf_token"] and token


def test_the_dialog_is_told_a_wrong_password_and_signs_nobody_in(client):
    response = client.post(LOGIN, {"username": "cchc.p1", "password": "sai-mat-khau"}, **JSON)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        "Tên đăng nhập hoặc mật khẩu không đúng. Vui lòng nhập lại."
    ]
    assert client.get(reverse("session"), **JSON).status_code == 401


def test_the_session_check_answers_a_signed_in_user(client, staff):
    client.force_login(staff)
    response = client.get(reverse("session"), **JSON)
    assert response.status_code == 200
    assert response.json()["user"] == "motcua.p1"
