"""POST /api/queue/bulk: up to 1000 queue elements in one transaction."""

import json
import uuid

import pytest

from queues.models import QueueElement
from tests.conftest import API_TEST

pytestmark = API_TEST


def test_bulk_creates_every_item_in_order(checked_client):
    items = [
        {"queue_name": "Borgerbreve", "data": {"cpr": "0101011234", "navn": "Søren"}, "reference": "r1"},
        {"queue_name": "Borgerbreve", "data": "plain text", "created_by": "robot"},
        {"queue_name": "Andet", "status": "DONE", "created_date": "2025-04-26T12:00:00Z"},
    ]

    response = checked_client.post("/api/queue/bulk", items, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["success"] is True
    assert body["count"] == 3
    elements = [QueueElement.objects.get(id=uuid.UUID(element_id)) for element_id in body["ids"]]
    assert [element.queue_name for element in elements] == ["Borgerbreve", "Borgerbreve", "Andet"]
    assert elements[0].data == json.dumps(items[0]["data"], ensure_ascii=False)
    assert elements[1].data == "plain text"
    assert elements[2].status == "DONE"
    assert elements[2].created_date.hour == 14


def test_bulk_items_without_created_date_share_one_time(checked_client):
    response = checked_client.post("/api/queue/bulk", [{"queue_name": "q"}] * 5, format="json")

    assert response.status_code == 201
    assert QueueElement.objects.values("created_date").distinct().count() == 1


def test_bulk_one_bad_item_writes_nothing(checked_client):
    items = [{"queue_name": "q"}] * 3 + [{"queue_name": "x" * 101}] + [{"queue_name": "q"}] * 2 + [{"status": "NEW"}]

    response = checked_client.post("/api/queue/bulk", items, format="json")

    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {"[3]", "[6]"}
    assert "queue_name" in body["errors"]["[3]"]
    assert "[3].queue_name: " in body["error"]
    assert "[6].queue_name: This field is required." in body["error"]
    assert QueueElement.objects.count() == 0


def test_bulk_1000_items_accepted(checked_client):
    items = [{"queue_name": "q", "reference": str(position)} for position in range(1000)]

    response = checked_client.post("/api/queue/bulk", items, format="json")

    assert response.status_code == 201
    assert QueueElement.objects.count() == 1000


@pytest.mark.parametrize(
    "body, message",
    [
        pytest.param({"queue_name": "q"}, "must be a JSON array", id="object"),
        pytest.param("q", "must be a JSON array", id="string"),
        pytest.param([], "at least one", id="empty"),
        pytest.param([{"queue_name": "q"}] * 1001, "at most 1000", id="1001-items"),
        pytest.param([{"queue_name": "q"}, "q"], "[1]", id="item-not-object"),
        pytest.param([{"queue_name": "q"}, None], "[1]", id="item-null"),
    ],
)
def test_bulk_invalid_body_is_400_and_writes_nothing(checked_client, body, message):
    response = checked_client.post("/api/queue/bulk", body, format="json")

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert QueueElement.objects.count() == 0


def test_bulk_database_failure_writes_nothing(checked_client):
    # The second item reuses the first one's primary key, so the INSERT fails
    # inside the transaction after the first row.
    existing = QueueElement.objects.create(queue_name="q", created_date="2025-01-01 00:00:00")
    from queues import services

    with pytest.raises(Exception):
        services.create_queue_elements(
            [{"queue_name": "q"}, {"queue_name": "q"}], [uuid.uuid4(), existing.id]
        )

    assert QueueElement.objects.count() == 1


def test_bulk_trailing_slash_accepted(checked_client):
    response = checked_client.post("/api/queue/bulk/", [{"queue_name": "q"}], format="json")

    assert response.status_code == 201


def test_bulk_get_is_405(checked_client):
    response = checked_client.get("/api/queue/bulk")

    assert response.status_code == 405
