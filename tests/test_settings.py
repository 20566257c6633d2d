"""Settings come from the environment; a malformed value stops start-up with a clear message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cchc.env import env_bool, env_database, env_hosts, env_secret_key

ROOT = Path(__file__).resolve().parent.parent


def test_database_url_selects_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    config = env_database("DATABASE_URL", "/tmp/x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["HOST"], config["PORT"]) == ("test", "127.0.0.1", 5432)


def test_without_database_url_sqlite_is_used(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert env_database("DATABASE_URL", "/tmp/x.sqlite3") == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": "/tmp/x.sqlite3",
    }


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/cchc", "chỉ hỗ trợ PostgreSQL hoặc SQLite"),
        ("postgres://postgres@127.0.0.1:5432", "thiếu tên cơ sở dữ liệu"),
        ("khong-phai-url", "DATABASE_URL không hợp lệ"),
    ],
)
def test_a_malformed_database_url_is_refused(monkeypatch, url, message):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured, match=message):
        env_database("DATABASE_URL", "/tmp/x.sqlite3")


@pytest.mark.parametrize(("raw", "value"), [("true", True), ("0", False), ("Off", False)])
def test_debug_reads_the_usual_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("DEBUG", raw)
    assert env_bool("DEBUG", default=False) is value


def test_a_debug_value_that_is_not_a_boolean_is_refused(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe' không hợp lệ"):
        env_bool("DEBUG", default=False)


def test_allowed_hosts_is_a_comma_separated_list(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "cchc.quangtri.gov.vn, 127.0.0.1,.example.vn")
    assert env_hosts("ALLOWED_HOSTS", "") == ["cchc.quangtri.gov.vn", "127.0.0.1", ".example.vn"]


def test_an_allowed_host_written_as_a_url_is_refused(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "https://cchc.quangtri.gov.vn")
    with pytest.raises(ImproperlyConfigured, match="không kèm http://"):
        env_hosts("ALLOWED_HOSTS", "")


def test_the_app_refuses_to_start_with_a_malformed_setting():
    env = {**os.environ, "DATABASE_URL": "mysql://root@localhost/cchc"}
    run = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert run.returncode != 0
    assert "DATABASE_URL chỉ hỗ trợ PostgreSQL hoặc SQLite" in run.stderr


def test_vietnamese_is_the_default_language_with_a_decimal_comma(settings):
    from decimal import Decimal

    from django.utils import formats, translation

    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    with translation.override("vi"):
        assert formats.number_format(Decimal("91.00"), 2) == "91,00"


def test_a_short_secret_key_is_refused(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "abc123")
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY quá ngắn"):
        env_secret_key("SECRET_KEY", "dev")


def test_a_long_random_secret_key_is_used_and_none_falls_back_to_the_flagged_dev_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k3J9-x8QpL2_vN7rT5wZ1yB4mC6dF0gH")
    assert env_secret_key("SECRET_KEY", "dev") == "k3J9-x8QpL2_vN7rT5wZ1yB4mC6dF0gH"
    monkeypatch.delenv("SECRET_KEY")
    assert env_secret_key("SECRET_KEY", "django-insecure-x") == "django-insecure-x"


def _start_wsgi(env_overrides: dict, code: str = "import cchc.wsgi") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_serve_without_a_real_secret_key_and_hosts():
    run = _start_wsgi({"DEBUG": "false"})
    assert run.returncode != 0
    assert "SECRET_KEY chưa được đặt" in run.stderr
    assert "ALLOWED_HOSTS chưa được đặt" in run.stderr


def test_a_web_worker_loads_every_view_and_library_before_its_first_request():
    code = (
        "import sys, cchc.wsgi; "
        "print(sorted(m for m in ('documents.views', 'weasyprint', 'openpyxl') "
        "if m in sys.modules))"
    )
    run = _start_wsgi({"DEBUG": "true"}, code)
    assert run.stdout.strip() == "['documents.views', 'openpyxl', 'weasyprint']", run.stderr


def test_production_serves_with_a_real_secret_key_and_hosts():
    run = _start_wsgi(
        {
            "DEBUG": "false",
            "SECRET_KEY": "q8Vw-3nR_k2LmZp7Xc4Tb9Hy1Js6Df0GaQe5Wu",
            "ALLOWED_HOSTS": "cchc.quangtri.gov.vn",
        }
    )
    assert run.returncode == 0, run.stderr


def test_the_deploy_check_passes_with_the_documented_production_environment():
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "q8Vw-3nR_k2LmZp7Xc4Tb9Hy1Js6Df0GaQe5Wu-long-and-random-enough",
        "ALLOWED_HOSTS": "cchc.quangtri.gov.vn",
        "HTTPS": "true",
        "STATIC_MANIFEST": "true",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    }
    run = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def _deploy_check(**env: str) -> subprocess.CompletedProcess:
    """`manage.py check --deploy` in a fresh process with DEBUG off and `env` on top."""
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "false", **env},
        capture_output=True,
        text=True,
    )


def test_the_deploy_check_warns_when_no_worker_queue_is_configured():
    run = _deploy_check(CELERY_BROKER_URL="")
    assert "cchc.W001" in run.stdout + run.stderr
    assert "CELERY_BROKER_URL chưa được đặt" in run.stdout + run.stderr


@pytest.mark.django_db
def test_the_health_endpoint_reports_the_database(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_cache_url_shares_the_cache_through_redis():
    url = os.environ.get("TEST_CACHE_URL", "redis://127.0.0.1:6379/14")
    code = (
        "from django.core.cache import cache, caches; cache.set('probe', 'ok', 30); "
        "print(type(caches['default']).__name__, cache.get('probe')); cache.delete('probe')"
    )
    run = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env={**os.environ, "CACHE_URL": url},
        capture_output=True,
        text=True,
    )
    if "Connection refused" in run.stderr and not os.environ.get("CI"):
        pytest.skip(f"Redis is not running at {url}")
    assert run.stdout.split() == ["RedisCache", "ok"], run.stderr


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2_and_old_pbkdf2_hashes_upgrade_at_sign_in(client):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    user = get_user_model().objects.create_user("canbo.moi", password="Mat-khau-dai-2026")
    assert user.password.startswith("argon2$")
    user.password = make_password("Mat-khau-dai-2026", hasher="pbkdf2_sha256")
    user.save()
    response = client.post(
        "/dang-nhap/", {"username": "canbo.moi", "password": "Mat-khau-dai-2026"}
    )
    assert response.status_code == 302  # signed in
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


def test_the_deploy_check_warns_when_two_factor_sign_in_is_not_required():
    run = _deploy_check(OTP_REQUIRED="false")
    assert "accounts.W001" in run.stdout + run.stderr


def test_single_sign_on_without_its_endpoints_stops_start_up_with_the_variable_named():
    run = _start_wsgi(
        {
            "DEBUG": "true",
            "OIDC_RP_CLIENT_ID": "chi-so-cchc",
            "OIDC_OP_AUTHORIZATION_ENDPOINT": "sso.quangtri.gov.vn/authorize",
        }
    )
    assert run.returncode != 0
    assert "OIDC_OP_AUTHORIZATION_ENDPOINT='sso.quangtri.gov.vn/authorize' không hợp lệ" in (
        run.stderr
    )
