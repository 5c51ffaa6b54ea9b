"""Settings. Every value comes from the environment, with the embedded default when unset.

Embedded default (``make run``): SQLite in ``var/``, files in ``var/files/``, Celery on a
filesystem broker in ``var/celery/`` — nothing needs a server. Production sets ``QLVB_ENV=production``
with ``DATABASE_URL`` (PostgreSQL), ``CELERY_BROKER_URL`` (Redis) and a real ``QLVB_SECRET_KEY``;
see docs/deploy.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


QLVB_ENV = env("QLVB_ENV", "development")  # development | production
DATA_DIR = Path(env("QLVB_DATA_DIR", str(PROJECT_DIR / "var"))).resolve()

DEMO_SECRET_KEY = "demo-only-secret-key-do-not-use-in-production-qlvb-lien-minh"  # noqa: S105
SECRET_KEY = env("QLVB_SECRET_KEY", DEMO_SECRET_KEY)
DEBUG = env_bool("QLVB_DEBUG", False)
if QLVB_ENV == "production" and (SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured(
        "QLVB_ENV=production cần QLVB_SECRET_KEY riêng (ít nhất 40 ký tự), không dùng khóa mẫu."
    )

ALLOWED_HOSTS = [h for h in env("QLVB_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("QLVB_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "qlvb.core",
    "qlvb.directory",
    "qlvb.files",
    "qlvb.documents",
    "qlvb.assignments",
    "qlvb.incoming",
    "qlvb.web",
    "qlvb.api",
    "qlvb.signing",
    "qlvb.exchange",
    "qlvb.axissim",  # only for its `qlvb axis-sim` command
    "qlvb.outgoing",
    "qlvb.operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "qlvb.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qlvb.directory.middleware.ActiveAccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "qlvb.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "qlvb.urls"
WSGI_APPLICATION = "qlvb.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qlvb.web.context.shell",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------------------
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'qlvb.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL", DEFAULT_DATABASE_URL), conn_max_age=60)}
if "DATABASE_URL" not in os.environ:
    DATA_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default keeps its database in var/
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "directory.User"

# --- Passwords and sign-in ------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "qlvb.directory.passwords.CharacterClassValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "qlvb.directory.backends.AccountBackend",
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

AXES_FAILURE_LIMIT = int(env("QLVB_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("QLVB_LOGIN_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "qlvb.directory.lockout.lockout_response"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = int(env("QLVB_SESSION_IDLE_SECONDS", str(30 * 60)))  # idle timeout
SESSION_SAVE_EVERY_REQUEST = True  # every request pushes the idle deadline forward
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
if QLVB_ENV == "production":
    SESSION_COOKIE_SECURE = env_bool("QLVB_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Language, time -------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
FILES_DIR = Path(env("QLVB_FILES_DIR", str(DATA_DIR / "files")))
FILE_MAX_BYTES = int(env("QLVB_FILE_MAX_BYTES", str(50 * 1024 * 1024)))  # seed Điều 8.4: 50 MB
FILE_NAME_MAX_CHARS = 50  # seed Điều 8.4
# Uploads larger than this are streamed to a temporary file, never held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None

# --- Celery ---------------------------------------------------------------------------------
CELERY_DIR = DATA_DIR / "celery"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DIR / "queue"),
        "data_folder_out": str(CELERY_DIR / "queue"),
        "processed_folder": str(CELERY_DIR / "processed"),
        "control_folder": str(CELERY_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("QLVB_CELERY_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Daily jobs (Celery beat). Each app adds its own entry: {"task": name, "schedule": seconds or crontab}.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "incoming-deadlines": {"task": "qlvb.incoming.deadlines_sweep", "schedule": 24 * 60 * 60.0},
    "outgoing-followup": {"task": "qlvb.outgoing.followup_sweep", "schedule": 24 * 60 * 60.0},
}
# Modules acting on document events after commit, through Celery (documents/events.py: event consumers).
QLVB_EVENT_CONSUMERS = ["qlvb.exchange.consumers.document_event"]

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("QLVB_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- qlvb -----------------------------------------------------------------------------------
# Organ codes of the demo agency are placeholders (regulations.md marks real codes per province).
QLVB_DEMO_PASSWORD = env("QLVB_DEMO_PASSWORD", "LienMinh@2025")
QLVB_API_TOKEN_DAYS = int(env("QLVB_API_TOKEN_DAYS", "90"))
