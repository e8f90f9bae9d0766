"""The API served by a real waitress process over HTTP on 127.0.0.1.

The server runs `pyorchestrator.wsgi:application` with DJANGO_DEBUG off, on
its own SQLite file under a temporary PYORCHESTRATOR_VAR_DIR, prepared by
the same commands `make serve` runs.
"""

import http.client
import json
import os
import sqlite3
import uuid
from pathlib import Path

import pytest

from tests.servers import MAKE_SERVE_ARGUMENTS, create_api_key, private_temp_dir, run_manage, waitress_server

# Seconds to wait for one request.
REQUEST_TIMEOUT = 10

LEAK_MARKERS = ["Traceback", "File \"", "SELECT ", "INSERT ", "UPDATE ", "Exception", "sqlite", "DEBUG"]


@pytest.fixture(scope="module")
def server():
    """Start waitress on a prepared SQLite database; return (port, API key, database path, log path)."""
    with private_temp_dir("pyorchestrator-http-") as directory:
        database = directory / "service.sqlite3"
        env = {
            **os.environ,
            "PYORCHESTRATOR_VAR_DIR": str(directory / "var"),
            "DATABASE_URL": f"sqlite:///{database}",
            "ORCHESTRATOR_DATABASE_URL": "",
            "VEJMAN_DATABASE_URL": "",
            "DJANGO_DEBUG": "false",
            "PYTHONUNBUFFERED": "1",
        }
        for arguments in (("migrate", "--noinput"), ("create_unmanaged_tables", "--skip-existing")):
            result = run_manage(env, *arguments)
            assert result.returncode == 0, result.stderr
        api_key = create_api_key(env, "waitress-test")

        # The log goes to a file: a full pipe would block the server.
        log_path = directory / "waitress.log"
        with waitress_server(env, log_path, MAKE_SERVE_ARGUMENTS) as port:
            yield port, api_key, database, log_path


def request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    """Send one request and return (status, headers, parsed JSON body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        # putrequest adds only Host (unless given) and no Content-Type, so a
        # request without Content-Type really has none.
        connection.putrequest(method, path, skip_host="Host" in (headers or {}), skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        raw = response.read()
    finally:
        connection.close()

    text = raw.decode("utf-8")
    for marker in LEAK_MARKERS:
        assert marker not in text, f"{marker!r} in {text[:200]!r}"
    assert response.getheader("Content-Type") == "application/json", text[:200]
    return response.status, response, json.loads(text)


def insert_rows(database: Path) -> tuple[int, uuid.UUID]:
    trigger_id = uuid.uuid4()
    with sqlite3.connect(database) as connection:
        cursor = connection.execute(
            "INSERT INTO VejmanKassen (HenstillingId, Startdato, Slutdato, FakturaStatus, Kvadratmeter) "
            "VALUES ('H-1', '2025-06-02', '2025-06-10', 'Ny', 4.5)"
        )
        row_id = cursor.lastrowid
        connection.execute(
            "INSERT INTO Triggers (id, trigger_name, process_name, process_path, process_status, is_git_repo, "
            "is_blocking, priority, type) VALUES (?, 'Genberegn', 'Proces', 'p', 'RUNNING', 0, 0, 0, 'SINGLE')",
            (trigger_id.hex,),
        )
        connection.execute(
            "INSERT INTO Single_Triggers (id, next_run) VALUES (?, '2025-06-10 08:00:00')", (trigger_id.hex,)
        )
    return row_id, trigger_id


def test_queue_json_body(server):
    port, key, _, _ = server

    status, _, body = request(
        port, "POST", "/api/queue", json.dumps({"queue_name": "q", "data": {"ø": 1}}).encode(),
        {"X-API-Key": key, "Content-Type": "application/json"},
    )

    assert status == 201
    assert body["success"] is True
    uuid.UUID(body["id"])


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-content-type"),
        pytest.param({"Content-Type": "text/plain"}, id="text-plain"),
        pytest.param({"Content-Type": "application/x-www-form-urlencoded"}, id="form-type"),
    ],
)
def test_queue_body_parsed_whatever_content_type(server, headers):
    port, key, database, _ = server

    status, _, body = request(
        port, "POST", "/api/queue", json.dumps({"queue_name": "plain"}).encode(),
        {"X-API-Key": key, **headers},
    )

    assert status == 201, body
    with sqlite3.connect(database) as connection:
        stored = connection.execute("SELECT queue_name FROM Queues WHERE id = ?", (uuid.UUID(body["id"]).hex,)).fetchone()
    assert stored == ("plain",)


def test_trigger_and_vejman_endpoints(server):
    port, key, database, _ = server
    row_id, trigger_id = insert_rows(database)
    json_headers = {"X-API-Key": key, "Content-Type": "application/json"}

    trigger = request(port, "POST", "/api/trigger", b'{"trigger_name": "Genberegn"}', {"X-API-Key": key})
    listed_get = request(port, "GET", "/vejmankassen?status=Ny", None, {"X-API-Key": key})
    listed_post = request(port, "POST", "/api/vejmankassen", b'{"status": "Ny"}', json_headers)
    updated = request(
        port, "POST", "/api/vejmankassen/update",
        json.dumps({"id": row_id, "slutdato": "Fri, 20 Jun 2025", "kvadratmeter": 6}).encode(), json_headers,
    )
    missing = request(port, "POST", "/vejmankassen/update", b'{"id": 999999, "kvadratmeter": 1}', json_headers)

    assert trigger[0] == 200
    assert trigger[2] == {"success": True, "trigger_name": "Genberegn", "new_status": "IDLE"}
    assert listed_get[0] == listed_post[0] == 200
    assert listed_get[2] == listed_post[2]
    assert listed_get[2][0]["Id"] == row_id
    assert listed_get[2][0]["Slutdato"] == "Tue, 10 Jun 2025 00:00:00 GMT"
    assert updated[0] == 200
    assert updated[2] == {"status": "success"}
    assert missing[0] == 404
    with sqlite3.connect(database) as connection:
        assert connection.execute(
            "SELECT process_status FROM Triggers WHERE id = ?", (trigger_id.hex,)
        ).fetchone() == ("IDLE",)
        assert connection.execute(
            "SELECT Slutdato, Kvadratmeter FROM VejmanKassen WHERE Id = ?", (row_id,)
        ).fetchone() == ("2025-06-20", 6.0)


@pytest.mark.parametrize(
    "method, path, body, headers, expected_status",
    [
        pytest.param("GET", "/api/nothing", None, {}, 404, id="unknown-path-no-key"),
        pytest.param("GET", "/api/nothing", None, {"X-API-Key": "KEY"}, 404, id="unknown-path"),
        pytest.param("PUT", "/api/queue", None, {"X-API-Key": "KEY"}, 405, id="wrong-method"),
        pytest.param("DELETE", "/vejmankassen/update", None, {"X-API-Key": "KEY"}, 405, id="delete-update"),
        pytest.param("POST", "/api/queue", b'{"queue_name": "q"}', {}, 401, id="missing-key"),
        pytest.param("POST", "/api/queue", b'{"queue_name": "q"}', {"X-API-Key": "wrong"}, 401, id="wrong-key"),
        pytest.param("POST", "/api/queue", b"[]", {"X-API-Key": "KEY"}, 400, id="array-body"),
        pytest.param("POST", "/api/queue", b"{", {"X-API-Key": "KEY"}, 400, id="invalid-json"),
        pytest.param("POST", "/api/queue", b"\xff\xfe", {"X-API-Key": "KEY"}, 400, id="not-utf-8"),
        pytest.param("POST", "/api/queue", b"[" * 50_000 + b"]" * 50_000, {"X-API-Key": "KEY"}, 400, id="deep-nesting"),
        pytest.param("POST", "/api/queue", json.dumps({"queue_name": "q" * 101}).encode(), {"X-API-Key": "KEY"}, 400,
                     id="queue-name-101"),
        pytest.param("GET", "/vejmankassen", None, {"X-API-Key": "KEY"}, 400, id="status-missing"),
        pytest.param("POST", "/api/trigger", b'{"trigger_name": "absent"}', {"X-API-Key": "KEY"}, 404,
                     id="trigger-absent"),
    ],
)
def test_error_answers_are_json(server, method, path, body, headers, expected_status):
    port, key, _, _ = server
    headers = {name: (key if value == "KEY" else value) for name, value in headers.items()}

    status, response, payload = request(port, method, path, body, headers)

    assert status == expected_status
    assert isinstance(payload["error"], str)
    if status == 401:
        assert response.getheader("WWW-Authenticate") == 'APIKey header="X-API-Key"'


def test_bad_host_header_is_400_json(server):
    port, key, _, _ = server

    status, _, payload = request(port, "GET", "/vejmankassen?status=Ny", None, {"X-API-Key": key, "Host": "evil.example"})

    assert status == 400
    assert payload == {"error": "Bad request."}


def test_server_log_has_no_server_error(server):
    _, _, _, log_path = server

    log = log_path.read_text(encoding="utf-8")

    # Django logs a 5xx as ERROR on django.request; the request log has one
    # line per request, 4xx included.
    assert "ERROR django.request" not in log
    assert "Internal Server Error" not in log
    assert "pyorchestrator.requests GET /api/nothing 404" in log
