"""The Idempotency-Key header of the POST endpoints that write."""

import json
import socket
import threading
import time
import uuid
from datetime import timedelta

import pytest
import requests
from django.core.management import call_command
from django.db import connections
from waitress.server import create_server

from pyorchestrator.idempotency import utc_now
from pyorchestrator.models import IdempotencyRecord, IdempotencyRecordStatus
from pyorchestrator.wsgi import application
from queues.models import QueueElement
from tests.conftest import API_TEST, make_api_key
from triggers.models import SingleTrigger, TriggerStatus, TriggerType

pytestmark = API_TEST

# The TCP ports this suite's servers may use.
SERVER_PORTS = range(18500, 18600)


def post(client, path, body, key="key-1", **headers):
    return client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key, **headers)


def test_retry_returns_first_response_without_writing(checked_client):
    first = post(checked_client, "/api/queue", {"queue_name": "q", "data": {"a": 1}})
    retry = post(checked_client, "/api/queue", {"queue_name": "q", "data": {"a": 1}})

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert QueueElement.objects.count() == 1


def test_retry_with_reordered_json_is_same_request(checked_client):
    first = checked_client.generic(
        "POST", "/api/queue", '{"queue_name": "q", "reference": "r"}', HTTP_IDEMPOTENCY_KEY="k"
    )
    retry = checked_client.generic("POST", "/api/queue", '{"reference":"r","queue_name":"q"}', HTTP_IDEMPOTENCY_KEY="k")

    assert retry.json() == first.json()
    assert QueueElement.objects.count() == 1


def test_quoted_key_is_the_same_key(checked_client):
    first = post(checked_client, "/api/queue", {"queue_name": "q"}, key="abc")
    retry = post(checked_client, "/api/queue", {"queue_name": "q"}, key='"abc"')

    assert retry.json() == first.json()


def test_same_key_different_body_is_422(checked_client):
    post(checked_client, "/api/queue", {"queue_name": "q"})

    response = post(checked_client, "/api/queue", {"queue_name": "other"})

    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["error"]
    assert QueueElement.objects.count() == 1


def test_same_key_other_endpoint_is_422(checked_client):
    post(checked_client, "/api/queue", {"queue_name": "q"})

    response = post(checked_client, "/api/queue/bulk", [{"queue_name": "q"}])

    assert response.status_code == 422


def test_keys_are_separate_per_api_key(checked_client):
    other_key = make_api_key("other system")

    first = post(checked_client, "/api/queue", {"queue_name": "q"})
    checked_client.credentials(HTTP_X_API_KEY=other_key)
    second = post(checked_client, "/api/queue", {"queue_name": "q"})

    assert second.status_code == 201
    assert second.json()["id"] != first.json()["id"]
    assert QueueElement.objects.count() == 2


def test_no_key_writes_every_time(checked_client):
    checked_client.post("/api/queue", {"queue_name": "q"}, format="json")
    checked_client.post("/api/queue", {"queue_name": "q"}, format="json")

    assert QueueElement.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("", id="empty"),
        pytest.param('""', id="empty-quoted"),
        pytest.param("k" * 256, id="256-characters"),
        pytest.param("nøgle", id="non-ascii"),
        pytest.param("tab\there", id="control-character"),
    ],
)
def test_invalid_key_is_400_and_writes_nothing(checked_client, key):
    response = post(checked_client, "/api/queue", {"queue_name": "q"}, key=key)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert QueueElement.objects.count() == 0


def test_key_of_255_characters_accepted(checked_client):
    response = post(checked_client, "/api/queue", {"queue_name": "q"}, key="k" * 255)

    assert response.status_code == 201


def test_validation_error_not_stored(checked_client):
    invalid = post(checked_client, "/api/queue", {"queue_name": "x" * 101})
    corrected = post(checked_client, "/api/queue", {"queue_name": "q"})

    assert invalid.status_code == 400
    assert corrected.status_code == 201
    assert "Idempotent-Replayed" not in corrected
    assert QueueElement.objects.count() == 1


def test_key_expires_after_24_hours(checked_client):
    first = post(checked_client, "/api/queue", {"queue_name": "q"})
    IdempotencyRecord.objects.update(created_at=utc_now() - timedelta(hours=24, seconds=1))

    second = post(checked_client, "/api/queue", {"queue_name": "q"})

    assert second.json()["id"] != first.json()["id"]
    assert QueueElement.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 1


def test_request_in_progress_is_409_with_retry_after(checked_client):
    post(checked_client, "/api/queue", {"queue_name": "q"})
    # As if the first request were still writing.
    IdempotencyRecord.objects.update(status=IdempotencyRecordStatus.IN_PROGRESS, locked_at=utc_now())

    response = post(checked_client, "/api/queue", {"queue_name": "q"})

    assert response.status_code == 409
    assert int(response["Retry-After"]) > 0
    assert QueueElement.objects.count() == 1


def _crashed_record(reserved_ids: list[uuid.UUID]) -> None:
    """Leave a record as a request that crashed after reserving ids leaves it."""
    record = IdempotencyRecord.objects.get()
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status=IdempotencyRecordStatus.IN_PROGRESS,
        locked_at=utc_now() - timedelta(minutes=5),
        reserved_ids=json.dumps([str(value) for value in reserved_ids]),
        response_status=None,
        response_body="",
    )


def test_crash_after_write_answers_from_database(checked_client):
    first = post(checked_client, "/api/queue", {"queue_name": "q"})
    _crashed_record([uuid.UUID(first.json()["id"])])

    retry = post(checked_client, "/api/queue", {"queue_name": "q"})

    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert QueueElement.objects.count() == 1
    assert IdempotencyRecord.objects.get().status == IdempotencyRecordStatus.COMPLETED


def test_crash_before_write_writes_reserved_id(checked_client):
    first = post(checked_client, "/api/queue", {"queue_name": "q"})
    QueueElement.objects.all().delete()
    reserved = uuid.uuid4()
    _crashed_record([reserved])

    retry = post(checked_client, "/api/queue", {"queue_name": "q"})

    assert retry.status_code == 201
    assert retry.json()["id"] == str(reserved) != first.json()["id"]
    assert QueueElement.objects.count() == 1


def test_database_error_lets_retry_write_at_once(checked_client, monkeypatch):
    from django.db import OperationalError

    from queues import views

    real_create = views.create_queue_element

    def unavailable(**kwargs):
        raise OperationalError("connection lost")

    monkeypatch.setattr(views, "create_queue_element", unavailable)
    failed = post(checked_client, "/api/queue", {"queue_name": "q"})
    monkeypatch.setattr(views, "create_queue_element", real_create)
    retry = post(checked_client, "/api/queue", {"queue_name": "q"})

    assert failed.status_code == 503
    assert retry.status_code == 201
    assert retry.json()["id"] == json.loads(IdempotencyRecord.objects.get().reserved_ids)[0]
    assert QueueElement.objects.count() == 1


def test_bulk_crash_after_write_answers_from_database(checked_client):
    items = [{"queue_name": "q"}, {"queue_name": "r"}]
    first = post(checked_client, "/api/queue/bulk", items)
    _crashed_record([uuid.UUID(value) for value in first.json()["ids"]])

    retry = post(checked_client, "/api/queue/bulk", items)

    assert retry.json() == first.json()
    assert QueueElement.objects.count() == 2


def test_bulk_retry_returns_first_response(checked_client):
    items = [{"queue_name": "q"}] * 3
    first = post(checked_client, "/api/queue/bulk", items)
    retry = post(checked_client, "/api/queue/bulk", items)

    assert retry.json() == first.json()
    assert QueueElement.objects.count() == 3


def test_trigger_retry_returns_first_response(checked_client):
    trigger = SingleTrigger.objects.create(
        trigger_name="t", process_name="p", process_path="x.py", type=TriggerType.SINGLE,
        process_status=TriggerStatus.DONE, next_run="2025-01-01 08:00:00",
    )
    first = post(checked_client, "/api/trigger", {"trigger_name": "t"})
    # The robot started meanwhile; a replay must not re-arm it.
    SingleTrigger.objects.filter(pk=trigger.pk).update(process_status=TriggerStatus.RUNNING)

    retry = post(checked_client, "/api/trigger", {"trigger_name": "t"})

    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert SingleTrigger.objects.get(pk=trigger.pk).process_status == TriggerStatus.RUNNING


def test_trigger_not_found_not_stored(checked_client):
    missing = post(checked_client, "/api/trigger", {"trigger_name": "t"})
    SingleTrigger.objects.create(
        trigger_name="t", process_name="p", process_path="x.py", type=TriggerType.SINGLE, next_run="2025-01-01 08:00:00"
    )

    found = post(checked_client, "/api/trigger", {"trigger_name": "t"})

    assert missing.status_code == 404
    assert found.status_code == 200


def test_vejmankassen_list_post_ignores_key(checked_client):
    first = post(checked_client, "/api/vejmankassen", {"status": "Ny"})

    assert first.status_code == 200
    assert IdempotencyRecord.objects.count() == 0


def test_clear_command_deletes_expired_records(checked_client, capsys):
    post(checked_client, "/api/queue", {"queue_name": "q"}, key="old")
    post(checked_client, "/api/queue", {"queue_name": "q"}, key="new")
    IdempotencyRecord.objects.filter(key="old").update(created_at=utc_now() - timedelta(hours=25))

    call_command("clear_expired_idempotency_keys")

    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    assert "Deleted 1 " in capsys.readouterr().out


# A real HTTP server and a client that gives up, as a webhook does on a timeout.


def _free_port() -> int:
    for port in SERVER_PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("No free TCP port in 18500-18599 for the test server.")


def _closing_connections(app):
    """Wrap a WSGI app so each server thread closes its database connections after a request.

    Otherwise the server threads' PostgreSQL connections stay open and the
    test database cannot be dropped at the end of the run.
    """

    def wrapped(environ, start_response):
        try:
            return list(app(environ, start_response))
        finally:
            connections.close_all()

    return wrapped


@pytest.fixture
def live_server_url():
    port = _free_port()
    server = create_server(_closing_connections(application), host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.close()
    thread.join(timeout=5)


@pytest.fixture
def slow_queue_write(monkeypatch):
    """Make each queue element insert take 1.5 seconds, as a slow database would."""
    from queues import views

    real_create = views.create_queue_element

    def slow_create(**kwargs):
        time.sleep(1.5)
        return real_create(**kwargs)

    monkeypatch.setattr(views, "create_queue_element", slow_create)


def test_retry_after_client_timeout_creates_one_row(live_server_url, api_key, slow_queue_write):
    url = f"{live_server_url}/api/queue"
    headers = {"X-API-Key": api_key, "Idempotency-Key": "webhook-4711"}
    body = {"queue_name": "Borgerbreve", "reference": "submission-4711"}

    with pytest.raises(requests.Timeout):
        requests.post(url, json=body, headers=headers, timeout=0.5)
    # The first request is still writing: the retry must wait.
    during = requests.post(url, json=body, headers=headers, timeout=10)
    time.sleep(1.5)
    after = requests.post(url, json=body, headers=headers, timeout=10)

    assert during.status_code == 409
    assert int(during.headers["Retry-After"]) > 0
    assert after.status_code == 201
    assert after.headers["Idempotent-Replayed"] == "true"
    assert QueueElement.objects.count() == 1
    assert after.json()["id"] == str(QueueElement.objects.get().id)


def test_concurrent_duplicates_write_once(live_server_url, api_key, slow_queue_write):
    url = f"{live_server_url}/api/queue"
    headers = {"X-API-Key": api_key, "Idempotency-Key": "robot-run-1"}
    responses = []

    def send():
        responses.append(requests.post(url, json={"queue_name": "q"}, headers=headers, timeout=10))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201, 409, 409, 409]
    assert QueueElement.objects.count() == 1


def test_reserved_id_inserted_elsewhere_is_409(checked_client, monkeypatch):
    # A request that outlived its lock wrote the reserved id while this retry
    # also took the record over and found no element yet.
    from queues import views

    first = post(checked_client, "/api/queue", {"queue_name": "q"})
    reserved = uuid.UUID(first.json()["id"])
    _crashed_record([reserved])

    with monkeypatch.context() as patch:
        patch.setattr(views, "_recover_one", lambda element_ids: None)
        retry = post(checked_client, "/api/queue", {"queue_name": "q"})
    final = post(checked_client, "/api/queue", {"queue_name": "q"})

    assert retry.status_code == 409
    assert final.status_code == 201
    assert final.json()["id"] == str(reserved)
    assert QueueElement.objects.count() == 1
