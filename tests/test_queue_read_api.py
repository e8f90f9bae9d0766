"""GET /api/queue/<id> and GET /api/queue: following what a client queued."""

import base64
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest

from queues.models import QueueElement, QueueStatus
from tests.conftest import API_TEST

pytestmark = API_TEST

BASE_TIME = datetime(2025, 4, 26, 12, 0, 0)


def make_element(queue_name="Borgerbreve", created_date=BASE_TIME, **fields) -> QueueElement:
    return QueueElement.objects.create(queue_name=queue_name, created_date=created_date, **fields)


def list_ids(client, url) -> tuple[list[str], dict]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    return [item["id"] for item in body["results"]], body


def all_pages(client, url) -> list[str]:
    ids = []
    while url:
        page_ids, body = list_ids(client, url)
        ids.extend(page_ids)
        url = body["next"]
    return ids


# GET /api/queue/<id>


def test_detail_returns_progress_fields(checked_client):
    element = make_element(
        reference="ref-1",
        status=QueueStatus.DONE,
        start_date=BASE_TIME + timedelta(minutes=1),
        end_date=BASE_TIME + timedelta(minutes=2),
        message="Sendt",
        data='{"cpr": "0101011234"}',
        created_by="os2forms@example.dk",
    )

    response = checked_client.get(f"/api/queue/{element.id}")

    assert response.status_code == 200
    assert response.json() == {
        "id": str(element.id),
        "queue_name": "Borgerbreve",
        "status": "DONE",
        "reference": "ref-1",
        "created_date": "2025-04-26T12:00:00+02:00",
        "start_date": "2025-04-26T12:01:00+02:00",
        "end_date": "2025-04-26T12:02:00+02:00",
        "message": "Sendt",
    }


def test_detail_of_created_element(checked_client):
    created = checked_client.post("/api/queue", {"queue_name": "q"}, format="json").json()

    response = checked_client.get(f"/api/queue/{created['id']}/")

    assert response.json()["status"] == "NEW"
    assert response.json()["start_date"] is None


def test_detail_winter_time_offset(checked_client):
    element = make_element(created_date=datetime(2025, 1, 15, 8, 30))

    response = checked_client.get(f"/api/queue/{element.id}")

    assert response.json()["created_date"] == "2025-01-15T08:30:00+01:00"


def test_detail_unknown_id_is_404(checked_client):
    response = checked_client.get(f"/api/queue/{uuid.uuid4()}")

    assert response.status_code == 404
    assert response.json() == {"error": "No queue element has this id."}


@pytest.mark.parametrize(
    "element_id",
    [
        pytest.param("not-a-uuid", id="word"),
        pytest.param("1234", id="short-number"),
        pytest.param("6f1c1f0e-8f6b-4d53-9d43-5d2f2b8f1a7", id="one-digit-short"),
        pytest.param("6f1c1f0e-8f6b-4d53-9d43-5d2f2b8f1a7eX", id="trailing-character"),
        pytest.param("%E2%9C%93", id="non-ascii"),
    ],
)
def test_detail_malformed_id_is_400(checked_client, element_id):
    response = checked_client.get(f"/api/queue/{element_id}")

    assert response.status_code == 400
    assert "id" in response.json()["errors"]


# GET /api/queue


def test_list_newest_first(checked_client):
    old = make_element(created_date=BASE_TIME)
    new = make_element(created_date=BASE_TIME + timedelta(hours=1))
    make_element(queue_name="Andet", created_date=BASE_TIME + timedelta(hours=2))

    ids, body = list_ids(checked_client, "/api/queue?queue_name=Borgerbreve")

    assert ids == [str(new.id), str(old.id)]
    assert body["next"] is None
    assert body["next_cursor"] is None


def test_list_filters_status_and_reference(checked_client):
    matching = make_element(status=QueueStatus.FAILED, reference="r1")
    make_element(status=QueueStatus.FAILED, reference="r2")
    make_element(status=QueueStatus.NEW, reference="r1")

    ids, _ = list_ids(checked_client, "/api/queue?queue_name=Borgerbreve&status=FAILED&reference=r1")

    assert ids == [str(matching.id)]


def test_list_filters_created_range_in_local_time(checked_client):
    make_element(created_date=datetime(2025, 4, 26, 11, 59, 59))
    inside = make_element(created_date=datetime(2025, 4, 26, 12, 0, 0))
    make_element(created_date=datetime(2025, 4, 26, 13, 0, 0))

    # 10:00Z is 12:00 in Copenhagen summer time; created_before is exclusive.
    ids, _ = list_ids(
        checked_client,
        "/api/queue?queue_name=Borgerbreve&created_after=2025-04-26T10:00:00Z&created_before=2025-04-26T13:00:00",
    )

    assert ids == [str(inside.id)]


def test_list_offset_plus_sent_unescaped(checked_client):
    inside = make_element(created_date=datetime(2025, 4, 26, 12, 0, 0))

    # An unescaped + in a query string arrives as a space.
    ids, _ = list_ids(checked_client, "/api/queue?queue_name=Borgerbreve&created_after=2025-04-26T12:00:00+02:00")

    assert ids == [str(inside.id)]


@pytest.mark.parametrize(
    "query, field",
    [
        pytest.param("", "queue_name", id="missing-queue-name"),
        pytest.param("queue_name=" + "x" * 101, "queue_name", id="queue-name-101"),
        pytest.param("queue_name=q&status=done", "status", id="status-not-member-name"),
        pytest.param("queue_name=q&reference=" + "r" * 101, "reference", id="reference-101"),
        pytest.param("queue_name=q&created_after=yesterday", "created_after", id="created-after-word"),
        pytest.param("queue_name=q&created_before=2025-13-01T00:00:00", "created_before", id="created-before-month-13"),
        pytest.param(
            "queue_name=q&created_after=2025-04-26T00:00:00&created_before=2025-04-25T00:00:00",
            "created_before",
            id="range-reversed",
        ),
        pytest.param("queue_name=q&limit=0", "limit", id="limit-0"),
        pytest.param("queue_name=q&limit=501", "limit", id="limit-501"),
        pytest.param("queue_name=q&limit=ten", "limit", id="limit-word"),
        pytest.param("queue_name=q&queue=q", "queue", id="unknown-parameter"),
        pytest.param("queue_name=q&queue_name=r", "queue_name", id="repeated-parameter"),
    ],
)
def test_list_invalid_query_is_400(checked_client, query, field):
    response = checked_client.get(f"/api/queue?{query}")

    assert response.status_code == 400
    assert field in response.json()["errors"]


def _encoded(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("x", id="one-character"),
        pytest.param("!!!!", id="not-base64"),
        pytest.param(_encoded("2025-04-26T12:00:00"), id="no-separator"),
        pytest.param(_encoded("2025-04-26T12:00:00|nothex"), id="bad-id"),
        pytest.param(_encoded("yesterday|" + "0" * 32), id="bad-date"),
        pytest.param(_encoded("2025-04-26T12:00:00+02:00|" + "0" * 32), id="date-with-offset"),
        pytest.param(base64.urlsafe_b64encode("æøå|".encode()).decode(), id="non-ascii"),
        pytest.param("c" * 200, id="long"),
        pytest.param("c" * 201, id="too-long"),
    ],
)
def test_list_malformed_cursor_is_400(checked_client, cursor):
    make_element()

    response = checked_client.get(f"/api/queue?queue_name=Borgerbreve&cursor={cursor}")

    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_pages_cover_every_element_once(checked_client):
    # Ten elements share one created_date, so the id breaks the ties.
    elements = [make_element(created_date=BASE_TIME) for _ in range(10)]
    elements += [make_element(created_date=BASE_TIME + timedelta(seconds=i)) for i in range(1, 6)]

    ids = all_pages(checked_client, "/api/queue?queue_name=Borgerbreve&limit=4")

    assert sorted(ids) == sorted(str(element.id) for element in elements)
    assert len(ids) == len(set(ids))
    assert ids[:5] == [str(element.id) for element in reversed(elements[10:])]


def test_pages_stable_while_new_elements_arrive(checked_client):
    elements = [make_element(created_date=BASE_TIME + timedelta(seconds=i)) for i in range(9)]
    expected = [str(element.id) for element in reversed(elements)]

    first_ids, body = list_ids(checked_client, "/api/queue?queue_name=Borgerbreve&limit=3")
    # New elements arrive between the pages, through the API and directly.
    checked_client.post("/api/queue", {"queue_name": "Borgerbreve"}, format="json")
    make_element(created_date=BASE_TIME + timedelta(days=1))
    second_ids, body = list_ids(checked_client, body["next"])
    make_element(created_date=BASE_TIME + timedelta(days=2))
    third_ids, body = list_ids(checked_client, body["next"])

    assert first_ids + second_ids + third_ids == expected
    assert body["next"] is None


def test_next_link_keeps_filters(checked_client):
    for i in range(3):
        make_element(created_date=BASE_TIME + timedelta(seconds=i), status=QueueStatus.NEW)
    make_element(created_date=BASE_TIME + timedelta(seconds=10), status=QueueStatus.DONE)

    _, body = list_ids(checked_client, "/api/queue?queue_name=Borgerbreve&status=NEW&limit=2")
    query = urlsplit(body["next"]).query

    assert "status=NEW" in query
    assert f"cursor={body['next_cursor']}" in query


def test_list_default_limit_is_100(checked_client):
    QueueElement.objects.bulk_create(
        [QueueElement(queue_name="Borgerbreve", created_date=BASE_TIME + timedelta(seconds=i)) for i in range(101)]
    )

    ids, body = list_ids(checked_client, "/api/queue?queue_name=Borgerbreve")

    assert len(ids) == 100
    assert body["next_cursor"] is not None


def test_list_needs_key(client):
    response = client.get("/api/queue?queue_name=q")

    assert response.status_code == 401
