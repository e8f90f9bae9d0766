"""The one JSON error shape: 400, 401, 404, 405 and database failures."""

import json
from datetime import timedelta

import pytest
from django.db import DatabaseError, OperationalError
from django.utils import timezone, translation
from rest_framework_api_key.models import APIKey

from pyorchestrator.exceptions import json_exception_handler
from queues.models import QueueElement
from tests.conftest import API_TEST
from triggers.models import Trigger
from vejman.models import VejmanKassen

pytestmark = API_TEST

# One path per view: the paths without /api and GET on the list reach the
# same views, and tests/test_vejman_api.py covers them.
ENDPOINTS = [
    pytest.param("POST", "/api/queue", {"queue_name": "q"}, id="queue"),
    pytest.param("POST", "/api/trigger", {"trigger_name": "t"}, id="trigger"),
    pytest.param("POST", "/api/vejmankassen", {"status": "Ny"}, id="vejman-list"),
    pytest.param("POST", "/api/vejmankassen/update", {"id": 1, "kvadratmeter": 2}, id="vejman-update"),
]

# Text that must never reach a client: a traceback, SQL or an exception name.
LEAK_MARKERS = ["Traceback", "File \"", "SELECT ", "INSERT ", "UPDATE ", "Exception", "Error:", "sqlite", "psycopg"]


def assert_no_leak(response):
    text = response.content.decode("utf-8", errors="replace")
    for marker in LEAK_MARKERS:
        assert marker not in text, f"{marker!r} in {text[:200]!r}"


def nothing_written():
    return not QueueElement.objects.exists() and not Trigger.objects.exists() and not VejmanKassen.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/", id="root"),
        pytest.param("/api", id="api"),
        pytest.param("/api/", id="api-slash"),
        pytest.param("/api/queues", id="plural"),
        pytest.param("/api/queue/bulk/extra", id="below-bulk"),
        pytest.param("/api/queue/extra/more", id="below-queue-element"),
        pytest.param("/queue", id="queue-without-api"),
        pytest.param("/api/vejmankassen/update/7", id="below-update"),
        pytest.param("/api/%FF%00", id="escaped-bytes"),
        pytest.param("/static/../settings.py", id="dot-dot"),
    ],
)
@pytest.mark.parametrize("with_key", [True, False], ids=["key", "no-key"])
def test_unknown_path_is_404_json(client, api_key, path, with_key):
    headers = {"HTTP_X_API_KEY": api_key} if with_key else {}

    response = client.get(path, **headers)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "Not found."}


@pytest.mark.parametrize(
    "method, path",
    [
        pytest.param("GET", "/api/queue/bulk", id="get-bulk"),
        pytest.param("PATCH", "/api/queue", id="patch-queue"),
        pytest.param("PUT", "/api/queue", id="put-queue"),
        pytest.param("DELETE", "/api/queue", id="delete-queue"),
        pytest.param("GET", "/api/trigger", id="get-trigger"),
        pytest.param("PATCH", "/api/trigger", id="patch-trigger"),
        pytest.param("PUT", "/vejmankassen", id="put-vejman"),
        pytest.param("DELETE", "/api/vejmankassen", id="delete-vejman"),
        pytest.param("GET", "/vejmankassen/update", id="get-update"),
        pytest.param("PUT", "/api/vejmankassen/update", id="put-update"),
    ],
)
def test_wrong_method_is_405_json(api_client, method, path):
    response = api_client.generic(method, path, "{}", content_type="application/json")

    assert response.status_code == 405
    assert response.json() == {"error": f'Method "{method}" not allowed.'}
    assert nothing_written()


def _expired_key() -> str:
    _, key = APIKey.objects.create_key(name="expired", expiry_date=timezone.now() - timedelta(minutes=1))
    return key


def _revoked_key() -> str:
    _, key = APIKey.objects.create_key(name="revoked", revoked=True)
    return key


@pytest.mark.parametrize(
    "make_headers, message",
    [
        pytest.param(lambda: {}, "The X-API-Key header is missing.", id="missing"),
        pytest.param(lambda: {"HTTP_X_API_KEY": ""}, "The X-API-Key header is missing.", id="empty"),
        pytest.param(lambda: {"HTTP_X_API_KEY": "nope"}, "The API key is invalid, expired or revoked.", id="garbage"),
        pytest.param(
            lambda: {"HTTP_X_API_KEY": "abcdefgh.ijklmnopqrstuvwxyz012345"},
            "The API key is invalid, expired or revoked.",
            id="unknown-prefix",
        ),
        pytest.param(
            lambda: {"HTTP_X_API_KEY": _expired_key()}, "The API key is invalid, expired or revoked.", id="expired"
        ),
        pytest.param(
            lambda: {"HTTP_X_API_KEY": _revoked_key()}, "The API key is invalid, expired or revoked.", id="revoked"
        ),
        pytest.param(
            lambda: {"HTTP_AUTHORIZATION": "Api-Key " + APIKey.objects.create_key(name="x")[1]},
            "The X-API-Key header is missing.",
            id="authorization-header-instead",
        ),
    ],
)
@pytest.mark.parametrize("method, path, body", ENDPOINTS)
def test_bad_key_is_401_json(client, make_headers, message, method, path, body):
    headers = make_headers()

    response = client.generic(method, path, json.dumps(body), content_type="application/json", **headers)

    assert response.status_code == 401
    assert response.json() == {"error": message}
    assert response["WWW-Authenticate"] == 'APIKey header="X-API-Key"'
    assert nothing_written()


@pytest.mark.parametrize(
    "raw_body",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"[]", id="array"),
        pytest.param(b'"x"', id="string"),
        pytest.param(b"null", id="null"),
        pytest.param(b"{", id="truncated"),
        pytest.param(b"\xff\xfe\x00", id="not-utf-8"),
        pytest.param(b'{"a": NaN}', id="nan"),
        pytest.param(b"[" * 50_000 + b"]" * 50_000, id="deep-array"),
        pytest.param(b'{"a":' * 5_000 + b"1" + b"}" * 5_000, id="deep-object"),
        pytest.param(b"9" * 5_000, id="number-5000-digits"),
        pytest.param(b"1e999999", id="huge-exponent"),
        pytest.param(b'{"\\ud800": "\\udfff"}', id="lone-surrogates"),
        pytest.param(b'{"id": "\\u0000", "status": "\\u0000", "queue_name": "\\u0000", "trigger_name": "\\u0000"}',
                     id="nul-everywhere"),
        pytest.param(
            b'{"id": 1e308, "status": 1e308, "queue_name": 1e308, "trigger_name": 1e308, "kvadratmeter": 1e308}',
            id="huge-floats",
        ),
        pytest.param(
            b'{"id": {}, "status": {}, "queue_name": {}, "trigger_name": {}, "kvadratmeter": {}, "data": {}}',
            id="objects-everywhere",
        ),
        pytest.param(
            b'{"id": -1, "created_date": "-0001-01-01", "slutdato": "Mon, 99 Foo 99999"}', id="negative-and-bad-dates"
        ),
    ],
)
@pytest.mark.parametrize("method, path, body", ENDPOINTS)
def test_bad_input_never_500(api_client, raw_body, method, path, body):
    response = api_client.generic(method, path, raw_body, content_type="application/json")

    assert 400 <= response.status_code < 500
    assert isinstance(response.json()["error"], str)
    assert_no_leak(response)
    assert not QueueElement.objects.exists()


def test_validation_error_shape(api_client):
    response = api_client.post("/api/queue", {"queue_name": "", "status": "x"}, format="json")

    body = response.json()
    assert set(body) == {"error", "errors"}
    assert set(body["errors"]) == {"queue_name", "status"}
    assert all(isinstance(messages, list) for messages in body["errors"].values())
    assert body["error"] == " ".join(
        f"{field}: {message}" for field, messages in body["errors"].items() for message in messages
    )


def test_api_answers_english_without_accept_language(api_client):
    response = api_client.post("/api/queue", {}, format="json")

    assert response.json()["errors"]["queue_name"] == ["This field is required."]


@pytest.mark.parametrize(
    "exception, status_code, message",
    [
        pytest.param(OperationalError("server closed the connection"), 503,
                     "The database is unavailable. Try again later.", id="operational"),
        pytest.param(DatabaseError('relation "Queues" does not exist'), 500, "Internal server error.", id="database"),
    ],
)
@pytest.mark.django_db(databases=[])
def test_database_failure_hides_cause(exception, status_code, message):
    # Without a request no middleware picks the language, so pin the API's default.
    with translation.override("en"):
        response = json_exception_handler(exception, {"view": None})

    assert response.status_code == status_code
    assert response.data == {"error": message}


@API_TEST
def test_options_is_405_without_metadata(api_client):
    response = api_client.options("/api/queue")

    assert response.status_code == 405
    assert set(response.json()) == {"error"}


@API_TEST
@pytest.mark.parametrize(
    "accept_language, expected",
    [
        pytest.param("da", "Dette felt er påkrævet.", id="da"),
        pytest.param("da-DK,da;q=0.9,en;q=0.8", "Dette felt er påkrævet.", id="da-dk-first"),
        pytest.param("de-DE,da;q=0.5", "Dette felt er påkrævet.", id="da-after-unknown"),
        pytest.param("de", "This field is required.", id="unknown-language"),
        pytest.param("*", "This field is required.", id="any-language"),
        pytest.param("en-GB,da;q=0.5", "This field is required.", id="english-first"),
    ],
)
def test_api_language_from_accept_language(api_client, accept_language, expected):
    response = api_client.post("/api/queue", {}, format="json", HTTP_ACCEPT_LANGUAGE=accept_language)

    assert response.json()["errors"]["queue_name"] == [expected]
