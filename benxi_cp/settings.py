"""Settings for Benxi CP. Everything that differs between machines comes from the environment."""

from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from benxi_cp.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("BENXI_VAR_DIR", str(BASE_DIR / "var")))

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
    "django_tasks",
    "django_tasks_db",
    "benxi_cp",
    "enterprises",
    "audits",
    "targets",
    "reports",
    # Benchmark tooling (manage.py bench, seed_scale): above every app, so last.
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "benxi_cp.urls"
WSGI_APPLICATION = "benxi_cp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles the figures' aggregates over the ledger afresh for each
    # request: 30-70 ms of compilation for queries that run in 100-200 ms without it.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The reports' figures, forms and charts are cached under the tokens of what they read
# (benxi_cp/datacache.py): each entry is checked against the database on every use, so
# processes never disagree. Per process in local memory, or shared in Redis (REDIS_URL) where
# several processes serve the site, so that a figure is computed once for all of them.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://.")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "benxi-cp",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    )
}

# A stale figure with a previous value is served at once, marked with its time, while a thread
# of the process that noticed it computes the new one ("background"); "request": that
# request computes it (the tests: their data is uncommitted, a thread cannot see it).
BENXI_FIGURES_REFRESH = "background"
# Under a stream of writes a figure is recomputed at most once in this many seconds (each
# recomputation costs seconds at province scale); meanwhile pages show it with its time.
# Downloads always wait for the current figures. 0: every change is followed at once.
BENXI_FIGURES_REFRESH_AFTER = env_int("BENXI_FIGURES_REFRESH_AFTER", 30)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# App catalogues come first so that `makemessages` run at the top files each app's strings
# in that app's own catalogue; the project catalogue (last) takes benxi_cp/ and templates/.
LOCALE_PATHS = [
    BASE_DIR / "enterprises" / "locale",
    BASE_DIR / "audits" / "locale",
    BASE_DIR / "targets" / "locale",
    BASE_DIR / "reports" / "locale",
    BASE_DIR / "locale",
]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
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
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

SITE_TITLE = _("Benxi Cleaner Production")
PRODUCING_OFFICE = _("Benxi Agenda 21 Administrative Centre")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# -- Imports and background tasks ----------------------------------------------------------
# The limits of an uploaded file (README, "Imports"; docs/formats/README.md). A file over a
# limit is refused before it is parsed; a workbook by its zip directory and its sheets'
# declared dimensions.
IMPORT_SPOOL_DIR = VAR_DIR / "imports"  # uploaded files, until their import is done
BENXI_IMPORT_MAX_BYTES = env_int("BENXI_IMPORT_MAX_BYTES", 64 * 1024 * 1024)
BENXI_IMPORT_MAX_ROWS = env_int("BENXI_IMPORT_MAX_ROWS", 1_000_000)
BENXI_IMPORT_MAX_COLUMNS = env_int("BENXI_IMPORT_MAX_COLUMNS", 200)
BENXI_IMPORT_MAX_UNPACKED_BYTES = env_int("BENXI_IMPORT_MAX_UNPACKED_BYTES", 256 * 1024 * 1024)
# A file larger than this is checked and imported by the background worker
# (`manage.py db_worker`), with a progress page; a smaller one at once, in the request.
BENXI_IMPORT_BACKGROUND_BYTES = env_int("BENXI_IMPORT_BACKGROUND_BYTES", 1024 * 1024)
# django-tasks with its database backend: the queue is a table of the application's
# database, so neither SQLite nor PostgreSQL needs another server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
