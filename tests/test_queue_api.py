"""POST /api/queue: the Flask wire contract and its validation."""

import json
import uuid
from datetime import datetime

import pytest

from queues.models import QueueElement
from tests.conftest import API_TEST

pytestmark = API_TEST


def test_create_minimal_element(api_client):
    response = api_client.post("/api/queue", {"queue_name": "Borgerbreve"}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["success"] is True
    element = QueueElement.objects.get(id=uuid.UUID(body["id"]))
    assert element.queue_name == "Borgerbreve"
    assert element.status == "NEW"
    assert element.data is None


def test_object_data_stored_as_json_dumps(api_client):
    data = {"navn": "Søren Ærø", "liste": [1, 2.5, None], "ok": True}

    response = api_client.post("/api/queue", {"queue_name": "q", "data": data}, format="json")

    element = QueueElement.objects.get(id=response.json()["id"])
    assert element.data == json.dumps(data, ensure_ascii=False)


def test_offset_timestamp_stored_as_local_time(api_client):
    response = api_client.post(
        "/api/queue", {"queue_name": "q", "created_date": "2025-04-26T12:00:00Z"}, format="json"
    )

    element = QueueElement.objects.get(id=response.json()["id"])
    assert element.created_date == datetime(2025, 4, 26, 14, 0, 0)


def test_body_read_as_json_whatever_content_type(api_client):
    response = api_client.generic(
        "POST", "/api/queue", json.dumps({"queue_name": "q"}), content_type="text/plain"
    )

    assert response.status_code == 201


@pytest.mark.parametrize(
    "body, field",
    [
        pytest.param({}, "queue_name", id="missing-queue-name"),
        pytest.param({"queue_name": "x" * 101}, "queue_name", id="queue-name-101"),
        pytest.param({"queue_name": "q", "status": "idle"}, "status", id="status-not-member-name"),
        pytest.param({"queue_name": "q", "data": "x" * 2001}, "data", id="data-2001"),
    ],
)
def test_invalid_body_rejected_and_nothing_written(api_client, body, field):
    response = api_client.post("/api/queue", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert field in response.json()["error"]
    assert QueueElement.objects.count() == 0


def test_missing_key_is_401_json(client):
    response = client.post("/api/queue", {"queue_name": "q"}, content_type="application/json")

    assert response.status_code == 401
    assert response.json() == {"error": "The X-API-Key header is missing."}


def _dumped_length(value) -> int:
    return len(json.dumps(value, ensure_ascii=False))


# An object whose json.dumps text is exactly 2000 characters: {"k": "xxx..."}
# has 9 characters around the string.
DATA_OBJECT_2000 = {"k": "x" * (2000 - _dumped_length({"k": ""}))}
DATA_OBJECT_2001 = {"k": "x" * (2001 - _dumped_length({"k": ""}))}
# Non-ASCII characters count once each, because ensure_ascii=False keeps them.
DATA_OBJECT_2000_NON_ASCII = {"k": "ø" * (2000 - _dumped_length({"k": ""}))}


@pytest.mark.parametrize(
    "field, value",
    [
        pytest.param("queue_name", "q" * 100, id="queue-name-100"),
        pytest.param("queue_name", " Borgerbreve ", id="queue-name-spaces-kept"),
        pytest.param("status", "NEW", id="status-new"),
        pytest.param("status", "IN_PROGRESS", id="status-in-progress"),
        pytest.param("status", "DONE", id="status-done"),
        pytest.param("status", "FAILED", id="status-failed"),
        pytest.param("status", "ABANDONED", id="status-abandoned"),
        pytest.param("data", "x" * 2000, id="data-string-2000"),
        pytest.param("data", "", id="data-empty-string"),
        pytest.param("data", None, id="data-null"),
        pytest.param("data", [1, "to", None], id="data-array"),
        pytest.param("data", DATA_OBJECT_2000, id="data-object-2000-dumped"),
        pytest.param("data", DATA_OBJECT_2000_NON_ASCII, id="data-object-2000-non-ascii"),
        pytest.param("reference", "r" * 100, id="reference-100"),
        pytest.param("reference", None, id="reference-null"),
        pytest.param("created_by", "c" * 100, id="created-by-100"),
        pytest.param("message", "m" * 1000, id="message-1000"),
        pytest.param("message", "", id="message-empty"),
    ],
)
def test_value_at_limit_stored_exactly(api_client, field, value):
    body = {"queue_name": "q", field: value}

    response = api_client.post("/api/queue", body, format="json")

    assert response.status_code == 201, response.json()
    element = QueueElement.objects.get(id=response.json()["id"])
    expected = json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value
    assert getattr(element, field) == expected


@pytest.mark.parametrize(
    "body, field",
    [
        pytest.param({"queue_name": ""}, "queue_name", id="queue-name-empty"),
        pytest.param({"queue_name": "   "}, "queue_name", id="queue-name-blank"),
        pytest.param({"queue_name": None}, "queue_name", id="queue-name-null"),
        pytest.param({"queue_name": 5}, "queue_name", id="queue-name-number"),
        pytest.param({"queue_name": ["q"]}, "queue_name", id="queue-name-list"),
        pytest.param({"queue_name": {"a": 1}}, "queue_name", id="queue-name-object"),
        pytest.param({"queue_name": True}, "queue_name", id="queue-name-boolean"),
        pytest.param({"queue_name": "q\u0000"}, "queue_name", id="queue-name-nul"),
        pytest.param({"queue_name": "q\ud800"}, "queue_name", id="queue-name-lone-surrogate"),
        pytest.param({"queue_name": "q", "status": "New"}, "status", id="status-enum-value"),
        pytest.param({"queue_name": "q", "status": "in_progress"}, "status", id="status-lower-case"),
        pytest.param({"queue_name": "q", "status": "In Progress"}, "status", id="status-value-with-space"),
        pytest.param({"queue_name": "q", "status": ""}, "status", id="status-empty"),
        pytest.param({"queue_name": "q", "status": None}, "status", id="status-null"),
        pytest.param({"queue_name": "q", "status": 1}, "status", id="status-number"),
        pytest.param({"queue_name": "q", "data": 5}, "data", id="data-number"),
        pytest.param({"queue_name": "q", "data": True}, "data", id="data-boolean"),
        pytest.param({"queue_name": "q", "data": DATA_OBJECT_2001}, "data", id="data-object-2001-dumped"),
        pytest.param({"queue_name": "q", "data": "a\u0000b"}, "data", id="data-string-nul"),
        pytest.param({"queue_name": "q", "data": "\udc80"}, "data", id="data-lone-surrogate"),
        pytest.param({"queue_name": "q", "data": {"k": "\ud800"}}, "data", id="data-object-lone-surrogate"),
        pytest.param({"queue_name": "q", "reference": "r" * 101}, "reference", id="reference-101"),
        pytest.param({"queue_name": "q", "reference": 17}, "reference", id="reference-number"),
        pytest.param({"queue_name": "q", "created_by": "c" * 101}, "created_by", id="created-by-101"),
        pytest.param({"queue_name": "q", "created_by": ["a"]}, "created_by", id="created-by-list"),
        pytest.param({"queue_name": "q", "message": "m" * 1001}, "message", id="message-1001"),
        pytest.param({"queue_name": "q", "message": 1.5}, "message", id="message-number"),
        pytest.param({"queue_name": "q", "created_date": "yesterday"}, "created_date", id="created-date-text"),
        pytest.param({"queue_name": "q", "created_date": 1745668800}, "created_date", id="created-date-epoch"),
        pytest.param({"queue_name": "q", "created_date": "2025-02-30T12:00:00"}, "created_date", id="created-date-feb-30"),
        pytest.param(
            {"queue_name": "q", "created_date": "2025-04-26T12:00:00+24:00"}, "created_date", id="created-date-offset-24h"
        ),
        pytest.param(
            {"queue_name": "q", "created_date": "1752-12-31T23:59:59"}, "created_date", id="created-date-before-1753"
        ),
        pytest.param(
            {"queue_name": "q", "created_date": "0001-01-01T00:00:00+01:00"}, "created_date", id="created-date-year-1-offset"
        ),
        pytest.param(
            {"queue_name": "q", "created_date": "9999-12-31T23:59:59-01:00"}, "created_date", id="created-date-past-9999"
        ),
    ],
)
def test_invalid_field_rejected_and_nothing_written(api_client, body, field):
    # json.dumps escapes lone surrogates as \udXXX, as a client's encoder would.
    response = api_client.generic("POST", "/api/queue", json.dumps(body), content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert response.json()["error"].startswith(f"{field}: ")
    assert QueueElement.objects.count() == 0


@pytest.mark.parametrize(
    "body, field, limit",
    [
        pytest.param({"queue_name": "q" * 101}, "queue_name", "100", id="queue-name"),
        pytest.param({"queue_name": "q", "data": "x" * 2001}, "data", "2000", id="data"),
        pytest.param({"queue_name": "q", "reference": "r" * 101}, "reference", "100", id="reference"),
        pytest.param({"queue_name": "q", "created_by": "c" * 101}, "created_by", "100", id="created-by"),
        pytest.param({"queue_name": "q", "message": "m" * 1001}, "message", "1000", id="message"),
    ],
)
def test_length_error_names_field_and_limit(api_client, body, field, limit):
    response = api_client.post("/api/queue", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]
    assert limit in response.json()["error"]
    assert limit in response.json()["errors"][field][0]


def test_status_error_lists_member_names(api_client):
    response = api_client.post("/api/queue", {"queue_name": "q", "status": "New"}, format="json")

    assert "NEW, IN_PROGRESS, DONE, FAILED, ABANDONED" in response.json()["error"]


@pytest.mark.parametrize(
    "raw_body",
    [
        pytest.param(b"[]", id="array"),
        pytest.param(b'[{"queue_name": "q"}]', id="array-of-objects"),
        pytest.param(b'"x"', id="string"),
        pytest.param(b"null", id="null"),
        pytest.param(b"5", id="number"),
        pytest.param(b"true", id="boolean"),
        pytest.param(b"{", id="truncated-json"),
        pytest.param(b"{'queue_name': 'q'}", id="single-quotes"),
        pytest.param(b"queue_name=q", id="form-encoded"),
        pytest.param(b'{"queue_name": "\xff"}', id="not-utf-8"),
        pytest.param(b'{"queue_name": "q", "data": NaN}', id="nan"),
        pytest.param(b'{"queue_name": "q", "data": Infinity}', id="infinity"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="nested-100000-deep"),
        pytest.param(b'{"queue_name": "q", "data": ' + b"[" * 5000 + b"]" * 5000 + b"}", id="data-nested-5000-deep"),
        pytest.param(b'{"queue_name": "q", "reference": ' + b"9" * 5000 + b"}", id="number-5000-digits"),
    ],
)
def test_bad_body_rejected_and_nothing_written(api_client, raw_body):
    response = api_client.generic("POST", "/api/queue", raw_body, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert isinstance(response.json()["error"], str)
    assert QueueElement.objects.count() == 0


@pytest.mark.parametrize(
    "raw_body, message",
    [
        pytest.param(b"[]", "The request body must be a JSON object.", id="array"),
        pytest.param(b"{", "The request body is not valid JSON.", id="invalid-json"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "The request body is nested too deeply.", id="nested"),
    ],
)
def test_bad_body_message(api_client, raw_body, message):
    response = api_client.generic("POST", "/api/queue", raw_body, content_type="application/json")

    assert response.json()["error"] == message


def test_data_string_stored_unchanged(api_client):
    text = '{"cpr": "010101-1234", "note": "  æøå \\n "}'

    response = api_client.post("/api/queue", {"queue_name": "q", "data": text}, format="json")

    assert QueueElement.objects.get(id=response.json()["id"]).data == text


@pytest.mark.parametrize(
    "content_type",
    [
        pytest.param("text/plain", id="text-plain"),
        pytest.param("application/x-www-form-urlencoded", id="form-type"),
        pytest.param("application/octet-stream", id="octet-stream"),
        pytest.param("application/json; charset=utf-8", id="json-with-charset"),
    ],
)
def test_json_body_parsed_whatever_content_type(api_client, content_type):
    response = api_client.generic("POST", "/api/queue", json.dumps({"queue_name": "q"}), content_type=content_type)

    assert response.status_code == 201
    assert QueueElement.objects.get().queue_name == "q"


def test_trailing_slash_accepted(api_client):
    response = api_client.post("/api/queue/", {"queue_name": "q"}, format="json")

    assert response.status_code == 201


def test_response_id_is_stored_key(api_client):
    response = api_client.post("/api/queue", {"queue_name": "q", "reference": "r1"}, format="json")

    element = QueueElement.objects.get(reference="r1")
    assert response.json() == {"success": True, "id": str(element.id)}
