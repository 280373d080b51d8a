"""Settings shared by every mode. Values come from environment variables.

DATABASE_URL unset → embedded SQLite (WAL) under var/; set → PostgreSQL through psycopg 3.
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("AFTERSALES_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
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
    "django_htmx",
    "axes",
    "aftersales.core",
    "aftersales.accounts",
    "aftersales.customers",
    "aftersales.assets",
    "aftersales.search",
    "aftersales.imports",
    "aftersales.crm",
    "aftersales.appointments",
    "aftersales.parts",
    "aftersales.warranty",
    "aftersales.workshop",
    "aftersales.insurance",
    "aftersales.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "aftersales.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "aftersales.core.middleware.CurrentUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "aftersales.core.context_processors.navigation",
            ],
        },
    }
]


def _postgres(url: str) -> dict:
    """A PostgreSQL database from its URL, with persistent connections and prepared statements.

    Server-side parameter binding lets psycopg prepare each statement on a connection (from its second
    run: ``prepare_threshold`` 1), so PostgreSQL plans it once instead of on every run; planning was about
    a third of the database's time in the workshop's write path (bench/README.md, throughput). Where the
    parameters decide the plan (the search box's LIKE patterns), PostgreSQL keeps planning each run with
    the values, as it does when a generic plan would cost more. ``DATABASE_PREPARED_STATEMENTS=0``
    turns it off, e.g. behind a pooler in transaction mode that does not keep prepared statements.
    """
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if env_bool("DATABASE_PREPARED_STATEMENTS", True) and config["ENGINE"].endswith("postgresql"):
        config.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=1)
    return config


def _database_from_env() -> dict:
    url = env_str("DATABASE_URL", "")
    if url:
        return _postgres(url) if url.startswith(("postgres:", "postgresql:", "pgsql:")) else \
            dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "aftersales.sqlite3")),
        "OPTIONS": {
            # WAL lets readers and one writer work at once; IMMEDIATE avoids lock upgrades
            # that fail with "database is locked" under concurrent writes.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
        },
    }


DATABASES = {"default": _database_from_env()}
# Scale-out: reads go to replicas (comma-separated URLs), writes and transactions to the primary.
for _i, _url in enumerate(env_list("DATABASE_REPLICA_URLS", [])):
    DATABASES[f"replica{_i + 1}"] = _postgres(_url)
DATABASE_REPLICAS = [alias for alias in DATABASES if alias.startswith("replica")]
DATABASE_ROUTERS = ["aftersales.core.db_router.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ATOMIC_REQUESTS = False

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock-out after repeated failures (django-axes), keyed on user name and address.
AXES_FAILURE_LIMIT = int(env_str("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env_str("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "aftersales.accounts.lockout.lockout_response"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Celery: Redis when CELERY_BROKER_URL is set, else a filesystem broker (no outside service).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
_celery_dir = VAR_DIR / "celery"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        "control_folder": str(_celery_dir / "control"),  # kombu's default is ./control in the working folder
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
if CELERY_BROKER_URL.startswith("filesystem"):
    for _folder in ("queue", "processed", "control"):
        (_celery_dir / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "recompute-customer-classification": {
        "task": "aftersales.customers.tasks.classify_all_customers",
        "schedule": 24 * 3600.0,
    },
    # the day before, hourly in the daytime (a booking made for tomorrow is reminded within the hour)
    "appointment-reminders": {"task": "aftersales.appointments.tasks.send_reminders",
                              "schedule": crontab(minute=0, hour="9-20")},
    "appointment-no-shows": {"task": "aftersales.appointments.tasks.mark_no_shows", "schedule": 300.0},
}
APPOINTMENT_NO_SHOW_GRACE_MINUTES = int(env_str("APPOINTMENT_NO_SHOW_GRACE_MINUTES", "30"))

# Links sent to customers (estimate approval, order status, appointment invitation) and printed as QR
# codes: the public address of the site behind its proxy, e.g. https://service.example.com (unset: the
# address of the request, or a relative path in messages sent by background jobs).
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "")
APPROVAL_LINK_HOURS = int(env_str("APPROVAL_LINK_HOURS", "72"))  # an estimate approval link expires after
WORKSHOP_PHOTO_MAX_BYTES = int(env_str("WORKSHOP_PHOTO_MAX_MB", "8")) * 1024 * 1024
# Notification channels: code → class with send(notification); without one a channel falls back to the
# default, which keeps the message in the database and writes it to the log (no outside service).
NOTIFICATION_CHANNELS: dict[str, str] = {}

CACHES = {
    "default": (
        {"BACKEND": "aftersales.core.cache.SharedClientRedisCache", "LOCATION": env_str("REDIS_URL", "")}
        if env_str("REDIS_URL", "")
        # Embedded default: a file cache, shared by the web workers and the Celery worker
        # (import progress is read by one process and written by another).
        else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}
    )
}

SESSION_COOKIE_HTTPONLY = True
# Sessions are kept in the database and read through the cache (Redis in production): one query less
# on every page; a session survives a cache flush.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the cookie-less meta tag; keep default
X_FRAME_OPTIONS = "DENY"

# A user's roles are kept this long in the cache between requests (any change of memberships, roles or
# the tree takes effect at once regardless; 0 reads them on every request).
ACCESS_CACHE_SECONDS = int(env_str("ACCESS_CACHE_SECONDS", "300"))
# An API token and its user are kept this long in the cache, so a request needs no query to know who
# calls (saving or deleting the token or the user drops the copy at once; 0 reads them every time).
API_TOKEN_CACHE_SECONDS = int(env_str("API_TOKEN_CACHE_SECONDS", "60"))

# Lists show this many rows a page; the API's default limit.
PAGE_SIZE = 25

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
