"""Settings of PyOrchestrator, read from the environment in this one module.

Each variable is listed with its default next to where it is read. README.md
documents them for operators.
"""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from pyorchestrator.database_urls import parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

# Runtime state of a development or test installation: the default SQLite
# database and the generated development secret key.
VAR_DIR = Path(os.environ.get("PYORCHESTRATOR_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    """Return the environment variable `name` read as a boolean."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    normalised = value.strip().lower()
    if normalised in {"1", "true", "yes", "on"}:
        return True
    if normalised in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name: str, default: str) -> list[str]:
    """Return the comma-separated environment variable `name` as a list."""
    value = os.environ.get(name, default)
    return [item.strip() for item in value.split(",") if item.strip()]


# PYORCHESTRATOR_ENVIRONMENT: "development" (default) or "production".
ENVIRONMENT = os.environ.get("PYORCHESTRATOR_ENVIRONMENT", "development").strip().lower()
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"PYORCHESTRATOR_ENVIRONMENT must be development or production, not {ENVIRONMENT!r}."
    )
IS_PRODUCTION = ENVIRONMENT == "production"

# DJANGO_DEBUG: default off, also in development, so that tests and
# `make serve` run the same code paths as production.
DEBUG = env_bool("DJANGO_DEBUG", False)


def _development_secret_key() -> str:
    """Return the secret key kept under VAR_DIR, generating it on first use."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="ascii")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="ascii").strip()


# DJANGO_SECRET_KEY: required in production; elsewhere a generated key is
# kept in var/secret_key so sessions survive a restart.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when PYORCHESTRATOR_ENVIRONMENT is production."
        )
    SECRET_KEY = _development_secret_key()

# DJANGO_ALLOWED_HOSTS: comma-separated host names; default the loopback names.
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_api_key",
    "pyorchestrator",
    "queues",
    "triggers",
    "vejman",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pyorchestrator.middleware.ApiAwareLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "pyorchestrator.urls"
WSGI_APPLICATION = "pyorchestrator.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pyorchestrator" / "templates"],
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

# Databases. Each alias is a database URL (see pyorchestrator/database_urls.py
# for the accepted forms).
# DATABASE_URL: Django's own tables; default a SQLite file under var/.
# ORCHESTRATOR_DATABASE_URL: Queues and Triggers; default DATABASE_URL.
# VEJMAN_DATABASE_URL: VejmanKassen; default ORCHESTRATOR_DATABASE_URL.
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'pyorchestrator.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
ORCHESTRATOR_DATABASE_URL = os.environ.get("ORCHESTRATOR_DATABASE_URL") or DATABASE_URL
VEJMAN_DATABASE_URL = os.environ.get("VEJMAN_DATABASE_URL") or ORCHESTRATOR_DATABASE_URL

DATABASES = {
    "default": parse_database_url(DATABASE_URL, VAR_DIR),
    "orchestrator": parse_database_url(ORCHESTRATOR_DATABASE_URL, VAR_DIR),
    "vejman": parse_database_url(VEJMAN_DATABASE_URL, VAR_DIR),
}
DATABASE_ROUTERS = ["pyorchestrator.routers.LegacyTableRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language: the admin console speaks Danish unless the browser asks for
# English. API clients are programs, so the API answers in English unless
# the request sends Accept-Language (see pyorchestrator/middleware.py).
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True

# TIME_ZONE: the zone of the naive datetimes in the legacy tables; default
# Europe/Copenhagen. OpenOrchestrator writes datetime.now() on Danish servers
# and orders queue elements by created_date. USE_TZ is off because
# mssql-django converts aware datetimes to UTC on write whatever the
# database's TIME_ZONE option says; with USE_TZ off every datetime the
# service reads or writes is naive local time, and pyorchestrator/local_time.py
# converts a client's offset timestamps to it.
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Copenhagen")
USE_TZ = False

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["pyorchestrator.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["pyorchestrator.authentication.HasApiKey"],
    "DEFAULT_PARSER_CLASSES": ["pyorchestrator.parsers.LenientJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "pyorchestrator.parsers.JSONOnlyContentNegotiation",
    "EXCEPTION_HANDLER": "pyorchestrator.exceptions.json_exception_handler",
    "UNAUTHENTICATED_USER": None,
    "UNAUTHENTICATED_TOKEN": None,
}

# LOG_LEVEL: level of the service's own loggers; default INFO.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stdout"},
    },
    "root": {"handlers": ["stdout"], "level": "WARNING"},
    "loggers": {
        "pyorchestrator": {"level": LOG_LEVEL},
        "queues": {"level": LOG_LEVEL},
        "triggers": {"level": LOG_LEVEL},
        "vejman": {"level": LOG_LEVEL},
        "django.security": {"level": "INFO"},
    },
}

# --- Admin console ---
# How the console works on tables of millions of rows; see queues/admin.py
# and queues/statistics.py.


def env_int(name: str, default: int, minimum: int = 0) -> int:
    """Return the environment variable `name` read as an integer >= `minimum`."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


# PYORCHESTRATOR_ADMIN_SEARCH_DAYS: the queue element search by reference
# prefix looks at elements created in this many last days; default 30.
PYORCHESTRATOR_ADMIN_SEARCH_DAYS = env_int("PYORCHESTRATOR_ADMIN_SEARCH_DAYS", 30, minimum=1)
# PYORCHESTRATOR_ADMIN_OVERVIEW_RECENT_DAYS: the queue overview counts the
# elements of this many last days (from midnight) on every visit; default 7.
PYORCHESTRATOR_ADMIN_OVERVIEW_RECENT_DAYS = env_int("PYORCHESTRATOR_ADMIN_OVERVIEW_RECENT_DAYS", 7)
# PYORCHESTRATOR_ADMIN_OVERVIEW_CACHE_SECONDS: how long the overview keeps
# its counts of the older elements (one full scan of Queues); default 900.
PYORCHESTRATOR_ADMIN_OVERVIEW_CACHE_SECONDS = env_int("PYORCHESTRATOR_ADMIN_OVERVIEW_CACHE_SECONDS", 900, minimum=1)
# PYORCHESTRATOR_ADMIN_QUEUE_NAME_LIMIT: the most queue names the change
# list filter reads from the queue_name index; default 200.
PYORCHESTRATOR_ADMIN_QUEUE_NAME_LIMIT = env_int("PYORCHESTRATOR_ADMIN_QUEUE_NAME_LIMIT", 200, minimum=1)

# Danish date formats of the console: pyorchestrator/formats/da/formats.py.
FORMAT_MODULE_PATH = ["pyorchestrator.formats"]
