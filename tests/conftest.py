"""Fixtures shared by the test suite.

Tests run against a real database: the SQLite test file by default, or the
PostgreSQL server when tests/run_suite.py sets the database URLs to it.
The legacy tables are made by `create_unmanaged_tables`, as in development.

API tests must use `transaction=True`: the key lookup reads `default` and the
write goes to `orchestrator`, two connections to one database, and a
test-wide transaction on one of them would lock the other out on SQLite.
"""

import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections, router
from rest_framework.test import APIClient
from rest_framework_api_key.models import APIKey

from pyorchestrator.management.commands.create_unmanaged_tables import legacy_models

# Marks a test that calls the API; use as `pytestmark = API_TEST`.
API_TEST = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Create the legacy tables in the test database after Django's migrations."""
    with django_db_blocker.unblock():
        call_command("create_unmanaged_tables", "--skip-existing", verbosity=0)


@pytest.fixture(autouse=True)
def _empty_legacy_tables(request):
    """Delete the rows a transactional test left in the legacy tables.

    Django's flush after a transactional test covers managed tables only.
    """
    yield
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    django_db_blocker = request.getfixturevalue("django_db_blocker")
    with django_db_blocker.unblock():
        for model in reversed(legacy_models()):
            connection = connections[router.db_for_write(model)]
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


@pytest.fixture(autouse=True)
def _clear_counter_cache():
    """Start each test with no ban or rate-limit counts from earlier tests.

    Every test client request comes from 127.0.0.1, so counts carried over
    would ban or throttle unrelated tests.
    """
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_key(db) -> str:
    """Return a valid API key for a system named "tests"."""
    _, key = APIKey.objects.create_key(name="tests")
    return key


@pytest.fixture
def api_client(api_key) -> APIClient:
    """Return a DRF test client that sends a valid X-API-Key header."""
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=api_key)
    return client


@pytest.fixture
def cache_down(settings, monkeypatch):
    """Point the cache at a Redis port where nothing listens, so every cache call fails."""
    from pyorchestrator import shared_cache

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:18299/2",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # Let the first failure of this test be logged even if an earlier test logged one.
    monkeypatch.setattr(shared_cache, "_last_failure_logged", 0.0)


@pytest.fixture
def checked_client(api_key):
    """Return a client with a valid key that checks every response against the OpenAPI schema."""
    from tests.openapi_validation import SchemaCheckedClient

    client = SchemaCheckedClient()
    client.credentials(HTTP_X_API_KEY=api_key)
    return client


def make_api_key(name: str, scopes: dict[str, str] | None = None) -> str:
    """Create an API key named `name` with the given {scope: names text} rows and return the key."""
    from pyorchestrator.models import ApiKeyScope

    api_key, key = APIKey.objects.create_key(name=name)
    for scope, names in (scopes or {}).items():
        ApiKeyScope.objects.create(api_key=api_key, scope=scope, names=names)
    return key


def read_json(response):
    """Return the JSON body of a test client response, streamed or not.

    A streamed body can be read once, so it is kept on the response.
    """
    if not getattr(response, "streaming", False):
        return response.json()
    if not hasattr(response, "_streamed_body"):
        response._streamed_body = b"".join(response.streaming_content)
    return json.loads(response._streamed_body)
