"""POST /api/trigger: set the status of SINGLE triggers by name."""

import json
from datetime import datetime

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from triggers.models import QueueTrigger, ScheduledTrigger, SingleTrigger, Trigger
from tests.conftest import API_TEST

pytestmark = API_TEST


def make_single_trigger(name: str, status: str = "RUNNING") -> SingleTrigger:
    return SingleTrigger.objects.create(
        trigger_name=name,
        process_name="Proces",
        process_path="C:/robots/proces.py",
        process_status=status,
        type="SINGLE",
        next_run=datetime(2025, 6, 10, 8, 0),
    )


def make_scheduled_trigger(name: str, status: str = "RUNNING") -> ScheduledTrigger:
    return ScheduledTrigger.objects.create(
        trigger_name=name,
        process_name="Proces",
        process_path="C:/robots/proces.py",
        process_status=status,
        type="SCHEDULED",
        cron_expr="0 6 * * *",
        next_run=datetime(2025, 6, 10, 6, 0),
    )


def statuses() -> dict[str, str]:
    return {str(trigger.id): trigger.process_status for trigger in Trigger.objects.all()}


def test_default_status_is_idle(api_client):
    trigger = make_single_trigger("Genberegn")

    response = api_client.post("/api/trigger", {"trigger_name": "Genberegn"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"success": True, "trigger_name": "Genberegn", "new_status": "IDLE"}
    assert Trigger.objects.get(id=trigger.id).process_status == "IDLE"


@pytest.mark.parametrize("status", ["IDLE", "RUNNING", "FAILED", "DONE", "PAUSED", "PAUSING", "KILLING", "KILLED"])
def test_each_status_member_stored(api_client, status):
    trigger = make_single_trigger("Genberegn", status="DONE" if status != "DONE" else "IDLE")

    response = api_client.post("/api/trigger", {"trigger_name": "Genberegn", "process_status": status}, format="json")

    assert response.status_code == 200
    assert response.json()["new_status"] == status
    assert Trigger.objects.get(id=trigger.id).process_status == status


def test_update_is_one_statement(api_client):
    make_single_trigger("Genberegn")
    make_single_trigger("Genberegn")

    with CaptureQueriesContext(connections["orchestrator"]) as queries:
        response = api_client.post("/api/trigger", {"trigger_name": "Genberegn"}, format="json")

    assert response.status_code == 200
    assert len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"]
    assert sql.startswith('UPDATE "Triggers" SET "process_status"')
    assert "SINGLE" in sql


def test_every_single_trigger_with_name_updated(api_client):
    first = make_single_trigger("Genberegn")
    second = make_single_trigger("Genberegn")

    api_client.post("/api/trigger", {"trigger_name": "Genberegn"}, format="json")

    assert statuses() == {str(first.id): "IDLE", str(second.id): "IDLE"}


def test_other_types_and_names_unchanged(api_client):
    single = make_single_trigger("Genberegn")
    other_name = make_single_trigger("Andet")
    scheduled = make_scheduled_trigger("Genberegn")

    api_client.post("/api/trigger", {"trigger_name": "Genberegn"}, format="json")

    assert statuses() == {str(single.id): "IDLE", str(other_name.id): "RUNNING", str(scheduled.id): "RUNNING"}


def test_name_compared_exactly(api_client):
    make_single_trigger("Genberegn")

    response = api_client.post("/api/trigger", {"trigger_name": "Genberegn "}, format="json")

    assert response.status_code == 404


@pytest.mark.parametrize(
    "setup",
    [
        pytest.param(lambda: None, id="no-triggers"),
        pytest.param(lambda: make_scheduled_trigger("Genberegn"), id="scheduled-only"),
        pytest.param(
            lambda: QueueTrigger.objects.create(
                trigger_name="Genberegn", process_name="P", process_path="p", type="QUEUE",
                queue_name="q", min_batch_size=1,
            ),
            id="queue-only",
        ),
        pytest.param(lambda: make_single_trigger("Andet"), id="other-name"),
    ],
)
def test_no_single_trigger_is_404_json(api_client, setup):
    setup()
    before = statuses()

    response = api_client.post("/api/trigger", {"trigger_name": "Genberegn"}, format="json")

    assert response.status_code == 404
    assert response.json() == {"error": "No SINGLE trigger is named 'Genberegn'."}
    assert statuses() == before


@pytest.mark.parametrize(
    "body, field",
    [
        pytest.param({}, "trigger_name", id="trigger-name-missing"),
        pytest.param({"trigger_name": ""}, "trigger_name", id="trigger-name-empty"),
        pytest.param({"trigger_name": "  "}, "trigger_name", id="trigger-name-blank"),
        pytest.param({"trigger_name": None}, "trigger_name", id="trigger-name-null"),
        pytest.param({"trigger_name": 7}, "trigger_name", id="trigger-name-number"),
        pytest.param({"trigger_name": ["Genberegn"]}, "trigger_name", id="trigger-name-list"),
        pytest.param({"trigger_name": "G" * 101}, "trigger_name", id="trigger-name-101"),
        pytest.param({"trigger_name": "Gen\u0000"}, "trigger_name", id="trigger-name-nul"),
        pytest.param({"trigger_name": "Gen\ud800"}, "trigger_name", id="trigger-name-lone-surrogate"),
        pytest.param({"trigger_name": "Genberegn", "process_status": "idle"}, "process_status", id="status-lower"),
        pytest.param({"trigger_name": "Genberegn", "process_status": "Idle"}, "process_status", id="status-value"),
        pytest.param({"trigger_name": "Genberegn", "process_status": ""}, "process_status", id="status-empty"),
        pytest.param({"trigger_name": "Genberegn", "process_status": None}, "process_status", id="status-null"),
        pytest.param({"trigger_name": "Genberegn", "process_status": 0}, "process_status", id="status-number"),
        pytest.param({"trigger_name": "Genberegn", "process_status": "NEW"}, "process_status", id="status-queue-member"),
    ],
)
def test_invalid_field_rejected_and_nothing_written(api_client, body, field):
    trigger = make_single_trigger("Genberegn")

    response = api_client.generic("POST", "/api/trigger", json.dumps(body), content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert response.json()["error"].startswith(f"{field}: ")
    assert statuses() == {str(trigger.id): "RUNNING"}


def test_name_101_error_names_limit(api_client):
    response = api_client.post("/api/trigger", {"trigger_name": "G" * 101}, format="json")

    assert "100" in response.json()["error"]


def test_name_100_accepted(api_client):
    trigger = make_single_trigger("G" * 100)

    response = api_client.post("/api/trigger", {"trigger_name": "G" * 100}, format="json")

    assert response.status_code == 200
    assert Trigger.objects.get(id=trigger.id).process_status == "IDLE"


@pytest.mark.parametrize(
    "raw_body",
    [
        pytest.param(b"[]", id="array"),
        pytest.param(b'"Genberegn"', id="string"),
        pytest.param(b"null", id="null"),
        pytest.param(b"{", id="invalid-json"),
        pytest.param(b"\xff\xfe", id="not-utf-8"),
    ],
)
def test_bad_body_rejected_and_nothing_written(api_client, raw_body):
    trigger = make_single_trigger("Genberegn")

    response = api_client.generic("POST", "/api/trigger", raw_body, content_type="application/json")

    assert response.status_code == 400
    assert "error" in response.json()
    assert statuses() == {str(trigger.id): "RUNNING"}


def test_text_plain_body_parsed(api_client):
    make_single_trigger("Genberegn")

    response = api_client.generic(
        "POST", "/api/trigger", json.dumps({"trigger_name": "Genberegn"}), content_type="text/plain"
    )

    assert response.status_code == 200
