"""One settings module, configured by the environment.

The embedded default (no environment at all) runs on an SQLite file under ``var/`` with
in-process jobs; a deployment sets ``DATABASE_URL``, ``CELERY_BROKER_URL``, ``SECRET_KEY``,
``ALLOWED_HOSTS`` and ``BQW_PROFILE=deploy`` (see docs/deploy.md).
"""

from __future__ import annotations

import os
import secrets
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("BQW_VAR_DIR", PROJECT_DIR / "var"))
DATA_DIR = Path(os.environ.get("BQW_DATA_DIR", PROJECT_DIR / "data"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _embedded_secret_key() -> str:
    """Generated once and kept under var/, so sessions survive restarts of the embedded default."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


PROFILE = os.environ.get("BQW_PROFILE", "embedded")  # embedded | deploy
DEPLOY = PROFILE == "deploy"

SECRET_KEY = os.environ.get("SECRET_KEY") or _embedded_secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "baiqianwan.api.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "axes",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "baiqianwan.core",
    "baiqianwan.regions",
    "baiqianwan.industries",
    "baiqianwan.orgs",
    "baiqianwan.accounts",
    "baiqianwan.supply",
    "baiqianwan.demands",
    "baiqianwan.matching",
    "baiqianwan.plan",
    "baiqianwan.indicators",
    "baiqianwan.commissioners",
    "baiqianwan.calls",
    "baiqianwan.reviews",
    "baiqianwan.projects",
    "baiqianwan.towns",
    "baiqianwan.market",
    "baiqianwan.finance",
    "baiqianwan.talent",
    "baiqianwan.portal",
    "baiqianwan.outreach",
    "baiqianwan.api",
    "baiqianwan.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "baiqianwan.core.middleware.ContentSecurityPolicyMiddleware",
    "baiqianwan.core.middleware.DatabaseErrorPageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "baiqianwan.core.middleware.ControlCharacterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "baiqianwan.core.ratelimit.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "baiqianwan.accounts.middleware.IdleTimeoutMiddleware",
    "baiqianwan.accounts.middleware.AccountGateMiddleware",
    "baiqianwan.accounts.middleware.DutySeparationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "baiqianwan.urls"
# Requests under this path are the REST API: JSON errors, API rate limits, API input checks.
API_PREFIX = "/api/"
WSGI_APPLICATION = "baiqianwan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "baiqianwan.web.context_processors.navigation",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "baiqianwan.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0 if DEBUG else 60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work together; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue (busy timeout) instead of failing with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    # A connection kept between requests is checked before reuse, so the platform reconnects
    # by itself after PostgreSQL restarts; an unreachable server fails a request in seconds
    # (a 503 to retry) rather than holding it until the TCP timeout.
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth and security ----------------------------------------------------------------------
# Shared counters (rate limits) across app servers when Redis is configured; per process otherwise.
if os.environ.get("BQW_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["BQW_CACHE_URL"],
        }
    }
# name → (requests, seconds); see core/ratelimit.py. "off" for load and fuzz tests only.
RATE_LIMITS: dict[str, tuple[int, int]] = (
    {}
    if os.environ.get("BQW_RATE_LIMITS", "").strip().lower() == "off"
    else {
        "login_address": (20, 60),
        "token_user": (10, 3600),
        "token_address": (30, 3600),
        "api_write_user": (300, 60),
        "api_write_address": (600, 60),
        "portal_address": (30, 3600),
        "public_api_address": (300, 60),
    }
)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "baiqianwan.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "baiqianwan.accounts.validators.CharacterClassValidator"},
    {"NAME": "baiqianwan.accounts.validators.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]
# A password expires this many days after it was set (0: never); the user is sent to change it.
PASSWORD_EXPIRY_DAYS = max(0, int(os.environ.get("BQW_PASSWORD_EXPIRY_DAYS", "90")))
# Two-factor login (TOTP) is required of the province and the three administrators (accounts/roles.py
# TWO_FACTOR_ROLES); others may turn it on. Off only for a demonstration or tests: a user who has
# enrolled a device is asked for a code either way.
REQUIRE_2FA = env_bool("BQW_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "百千万科技支撑平台"
# Wrong codes make the next attempt wait 1, 2, 4, 8 … seconds (django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout: 5 failures lock the username for 30 minutes (等保 expectation).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
# By account, not by address: offices share one NAT address, and locking it would lock a whole
# bureau out; the 30-minute account lock is what stops password guessing.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "baiqianwan.accounts.views.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_IP_CALLABLE = "baiqianwan.core.models.client_ip"
# Reverse proxies whose X-Real-IP header is believed (nginx on the same machine in deployment).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1" if DEPLOY else "")

# Idle timeout: the session expires 30 minutes after the last request.
SESSION_IDLE_TIMEOUT_SECONDS = int(os.environ.get("SESSION_IDLE_TIMEOUT_SECONDS", "1800"))
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send the token header
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if DEPLOY:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Audit entries are kept at least 180 days; `bqw audit prune` never deletes younger ones.
AUDIT_RETENTION_DAYS = max(180, int(os.environ.get("AUDIT_RETENTION_DAYS", "365")))
AUDITLOG_INCLUDE_ALL_MODELS = False

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and uploads ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if DEPLOY
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not DEPLOY
WHITENOISE_AUTOREFRESH = DEBUG
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- notification channels --------------------------------------------------------------------
# Every notification shows under the bell. A deployment that names an SMTP server (the intranet's
# mail relay) also mails it to users who keep an address and have not switched mail off; links in
# the mail start with BQW_SITE_URL, the address users open the platform at.
EMAIL_HOST = os.environ.get("BQW_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("BQW_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("BQW_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("BQW_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("BQW_EMAIL_TLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("BQW_EMAIL_FROM", "noreply@localhost")
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
NOTIFY_BY_EMAIL = bool(EMAIL_HOST)
SITE_URL = os.environ.get("BQW_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- background jobs ------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "")
# Without a broker the jobs run in-process (embedded default); with one, on Celery workers.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A job's message is acknowledged when the job ends, so one whose worker dies mid-job (killed,
# out of memory) is delivered again: at once when a pool process dies, after the visibility
# timeout when the whole worker does. core/jobs.py runs it once more, or ends it as failed.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a worker holds no more jobs than it is running
# Redis hands an unacknowledged job to another worker after this many seconds: it must be longer
# than the longest job, or a job still running is started a second time.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
}
# Fault tests only: seconds a job waits just before its rows commit (core.jobs.job_test_pause).
JOB_TEST_PAUSE_SECONDS = 0.0

# --- technology market ------------------------------------------------------------------------
# Registered deals of at least this contract value (元) are published in the 交易公示 list.
MARKET_PUBLICITY_THRESHOLD = Decimal(os.environ.get("BQW_MARKET_PUBLICITY_THRESHOLD", "1000000"))

# --- matching ---------------------------------------------------------------------------------
MATCHING_INDEX_DIR = Path(os.environ.get("MATCHING_INDEX_DIR", VAR_DIR / "matching"))

# --- API --------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
