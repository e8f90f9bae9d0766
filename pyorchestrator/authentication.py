"""API key authentication on the `X-API-Key` header.

Keys are djangorestframework-api-key keys: `<prefix>.<secret>`, hashed at
rest, named, with an optional expiry, revocable in the admin. Each request
reads the key's row, so a revocation or expiry applies to the next request.
While the environment variable PyOrchestratorAPIKey is set, the Flask
service's shared secret is accepted as one more key.

A missing or invalid key is a 401 with a JSON body, as the Flask service
answered, and counts towards the client address's ban (pyorchestrator/bans.py).
The security log names a rejected key by its name and prefix, never by the key.
"""

import logging
import re
from dataclasses import dataclass

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.db import connections, router
from django.utils.crypto import constant_time_compare
from django.utils.dateparse import parse_datetime
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework_api_key.models import APIKey

from pyorchestrator.bans import record_rejected_key
from pyorchestrator.client_ip import get_client_ip
from pyorchestrator.models import ApiKeyScope
from pyorchestrator.scopes import parse_name_patterns, set_key_scopes
from pyorchestrator.shared_cache import CACHE_ERRORS, get_cache, log_cache_failure

security_logger = logging.getLogger("pyorchestrator.security")

API_KEY_HEADER = "X-API-Key"
API_KEY_META_KEY = "HTTP_X_API_KEY"

# The name and prefix under which the shared secret appears in the logs.
LEGACY_KEY_NAME = "PyOrchestratorAPIKey"
LEGACY_KEY_PREFIX = "legacy"
# Seconds between two log lines about the shared secret from one address.
LEGACY_LOG_INTERVAL_SECONDS = 3600

# The prefix part of a key that djangorestframework-api-key generated. Only
# a prefix of this form is logged: any other text before a "." may be part
# of a secret.
KEY_PREFIX_PATTERN = re.compile(r"[A-Za-z0-9]{8}")

# The attribute of the HttpRequest that names the request's key for the
# request log: "<name> (<prefix>)", "rejected (<prefix>)" or "missing".
REQUEST_KEY_LABEL_ATTRIBUTE = "api_key_label"


@dataclass(frozen=True)
class ApiClient:
    """The calling system that a valid key identifies, as DRF's `request.user`."""

    name: str
    prefix: str
    api_key: APIKey | None = None

    is_authenticated = True
    is_anonymous = False

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"


class MissingApiKey(exceptions.NotAuthenticated):
    default_detail = _("The X-API-Key header is missing.")
    default_code = "missing_api_key"


class InvalidApiKey(exceptions.AuthenticationFailed):
    default_detail = _("The API key is invalid, expired or revoked.")
    default_code = "invalid_api_key"


def key_prefix_of(key: str) -> str:
    """Return the prefix of `key` when it has the generated key format, else ""."""
    prefix, separator, _secret = key.partition(".")
    if separator and KEY_PREFIX_PATTERN.fullmatch(prefix):
        return prefix
    return ""


@dataclass(frozen=True)
class KeyCheck:
    """The outcome of checking a key: the usable key and its scopes, or the reason it is rejected."""

    api_key: APIKey | None
    # {scope: name patterns}, or None for a key without scope rows (full access).
    scopes: dict[str, list[str]] | None = None
    reason: str = ""


# The SELECT of a key's row and its scope rows, per database vendor (the
# quoting of names differs). One query instead of the ORM's two keeps the
# check cheap; it still reads the row on every request, so a revocation or
# expiry applies to the next one.
_key_query_by_vendor: dict[str, str] = {}

_KEY_FIELD_NAMES = [field.attname for field in APIKey._meta.concrete_fields]
_REVOKED_INDEX = _KEY_FIELD_NAMES.index("revoked")
_DATETIME_INDEXES = [_KEY_FIELD_NAMES.index("created"), _KEY_FIELD_NAMES.index("expiry_date")]


def _key_query(connection) -> str:
    query = _key_query_by_vendor.get(connection.vendor)
    if query is None:
        quote = connection.ops.quote_name
        key_columns = ", ".join(f"k.{quote(field.column)}" for field in APIKey._meta.concrete_fields)
        scope_columns = {name: quote(ApiKeyScope._meta.get_field(name).column) for name in ("api_key", "scope", "names")}
        query = (
            f"SELECT {key_columns}, s.{scope_columns['scope']}, s.{scope_columns['names']} "
            f"FROM {quote(APIKey._meta.db_table)} k "
            f"LEFT JOIN {quote(ApiKeyScope._meta.db_table)} s ON s.{scope_columns['api_key']} = k.{quote(APIKey._meta.pk.column)} "
            f"WHERE k.{quote(APIKey._meta.get_field('prefix').column)} = %s"
        )
        _key_query_by_vendor[connection.vendor] = query
    return query


def _read_key_rows(prefix: str) -> tuple[APIKey | None, dict[str, list[str]] | None]:
    """Return the APIKey with `prefix` and its scopes, read in one query."""
    database = router.db_for_read(APIKey)
    connection = connections[database]
    with connection.cursor() as cursor:
        cursor.execute(_key_query(connection), [prefix])
        rows = cursor.fetchall()
    if not rows:
        return None, None

    field_count = len(APIKey._meta.concrete_fields)
    values = list(rows[0][:field_count])
    # Raw rows skip the ORM's converters: SQLite and SQL Server may return
    # the flag as an integer, and a backend without date parsing a string.
    values[_REVOKED_INDEX] = bool(values[_REVOKED_INDEX])
    for index in _DATETIME_INDEXES:
        if isinstance(values[index], str):
            values[index] = parse_datetime(values[index])
    api_key = APIKey.from_db(database, _KEY_FIELD_NAMES, values)
    scopes = {row[field_count]: parse_name_patterns(row[field_count + 1]) for row in rows if row[field_count]}
    return api_key, scopes or None


def check_key(key: str) -> KeyCheck:
    """Return the usable APIKey matching `key` with its scopes, or the reason it is rejected."""
    prefix = key_prefix_of(key)
    if not prefix:
        return KeyCheck(None, reason="key not in the key format")

    api_key, scopes = _read_key_rows(prefix)
    if api_key is None:
        return KeyCheck(None, reason=f"unknown key prefix {prefix}")
    label = f"key {api_key.name!r} (prefix {prefix})"
    if not api_key.is_valid(key):
        return KeyCheck(None, reason=f"wrong secret for {label}")
    if api_key.revoked:
        return KeyCheck(None, reason=f"revoked {label}")
    if api_key.has_expired:
        return KeyCheck(None, reason=f"expired {label}")
    return KeyCheck(api_key, scopes)


def is_legacy_key(key: str) -> bool:
    """Return True if `key` is the shared secret of settings.LEGACY_API_KEY, compared in constant time."""
    legacy_key = settings.LEGACY_API_KEY
    return bool(legacy_key) and constant_time_compare(key, legacy_key)


def log_legacy_key_use(address: str) -> None:
    """Log a use of the shared secret, at most once an hour per client address."""
    try:
        first_this_hour = get_cache().add(f"legacy-key-logged:{address}", 1, LEGACY_LOG_INTERVAL_SECONDS)
    except CACHE_ERRORS as error:
        log_cache_failure("throttling the legacy key log", error)
        first_this_hour = True
    if first_this_hour:
        security_logger.warning(
            "Request from %s authenticated with the legacy shared secret %s. Give this caller a key "
            "of its own (manage.py create_api_key NAME); this is logged once an hour per address.",
            address,
            LEGACY_KEY_NAME,
        )


def _label_request(request, label: str) -> None:
    setattr(request._request, REQUEST_KEY_LABEL_ATTRIBUTE, label)


class ApiKeyAuthentication(BaseAuthentication):
    """Authenticate a request by its `X-API-Key` header."""

    def authenticate(self, request):
        address = get_client_ip(request)
        key = request.META.get(API_KEY_META_KEY, "").strip()
        if not key:
            _label_request(request, "missing")
            record_rejected_key(address, "", f"X-API-Key missing on {request.method} {escape_uri_path(request.path)}")
            raise MissingApiKey()

        if is_legacy_key(key):
            _label_request(request, f"{LEGACY_KEY_NAME} ({LEGACY_KEY_PREFIX})")
            log_legacy_key_use(address)
            return ApiClient(name=LEGACY_KEY_NAME, prefix=LEGACY_KEY_PREFIX), None

        result = check_key(key)
        api_key = result.api_key
        if api_key is None:
            prefix = key_prefix_of(key)
            _label_request(request, f"rejected ({prefix or 'no prefix'})")
            record_rejected_key(address, prefix, f"{result.reason} on {request.method} {escape_uri_path(request.path)}")
            raise InvalidApiKey()

        set_key_scopes(request, result.scopes)
        _label_request(request, f"{api_key.name} ({api_key.prefix})")
        return ApiClient(name=api_key.name, prefix=api_key.prefix, api_key=api_key), api_key

    def authenticate_header(self, request):
        # A non-empty challenge makes DRF answer 401 rather than 403.
        return f'APIKey header="{API_KEY_HEADER}"'


class HasApiKey(BasePermission):
    """Allow requests that an API key authenticated."""

    def has_permission(self, request, view):
        return isinstance(request.user, ApiClient)


class AdminLoginAxesBackend(AxesStandaloneBackend):
    """django-axes' lockout check for logins that come with a request.

    The admin login always passes its request. A call without one (the test
    client's `login()`, a script) has no client address to lock, so it
    skips the check instead of raising as AxesStandaloneBackend does.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
