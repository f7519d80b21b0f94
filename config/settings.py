"""Circles settings, read from the environment (see DESIGN.md, "Settings").

The embedded default needs no services: SQLite under var/ and the in-process channel
layer. Production sets DATABASE_URL, REDIS_URL, DJANGO_SECRET_KEY, DJANGO_DEBUG=0,
DJANGO_ALLOWED_HOSTS and the archive keys.
"""

from __future__ import annotations

import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CIRCLES_VAR_DIR") or BASE_DIR / "var")

logger = logging.getLogger("circles.settings")


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def local_secret(name: str) -> str:
    """A secret made on first run in var/ (mode 0600): for the embedded setup only."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / name
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        logger.warning(
            "Embedded setup: created %s; set %s in production.", path, name.upper()
        )
    return path.read_text().strip()


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or local_secret("django_secret_key")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "axes",
    "csp",
    "accounts",
    "messaging",
    "moderation",
    "archive",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "frontend.middleware.ProgramTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

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
            ],
        },
    },
]

# Database: DATABASE_URL, else an embedded SQLite file under var/.
VAR_DIR.mkdir(parents=True, exist_ok=True)
EMBEDDED_SQLITE_URL = f"sqlite:///{VAR_DIR / 'circles.sqlite3'}"
DATABASES = {
    "default": dj_database_url.config(
        default=EMBEDDED_SQLITE_URL,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
ON_SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if ON_SQLITE:
    # Django's backend, each statement's placeholders converted once (config/sqlite3).
    DATABASES["default"]["ENGINE"] = "config.sqlite3"
    # IMMEDIATE takes SQLite's single write lock at BEGIN, so concurrent writers queue
    # instead of failing with "database is locked" half-way through a transaction.
    # The connection is kept (CONN_MAX_AGE above): closing one checkpoints the WAL,
    # which cost a sixth of the server's time per message (bench/README.md).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
PREPARED_STATEMENTS = os.environ.get("DATABASE_PREPARED_STATEMENTS", "1")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and (
    PREPARED_STATEMENTS in ("1", "true", "yes")
):
    # Parameters bound by the server, and a statement run five times on a connection
    # is prepared: the send path's statements are then planned once per connection,
    # not on every message (planning the send gate alone took 2 ms;
    # bench/post_message_bench.py). Off (0) behind PgBouncer's transaction pooling,
    # which cannot keep a connection's prepared statements.
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": 5,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Channel layer: Redis when REDIS_URL is set, else the in-process layer (one process).
REDIS_URL = os.environ.get("REDIS_URL")
CHANNEL_LAYER_KIND = os.environ.get("CHANNEL_LAYER", "pubsub")  # "pubsub" | "core"
CHANNEL_LAYER_PREFIX = os.environ.get("CHANNEL_LAYER_PREFIX", "circles")


def redis_layers(url: str, kind: str) -> dict[str, dict[str, object]]:
    backend = {
        "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "core": "channels_redis.core.RedisChannelLayer",
    }[kind]
    # redis-py 8 times out socket reads after 5 s by default, which cuts the core
    # layer's blocking reads (channels_redis#422): no timeout on its connections.
    hosts: list[object] = (
        [url] if kind == "pubsub" else [{"address": url, "socket_timeout": None}]
    )
    config: dict[str, object] = {
        "hosts": hosts,
        "prefix": CHANNEL_LAYER_PREFIX,
        # Events cross Redis encrypted, so message text is never readable there.
        "symmetric_encryption_keys": [SECRET_KEY],
    }
    if kind == "core":
        config.update({"capacity": 1000, "expiry": 30, "group_expiry": 86400})
    return {"default": {"BACKEND": backend, "CONFIG": config}}


CHANNEL_LAYERS = (
    redis_layers(REDIS_URL, CHANNEL_LAYER_KIND)
    if REDIS_URL
    else {"default": {"BACKEND": "config.layers.SweepingInMemoryChannelLayer"}}
)

# Chat sockets do their database work (messaging/consumers.py) on one thread per process
# on SQLite, which has one writer anyway. On PostgreSQL they use a small pool, so that a
# history or resume read need not wait behind a batch of sends being committed; the
# sends themselves are stored one batch at a time (messaging/batching.py).
CHAT_DB_THREAD_POOL = os.environ.get(
    "CHAT_DB_THREAD_POOL",
    "0" if ON_SQLITE else "1",
) in ("1", "true", "yes")

# Sockets re-join their channel-layer groups this often: a restarted Redis forgets the
# core layer's groups without telling anyone.
CHAT_GROUP_REFRESH_SECONDS = float(os.environ.get("CHAT_GROUP_REFRESH_SECONDS", "30"))

# Socket rate limits. Sends: a burst of 8, then one a second (a fast typist, not a
# script). Any frame: a burst of 40, then 10 a second. Typing notices past one every two
# seconds are dropped. 30 refused frames within 10 s closes the socket with 4429.
# Benchmarks and load tests raise them through the environment.
CHAT_RATE_LIMITS = {
    "send_burst": float(os.environ.get("CHAT_SEND_BURST", "8")),
    "send_per_second": float(os.environ.get("CHAT_SEND_PER_SECOND", "1")),
    "frame_burst": float(os.environ.get("CHAT_FRAME_BURST", "40")),
    "frame_per_second": float(os.environ.get("CHAT_FRAME_PER_SECOND", "10")),
    "typing_per_second": 0.5,
    "flood_strikes": 30,
    "flood_window_seconds": 10.0,
}

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
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Login throttling: five failures for one username from one address lock it for 15 min.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
WHITENOISE_USE_FINDERS = (
    True  # the app serves its own static files: no web server needed
)
WHITENOISE_AUTOREFRESH = DEBUG

# Security headers. Strict CSP: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
# Cookies travel over HTTPS only in production; DJANGO_SECURE_COOKIES=0 is for servers
# on loopback HTTP (end-to-end tests, benchmarks).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool(
    "DJANGO_SECURE_COOKIES", not DEBUG
)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload is the operator's decision

# Archive keys (see archive/keys.py): ARCHIVE_MASTER_KEYS ("1:<base64>,2:<base64>") or a
# key file; the embedded default creates var/archive_master_keys (0600) with a warning.
ARCHIVE_MASTER_KEYS = os.environ.get("ARCHIVE_MASTER_KEYS", "")
ARCHIVE_KEY_FILE = Path(
    os.environ.get("ARCHIVE_KEY_FILE") or VAR_DIR / "archive_master_keys"
)
ARCHIVE_SIGNING_KEY_FILE = Path(
    os.environ.get("ARCHIVE_SIGNING_KEY_FILE") or VAR_DIR / "archive_signing_key"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "daphne": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
