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
