"""Settings for Benxi CP. Everything that differs between machines comes from the environment."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from benxi_cp.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
# The project's shared folders (templates/, static/, locale/, docs/formats/) lie beside the
# apps in a checkout. An installed package (`pip install .`) carries them in benxi_cp/site/
# (setup.py copies them there), and keeps its files (var/, db.sqlite3, staticfiles/) in the
# working directory rather than among the installed packages.
INSTALLED_PACKAGE = (Path(__file__).resolve().parent / "site").is_dir()
SHARED_DIR = Path(__file__).resolve().parent / "site" if INSTALLED_PACKAGE else BASE_DIR
DATA_DIR = Path.cwd() if INSTALLED_PACKAGE else BASE_DIR
VAR_DIR = Path(env_str("BENXI_VAR_DIR", str(DATA_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "csp",
    # Before django_tasks_db: its `db_worker` command is benxi_cp's, which holds under SQLite
    # and a database restart (benxi_cp/management/commands/db_worker.py).
    "benxi_cp",
    "django_tasks",
    "django_tasks_db",
    "enterprises",
    "audits",
    "targets",
    "reports",
    "programme",
    "permits",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "portal",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # With a read replica (DATABASE_REPLICA_URL): a request that writes (any method but GET,
    # HEAD, OPTIONS, TRACE) and the same browser's requests for BENXI_REPLICA_PIN_SECONDS
    # after it read from the primary. Without one it passes every request through.
    "benxi_cp.replica.PinningMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A NUL byte or another control character in the path, a query parameter, a form or an
    # API body: 400 and a message, before a view or the database sees it.
    "benxi_cp.edge.ControlCharacterMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The demo's own date (benxi_cp/clock.py), read once per request.
    "benxi_cp.clock.ClockMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A database guard's refusal that no view caught (the admin site): a message, not a 500.
    "benxi_cp.refusals.RefusalMiddleware",
    # Authentication (below): idle sessions end; locked-out log-ins get the lockout page.
    "benxi_cp.accounts.security.IdleTimeoutMiddleware",
    "axes.middleware.AxesMiddleware",
    # An enterprise user finds only the pages written for them (benxi_cp/scoping.py).
    "benxi_cp.scoping.EnterpriseScopeMiddleware",
]

ROOT_URLCONF = "benxi_cp.urls"
WSGI_APPLICATION = "benxi_cp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SHARED_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "benxi_cp.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite beside its own background worker: the log of WAL lets readers and the one writer
    # work at once; a transaction takes the write lock when it begins (IMMEDIATE), so that a
    # read-then-write transaction waits its turn (up to `timeout` seconds) instead of failing
    # with "database is locked" when it comes to write.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", env_int("BENXI_SQLITE_TIMEOUT", 20))
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles the figures' aggregates over the ledger afresh for each
    # request: 30-70 ms of compilation for queries that run in 100-200 ms without it.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
# A read replica (a PostgreSQL hot standby), only when DATABASE_REPLICA_URL is set: page, list,
# dashboard, form and API reads go to it; writes, transactions, the task worker, the figures'
# cache and a user's requests for BENXI_REPLICA_PIN_SECONDS after their own write go to the
# primary (benxi_cp/replica.py). Its connection is read-only: a write through it fails.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
BENXI_REPLICA_PIN_SECONDS = env_int("BENXI_REPLICA_PIN_SECONDS", 15)
# After a failed connection to the replica, reads go to the primary for this many seconds
# before the replica is tried again (one log line per failure, not one per query).
BENXI_REPLICA_RETRY_SECONDS = env_int("BENXI_REPLICA_RETRY_SECONDS", 5)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60)
    )
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a postgres:// URL.")
    # Each request checks once that the kept connection still answers (a standby restarted).
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["OPTIONS"] = {
        "options": "-c jit=off -c default_transaction_read_only=on",
        "connect_timeout": 2,
    }
    # The test runner creates no database for it: it mirrors the primary's.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    REPLICA_DATABASES = ["replica"]
    DATABASE_ROUTERS = ["benxi_cp.replica.ReplicaRouter"]
# The cookie that pins a browser to the primary after its write (set only with a replica).
MULTIDB_PINNING_SECONDS = BENXI_REPLICA_PIN_SECONDS
MULTIDB_PINNING_COOKIE = "benxi_pin"
MULTIDB_PINNING_COOKIE_HTTPONLY = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The reports' figures, forms and charts are cached under the tokens of what they read
# (benxi_cp/datacache.py): each entry is checked against the database on every use, so
# processes never disagree. Per process in local memory, or shared in Redis (REDIS_URL) where
# several processes serve the site, so that a figure is computed once for all of them.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://.")
# Redis is an optimisation, not a dependency (benxi_cp/cache.py): while it does not answer,
# each process serves from its own memory, logs it once, and tries Redis again every
# BENXI_CACHE_RETRY_SECONDS; short socket timeouts, so that no request waits for it long.
BENXI_CACHE_RETRY_SECONDS = env_int("BENXI_CACHE_RETRY_SECONDS", 5)
CACHES = {
    "default": (
        {
            "BACKEND": "benxi_cp.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "benxi-cp",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    )
}

# A stale figure with a previous value is served at once, marked with its time, while the
# task queue's worker (`manage.py db_worker`) computes the new one ("background"; with a cache
# of the process's own, no REDIS_URL, the request that notices it computes it); "request":
# that request computes it (the tests: their data is uncommitted, a worker cannot see it).
BENXI_FIGURES_REFRESH = "background"
# The lock of a figure's computation lasts this many seconds unless the computation renews
# it: a worker killed while it computes holds a figure back no longer than this.
BENXI_FIGURES_LEASE_SECONDS = env_int("BENXI_FIGURES_LEASE_SECONDS", 60)
if BENXI_FIGURES_LEASE_SECONDS < 3:
    raise ImproperlyConfigured("BENXI_FIGURES_LEASE_SECONDS must be at least 3.")
# Under a stream of writes a figure is recomputed at most once in this many seconds (each
# recomputation costs seconds at province scale); meanwhile pages show it with its time.
# Downloads always wait for the current figures. 0: every change is followed at once.
BENXI_FIGURES_REFRESH_AFTER = env_int("BENXI_FIGURES_REFRESH_AFTER", 30)
# A verified report unlocked for a correction counts as unverified until it is verified
# again; for this many seconds after the unlock, while the correction is under way, figures
# that read verified discharge keep their value from before it and none is stored from its
# intermediate state. 0: figures follow each step of a correction.
BENXI_FIGURES_HOLD = env_int("BENXI_FIGURES_HOLD", 60)

# Separation of duties (enterprises/workflow.py): whoever entered or submitted a discharge
# report may not verify it. A deployment with a single EPB clerk may allow it.
BENXI_ALLOW_SELF_VERIFY = env_bool("BENXI_ALLOW_SELF_VERIFY", default=False)

# The expert review of a CP audit: the pass mark (a score below it cannot be a pass) and how
# many years an acceptance's certificate is valid.
BENXI_REVIEW_PASS_SCORE = env_int("BENXI_REVIEW_PASS_SCORE", 80)
BENXI_CERTIFICATE_YEARS = env_int("BENXI_CERTIFICATE_YEARS", 5)
if not 0 <= BENXI_REVIEW_PASS_SCORE <= 100 or BENXI_CERTIFICATE_YEARS < 1:
    raise ImproperlyConfigured(
        "BENXI_REVIEW_PASS_SCORE is between 0 and 100; BENXI_CERTIFICATE_YEARS at least 1."
    )

# -- Authentication -------------------------------------------------------------------------
# Log-in throttling (django-axes), idle sessions, password rules. Users and their roles are
# managed in the app by administrators (benxi_cp/accounts/).
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, whose user read at each request also says whether the user is
    # an enterprise user (benxi_cp/scoping.py), in the same query.
    "benxi_cp.scoping.ScopedModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# After this many failed log-ins within the cool-off period, both the account (whatever the
# address) and the address (whatever the account) are locked for the cool-off period; each
# further attempt restarts it. Administrators unlock them (user menu: Log-in lockouts).
AXES_FAILURE_LIMIT = env_int("BENXI_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("BENXI_LOGIN_COOLOFF_MINUTES", 30))
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME.total_seconds() < 60:
    raise ImproperlyConfigured(
        "BENXI_LOGIN_FAILURE_LIMIT and BENXI_LOGIN_COOLOFF_MINUTES must be at least 1."
    )
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A successful log-in does not clear the failures (AXES_RESET_ON_SUCCESS off): it would clear
# those of its address too, so anyone with an account could keep guessing another one's.
AXES_LOCKOUT_CALLABLE = "benxi_cp.accounts.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "benxi_cp.accounts.security.client_ip"
# Behind a reverse proxy every request comes from the proxy's address: set the number of
# proxies in front of the app that append the client's address to X-Forwarded-For (1 for one
# nginx), or every address would share one lockout. 0: the connection's own address.
BENXI_PROXY_COUNT = env_int("BENXI_PROXY_COUNT", 0)
if BENXI_PROXY_COUNT < 0:
    raise ImproperlyConfigured("BENXI_PROXY_COUNT must be 0 or more.")
# A session ends after this many minutes without a request (checked by
# benxi_cp.accounts.security.IdleTimeoutMiddleware, which records the time of the last
# request in the session at most every few minutes, so reading pages writes no session row).
BENXI_SESSION_IDLE_MINUTES = env_int("BENXI_SESSION_IDLE_MINUTES", 120)
if BENXI_SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured("BENXI_SESSION_IDLE_MINUTES must be at least 1.")
# The cookie outlives the idle period a little, so that the app (not the browser) ends an
# idle session and can say why on the log-in page.
SESSION_COOKIE_AGE = BENXI_SESSION_IDLE_MINUTES * 60 + 600

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# App catalogues come first so that `makemessages` run at the top files each app's strings
# in that app's own catalogue; the project catalogue (last) takes benxi_cp/ and templates/.
LOCALE_PATHS = [
    BASE_DIR / "enterprises" / "locale",
    BASE_DIR / "audits" / "locale",
    BASE_DIR / "targets" / "locale",
    BASE_DIR / "reports" / "locale",
    BASE_DIR / "api" / "locale",
    BASE_DIR / "programme" / "locale",
    BASE_DIR / "permits" / "locale",
    SHARED_DIR / "locale",
    # Last: where a phrase is in an earlier catalogue too, the pages keep its words.
    BASE_DIR / "portal" / "locale",
]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `manage.py collectstatic` puts the static files (`make serve` runs it before gunicorn).
STATIC_ROOT = Path(env_str("BENXI_STATIC_ROOT", str(DATA_DIR / "staticfiles")))
STATICFILES_DIRS = [
    SHARED_DIR / "static",
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
# Object storage (docs/operations.md, "Files in object storage"): with BENXI_S3_BUCKET, the
# documents, import files, background jobs' files and copies of record go to an S3 bucket
# (private: no ACL, every URL signed; downloads are still served by the app's checked views).
BENXI_S3_BUCKET = env_str("BENXI_S3_BUCKET")
BENXI_S3_PREFIX = (env_str("BENXI_S3_PREFIX") or "").strip("/")


def s3_storage(location: str) -> dict:
    """STORAGES' entry for the bucket, under `location` (a key prefix)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": BENXI_S3_BUCKET,
            "endpoint_url": env_str("BENXI_S3_ENDPOINT_URL") or None,
            "region_name": env_str("BENXI_S3_REGION") or None,
            "access_key": env_str("BENXI_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("BENXI_S3_SECRET_ACCESS_KEY") or None,
            "location": location,
            "default_acl": None,
            "querystring_auth": True,
            "signature_version": "s3v4",
            "file_overwrite": False,
        },
    }


if BENXI_S3_BUCKET:
    STORAGES["default"] = s3_storage(BENXI_S3_PREFIX)
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

SITE_TITLE = _("Benxi Cleaner Production")
PRODUCING_OFFICE = _("Benxi Agenda 21 Administrative Centre")

# --- Production: HTTPS behind a reverse proxy ---------------------------------------------------
# BENXI_HTTPS=1 where the site is reached over HTTPS only, through a proxy (deploy/nginx.conf)
# that terminates TLS and sets X-Forwarded-Proto: HSTS, redirect of plain HTTP, cookies sent over
# HTTPS only. With DEBUG=0, a SECRET_KEY and ALLOWED_HOSTS, `check --deploy` then has nothing to
# report.
BENXI_HTTPS = env_bool("BENXI_HTTPS", default=False)
SESSION_COOKIE_SECURE = BENXI_HTTPS or env_bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
MULTIDB_PINNING_COOKIE_SECURE = SESSION_COOKIE_SECURE  # the replica's pin (benxi_cp/replica.py)
if BENXI_HTTPS:
    # Trust the scheme the proxy reports; the proxy must overwrite this header, never pass on
    # one a client sent.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env_int("BENXI_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Content-Security-Policy (django-csp) -------------------------------------------------------
# Every script and style comes from the site's own static files: no inline script, no style
# attribute, no <style>. Bootstrap draws a few icons with data: URLs. Charts are SVG files shown
# through <img>; an SVG opened by itself gets its own (benxi_cp.charts.svg_http_response).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Errors and logs ----------------------------------------------------------------------------
# One line per request that ends in an error; a 4xx (a denied page, a missing one, a failed CSRF
# check) without a traceback, a 5xx with it. BENXI_LOG_LEVEL: DEBUG, INFO, WARNING (default),
# ERROR. The error pages are templates/403.html, 404.html, 500.html and 403_csrf.html.
CSRF_FAILURE_VIEW = "benxi_cp.errors.csrf_failure"
BENXI_LOG_LEVEL = env_str("BENXI_LOG_LEVEL", env_str("LOG_LEVEL", "WARNING")).upper()
if BENXI_LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"BENXI_LOG_LEVEL={BENXI_LOG_LEVEL!r} is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_in_one_line": {"()": "benxi_cp.logs.ClientErrorsInOneLine"}},
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["client_errors_in_one_line"],
        }
    },
    "root": {"handlers": ["console"], "level": BENXI_LOG_LEVEL},
    "loggers": {
        # Django's own handlers of these print to the console only in DEBUG, or mail admins:
        # the root handler above takes every record, once.
        "django": {"handlers": [], "level": BENXI_LOG_LEVEL, "propagate": True},
    },
}

# --- Demo data ----------------------------------------------------------------------------------
# `manage.py load_demo` resets the demo accounts to the passwords the README prints: it refuses
# with DEBUG off (unless --force). The test settings allow it (pytest runs with DEBUG off).
BENXI_DEMO_ALLOWED = DEBUG

# API --------------------------------------------------------------------------------------
# The data exchange API under /api/v1/ (api/): tokens issued in the app (Authorization: Token
# <key>) or the browser's session; the pages' permissions and scoping; OpenAPI at
# /api/schema/, documentation at /api/docs/ from drf-spectacular-sidecar's static files.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
# Requests per token (a session: per user) and period: "1200/minute", "100/second"…
API_THROTTLE_RATE = env_str("API_THROTTLE_RATE", "1200/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": _("Benxi Cleaner Production API"),
    "DESCRIPTION": _(
        "Data exchange with the city's Cleaner Production programme: the enterprise register, "
        "CP audits and options, discharge reports (read, submitted in batches, and their "
        "workflow), targets and the programme summary. Authenticate with an API token that "
        "an administrator issues (header `Authorization: Token <key>`) or the browser's "
        "session. Each token acts with its user's role: the same permissions and scoping as "
        "the pages. Lists are paged by cursor (`next`, `previous`)."
    ),
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
        "api.schema.state_non_empty_lists",
        "api.schema.state_query_parameters",
        "api.schema.collapse_blank_texts",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # An audit's assessment and acceptance share one set of verdicts.
    "ENUM_NAME_OVERRIDES": {
        "VerdictEnum": "audits.choices.Verdict",
        # A monitoring value's basis is a permit limit's (hourly or daily mean).
        "LimitBasisEnum": "permits.choices.LimitBasis",
    },
}

# -- Imports and background tasks ----------------------------------------------------------
# The limits of an uploaded file (docs/operations.md, "Imports and background tasks";
# docs/formats/README.md). A file over a limit is refused before it is parsed; a workbook by
# its zip directory and its sheets' declared dimensions.
IMPORT_SPOOL_DIR = VAR_DIR / "imports"  # uploaded files, until their import is done
BENXI_IMPORT_MAX_BYTES = env_int("BENXI_IMPORT_MAX_BYTES", 64 * 1024 * 1024)
BENXI_IMPORT_MAX_ROWS = env_int("BENXI_IMPORT_MAX_ROWS", 1_000_000)
BENXI_IMPORT_MAX_COLUMNS = env_int("BENXI_IMPORT_MAX_COLUMNS", 200)
BENXI_IMPORT_MAX_UNPACKED_BYTES = env_int("BENXI_IMPORT_MAX_UNPACKED_BYTES", 256 * 1024 * 1024)
# A file larger than this is checked and imported by the background worker
# (`manage.py db_worker`), with a progress page; a smaller one at once, in the request.
BENXI_IMPORT_BACKGROUND_BYTES = env_int("BENXI_IMPORT_BACKGROUND_BYTES", 1024 * 1024)
# And so is a workbook whose parts unpack to more than this, however small the file: the XML
# the parser reads in a request (a second or two) is bounded, not the compressed bytes.
BENXI_IMPORT_BACKGROUND_UNPACKED_BYTES = env_int(
    "BENXI_IMPORT_BACKGROUND_UNPACKED_BYTES", 8 * 1024 * 1024
)
# django-tasks with its database backend: the queue is a table of the application's
# database, so neither SQLite nor PostgreSQL needs another server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# -- E-mail: the weekly reminders (programme/reminders.py, `manage.py send_reminders`) -------
# With DEBUG on, messages are printed to the console unless EMAIL_BACKEND says otherwise; in
# production they go out by SMTP (docs/operations.md, "Reminder e-mails").
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Benxi CP <benxi-cp@localhost>")
# The address the e-mails' links start with (the site as its users reach it).
BENXI_SITE_URL = (env_str("BENXI_SITE_URL", "http://localhost:8000") or "").rstrip("/")
# An item due within this many days is "soon due" in the reminder.
BENXI_REMINDER_DAYS = env_int("BENXI_REMINDER_DAYS", 7)
# -- Background jobs: imports of large files, form downloads, closing a year (benxi_cp/jobs.py)
# A download of an annual form for a year with more records than this (discharge reports of
# the year and audits) is produced by the background worker, with a progress page; a
# smaller one at once, in the request. Closing a year always runs in the background.
BENXI_FORM_BACKGROUND_RECORDS = env_int("BENXI_FORM_BACKGROUND_RECORDS", 2000)
# A whole annual form that lists enterprises (audits, discharge) with more table rows than
# this prints as its contents volume (the city's totals and a contents table of the volumes
# by district) instead of one PDF of a thousand pages; each district's volume is a PDF of
# its own (reports/output.py in_volumes). The XLSX and CSV stay whole. Measured here at
# province scale: WeasyPrint lays out about 60 rows a second of CPU of the audits form (15
# columns) and 120 of the discharge form (6 columns), so 1,500 rows take at most ~25 s; the
# province's discharge form (43,000 rows) would take six minutes, its volume by city 30 s.
BENXI_PDF_WHOLE_ROWS = env_int("BENXI_PDF_WHOLE_ROWS", 1500)
# The files of jobs (the uploads they read, the files they make) and their progress files:
# the web server and the worker must share this folder.
BENXI_JOB_FILES_DIR = VAR_DIR / "job-files"
# The files of background jobs (benxi_cp.models.job_storage): beside the documents, in the
# bucket under `jobs/` when there is one.
STORAGES["jobs"] = (
    s3_storage("/".join(part for part in (BENXI_S3_PREFIX, "jobs") if part))
    if BENXI_S3_BUCKET
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(BENXI_JOB_FILES_DIR)},
    }
)
BENXI_JOB_KEEP_HOURS = env_int("BENXI_JOB_KEEP_HOURS", 24)  # then the job and its file go
# A running job's worker touches its progress file this often; a job whose file is older
# than the lease lost its worker (killed, restarted) and is marked failed, to be tried again.
BENXI_JOB_HEARTBEAT_SECONDS = env_int("BENXI_JOB_HEARTBEAT_SECONDS", 5)
BENXI_JOB_LEASE_SECONDS = env_int("BENXI_JOB_LEASE_SECONDS", 30)
if BENXI_JOB_HEARTBEAT_SECONDS < 1 or BENXI_JOB_LEASE_SECONDS < 2 * BENXI_JOB_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        "BENXI_JOB_HEARTBEAT_SECONDS must be 1 or more, and BENXI_JOB_LEASE_SECONDS at least "
        "twice as long."
    )
# A task due that has waited longer than this for the worker means the worker is stopped (or
# stuck): /health/ says "behind", and the figures' readers compute their figures themselves
# rather than wait for refreshes nobody runs.
BENXI_WORKER_STALL_SECONDS = env_int("BENXI_WORKER_STALL_SECONDS", 120)
