"""Settings of PyOrchestrator, read from the environment in this one module.

Each variable is listed with its default next to where it is read. README.md
documents them for operators.
"""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from pyorchestrator.database_urls import resolve_database_settings

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


def env_int(name: str, default: int, minimum: int = 1) -> int:
    """Return the environment variable `name` read as an integer of at least `minimum`."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


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
    "pyorchestrator.api_key_app.ApiKeyAppConfig",
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
# for the accepted forms, including SQL Server, and which variable wins).
# DATABASE_URL: Django's own tables; default a SQLite file under var/.
# ORCHESTRATOR_DATABASE_URL: Queues and Triggers; default the Flask
#   deployment's OpenOrchestratorSQL, then DATABASE_URL.
# VEJMAN_DATABASE_URL: VejmanKassen; default the Flask deployment's
#   SQL_SERVER/SQL_USER/SQL_PASSWORD, then the orchestrator database.
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'pyorchestrator.sqlite3'}"
DATABASES, DATABASE_SOURCES = resolve_database_settings(os.environ, DEFAULT_DATABASE_URL, VAR_DIR)
DATABASE_ROUTERS = ["pyorchestrator.routers.LegacyTableRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language: the admin console is in Danish unless the browser prefers
# English. API clients are programs, so API messages are in English unless
# the request's Accept-Language names Danish (see pyorchestrator/middleware.py).
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
    # No OPTIONS metadata: it would show the views' docstrings; the OpenAPI
    # schema documents the API, and OPTIONS answers a JSON 405.
    "DEFAULT_METADATA_CLASS": None,
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

# --- API protection: client address, API keys, IP ban, rate limits, cache ---
# README.md ("Protecting the API") documents these variables for operators.
import re  # noqa: E402
from datetime import timedelta  # noqa: E402

from pyorchestrator.cache_urls import parse_cache_url  # noqa: E402
from pyorchestrator.client_ip import parse_networks  # noqa: E402



def env_networks(name: str) -> list[str]:
    """Return the comma-separated addresses or CIDR networks in `name`, validated."""
    entries = env_list(name, "")
    try:
        parse_networks(entries)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name}: {error}") from None
    return entries


def env_rate(name: str, default: str) -> str:
    """Return the django-ratelimit rate in `name`, such as 10/m or 100/5m."""
    value = os.environ.get(name, "").strip() or default
    if not RATE_PATTERN.fullmatch(value):
        raise ImproperlyConfigured(
            f"{name} must be a rate such as 10/m (count per s, m, h or d, optionally 100/5m), not {value!r}."
        )
    return value


RATE_PATTERN = re.compile(r"[0-9]+/[0-9]*[smhd]")

# TRUSTED_PROXIES: comma-separated addresses or CIDR networks of the reverse
# proxies whose X-Forwarded-For entries are believed; default none. Behind
# IIS httpPlatformHandler on the same server this is 127.0.0.1,::1.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

# API_BAN_ALLOWLIST: comma-separated addresses or CIDR networks that are
# never banned (the robots' servers); default none. Loopback is not exempt.
API_BAN_ALLOWLIST = env_networks("API_BAN_ALLOWLIST")
# API_BAN_THRESHOLD: rejected keys (missing or invalid) from one address
# within API_BAN_WINDOW seconds that ban it for API_BAN_DURATION seconds;
# defaults 5, 60 and 3600.
API_BAN_THRESHOLD = env_int("API_BAN_THRESHOLD", 5)
API_BAN_WINDOW = env_int("API_BAN_WINDOW", 60)
API_BAN_DURATION = env_int("API_BAN_DURATION", 3600)

# Rate limits per client address in django-ratelimit's syntax (count/period,
# period s, m, h or d, such as 100/5m).
# RATE_LIMIT_QUEUE: every path under /api/queue; default 1000/m.
# RATE_LIMIT_TRIGGER: every path under /api/trigger; default 10/m.
# RATE_LIMIT_VEJMAN: /vejmankassen and /api/vejmankassen; default 60/m.
# RATE_LIMIT_VEJMAN_UPDATE: /vejmankassen/update and its /api form; default 30/m.
RATE_LIMIT_QUEUE = env_rate("RATE_LIMIT_QUEUE", "1000/m")
RATE_LIMIT_TRIGGER = env_rate("RATE_LIMIT_TRIGGER", "10/m")
RATE_LIMIT_VEJMAN = env_rate("RATE_LIMIT_VEJMAN", "60/m")
RATE_LIMIT_VEJMAN_UPDATE = env_rate("RATE_LIMIT_VEJMAN_UPDATE", "30/m")
RATELIMIT_USE_CACHE = "default"
# django-ratelimit's "ip" key reads the address from this function; it
# groups an IPv6 client by its /64 network, as django-ratelimit does by default.
RATELIMIT_IP_META_KEY = "pyorchestrator.client_ip.get_client_ip"
RATELIMIT_VIEW = "pyorchestrator.rate_limits.ratelimited_view"

# PyOrchestratorAPIKey: the Flask service's shared secret, accepted as one
# more API key while it is set; default unset. Each use is logged (once per
# hour per client address) so that its callers can be given keys of their own.
LEGACY_API_KEY = os.environ.get("PyOrchestratorAPIKey", "")

# CACHE_URL: the cache of the ban and rate-limit counters; default
# locmem:// (one process). redis://host:6379/0 shares them between the
# waitress processes and servers of one deployment.
# CACHE_KEY_PREFIX: prefix of every cache key; default pyorchestrator.
CACHE_URL = os.environ.get("CACHE_URL", "").strip() or "locmem://"
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "").strip() or "pyorchestrator"
CACHES = {"default": parse_cache_url(CACHE_URL, CACHE_KEY_PREFIX)}

# The admin login: django-axes locks a user name on one client address
# after ADMIN_LOGIN_FAILURE_LIMIT failed logins (default 5) for
# ADMIN_LOGIN_LOCKOUT seconds (default 3600). Operators lift a lockout in
# the admin or with `manage.py axes_reset_ip ADDRESS`.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "pyorchestrator.authentication.AdminLoginAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_CLIENT_IP_CALLABLE = "pyorchestrator.client_ip.get_client_ip"
AXES_FAILURE_LIMIT = env_int("ADMIN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(seconds=env_int("ADMIN_LOGIN_LOCKOUT", 3600))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# The request log and the API protection run on every API path. The request
# log comes right after SecurityMiddleware so its duration covers the rest.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "pyorchestrator.request_log.RequestLogMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("pyorchestrator.middleware.ApiAwareLocaleMiddleware") + 1,
    "pyorchestrator.protection.ApiProtectionMiddleware",
)
LOGGING["loggers"]["axes"] = {"level": "WARNING"}

# --- Production: SQL Server behind IIS, static files, logging ---
from pyorchestrator.code_pages import python_codec_for_code_page  # noqa: E402

if IS_PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off when PYORCHESTRATOR_ENVIRONMENT is production.")
    if not os.environ.get("DJANGO_ALLOWED_HOSTS"):
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS is required when PYORCHESTRATOR_ENVIRONMENT is production: "
            "set it to the host names of the IIS site, such as api.example.dk."
        )

    # IIS terminates TLS and forwards the scheme in X-Forwarded-Proto. Waitress
    # listens on 127.0.0.1 only, so no client can reach it without IIS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # DJANGO_SECURE_SSL_REDIRECT: redirect plain HTTP to HTTPS; default on.
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # DJANGO_SECURE_HSTS_SECONDS: max-age of Strict-Transport-Security; default one year.
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    # DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS and DJANGO_SECURE_HSTS_PRELOAD:
    # default off. Both bind every host of the parent domain, which other
    # municipal sites share, so the domain's owner decides them. The deploy
    # check's warnings about them (security.W005, security.W021) are
    # silenced for that reason.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
    SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
    SESSION_COOKIE_HTTPONLY = True
    # DJANGO_CSRF_TRUSTED_ORIGINS: comma-separated origins of the admin, such
    # as https://api.example.dk; default https:// and each allowed host.
    CSRF_TRUSTED_ORIGINS = env_list(
        "DJANGO_CSRF_TRUSTED_ORIGINS",
        ",".join(f"https://{host}" for host in ALLOWED_HOSTS if not host.startswith(".")),
    )

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Static files of the admin are served by WhiteNoise, because IIS only
# proxies. Files come from STATIC_ROOT after `manage.py collectstatic`
# (compressed copies included); WHITENOISE_USE_FINDERS also serves them from
# the installed apps, so the admin has its styles without collectstatic.
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "whitenoise.middleware.WhiteNoiseMiddleware")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# WhiteNoise warns at every start while STATIC_ROOT does not exist. An IIS
# application pool may not write to the site folder, which is harmless here.
try:
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
except OSError:
    pass
# Seconds browsers may cache a static file; the names carry no hash.
WHITENOISE_MAX_AGE = 3600

# LOG_FORMAT: "plain" (default) for one readable line per record, or "json"
# for one JSON object per line, for log collectors. Records go to stdout,
# which httpPlatformHandler writes to the file named by stdoutLogFile.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain").strip().lower()
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
LOGGING["formatters"]["json"] = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
}
LOGGING["handlers"]["stdout"]["formatter"] = LOG_FORMAT
# Unhandled exceptions of views are logged by django.request at ERROR.
LOGGING["loggers"]["django.request"] = {"level": "ERROR"}

# DATA_UPLOAD_MAX_MEMORY_SIZE: bytes; a larger body gets a JSON 413. Waitress
# (--max-request-body-size in web.config) and IIS stop bodies a little larger.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# --- OpenOrchestrator's VARCHAR columns on SQL Server ---
# ORCHESTRATOR_CODE_PAGE: the code page of the OpenOrchestrator database's
# collation, as a Windows code page number (1252) or a Python codec name
# (cp1252, or utf-8 for a _UTF8 collation). Default 1252, the code page of
# the Danish_Norwegian and Latin1_General collations. `manage.py
# check_database` prints the real one. Text a VARCHAR column cannot store in
# it is rejected with a 400 rather than changed by SQL Server.
ORCHESTRATOR_CODE_PAGE = os.environ.get("ORCHESTRATOR_CODE_PAGE", "1252").strip()
python_codec_for_code_page(ORCHESTRATOR_CODE_PAGE)  # raises ImproperlyConfigured when unknown
# ORCHESTRATOR_VARCHAR_BYTES: the size in bytes of each VARCHAR column the API
# writes, as comma-separated Table.column=bytes entries that replace the
# defaults below (OpenOrchestrator 3.0.0's String(n) lengths), for example
# "Queues.data=4000". `manage.py check_database` compares them with the
# real columns.
ORCHESTRATOR_VARCHAR_BYTES = {
    "Queues.queue_name": 100,
    "Queues.data": 2000,
    "Queues.reference": 100,
    "Queues.message": 1000,
    "Queues.created_by": 100,
    "Triggers.trigger_name": 100,
}
for _entry in env_list("ORCHESTRATOR_VARCHAR_BYTES", ""):
    _column, _, _size = _entry.partition("=")
    if _column.strip() not in ORCHESTRATOR_VARCHAR_BYTES or not _size.strip().isdigit():
        raise ImproperlyConfigured(
            f"ORCHESTRATOR_VARCHAR_BYTES entry {_entry!r} must be one of "
            f"{', '.join(ORCHESTRATOR_VARCHAR_BYTES)} followed by =<bytes>."
        )
    ORCHESTRATOR_VARCHAR_BYTES[_column.strip()] = int(_size)

# --- API documentation, scoped keys and Idempotency-Key ---
INSTALLED_APPS += ["drf_spectacular", "drf_spectacular_sidecar"]
REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "drf_spectacular.openapi.AutoSchema"
# Scoped keys: a key with ApiKeyScope rows may call only the endpoints its scopes name.
REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"] = [
    *REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"],
    "pyorchestrator.scopes.HasApiKeyScope",
]
SPECTACULAR_SETTINGS = {
    "TITLE": "PyOrchestrator API",
    "DESCRIPTION": (
        "Queue elements, triggers and VejmanKassen rows of OpenOrchestrator. Every request "
        "except this documentation sends its API key in the `X-API-Key` header. Every error "
        'is JSON: `{"error": "<sentence>", "errors": {"<field>": ["<message>"]}}`, where '
        "`errors` is present for invalid input only. A method a path does not serve is 405, "
        "and an unknown path 404, with the same JSON shape. This schema (/api/schema/) and "
        "its Swagger UI (/api/docs/) need no key."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs page expose no data, so they need no key.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    # No validatorUrl: Swagger UI would otherwise send the schema to validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "pyorchestrator.openapi.spell_out_legacy_paths",
    ],
    "ENUM_NAME_OVERRIDES": {
        "QueueStatusEnum": "queues.models.QueueStatus",
        "TriggerStatusEnum": "triggers.models.TriggerStatus",
        "ScopeEnum": "pyorchestrator.scopes.Scope",
    },
}

# PYORCHESTRATOR_IDEMPOTENCY_TTL_HOURS: hours an Idempotency-Key and its first
# response are kept; default 24.
IDEMPOTENCY_TTL = env_int("PYORCHESTRATOR_IDEMPOTENCY_TTL_HOURS", 24) * 3600
# PYORCHESTRATOR_IDEMPOTENCY_LOCK_SECONDS: seconds after which a retry may take
# over a request with the same key that never completed (a crash); default 60.
IDEMPOTENCY_LOCK_TIMEOUT = env_int("PYORCHESTRATOR_IDEMPOTENCY_LOCK_SECONDS", 60)
# Seconds of the Retry-After header of a 409 for a request still in progress.
IDEMPOTENCY_RETRY_AFTER = 2

# --- Admin console ---
# How the console works on tables of millions of rows; see queues/admin.py
# and queues/statistics.py.
# PYORCHESTRATOR_ADMIN_SEARCH_DAYS: the queue element search by reference
# prefix looks at elements created in this many last days; default 30.
PYORCHESTRATOR_ADMIN_SEARCH_DAYS = env_int("PYORCHESTRATOR_ADMIN_SEARCH_DAYS", 30, minimum=1)
# PYORCHESTRATOR_ADMIN_OVERVIEW_RECENT_DAYS: the queue overview counts the
# elements of this many last days (from midnight) on every visit; default 7.
PYORCHESTRATOR_ADMIN_OVERVIEW_RECENT_DAYS = env_int("PYORCHESTRATOR_ADMIN_OVERVIEW_RECENT_DAYS", 7, minimum=0)
# PYORCHESTRATOR_ADMIN_OVERVIEW_CACHE_SECONDS: how long the overview keeps
# its counts of the older elements (one full scan of Queues); default 900.
PYORCHESTRATOR_ADMIN_OVERVIEW_CACHE_SECONDS = env_int("PYORCHESTRATOR_ADMIN_OVERVIEW_CACHE_SECONDS", 900, minimum=1)
# PYORCHESTRATOR_ADMIN_QUEUE_NAME_LIMIT: the most queue names the change
# list filter reads from the queue_name index; default 200.
PYORCHESTRATOR_ADMIN_QUEUE_NAME_LIMIT = env_int("PYORCHESTRATOR_ADMIN_QUEUE_NAME_LIMIT", 200, minimum=1)

# Danish date formats of the console: pyorchestrator/formats/da/formats.py.
FORMAT_MODULE_PATH = ["pyorchestrator.formats"]
