"""Settings. Every value comes from the environment, with the embedded default when unset.

Embedded default (``make run``): SQLite in ``var/``, files in ``var/files/``, Celery on a
filesystem broker in ``var/celery/`` — nothing needs a server. Production sets ``QLVB_ENV=production``
with ``DATABASE_URL`` (PostgreSQL), ``CELERY_BROKER_URL`` (Redis) and a real ``QLVB_SECRET_KEY``;
see docs/deploy.md.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
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
SECRET_KEY_MIN_CHARS = 50  # what `manage.py check --deploy` asks for (security.W009)
if QLVB_ENV == "production" and (
    SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < SECRET_KEY_MIN_CHARS or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        f"QLVB_ENV=production cần QLVB_SECRET_KEY riêng (ít nhất {SECRET_KEY_MIN_CHARS} ký tự, ngẫu nhiên), "
        "không dùng khóa mẫu."
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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",  # its vendored Swagger UI for /api/v1/docs (served by us: the CSP allows no CDN)
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
    "qlvb.dossiers",
    "qlvb.direction",
    "qlvb.operations",
    "qlvb.reports",
    "qlvb.notifications",
    "qlvb.integrations",
]

MIDDLEWARE = [
    "qlvb.web.metrics.MetricsMiddleware",  # request latency per route for /metrics (web/metrics.py)
    "django.middleware.security.SecurityMiddleware",
    "qlvb.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "qlvb.web.middleware.AppSessionMiddleware",  # Django's, but the app's background requests keep the idle deadline
    "qlvb.web.middleware.ChosenLanguageMiddleware",  # Vietnamese unless chosen; not Accept-Language
    "django.middleware.common.CommonMiddleware",
    "qlvb.files.uploads.UploadLimitMiddleware",  # 413 for an over-limit upload, before CSRF reads the form
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "qlvb.core.middleware.OddInputMiddleware",  # before anything loads the session or the user
    "qlvb.directory.middleware.ActiveAccountMiddleware",
    "qlvb.web.middleware.AppPersonMiddleware",  # X-QLVB-Person for the service worker's per-person cache
    "qlvb.directory.middleware.TwoFactorMiddleware",  # the second step owed after the password (directory/twofactor.py)
    "qlvb.directory.middleware.SessionActivityMiddleware",  # the "Phiên đăng nhập" page: device, address, last activity
    "qlvb.directory.middleware.PasswordChangeMiddleware",  # an initial password set by an administrator changed first
    "qlvb.operations.middleware.ReadOnlyMaintenanceMiddleware",  # writes refused during a read-only maintenance
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "qlvb.core.middleware.RequestContextMiddleware",
    "qlvb.core.replica.ReplicaReadsMiddleware",  # page reads may use the replica (only with QLVB_REPLICA_URL)
    "qlvb.api.auth.BearerChallengeMiddleware",
]

ROOT_URLCONF = "qlvb.urls"
# Every kept statement (core/statements.py) also compiled afresh and compared, at each call: on in the tests.
QLVB_STATEMENTS_CHECK = env("QLVB_STATEMENTS_CHECK", "0") == "1"
FORM_RENDERER = "qlvb.web.formrenderer.FormRenderer"  # the common widgets without a template each (docs/ui.md)
WSGI_APPLICATION = "qlvb.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "qlvb.web.template_backend.Templates",  # Django's; its library-name check knows our two
        "NAME": "django",  # as Django names its own backend (``engines["django"]``)
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qlvb.web.context.shell",
                "qlvb.operations.context.notices",
            ],
            # Django's libraries with their constant forms kept: {% translate "…" %} per language, {% static '…' %},
            # {% url 'name' %} without arguments (their modules' notes)
            "libraries": {"i18n": "qlvb.web.templatetags.kept_i18n", "static": "qlvb.web.templatetags.kept_static"},
            "builtins": ["qlvb.web.templatetags.kept_url"],
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
# A PostgreSQL streaming replica for page reads (core/replica.py, docs/deploy.md "Bản sao chỉ đọc"): lists,
# search and reports read there unless the browser wrote in the last QLVB_REPLICA_STICKY_SECONDS, or the
# replica lags more than QLVB_REPLICA_MAX_LAG_SECONDS, or does not answer (then everything reads the primary).
# /metrics (web/metrics.py): scraped from these addresses, or with "Authorization: Bearer <token>"
QLVB_METRICS_ALLOW = [a.strip() for a in env("QLVB_METRICS_ALLOW", "127.0.0.1,::1").split(",") if a.strip()]
QLVB_METRICS_TOKEN = env("QLVB_METRICS_TOKEN", "")
QLVB_REPLICA_URL = env("QLVB_REPLICA_URL", "")
QLVB_REPLICA_STICKY_SECONDS = int(env("QLVB_REPLICA_STICKY_SECONDS", "15"))
QLVB_REPLICA_MAX_LAG_SECONDS = float(env("QLVB_REPLICA_MAX_LAG_SECONDS", "5"))
QLVB_REPLICA_CHECK_SECONDS = float(env("QLVB_REPLICA_CHECK_SECONDS", "10"))
DATABASE_ROUTERS: list[str] = []
if QLVB_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(QLVB_REPLICA_URL, conn_max_age=60)
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 1
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True  # a connection the replica dropped: noticed, not a 500
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # the tests' replica is the test database itself
    DATABASE_ROUTERS = ["qlvb.core.replica.ReplicaRouter"]
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
    "qlvb.directory.sso.OfficialEmailBackend",  # the session's backend after an SSO sign-in (directory/sso.py)
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

AXES_FAILURE_LIMIT = int(env("QLVB_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("QLVB_LOGIN_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "qlvb.directory.lockout.lockout_response"
# The account-wide lock on top of the per-address one (directory/lockout.py): more failures from any
# addresses, a longer cool-off. Counted from axes' failure log (kept per account, 1,000 rows at most).
AXES_HANDLER = "qlvb.directory.lockout.AccountLockoutHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Default: the same count as the per-address lock, so guesses from a second address do not get five more
# tries; raising it (e.g. 10) trades that for fewer colleagues locked out by someone else's guessing.
QLVB_ACCOUNT_FAILURE_LIMIT = int(env("QLVB_ACCOUNT_FAILURE_LIMIT", str(AXES_FAILURE_LIMIT)))
QLVB_ACCOUNT_COOLOFF_MINUTES = float(env("QLVB_ACCOUNT_COOLOFF_MINUTES", "60"))
AXES_VERBOSE = False

SESSION_COOKIE_AGE = int(env("QLVB_SESSION_IDLE_SECONDS", str(30 * 60)))  # idle timeout
# The idle deadline is written again only when it moved by more than this (web.middleware.session_expiry_move):
# one write a minute per active person instead of one a page; the time-out may come this much early, never late.
QLVB_SESSION_MOVE_SLACK_SECONDS = int(env("QLVB_SESSION_MOVE_SLACK_SECONDS", "60"))
SESSION_ENGINE = "qlvb.web.sessions"  # Django's database sessions, the per-request read kept compiled
SESSION_SAVE_EVERY_REQUEST = False  # yet every request moves the idle deadline: web.middleware.AppSessionMiddleware
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # no page of qlvb is shown in a frame (CSP frame-ancestors says the same)
if QLVB_ENV == "production":
    # Production is served over HTTPS only (TLS at the reverse proxy, which sets X-Forwarded-Proto);
    # `manage.py check --deploy` is clean with these (core/tests/test_production_settings.py).
    SESSION_COOKIE_SECURE = env_bool("QLVB_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("QLVB_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe may speak plain HTTP inside
    # HSTS: browsers refuse plain HTTP for this host for this long (1 year by default; 0 turns it off).
    SECURE_HSTS_SECONDS = int(env("QLVB_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("QLVB_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("QLVB_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading commits the whole domain in browsers for years: the domain owner's decision
        # (docs/deploy.md), not a default; the check that suggests it is silenced while it is off.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- Language, time -------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # the language switch is remembered for a year
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
FORMAT_MODULE_PATH = ["qlvb.formats"]  # English pages read dd/mm/yyyy too (qlvb/formats/en/formats.py)

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# From the apps' folders (no collectstatic needed) in development and tests. A deployment runs
# `qlvb collectstatic` (docs/deploy.md) and serves STATIC_ROOT, where CompressedStaticFilesStorage wrote
# the Brotli/gzip copies: with the finders on, WhiteNoise serves the apps' uncompressed files instead
# (the app shell's first load over 3G: 406 KB instead of ~120 KB, docs/benchmarks.md).
WHITENOISE_USE_FINDERS = env_bool("QLVB_STATIC_FROM_APPS", QLVB_ENV != "production")
FILES_DIR = Path(env("QLVB_FILES_DIR", str(DATA_DIR / "files")))
# Where stored contents live (docs/files.md): "folder" (FILES_DIR, the default) or "s3" (an S3-compatible
# object store through boto3; FILES_DIR then holds only the temporary files of uploads being taken in).
QLVB_STORAGE = env("QLVB_STORAGE", "folder")
if QLVB_STORAGE not in ("folder", "s3"):
    raise ImproperlyConfigured(f"QLVB_STORAGE must be 'folder' or 's3', not {QLVB_STORAGE!r}")
S3_ENDPOINT_URL = env("QLVB_S3_ENDPOINT_URL", "")  # empty: AWS itself; else MinIO, Ceph RGW, SeaweedFS, ...
S3_BUCKET = env("QLVB_S3_BUCKET", "")
S3_REGION = env("QLVB_S3_REGION", "us-east-1")
S3_PREFIX = env("QLVB_S3_PREFIX", "")  # e.g. "qlvb/" to share a bucket
S3_TIMEOUT_SECONDS = float(env("QLVB_S3_TIMEOUT", "10"))
# "stream": through the app after the permission check, verified; "presigned": a redirect to a GET URL
# signed for S3_URL_SECONDS (the bucket itself is never public).
S3_DOWNLOAD = env("QLVB_S3_DOWNLOAD", "stream")
S3_URL_SECONDS = int(env("QLVB_S3_URL_SECONDS", "60"))
if QLVB_STORAGE == "s3" and not S3_BUCKET:
    raise ImproperlyConfigured("QLVB_STORAGE=s3 needs QLVB_S3_BUCKET")
if S3_DOWNLOAD not in ("stream", "presigned"):
    raise ImproperlyConfigured(f"QLVB_S3_DOWNLOAD must be 'stream' or 'presigned', not {S3_DOWNLOAD!r}")
FILE_MAX_BYTES = int(env("QLVB_FILE_MAX_BYTES", str(50 * 1024 * 1024)))  # seed Điều 8.4: 50 MB
# Pages photographed with a phone (files/photos.py): at most this many photos for one document, and this
# many pixels per photo (judged from the header, before decoding: a decompression bomb is refused).
QLVB_PHOTO_MAX_PAGES = int(env("QLVB_PHOTO_MAX_PAGES", "60"))
QLVB_PHOTO_MAX_PIXELS = int(env("QLVB_PHOTO_MAX_PIXELS", str(64_000_000)))
FILE_NAME_MAX_CHARS = 50  # seed Điều 8.4
# Uploads larger than this are streamed to a temporary file, never held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Every form upload goes through the limited handler (files/uploads.py): it stops reading a file past
# FILE_MAX_BYTES and a request past FILE_UPLOAD_REQUEST_MAX_BYTES, and the page answers 413. Its temporary
# files live in their own folder; files older than FILE_UPLOAD_TEMP_MAX_AGE_MINUTES (left by a killed
# worker) are removed at start-up and by the beat job "files-upload-temp-sweep".
FILE_UPLOAD_HANDLERS = ["qlvb.files.uploads.LimitedUploadHandler"]
FILE_UPLOAD_REQUEST_MAX_BYTES = int(env("QLVB_UPLOAD_REQUEST_MAX_BYTES", str(200 * 1024 * 1024)))
FILE_UPLOAD_TEMP_DIR = env("QLVB_UPLOAD_TEMP_DIR", str(DATA_DIR / "uploads"))
FILE_UPLOAD_TEMP_MAX_AGE_MINUTES = int(env("QLVB_UPLOAD_TEMP_MAX_AGE_MINUTES", "60"))
# The zip guard (files/zipguard.py) for every ZIP opened: docx/xlsx/odt/ods, imports, edXML attachments.
ZIP_MAX_ENTRIES = int(env("QLVB_ZIP_MAX_ENTRIES", "10000"))
ZIP_MAX_ENTRY_BYTES = int(env("QLVB_ZIP_MAX_ENTRY_MB", "256")) * 1024 * 1024  # one entry, unpacked
ZIP_MAX_TOTAL_BYTES = int(env("QLVB_ZIP_MAX_TOTAL_MB", "512")) * 1024 * 1024  # all entries, unpacked
ZIP_MAX_RATIO = int(env("QLVB_ZIP_MAX_RATIO", "150"))  # unpacked : packed, per entry and for the whole
ZIP_RATIO_FLOOR_BYTES = 1024 * 1024  # the ratio is judged only above this unpacked size
ZIP_MAX_DEPTH = int(env("QLVB_ZIP_MAX_DEPTH", "1"))  # an Excel chart inside a Word file: yes; deeper: no
# LibreOffice (files/convert.py): wall-clock and CPU seconds, address space, size of files it writes.
QLVB_CONVERT_TIMEOUT = int(env("QLVB_CONVERT_TIMEOUT", "120"))
QLVB_CONVERT_MEMORY_MB = int(env("QLVB_CONVERT_MEMORY_MB", "3072"))
QLVB_CONVERT_FILE_MB = int(env("QLVB_CONVERT_FILE_MB", "512"))
# The last PDFs each process made, kept so that the same bytes are not converted twice (files/convert.py)
QLVB_CONVERT_MEMO_ENTRIES = int(env("QLVB_CONVERT_MEMO_ENTRIES", "8"))
QLVB_CONVERT_MEMO_MB = int(env("QLVB_CONVERT_MEMO_MB", "32"))
# Text of every stored file (files/extraction.py, docs/files.md "Text of every file"): one wall-clock limit
# per file, pages and image size refused above these, memory of each tool, Tesseract languages, OCR jobs.
QLVB_TEXT_TIMEOUT = float(env("QLVB_TEXT_TIMEOUT", "600"))
QLVB_TEXT_MAX_PAGES = int(env("QLVB_TEXT_MAX_PAGES", "2000"))
QLVB_TEXT_MAX_MEGAPIXELS = float(env("QLVB_TEXT_MAX_MEGAPIXELS", "40"))
QLVB_TEXT_MEMORY_MB = int(env("QLVB_TEXT_MEMORY_MB", "2048"))
QLVB_OCR_LANGUAGES = env("QLVB_OCR_LANGUAGES", "vie")
QLVB_OCR_JOBS = int(env("QLVB_OCR_JOBS", "1"))

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
    # The embedded broker's folders exist before the first task is queued (kombu lists them when it
    # declares the queue): a fresh data folder — a new install, a test's own folder — queues at once.
    for _folder in ("queue", "processed", "control"):
        (CELERY_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = env_bool("QLVB_CELERY_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = "default"
# A task is taken off the queue only when it has finished: a worker process killed in the middle (OOM, a
# node lost) gives it back and another runs it (every task is idempotent; bench/cluster_faults.py).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Slow work on its own queue so a scan never waits behind (or holds up) the rest; `qlvb serve` consumes both.
# Queues: "ocr" (the text of files, slow) and "exchange" (the national axis) can have workers of their own
# (scripts/cluster.sh); `qlvb serve` runs one worker on all three.
CELERY_TASK_ROUTES = {"qlvb.files.file_text_extract": {"queue": "ocr"}, "qlvb.exchange.*": {"queue": "exchange"}}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Daily jobs (Celery beat). Each app adds its own entry: {"task": name, "schedule": seconds or crontab}.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "incoming-deadlines": {"task": "qlvb.incoming.deadlines_sweep", "schedule": 24 * 60 * 60.0},
    "outgoing-followup": {"task": "qlvb.outgoing.followup_sweep", "schedule": 24 * 60 * 60.0},
    "files-upload-temp-sweep": {"task": "qlvb.files.upload_temp_sweep", "schedule": 15 * 60.0},
    "files-orphans-sweep": {"task": "qlvb.files.orphans_sweep", "schedule": 24 * 60 * 60.0},
    "dossiers-archive-reminders": {"task": "qlvb.dossiers.archive_reminders", "schedule": 24 * 60 * 60.0},
    "direction-tasks-recur": {"task": "qlvb.direction.tasks_recur", "schedule": 24 * 60 * 60.0},
    "directory-sessions-clear": {"task": "qlvb.directory.sessions_clear", "schedule": 24 * 60 * 60.0},
}
# Modules acting on document events after commit, through Celery (documents/events.py: event consumers).
QLVB_EVENT_CONSUMERS = [
    "qlvb.exchange.consumers.document_event",
    "qlvb.exchange.axis_statuses.consume",
    "qlvb.integrations.webhooks.document_event",
]
# The same for task events (direction/task_dispatch.py): created and completed tasks.
QLVB_TASK_EVENT_CONSUMERS = ["qlvb.integrations.webhooks.task_event"]

# --- Webhooks of connected systems (integrations/webhooks*.py, docs/integration.md) ----------------------
# Timeouts of one attempt (connect, read), the retries (attempts per delivery, exponential back-off from
# BACKOFF_SECONDS doubling up to BACKOFF_MAX_SECONDS, with jitter), the automatic pause after PAUSE_AFTER
# failed attempts in a row, and the hosts a subscription may reach over plain http (tests, local set-ups).
QLVB_WEBHOOK_CONNECT_TIMEOUT = float(env("QLVB_WEBHOOK_CONNECT_TIMEOUT", "5"))
QLVB_WEBHOOK_READ_TIMEOUT = float(env("QLVB_WEBHOOK_READ_TIMEOUT", "10"))
QLVB_WEBHOOK_MAX_ATTEMPTS = int(env("QLVB_WEBHOOK_MAX_ATTEMPTS", "8"))
QLVB_WEBHOOK_BACKOFF_SECONDS = float(env("QLVB_WEBHOOK_BACKOFF_SECONDS", "30"))
QLVB_WEBHOOK_BACKOFF_MAX_SECONDS = float(env("QLVB_WEBHOOK_BACKOFF_MAX_SECONDS", "3600"))
QLVB_WEBHOOK_PAUSE_AFTER = int(env("QLVB_WEBHOOK_PAUSE_AFTER", "20"))
QLVB_WEBHOOK_HTTP_HOSTS = [h for h in env("QLVB_WEBHOOK_HTTP_HOSTS", "").split(",") if h.strip()]
# Webhooks never go to the server itself or to link-local/metadata addresses (integrations/webhook_address.py);
# private ranges are allowed (an agency's systems sit on its own network) unless QLVB_WEBHOOK_BLOCK_PRIVATE.
# QLVB_WEBHOOK_INTERNAL_HOSTS: host names trusted whatever they resolve to (as QLVB_WEBHOOK_HTTP_HOSTS are).
QLVB_WEBHOOK_BLOCK_PRIVATE = env_bool("QLVB_WEBHOOK_BLOCK_PRIVATE", False)
QLVB_WEBHOOK_INTERNAL_HOSTS = [h for h in env("QLVB_WEBHOOK_INTERNAL_HOSTS", "").split(",") if h.strip()]
QLVB_WEBHOOK_BATCH = int(env("QLVB_WEBHOOK_BATCH", "100"))  # deliveries of a subscription sent per batch
CELERY_BEAT_SCHEDULE["integrations-webhooks-due"] = {"task": "qlvb.integrations.webhooks_due", "schedule": 60.0}
# Deliveries over (delivered, failed for good) are deleted with their log after KEEP_DAYS (0: kept forever);
# an event older than that is not sent any more (integrations/webhook_purge.py).
QLVB_WEBHOOK_KEEP_DAYS = int(env("QLVB_WEBHOOK_KEEP_DAYS", "90"))
CELERY_BEAT_SCHEDULE["integrations-webhooks-purge"] = {
    "task": "qlvb.integrations.webhooks_purge",
    "schedule": 24 * 60 * 60.0,
}
# The nonces of the integration API's calls (integrations/nonces.py): Redis at this address, else at
# QLVB_CACHE_URL, else the database (never a per-process memory: every web node must share them).
QLVB_INTEGRATION_NONCE_REDIS_URL = env("QLVB_INTEGRATION_NONCE_REDIS_URL", "")
CELERY_BEAT_SCHEDULE["integrations-nonces-sweep"] = {"task": "qlvb.integrations.nonces_sweep", "schedule": 3600.0}

# --- Web Push (notifications/push*, docs/push.md) -------------------------------------------------
# The VAPID key is made on first need and kept in the database; set QLVB_VAPID_PRIVATE_KEY (PEM, or the
# raw key in base64url) to give it from outside. A push only goes to the push services named here (host
# or ".suffix"): a subscription cannot make the server call any other address.
QLVB_VAPID_PRIVATE_KEY = env("QLVB_VAPID_PRIVATE_KEY", "")
QLVB_VAPID_SUBJECT = env("QLVB_VAPID_SUBJECT", "mailto:quantri@localhost")
QLVB_PUSH_HOSTS = [
    h
    for h in env(
        "QLVB_PUSH_HOSTS",
        "fcm.googleapis.com,.push.services.mozilla.com,.push.apple.com,.notify.windows.com",
    ).split(",")
    if h
]
QLVB_PUSH_ALLOW_LOCAL_HTTP = env_bool("QLVB_PUSH_ALLOW_LOCAL_HTTP", DEBUG)  # http://127.0.0.1 (tests, DEBUG)
QLVB_PUSH_TTL = int(env("QLVB_PUSH_TTL", str(24 * 60 * 60)))  # seconds a push service keeps an undelivered push
QLVB_PUSH_TIMEOUT = float(env("QLVB_PUSH_TIMEOUT", "10"))
QLVB_PUSH_RETRIES = int(env("QLVB_PUSH_RETRIES", "5"))  # per subscription, with exponential backoff
QLVB_PUSH_WORKERS = int(env("QLVB_PUSH_WORKERS", "16"))  # concurrent requests of one fan-out
# Pushes held in a person's quiet hours go as one summary when they end (notifications/held.py).
CELERY_BEAT_SCHEDULE["held-pushes-release"] = {"task": "qlvb.notifications.held_pushes_release", "schedule": 5 * 60.0}

# --- National document axis (exchange/axis_config.py, docs/axis.md) -----------------------------
# The connection comes from the environment (``qlvb serve`` points it at the local simulator when unset);
# the secret is never in the repository.
QLVB_AXIS_ENDPOINT = env("QLVB_AXIS_ENDPOINT", "")
QLVB_AXIS_SYSTEM_ID = env("QLVB_AXIS_SYSTEM_ID", "")
QLVB_AXIS_SECRET = env("QLVB_AXIS_SECRET", "")
QLVB_AXIS_TIMEOUT = float(env("QLVB_AXIS_TIMEOUT", "60"))
QLVB_AXIS_KEY_FILE = env("QLVB_AXIS_KEY_FILE", "")  # the agency key that signs packages (PEM or PKCS#12)
QLVB_AXIS_CERT_FILE = env("QLVB_AXIS_CERT_FILE", "")
QLVB_AXIS_KEY_CREATE = QLVB_ENV != "production"  # else a self-signed test key under DATA_DIR/axis/
QLVB_AXIS_POLL_SECONDS = float(env("QLVB_AXIS_POLL_SECONDS", "60"))
QLVB_AXIS_RETRY_BASE_SECONDS = float(env("QLVB_AXIS_RETRY_BASE_SECONDS", "30"))  # doubles per try
QLVB_AXIS_RETRY_MAX_SECONDS = float(env("QLVB_AXIS_RETRY_MAX_SECONDS", str(60 * 60)))  # a day down loses nothing
# Stored contents no row refers to (files/orphans.py): older than the grace period (an upload in flight has
# placed its content before its row commits); the daily beat job removes them only when told to.
QLVB_ORPHAN_GRACE_HOURS = float(env("QLVB_ORPHAN_GRACE_HOURS", "24"))
QLVB_ORPHAN_SWEEP_DELETE = env_bool("QLVB_ORPHAN_SWEEP_DELETE", False)
# Issuing fans out one task per recipient (exchange/deliveries.py): a failed try waits base × 2^(n−1) s, capped;
# after QLVB_DELIVERY_TRIES tries the delivery is shown as failed for the clerk's "Gửi lại".
QLVB_DELIVERY_TRIES = int(env("QLVB_DELIVERY_TRIES", "5"))
QLVB_DELIVERY_RETRY_BASE_SECONDS = float(env("QLVB_DELIVERY_RETRY_BASE_SECONDS", "10"))
QLVB_DELIVERY_RETRY_MAX_SECONDS = float(env("QLVB_DELIVERY_RETRY_MAX_SECONDS", "600"))
QLVB_AXIS_SIM_BIND = env("QLVB_AXIS_SIM_BIND", "127.0.0.1:8792")  # ``qlvb serve`` starts the simulator there
CELERY_BEAT_SCHEDULE["axis-inbox-poll"] = {"task": "qlvb.exchange.axis_inbox_poll", "schedule": QLVB_AXIS_POLL_SECONDS}
CELERY_BEAT_SCHEDULE["axis-outbox-due"] = {"task": "qlvb.exchange.axis_outbox_due", "schedule": QLVB_AXIS_POLL_SECONDS}
CELERY_BEAT_SCHEDULE["axis-directory-sync"] = {"task": "qlvb.exchange.axis_directory_sync", "schedule": 24 * 60 * 60.0}

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

# --- Audit log (core/audit.py, docs/security.md) -------------------------------------------------
# The HMAC key of the chain is never in the database: the environment, or a file only the application
# reads. The embedded default creates var/audit.key (mode 0600) on first use; production must name one.
QLVB_AUDIT_KEY = env("QLVB_AUDIT_KEY", "")
QLVB_AUDIT_KEY_FILE = Path(env("QLVB_AUDIT_KEY_FILE", str(DATA_DIR / "audit.key")))
QLVB_AUDIT_KEY_CREATE = QLVB_ENV != "production"
if QLVB_ENV == "production":
    if not QLVB_AUDIT_KEY and "QLVB_AUDIT_KEY_FILE" not in os.environ:
        raise ImproperlyConfigured(
            "QLVB_ENV=production cần khóa nhật ký hệ thống: QLVB_AUDIT_KEY (ít nhất 32 ký tự) hoặc "
            "QLVB_AUDIT_KEY_FILE (tệp chỉ ứng dụng đọc được), xem docs/deploy.md."
        )
    if QLVB_AUDIT_KEY and len(QLVB_AUDIT_KEY) < 32:
        raise ImproperlyConfigured("QLVB_AUDIT_KEY cần ít nhất 32 ký tự.")
# Append-only file outside the database where the chain's head is written (beat job + each backup).
QLVB_AUDIT_ANCHOR_FILE = Path(env("QLVB_AUDIT_ANCHOR_FILE", str(DATA_DIR / "audit-anchor.jsonl")))
QLVB_AUDIT_ANCHOR_SECONDS = float(env("QLVB_AUDIT_ANCHOR_SECONDS", str(60 * 60)))
# Optional RFC 3161 timestamp authority for each anchor line (empty: none).
QLVB_AUDIT_TSA_URL = env("QLVB_AUDIT_TSA_URL", "")
QLVB_AUDIT_TSA_TIMEOUT = int(env("QLVB_AUDIT_TSA_TIMEOUT", "10"))
CELERY_BEAT_SCHEDULE["audit-anchor"] = {"task": "qlvb.core.audit_anchor", "schedule": QLVB_AUDIT_ANCHOR_SECONDS}

# Mã hồ sơ (Phụ lục VI II.III) = OrganId + year + notation joined by this separator (docs/dossiers.md).
QLVB_DOSSIER_CODE_SEPARATOR = env("QLVB_DOSSIER_CODE_SEPARATOR", ".")
# The key that signs an export package's manifest (dossiers/package_signature.py): PEM or PKCS#12; without it
# the agency's own signing profile (the demo seal key) is used, opened with the password (demo password if empty).
QLVB_PACKAGE_KEY_FILE = env("QLVB_PACKAGE_KEY_FILE", "")
QLVB_PACKAGE_CERT_FILE = env("QLVB_PACKAGE_CERT_FILE", "")
QLVB_PACKAGE_KEY_PASSWORD = env("QLVB_PACKAGE_KEY_PASSWORD", "")
# Closing a dossier lengthens its retention to the longest of its documents' (dossiers/closing.py): document type →
# years or "vĩnh viễn", as JSON in the environment. The defaults recall Thông tư 10/2022/TT-BNV's groups, not its
# text (regulations.md §6.2 [R]): each agency sets the table it applies. Types whose retention depends on their
# content (công văn, thông báo, giấy mời…) are left out: they never lengthen a dossier unless the agency says so.
QLVB_RETENTION_BY_DOCUMENT_TYPE: dict[str, int | str] = json.loads(
    env(
        "QLVB_RETENTION_BY_DOCUMENT_TYPE",
        json.dumps(
            {
                "Nghị quyết": "vĩnh viễn",
                "Quyết định": "vĩnh viễn",
                "Chỉ thị": "vĩnh viễn",
                "Quy chế": "vĩnh viễn",
                "Quy định": "vĩnh viễn",
                "Đề án": "vĩnh viễn",
                "Chương trình": 20,
                "Kế hoạch": 20,
                "Báo cáo": 20,
                "Hướng dẫn": 20,
                "Tờ trình": 20,
                "Hợp đồng": 20,
                "Biên bản": 20,
            },
            ensure_ascii=False,
        ),
    )
)
# An import refuses a package whose manifest is not signed (a signature present is always checked).
QLVB_PACKAGE_REQUIRE_SIGNATURE = env_bool("QLVB_PACKAGE_REQUIRE_SIGNATURE", QLVB_ENV == "production")

# --- Backup and restore (operations/backup.py, docs/operations.md) ------------------------------
QLVB_BACKUP_DIR = Path(env("QLVB_BACKUP_DIR", str(DATA_DIR / "backups")))
QLVB_BACKUP_PASSPHRASE = env("QLVB_BACKUP_PASSPHRASE", "")  # set: every backup is encrypted (AES-256-GCM)
# Kept: the newest backup of each of the last N days, ISO weeks and months that have one.
QLVB_BACKUP_KEEP = tuple(int(n) for n in env("QLVB_BACKUP_KEEP", "7,4,12").split(","))
# qlvb upgrade (operations/upgrade.py): how long a migration waits for a table lock on PostgreSQL.
QLVB_UPGRADE_LOCK_TIMEOUT = env("QLVB_UPGRADE_LOCK_TIMEOUT", "5s")
# pg_dump gives up (backup_locked) instead of hanging when a table stays exclusively locked this long (ms, s, min).
QLVB_BACKUP_LOCK_WAIT_TIMEOUT = env("QLVB_BACKUP_LOCK_WAIT_TIMEOUT", "60s")
QLVB_BACKUP_HOUR = env("QLVB_BACKUP_HOUR", "2")  # local time of the daily backup (beat)
CELERY_BEAT_SCHEDULE["backup-daily"] = {
    "task": "qlvb.operations.backup_daily",
    "schedule": crontab(minute="15", hour=QLVB_BACKUP_HOUR),
}
# Personal data exports (Điều 22.1.d, operations/personal_export.py): downloadable for N days, then deleted.
QLVB_PERSONAL_EXPORT_DAYS = int(env("QLVB_PERSONAL_EXPORT_DAYS", "7"))
CELERY_BEAT_SCHEDULE["personal-exports-expire"] = {
    "task": "qlvb.operations.personal_exports_expire",
    "schedule": crontab(minute="30", hour="*"),
}

# --- Two-factor sign-in (directory/twofactor.py, docs/security.md) -------------------------------
# Required for administrators in production by default; the demo's accounts (public password) are not forced.
QLVB_2FA_ADMINS = env_bool("QLVB_2FA_ADMINS", QLVB_ENV == "production")
QLVB_2FA_EVERYONE = env_bool("QLVB_2FA_EVERYONE", False)
QLVB_2FA_ISSUER = env("QLVB_2FA_ISSUER", "QLVB")
# "Ghi nhớ thiết bị này": days a browser may skip the second step (0: never offered). directory/twofactor_remember.py
QLVB_2FA_REMEMBER_DAYS = int(env("QLVB_2FA_REMEMBER_DAYS", "30"))
# Passkeys (directory/passkeys.py): the relying party id (the site's host name; default: the request's) and
# the origins whose answers are accepted (comma-separated; default: the request's own origin).
QLVB_PASSKEY_RP_ID = env("QLVB_PASSKEY_RP_ID", "")
QLVB_PASSKEY_RP_NAME = env("QLVB_PASSKEY_RP_NAME", "QLVB")
QLVB_PASSKEY_ORIGINS = [o for o in env("QLVB_PASSKEY_ORIGINS", "").split(",") if o]
QLVB_PASSKEY_CHALLENGE_SECONDS = int(env("QLVB_PASSKEY_CHALLENGE_SECONDS", "120"))
OTP_TOTP_ISSUER = QLVB_2FA_ISSUER
# Cache (the leader's dashboard figures, reports/cache.py): Redis when QLVB_CACHE_URL is set (every worker
# process shares it), else each process's memory. Keys carry a per-agency version bumped after commit.
QLVB_CACHE_URL = env("QLVB_CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "qlvb.core.rediscache.RedisCache", "LOCATION": QLVB_CACHE_URL, "KEY_PREFIX": "qlvb"}
        if QLVB_CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "qlvb"}
    )
}
# Per-person counts (box counts, badges, "Việc chờ tôi": core/person_counts.py) in that cache, renewed after
# every change. Only with a cache every process shares: one in each process's memory would go stale in the others.
QLVB_COUNTS_CACHE = env_bool("QLVB_COUNTS_CACHE", bool(QLVB_CACHE_URL))

# --- SSO with the official e-mail account, OpenID Connect (directory/sso.py, docs/security.md) -------
# Off unless the issuer, the client id and the client secret are all given (from the environment only).
QLVB_OIDC_ISSUER = env("QLVB_OIDC_ISSUER", "")
QLVB_OIDC_CLIENT_ID = env("QLVB_OIDC_CLIENT_ID", "")
QLVB_OIDC_CLIENT_SECRET = env("QLVB_OIDC_CLIENT_SECRET", "")
QLVB_OIDC_TRUST_MFA = env_bool("QLVB_OIDC_TRUST_MFA", False)  # the provider asks for a second factor itself
QLVB_OIDC_TIMEOUT = float(env("QLVB_OIDC_TIMEOUT", "10"))
QLVB_OIDC_LEEWAY_SECONDS = float(env("QLVB_OIDC_LEEWAY_SECONDS", "60"))  # clock difference allowed on exp/iat
QLVB_OIDC_DISCOVERY_SECONDS = float(env("QLVB_OIDC_DISCOVERY_SECONDS", "300"))  # the discovery document kept

# --- Support (operations/support.py, docs/operations.md "Support"; Điều 21.9) ---------------------
QLVB_SUPPORT_PHONE = env("QLVB_SUPPORT_PHONE", "0243 000 0000")  # demo default: set the real hotline
QLVB_SUPPORT_EMAIL = env("QLVB_SUPPORT_EMAIL", "hotro@lienminh.example.gov.vn")  # demo default
QLVB_GUIDE_DIR = Path(env("QLVB_GUIDE_DIR", str(PROJECT_DIR / "docs" / "huong-dan")))  # the user guide (Markdown)
