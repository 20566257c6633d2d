"""Settings for cchc: one module, SQLite with zero configuration, PostgreSQL via DATABASE_URL."""

import os
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF

from cchc.env import env_bool, env_database, env_hosts, env_int, env_secret_key, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# Without SECRET_KEY a development key is used; its "django-insecure-" prefix makes
# `manage.py check --deploy` flag it, so a production install cannot miss it.
SECRET_KEY = env_secret_key("SECRET_KEY", "django-insecure-cchc-development-only-key")
# Signs backup manifests; unset, a key derived from SECRET_KEY does. Set it to restore backups
# on a server with another SECRET_KEY, or to keep them valid across a SECRET_KEY rotation.
BACKUP_KEY = env_secret_key("BACKUP_KEY", "")
ALLOWED_HOSTS = env_hosts("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "import_export",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "cchc",
    "scoring",
    "remediation",
    "exchange",
    "documents",
    "rounds",
    "notices",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed for slow commune connections; Django masks the CSRF token per
    # response, which is what keeps compression from leaking it (BREACH).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks the user verified once they have given a second-factor code in this session.
    "django_otp.middleware.OTPMiddleware",
    "cchc.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After messages and htmx: it signs idle sessions out with a message, and answers htmx
    # and script (JSON) requests whose session is gone with 401 (the page signs in again in
    # a dialog) instead of the login page.
    "cchc.middleware.SessionTimeoutMiddleware",
    # After the session checks: a signed-in user who owes a second-factor code (or must set
    # two-factor sign-in up first) is sent to that page before any other.
    "accounts.middleware.TwoFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a lockout into the Vietnamese lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cchc.urls"
WSGI_APPLICATION = "cchc.wsgi.application"
ASGI_APPLICATION = "cchc.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", str(BASE_DIR / "db.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "cchc.User"

# Argon2 (memory-hard, as Django's documentation recommends): stronger against guessing on
# graphics cards than PBKDF2 and a third of its CPU per sign-in (122 vs 309 ms here), which
# matters when a whole office signs in at 7:30. PBKDF2 hashes still verify and are upgraded
# to Argon2 at the user's next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Password guessing, two layers.
# 1. django-axes: 5 failures lock that user name *from that address* for 15 minutes, so a
#    commune office behind one shared IP is not locked out by one colleague's typos, and
#    nobody can lock a user out from elsewhere.
# 2. cchc.signin: guessing one user name from many addresses (each staying under axes' 5) is
#    slowed per user name over all addresses. axes cannot do this itself: with
#    AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"] both entries share the
#    one AXES_FAILURE_LIMIT and cool-off, so a stranger's 5 failures would lock the real user
#    out everywhere, and every further failure would extend the lock for good. Instead, from
#    axes' failure log (one row per failure): after SIGNIN_SPRAY_LIMIT failures for a user
#    name within SIGNIN_SPRAY_WINDOW, each further attempt waits 30 s, 1, 2, 4, 8, then at
#    most 15 minutes after the last failure; refused attempts are not failures and do not
#    extend the wait. Addresses the user has signed in from recently are exempt (the real
#    user at their office or home is never slowed by someone else's guessing).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
SIGNIN_SPRAY_LIMIT = 10
SIGNIN_SPRAY_WINDOW = timedelta(hours=24)
SIGNIN_SPRAY_FIRST_WAIT = timedelta(seconds=30)
SIGNIN_SPRAY_MAX_WAIT = timedelta(minutes=15)
SIGNIN_TRUSTED_FOR = timedelta(days=30)
# The failure log is kept this long (then purged at the next failure), for an administrator
# looking into an attack; the per-user-name count above reads only its last day.
SIGNIN_FAILURES_KEPT = timedelta(days=7)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "cchc.deploy.client_ip"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A forgotten-password link works once (it carries the old password's hash) and for this long.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 24 * 3600, minimum=600)
# An invitation's set-password link works once, for this long (an account made at an import
# is often opened days later).
INVITATION_TIMEOUT = env_int("INVITATION_TIMEOUT", 7 * 24 * 3600, minimum=3600)
# Forgotten-password requests, counted in the account record: more than this many from one
# address within the window are refused with a wait; more than the per-address limit for one
# e-mail address send nothing more (and say the same as ever, so nothing is revealed).
PASSWORD_RESET_LIMIT_PER_ADDRESS = 5
PASSWORD_RESET_LIMIT_PER_EMAIL = 3
PASSWORD_RESET_LIMIT_WINDOW = timedelta(hours=1)
# Two-factor sign-in (TOTP, with recovery codes) for administrators, council members and the
# admin site. On by default in production; off by default with DEBUG (`make run`, the demo),
# where the demo accounts sign in with their password alone. Anyone who has set it up is
# asked for a code whatever this says.
OTP_REQUIRED = env_bool("OTP_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = "Chỉ số CCHC"
# Single sign-on with the province's OpenID Connect provider: off unless the app has a client
# there. The provider's user signs in as the existing account of the same user name or e-mail
# (accounts.oidc); no account is ever created from it. Password sign-in stays for the rest.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "").strip()
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"
if OIDC_ENABLED:
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_url("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env_url("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env_url("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env_url("OIDC_OP_JWKS_ENDPOINT")
    AUTHENTICATION_BACKENDS.append("accounts.oidc.ProvinceOIDCBackend")
# A session idle for this long is signed out (the login page says why); active sessions end
# SESSION_COOKIE_AGE after sign-in whatever their activity (cchc.middleware keeps both, as
# Django would push its own expiry forward at every save). A working day fits in both.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 8 * 3600, minimum=60)
SESSION_COOKIE_AGE = max(24 * 3600, SESSION_IDLE_TIMEOUT)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Dates are typed day first (31/10/2026); Django's default reads 07/03 as the 3rd of July.
# ISO (2026-10-31) too, as scripts send it. Field widgets: cchc.dates.DayInput.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
# Vietnamese number format: decimal comma ("91,00"); no thousand separator in scores.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
# Uploaded evidence lives here, outside the web root: no URL serves it directly; views do,
# after a permission check. MEDIA_URL is deliberately not routed.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
STORAGES = {
    # Any Django storage backend (e.g. an S3-compatible one) can be named here.
    "default": {
        "BACKEND": os.environ.get(
            "FILE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        )
    },
    # Production runs `collectstatic` and sets STATIC_MANIFEST=true for hashed, far-future
    # cached file names; development and tests need no collected files.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Behind HTTPS (production): secure cookies, redirect to HTTPS, HSTS. Off by default so that
# development and the test client work over plain HTTP.
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = False
# Preloading is a decision for the owner of the whole domain (often a province's gov.vn),
# irreversible in practice, so the app does not ask for it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if env_bool("BEHIND_PROXY", False):
    # The reverse proxy (nginx) terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Only our own scripts, styles, images and fonts; no inline script or style anywhere (htmx's
# injected indicator style is switched off in base.html), no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERIALIZATION_MODULES = {"exactjson": "cchc.serializers"}  # backups, to the microsecond
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024  # 20 MB per file
SIGNED_PDF_MAX_BYTES = EVIDENCE_MAX_BYTES  # a signed letter uploaded or checked

# Digital signatures of issued letters (documents.signatures). The organisation's key is a
# PKCS#12 file and its passphrase, or a PKCS#11 token (an HSM or a USB token on the server,
# with python-pkcs11 installed); a timestamp authority (RFC 3161) is asked when its URL is
# given. SIGNING_TRUST_ROOTS: certificate files (PEM/DER, comma-separated) of the
# certification authorities whose certificates a verification calls trusted. With no key
# and DEBUG on, the demo certificate made by `manage.py demo_certificate` signs.
SIGNING_PKCS12_FILE = os.environ.get("SIGNING_PKCS12_FILE", "").strip()
SIGNING_PKCS12_PASSPHRASE = os.environ.get("SIGNING_PKCS12_PASSPHRASE", "")
SIGNING_PKCS11_MODULE = os.environ.get("SIGNING_PKCS11_MODULE", "").strip()
SIGNING_PKCS11_TOKEN_LABEL = os.environ.get("SIGNING_PKCS11_TOKEN_LABEL", "").strip()
SIGNING_PKCS11_PIN = os.environ.get("SIGNING_PKCS11_PIN", "")
SIGNING_PKCS11_KEY_LABEL = os.environ.get("SIGNING_PKCS11_KEY_LABEL", "").strip()
SIGNING_TSA_URL = os.environ.get("SIGNING_TSA_URL", "").strip()
SIGNING_TRUST_ROOTS = [
    path.strip() for path in os.environ.get("SIGNING_TRUST_ROOTS", "").split(",") if path.strip()
]
SIGNING_DEMO_DIR = BASE_DIR / "var" / "demo-signing"

# The cache keeps rendered PDFs (documents.render.pdf): shared by every app server through
# Redis in production; without CACHE_URL, a small per-process memory cache.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "cchc",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 200},
        }
    }

# Background jobs (bulk phụ lục, imports, reminders) run on Celery workers through Redis. Without a
# broker, as in development and tests, a job runs right away in the process that asks for it.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip()
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Render published documents on the worker into the shared cache, so that the first download
# is as fast as a repeat (documents.prerender): needs both a worker and a shared cache.
DOCUMENTS_PRERENDER = env_bool("DOCUMENTS_PRERENDER", bool(CELERY_BROKER_URL and CACHE_URL))
CELERY_TASK_IGNORE_RESULT = True  # a job's state lives in its own row, not in a result store
# A job is acknowledged only when it has finished: a worker process killed midway (OOM,
# deploy, power) gives the job back to the queue, and the job's row counts the attempts.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A job unacknowledged this long (its whole worker host died) is delivered again.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("JOB_REDELIVER_AFTER", 3600)}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "send-task-reminders": {
        "task": "remediation.tasks.send_task_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "send-deadline-notices": {
        "task": "notices.tasks.send_deadline_notices",
        "schedule": crontab(hour=7, minute=5),
    },
}
# A running job that has not reported progress for this long is taken to be dead: a worker
# starting up gives it another attempt (at most JOB_MAX_ATTEMPTS in all), then marks it failed.
JOB_STALE_AFTER = env_int("JOB_STALE_AFTER", 300, minimum=1)
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3, minimum=1)
# Memory a worker may add while reading one uploaded workbook (bounded reading needs ~50 MB).
IMPORT_CHECK_MEMORY_MB = env_int("IMPORT_CHECK_MEMORY_MB", 512, minimum=64)
# The address of the site, for links in e-mails sent by background jobs.
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")

# Everything to standard error, where gunicorn, the worker and systemd's journal collect it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        app: {"level": os.environ.get("LOG_LEVEL", "INFO")}
        for app in ("cchc", "scoring", "documents", "remediation", "exchange")
    }
    # pyHanko logs a warning with a traceback for every self-signed or unknown certificate
    # it validates; the verification page says so in words already.
    | {"pyhanko": {"level": os.environ.get("PYHANKO_LOG_LEVEL", "ERROR")}},
}
