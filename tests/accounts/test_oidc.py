"""Single sign-on against a real OpenID Connect provider started for the test.

The provider (tests/oidc_provider: django-oauth-toolkit with OIDC on, RS256 keys, PKCE) runs
as its own gunicorn process on its own database. The browser's part at the provider (its
login form, the authorization redirect) is played with `requests`; the app's part through
Django's test client, and the app itself fetches the token, the signing keys and the user's
claims from the provider over HTTP, as in production.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import AccountEvent, EventKind

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "chi-so-cchc"
CLIENT_SECRET = "bi-mat-cua-ung-dung-cchc"
CALLBACK = "http://testserver" + reverse("accounts:sso_callback")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """The provider's address, once it answers; stopped after the module."""
    folder = tmp_path_factory.mktemp("oidc-provider")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DB": str(folder / "provider.sqlite3"),
        "OIDC_PROVIDER_KEY": key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
    }
    subprocess.run(
        [sys.executable, "-m", "tests.oidc_provider.prepare", CLIENT_ID, CLIENT_SECRET, CALLBACK],
        cwd=ROOT, env=env, check=True, timeout=120,
    )  # fmt: skip
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tests.oidc_provider.wsgi", "--bind",
         f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(f"{base}/o/.well-known/jwks.json", timeout=5).ok:
                    break
            except requests.RequestException:  # not listening yet, or still starting
                pass
            assert server.poll() is None, "the provider stopped"
            time.sleep(0.1)
        else:
            pytest.fail("the OIDC provider did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def sso(settings, provider):
    """The app configured for single sign-on with the provider, as the environment would."""
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/o/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/o/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/o/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/o/.well-known/jwks.json"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "accounts.oidc.ProvinceOIDCBackend",
    ]
    return provider


def _sign_in_at_provider(client, provider: str, username: str):
    """The whole round trip: the app sends the browser to the provider, the person signs in
    there, the provider sends the browser back with a code, the app finishes."""
    start = client.get(reverse("accounts:sso_start"))
    assert start.status_code == 302 and start["Location"].startswith(provider)
    browser = requests.Session()
    to_login = browser.get(start["Location"], allow_redirects=False)
    assert to_login.status_code == 302 and "/login/" in to_login.headers["Location"]
    login_url = provider + to_login.headers["Location"]
    form = browser.get(login_url).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    next_url = re.search(r'name="next" value="([^"]+)"', form).group(1).replace("&amp;", "&")
    signed_in = browser.post(
        login_url,
        {
            "username": username,
            "password": "provider-pass",
            "next": next_url,
            "csrfmiddlewaretoken": token,
        },
        allow_redirects=False,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    back = browser.get(provider + signed_in.headers["Location"], allow_redirects=False)
    assert back.status_code == 302 and back.headers["Location"].startswith(CALLBACK)
    callback = urlsplit(back.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}", follow=True)


def test_the_login_page_offers_single_sign_on_only_when_configured(client, settings):
    assert "tài khoản của tỉnh" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("accounts:sso_start")).status_code == 404
    settings.OIDC_ENABLED = True
    page = client.get(reverse("login")).content.decode()
    assert "Đăng nhập bằng tài khoản của tỉnh (SSO)" in page


def test_a_provider_user_with_the_same_user_name_signs_in_as_that_account(client, sso, coordinator):
    landed = _sign_in_at_provider(client, sso, "cchc.p1")
    assert landed.wsgi_request.user == coordinator
    event = AccountEvent.objects.get(user=coordinator, kind=EventKind.SIGNED_IN)
    assert event.detail == "đăng nhập một lần (SSO)"
    # Not the provider's address: the person's own details stay as they are here.
    coordinator.refresh_from_db()
    assert coordinator.email != "cchc.p1@sso.quangtri.gov.vn"


def test_a_provider_user_is_matched_by_e_mail_when_the_user_name_differs(
    client, sso, other_chairperson
):
    other_chairperson.email = "hang.p2@quangtri.gov.vn"
    other_chairperson.save()
    landed = _sign_in_at_provider(client, sso, "ha.vanphong")
    assert landed.wsgi_request.user == other_chairperson


def test_an_unmapped_provider_user_is_refused_and_no_account_is_made(client, sso):
    before = get_user_model().objects.count()
    landed = _sign_in_at_provider(client, sso, "nguoi.la")
    assert not landed.wsgi_request.user.is_authenticated
    assert landed.redirect_chain[-1][0] == reverse("login")
    assert "tài khoản “nguoi.la” chưa được gắn với tài khoản nào" in landed.content.decode()
    assert get_user_model().objects.count() == before
    assert AccountEvent.objects.filter(kind=EventKind.SSO_REFUSED, typed="nguoi.la").exists()


def test_a_locked_account_is_refused_even_when_it_matches(client, sso, coordinator):
    coordinator.is_active = False
    coordinator.save()
    landed = _sign_in_at_provider(client, sso, "cchc.p1")
    assert not landed.wsgi_request.user.is_authenticated
