"""Settings for heyi, read from the environment so one codebase runs on SQLite or PostgreSQL."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HEYI_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "heyi-insecure-development-key-change-me-in-production-0123456789"

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "ninja",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "heyi.core",
    "heyi.accounts",
    "heyi.notifications",
    "heyi.ventures",
    "heyi.demands",
    "heyi.designs",
    "heyi.products",
    "heyi.ledger",
    "heyi.contention",
    "heyi.orders",
    "heyi.supply",
    "heyi.logistics",
    "heyi.devices",
    "oauth2_provider",
    "heyi.developers",
    "heyi.webhooks",
    "heyi.rules",
    "heyi.value",
    "heyi.investment",
    "heyi.events",
    "heyi.dashboards",
    "heyi.probe",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "heyi.middleware.IdempotencyMiddleware",
]

ROOT_URLCONF = "heyi.urls"
WSGI_APPLICATION = "heyi.wsgi.application"
ASGI_APPLICATION = "heyi.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "heyi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "heyi.notifications.context_processors.notifications",
            ],
        },
    }
]

if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'heyi.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the in-process task runner and the web server share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
SITE_ID = 1

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: e-mail is the login, and it must be confirmed before the account is used.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_SIGNUP_FORM_CLASS = "heyi.accounts.forms.SignupForm"
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
}
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "/accounts/login/"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "heyi <noreply@heyi.localhost>")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "heyi" / "locale"]
# Mainland China groups digits by thousands with commas (Django's zh_Hans default does not).
FORMAT_MODULE_PATH = ["heyi.core.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Uploaded pictures are served by the application unless a front server or object store does it.
HEYI_SERVE_MEDIA = env_bool("HEYI_SERVE_MEDIA", True)
# Mounts /api/v1/probe/writes, the one-insert yardstick of `heyi bench orders`; never in production.
HEYI_BENCH_PROBE = env_bool("HEYI_BENCH_PROBE", False)
WHITENOISE_AUTOREFRESH = DEBUG

# The daily order contention: the hour (platform time) it runs, its solver time limit and the
# published lead-time penalty per unit and day of lead time, in yuan.
HEYI_DAILY_CONTENTION_HOUR = int(os.environ.get("HEYI_DAILY_CONTENTION_HOUR", "2"))
HEYI_DAILY_CONTENTION_SECONDS = int(os.environ.get("HEYI_DAILY_CONTENTION_SECONDS", "10"))
HEYI_DAILY_LEAD_TIME_PENALTY = Decimal(os.environ.get("HEYI_DAILY_LEAD_TIME_PENALTY", "1.00"))

# How long a production tender stays open after its pre-order campaign reaches the threshold.
HEYI_PRODUCTION_TENDER_HOURS = int(os.environ.get("HEYI_PRODUCTION_TENDER_HOURS", "72"))

# The delivery promise: the packed size of one unit of a made-to-order design (standard products
# carry their own), and the lead time promised for a product no maker holds a standing bid on.
HEYI_DEFAULT_PARCEL_LITRES = int(os.environ.get("HEYI_DEFAULT_PARCEL_LITRES", "100"))
HEYI_DEFAULT_PARCEL_KG = int(os.environ.get("HEYI_DEFAULT_PARCEL_KG", "30"))
HEYI_DEFAULT_LEAD_TIME_DAYS = int(os.environ.get("HEYI_DEFAULT_LEAD_TIME_DAYS", "14"))

# The vans each station sends out per delivery wave (route planning): name, capacity, count.
HEYI_STATION_VANS = [
    {"name": "Light van", "volume_litres": 6000, "weight_kg": 1200, "count": 8},
]

# Seconds the background sweep gives a wave planned interactively, to improve its routes.
HEYI_ROUTE_IMPROVE_SECONDS = float(os.environ.get("HEYI_ROUTE_IMPROVE_SECONDS", "30"))

# The published rule for a missed delivery promise: this percentage of the order total, at least
# the minimum (yuan), at most the total; charged to the unit at fault (logistics compensations).
# The payment provider (heyi.ledger.payments): a class with `charge` and `refund`. The test
# provider stands in for a real gateway here.
HEYI_PAYMENT_PROVIDER = os.environ.get("HEYI_PAYMENT_PROVIDER", "heyi.ledger.payments.TestProvider")
# A winning production bid's bet target becomes a bet contract: revenue over this many days
# from the award, the platform paying this share of the target on success.
HEYI_BET_AWARD_PERIOD_DAYS = int(os.environ.get("HEYI_BET_AWARD_PERIOD_DAYS", "90"))
HEYI_BET_AWARD_REWARD_RATE = Decimal(os.environ.get("HEYI_BET_AWARD_REWARD_RATE", "0.05"))
HEYI_LATE_COMPENSATION_PERCENT = Decimal(os.environ.get("HEYI_LATE_COMPENSATION_PERCENT", "10"))
HEYI_LATE_COMPENSATION_MINIMUM = Decimal(os.environ.get("HEYI_LATE_COMPENSATION_MINIMUM", "20.00"))

# Uploads: pictures are capped well below anything that could exhaust memory.
HEYI_MAX_PICTURE_BYTES = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# Background work: in process on the embedded default, a database-backed queue for workers.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}

# The MQTT broker the gateway, the command publisher and the simulator use. Unset, `heyi demo`
# starts an embedded broker (amqtt) on 127.0.0.1:1884 and points this at it.
MQTT_URL = os.environ.get("MQTT_URL", "mqtt://127.0.0.1:1884")
# Whether the broker serves MQTT 5 shared subscriptions (Mosquitto does; amqtt does not).
MQTT_SHARED_SUBSCRIPTIONS = env_bool("MQTT_SHARED_SUBSCRIPTIONS", "MQTT_URL" in os.environ)
# A device that has said nothing for this long is offline (the sweep says so, once).
HEYI_DEVICE_OFFLINE_AFTER_SECONDS = int(os.environ.get("HEYI_DEVICE_OFFLINE_AFTER_SECONDS", "300"))

# Webhook targets over http or at local addresses are for development only.
HEYI_WEBHOOKS_ALLOW_LOCAL = env_bool("HEYI_WEBHOOKS_ALLOW_LOCAL", DEBUG)

# OAuth2 for outside apps (django-oauth-toolkit): authorization code with PKCE, refresh tokens.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "PKCE_REQUIRED": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,
    "ROTATE_REFRESH_TOKEN": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"] if DEBUG else ["https"],
    "SCOPES": {
        "devices:read": "See the devices you choose and their state",
        "telemetry:read": "Read the readings and alarms of those devices",
        "commands:send": "Send commands to those devices",
        "events:receive": "Receive events about those devices and your orders",
    },
    "DEFAULT_SCOPES": ["devices:read"],
    # Tokens stored only as checksums; a replayed spent refresh token revokes its whole family.
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    # No implicit or password grant, and tokens only in the Authorization header (RFC 9700).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Front-end libraries come from PyPI packages (XStatic) at install time, served as static files.
import xstatic.pkg.bootstrap  # noqa: E402

STATICFILES_DIRS = [
    BASE_DIR / "heyi" / "static",
    ("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
