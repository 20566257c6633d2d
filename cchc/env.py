"""Read settings from the environment and refuse malformed values loudly.

Plain functions, so that a wrong value in a production `.env` stops the process at start-up
with a message that names the variable and shows a valid example, instead of surfacing later
as a confusing error deep inside Django.
"""

import os
import re

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_HOST = re.compile(r"^(\*|\.?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])$")


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"Biến môi trường {name}={raw!r} không hợp lệ: dùng true/false (hoặc 1/0, yes/no, on/off)."
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ImproperlyConfigured(
            f"Biến môi trường {name}={raw!r} không hợp lệ: cần một số nguyên từ {minimum} trở lên "
            f"(ví dụ: {default})."
        )
    return value


def env_hosts(name: str, default: str) -> list[str]:
    raw = os.environ.get(name, default)
    hosts = [h.strip() for h in raw.split(",") if h.strip()]
    for host in hosts:
        if not _HOST.match(host):
            raise ImproperlyConfigured(
                f"Biến môi trường {name} chứa tên máy không hợp lệ {host!r}: ghi tên miền hoặc "
                "địa chỉ IP, cách nhau bằng dấu phẩy, không kèm http:// hay cổng "
                "(ví dụ: cchc.quangtri.gov.vn,127.0.0.1)."
            )
    return hosts


def env_secret_key(name: str, development_key: str) -> str:
    """The secret key; a development key when unset, which `check --deploy` flags."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return development_key
    if len(raw) < 32 or len(set(raw)) < 5:
        raise ImproperlyConfigured(
            f"Biến môi trường {name} quá ngắn hoặc quá đơn giản: cần ít nhất 32 ký tự ngẫu nhiên "
            "(tạo bằng: python3 -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    return raw


def env_database(name: str, default_sqlite_path: str) -> dict:
    """Parse DATABASE_URL; SQLite at `default_sqlite_path` when it is unset."""
    import dj_database_url

    raw = os.environ.get(name, "").strip()
    if not raw:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": default_sqlite_path}
    example = (
        "postgres://người_dùng:mật_khẩu@127.0.0.1:5432/cchc hoặc sqlite:////đường/dẫn/cchc.sqlite3"
    )
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several types for a bad URL.
        raise ImproperlyConfigured(
            f"Biến môi trường {name} không hợp lệ ({exc}). Ví dụ: {example}."
        ) from exc
    engine = config.get("ENGINE", "")
    if engine not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ImproperlyConfigured(
            f"Biến môi trường {name} chỉ hỗ trợ PostgreSQL hoặc SQLite, không hỗ trợ {engine!r}. "
            f"Ví dụ: {example}."
        )
    if engine == "django.db.backends.postgresql" and not config.get("NAME"):
        raise ImproperlyConfigured(
            f"Biến môi trường {name} thiếu tên cơ sở dữ liệu sau dấu '/'. Ví dụ: {example}."
        )
    return config


def env_url(name: str) -> str:
    """A required http(s) address (single sign-on endpoints, once single sign-on is on)."""
    raw = os.environ.get(name, "").strip()
    if not re.match(r"^https?://[^\s/]+(/\S*)?$", raw):
        raise ImproperlyConfigured(
            f"Biến môi trường {name}={raw!r} không hợp lệ: cần một địa chỉ đầy đủ, ví dụ "
            f"{name}=https://sso.quangtri.gov.vn/o/authorize/ (bắt buộc khi đặt "
            "OIDC_RP_CLIENT_ID)."
        )
    return raw
