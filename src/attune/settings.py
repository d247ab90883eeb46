"""Attune's one settings module. Every deployment difference is an environment variable.

ATTUNE_ENV            development | test | production (default: production, so a server
                      started without configuration is never in debug mode)
DJANGO_SECRET_KEY     required in production
DJANGO_ALLOWED_HOSTS  comma-separated host names (production default: none)
DJANGO_CSRF_TRUSTED_ORIGINS  comma-separated origins, e.g. https://attune.example.org
DATABASE_URL          e.g. postgres://user:pass@host:5432/attune (default: SQLite file)
ATTUNE_DATA_DIR       where the SQLite file and uploads live (default: ./var)
DJANGO_SECURE_SSL_REDIRECT  1 (default in production) or 0 behind a proxy that redirects
EMAIL_URL-like settings: DJANGO_EMAIL_HOST, DJANGO_EMAIL_PORT, DJANGO_DEFAULT_FROM_EMAIL,
DJANGO_EMAIL_BACKEND (default: SMTP in production, the console elsewhere); docs/deploy.md
ATTUNE_TASKS_IMMEDIATE  1 runs queued tasks at once, in the caller (the test default); 0 queues
                      them in the database for `manage.py run_worker` (everywhere else)
ATTUNE_WORKER_LEASE   seconds without a heartbeat after which a worker's task is taken again
ATTUNE_BASE_URL       the address people open Attune at, for links made outside a request
                      (create_organization); default http://127.0.0.1:8000
ATTUNE_INVITATION_DAYS  days an invitation link works (default 7)
ATTUNE_POLICY_TIME_LIMIT, ATTUNE_POLICY_FIX_TIME  seconds per plan and per staffing fix in the
                      state-wide policy what-if (default 5 each)
"""

from __future__ import annotations

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Lets typed generics like forms.ModelForm[Child] work at run time (django-stubs).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent

ENV = os.environ.get("ATTUNE_ENV", "production")
if ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"ATTUNE_ENV must be development, test or production, not {ENV!r}.")
PRODUCTION = ENV == "production"


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = ENV == "development" and env_bool("DJANGO_DEBUG", True)

if PRODUCTION:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random string of at least 50 characters in "
            "production. For local work set ATTUNE_ENV=development (make run does)."
        )
else:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

DATA_DIR = Path(os.environ.get("ATTUNE_DATA_DIR", PROJECT_DIR / "var"))


def local_secret_key() -> str:
    """Development and tests without DJANGO_SECRET_KEY: a random key, never a known constant.

    Development keeps it in the data directory (sessions survive a restart); tests make a new
    one per process."""
    if ENV == "test":
        return secrets.token_urlsafe(50)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


if not SECRET_KEY:
    SECRET_KEY = local_secret_key()

INSTALLED_APPS = [
    # the operator's Django admin, for superusers only (attune.accounts.admin_site)
    "attune.accounts.apps.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "auditlog",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "attune.accounts",
    "attune.programs",
    "attune.jobs",
    "attune.plans",
    "attune.care",
    "attune.training",
    "attune.workforce",
    "ninja",  # serves the API docs' assets from our own static files (CSP: self)
    "attune.api",
    "attune.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "attune.lib.middleware.NoStoreMiddleware",
    "attune.lib.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "attune.lib.audit.AuditMiddleware",
    # refuses sign-ins while a user and address are locked out (django-axes)
    "axes.middleware.AxesMiddleware",
    # last: a form's one-time key is claimed in the view's own transaction
    "attune.accounts.once.OnceMiddleware",
]

if PRODUCTION:
    # Static files straight from the app server, compressed and cache-busted. In development
    # runserver serves them, in tests the live server does.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "attune.urls"
WSGI_APPLICATION = "attune.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "attune.lib.context.navigation",
            ],
            # {% once %}: every POST form's one-time key (attune.accounts.once)
            "builtins": ["attune.accounts.templatetags.once"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'attune.sqlite3'}",
        conn_max_age=0 if ENV == "test" else 60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if ENV == "test":
        # A file, not memory: the task workers the reliability and browser tests start are
        # other processes and must see the test database (attune.jobs).
        DATABASES["default"]["TEST"] = {
            "NAME": os.environ.get(
                "ATTUNE_TEST_SQLITE",
                str(Path(tempfile.gettempdir()) / f"attune-test-{os.getpid()}.sqlite3"),
            )
        }
    # WAL lets the dev server read while an import writes; IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        # a 10,000-row import holds the write lock ~5 s: other writers wait, not fail
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    # first: counts failed sign-ins and refuses a locked-out user and address
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in protection (django-axes): 5 failed sign-ins for one user from one address lock that
# pair out for 15 minutes; a success resets the count. Every attempt is in the audit trail.
AXES_FAILURE_LIMIT = int(os.environ.get("ATTUNE_SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ATTUNE_SIGNIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "attune.lib.clients.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False
# Proxies that append to X-Forwarded-For in front of the app (attune.lib.clients).
ATTUNE_PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if ENV == "test":
    # Hashing is not what the tests measure; the default hasher costs ~0.3 s per login.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "America/Los_Angeles"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"

# Uploads: a 10,000-row CSV is about 1.5 MB; refuse anything absurd before parsing it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
ATTUNE_IMPORT_MAX_BYTES = 20 * 1024 * 1024

# Every email is queued (attune.jobs.mail) and sent by a worker through the delivery backend:
# DJANGO_EMAIL_BACKEND, or SMTP in production, the console in development, memory in tests.
EMAIL_BACKEND = "attune.jobs.mail.QueuedEmailBackend"
ATTUNE_EMAIL_DELIVERY = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.locmem.EmailBackend"
    if ENV == "test"
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
ATTUNE_BASE_URL = os.environ.get("ATTUNE_BASE_URL", "http://127.0.0.1:8000")
ATTUNE_INVITATION_DAYS = int(os.environ.get("ATTUNE_INVITATION_DAYS", "7"))

DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "attune@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts, styles and everything else from this site
# only; no inline script or style, no eval. Pages declare behaviour with data- attributes that
# attune/attune.js wires (docs/architecture.md).
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

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    if not SECURE_SSL_REDIRECT:
        # The operator said the proxy redirects to HTTPS (docs/deploy.md): check --deploy's
        # reminder to redirect is answered.
        SILENCED_SYSTEM_CHECKS = ["security.W008"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# The task queue (django-tasks, database backend; attune.jobs). Plans, what-ifs, large imports,
# exports, emails and the schedules below are run by `manage.py run_worker` processes, on
# this machine or others sharing the database. Tests run tasks at once, in the caller, except
# those that start real workers.
ATTUNE_TASKS_IMMEDIATE = env_bool("ATTUNE_TASKS_IMMEDIATE", ENV == "test")
TASKS: dict[str, dict[str, object]] = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if ATTUNE_TASKS_IMMEDIATE
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": [],  # any queue name
    }
}
ATTUNE_WORKER_LEASE = float(os.environ.get("ATTUNE_WORKER_LEASE", "60"))
ATTUNE_WORKER_BEAT = float(os.environ.get("ATTUNE_WORKER_BEAT", "5"))
ATTUNE_TASK_MAX_TRIES = int(os.environ.get("ATTUNE_TASK_MAX_TRIES", "3"))
# The state-wide policy what-if (attune.plans.policy): seconds per plan (two per program) and
# for the smallest staffing fix of a program whose staff cannot meet a rule set.
ATTUNE_POLICY_TIME_LIMIT = float(os.environ.get("ATTUNE_POLICY_TIME_LIMIT", "5"))
ATTUNE_POLICY_FIX_TIME = float(os.environ.get("ATTUNE_POLICY_FIX_TIME", "5"))
# What the workers run on their own, once per period however many workers there are; local
# time (TIME_ZONE). Each task takes no arguments; its management command runs it by hand.
ATTUNE_SCHEDULES = [
    {"name": "commitment-reminders", "task": "attune.training.tasks.commitment_reminders",
     "at": "07:00"},
    {"name": "renewal-reminders", "task": "attune.workforce.tasks.renewal_reminders",
     "at": "07:10"},
    {"name": "continuity-snapshots", "task": "attune.plans.tasks.record_continuity",
     "at": "02:00"},
    {"name": "nap-check-alerts", "task": "attune.care.tasks.nap_check_alerts", "minutes": 1},
    {"name": "ratio-checks", "task": "attune.programs.tasks.check_ratios", "minutes": 1},
    {"name": "discard-stale-imports", "task": "attune.programs.tasks.discard_stale_imports",
     "at": "03:00"},
    {"name": "webhook-retries", "task": "attune.api.tasks.retry_webhooks", "minutes": 1},
    {"name": "api-idempotency-keys", "task": "attune.api.tasks.forget_idempotency_keys",
     "at": "03:20"},
]  # fmt: skip

# Auditlog: who did it comes from the request (middleware) or from services (set_actor).
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_USE_FK_STRING_REPRESENTATION = True  # "Robins → Finches", not "1 → 2"

# Logs never carry child names: only ids, paths and status codes.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"one_line_4xx": {"()": "attune.lib.logs.OneLineForClientErrors"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["one_line_4xx"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "attune": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# API v1 (attune.api): requests a minute per personal access token (429 past it)
ATTUNE_API_RATE = int(os.environ.get("ATTUNE_API_RATE", "600"))
# webhooks post to https only, but to http too while developing and testing
ATTUNE_WEBHOOK_ALLOW_HTTP = env_bool("ATTUNE_WEBHOOK_ALLOW_HTTP", ENV != "production")
