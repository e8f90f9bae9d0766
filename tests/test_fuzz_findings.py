"""Inputs that made the service return 500 before, found while fuzzing the API."""

import pytest

from queues.models import QueueElement
from tests.conftest import API_TEST

pytestmark = API_TEST


@pytest.mark.parametrize(
    "body, field",
    [
        pytest.param({"queue_name": "q", "data": "a\u0000b"}, "data", id="data-null-character"),
        pytest.param({"queue_name": "q", "created_date": "0001-01-01T00:00:00+14:00"}, "created_date", id="date-overflows-at-min"),
        pytest.param({"queue_name": "q", "created_date": "9999-12-31T23:59:59-12:00"}, "created_date", id="date-overflows-at-max"),
        pytest.param({"queue_name": "q", "created_date": "1752-12-31T23:59:59"}, "created_date", id="date-before-sql-server-datetime"),
    ],
)
def test_queue_bad_value_is_400_and_nothing_written(api_client, body, field):
    response = api_client.post("/api/queue", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert QueueElement.objects.count() == 0


@pytest.mark.parametrize(
    "created_date",
    [
        pytest.param("1753-01-01T00:00:00", id="sql-server-datetime-min"),
        pytest.param("9999-12-31T23:59:59", id="sql-server-datetime-max"),
    ],
)
def test_queue_date_at_range_edge_accepted(api_client, created_date):
    response = api_client.post("/api/queue", {"queue_name": "q", "created_date": created_date}, format="json")

    assert response.status_code == 201


def test_queue_object_data_with_null_character_stored_escaped(api_client):
    response = api_client.post("/api/queue", {"queue_name": "q", "data": {"k": "a\u0000b"}}, format="json")

    assert response.status_code == 201
    assert QueueElement.objects.get().data == '{"k": "a\\u0000b"}'


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/api/queue", id="queue"),
        pytest.param("/api/trigger", id="trigger"),
        pytest.param("/api/vejmankassen/update", id="vejman-update"),
    ],
)
def test_deeply_nested_body_is_400_json(api_client, path):
    depth = 100_000
    response = api_client.generic("POST", path, "[" * depth + "]" * depth, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"error": "The request body is nested too deeply."}
