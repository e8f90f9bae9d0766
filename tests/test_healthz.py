"""`GET /healthz`, the admin's static files and the log format, in process."""

import json
import logging

import pytest
from django.test import Client
from pythonjsonlogger.json import JsonFormatter

from tests.conftest import API_TEST

pytestmark = API_TEST


def test_healthz_without_key():
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "databases": {"default": "ok", "orchestrator": "ok", "vejman": "ok"}}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_healthz_other_method_json_405(method):
    response = getattr(Client(), method)("/healthz")

    assert response.status_code == 405
    assert response.json() == {"error": "Method not allowed; use GET."}


def test_healthz_reveals_no_details():
    body = Client().get("/healthz").content.decode()

    for detail in ("sqlite", "postgres", "mssql", "127.0.0.1", "var/", "version"):
        assert detail not in body.lower()


def test_admin_static_without_collectstatic():
    response = Client().get("/static/admin/css/base.css")

    assert response.status_code == 200
    assert b"".join(response.streaming_content)


def test_json_log_formatter_line(settings):
    formatter_config = settings.LOGGING["formatters"]["json"]
    formatter = JsonFormatter(formatter_config["fmt"], rename_fields=formatter_config["rename_fields"])
    record = logging.LogRecord("queues.services", logging.INFO, __file__, 1, "Created %s", ("x",), None)

    line = json.loads(formatter.format(record))

    assert line["level"] == "INFO"
    assert line["logger"] == "queues.services"
    assert line["message"] == "Created x"
    assert "time" in line


def test_caught_error_logged(api_client, caplog):
    with caplog.at_level(logging.INFO, logger="pyorchestrator.exceptions"):
        api_client.post("/api/queue", {"queue_name": 5}, format="json")

    messages = [record.getMessage() for record in caplog.records if record.name == "pyorchestrator.exceptions"]
    assert messages == ["Answered 400 to QueueElementsView: ValidationError: queue_name: Must be a string."]
