"""OpenOrchestrator 3.0.0 reads back exactly what the API writes.

For each test the orchestrator tables are created by OpenOrchestrator's own
SQLAlchemy models (`Base.metadata.create_all`) in place of the ones
`create_unmanaged_tables` made, and the rows the API writes are read with
OpenOrchestrator's `db_util` functions, as its scheduler and robots do.
"""

import json
import uuid
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connections, router
from OpenOrchestrator.database import db_util
from OpenOrchestrator.database.base import Base
from OpenOrchestrator.database.queues import QueueStatus
from OpenOrchestrator.database.triggers import TriggerStatus
from sqlalchemy import create_engine
from sqlalchemy.engine import URL

from pyorchestrator.management.commands.create_unmanaged_tables import legacy_models
from tests.conftest import API_TEST

pytestmark = API_TEST


def sqlalchemy_url(settings_dict: dict, vendor: str) -> URL:
    """Return the SQLAlchemy URL of the database a Django connection uses."""
    if vendor == "sqlite":
        return URL.create("sqlite", database=settings_dict["NAME"])
    if vendor == "postgresql":
        return URL.create(
            "postgresql+psycopg",
            username=settings_dict["USER"] or None,
            password=settings_dict["PASSWORD"] or None,
            host=settings_dict["HOST"] or None,
            port=int(settings_dict["PORT"]) if settings_dict["PORT"] else None,
            database=settings_dict["NAME"],
        )
    pytest.skip(f"No SQLAlchemy URL is built for the {vendor} backend in these tests.")


@pytest.fixture
def openorchestrator_tables(django_db_blocker):
    """Swap the orchestrator tables for OpenOrchestrator's own for one test."""
    connection = connections["orchestrator"]
    orchestrator_models = [model for model in legacy_models() if router.db_for_write(model) == "orchestrator"]
    url = sqlalchemy_url(connection.settings_dict, connection.vendor)

    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            for model in reversed(orchestrator_models):
                editor.delete_model(model)
        connection.close()

    engine = create_engine(url)
    Base.metadata.create_all(engine)
    assert db_util.connect(url.render_as_string(hide_password=False))
    try:
        yield
    finally:
        db_util.disconnect()
        Base.metadata.drop_all(engine)
        engine.dispose()
        with django_db_blocker.unblock():
            call_command("create_unmanaged_tables", "--skip-existing", verbosity=0)


def post_queue_element(api_client, **body) -> uuid.UUID:
    response = api_client.post("/api/queue", body, format="json")
    assert response.status_code == 201, response.json()
    return uuid.UUID(response.json()["id"])


def test_queue_elements_taken_in_created_date_order(api_client, openorchestrator_tables):
    data_object = {"navn": "Søren Ærø", "beløb": 12.5, "linjer": [1, None, True], "tekst": "\"citat\"\n"}
    # Posted out of order; the expected local times are Europe/Copenhagen
    # summer time (UTC+2) on 2025-04-26.
    post_queue_element(api_client, queue_name="Breve", reference="14:45",
                       created_date="2025-04-26T13:45:00+01:00", data="tekst som den er")
    post_queue_element(api_client, queue_name="Breve", reference="now", data=["a", "ø"])
    post_queue_element(api_client, queue_name="Breve", reference="14:00",
                       created_date="2025-04-26T12:00:00Z", data=data_object)
    post_queue_element(api_client, queue_name="Breve", reference="13:30",
                       created_date="2025-04-26T13:30:00")
    post_queue_element(api_client, queue_name="Andet", reference="other queue",
                       created_date="2025-04-26T00:00:00")

    taken = [db_util.get_next_queue_element("Breve") for _ in range(4)]

    assert [element.reference for element in taken] == ["13:30", "14:00", "14:45", "now"]
    assert [element.created_date for element in taken[:3]] == [
        datetime(2025, 4, 26, 13, 30),
        datetime(2025, 4, 26, 14, 0),
        datetime(2025, 4, 26, 14, 45),
    ]
    assert taken[0].data is None
    assert taken[1].data == json.dumps(data_object, ensure_ascii=False)
    assert json.loads(taken[1].data) == data_object
    assert taken[2].data == "tekst som den er"
    assert taken[3].data == '["a", "ø"]'
    assert all(element.status == QueueStatus.IN_PROGRESS for element in taken)
    assert db_util.get_next_queue_element("Breve") is None


def test_queue_element_fields_read_back(api_client, openorchestrator_tables):
    element_id = post_queue_element(
        api_client, queue_name="Breve", reference="form-17", created_by="borger@example.dk",
        message="m" * 1000, data="d" * 2000, created_date="2025-10-26T01:30:00Z",
    )

    element = db_util.get_queue_element(element_id)

    assert element.id == element_id
    assert element.queue_name == "Breve"
    assert element.reference == "form-17"
    assert element.created_by == "borger@example.dk"
    assert element.message == "m" * 1000
    assert element.data == "d" * 2000
    # 01:30 UTC is after the change back to winter time (UTC+1).
    assert element.created_date == datetime(2025, 10, 26, 2, 30)
    assert element.status == QueueStatus.NEW


def test_queue_statuses_load_as_enums(api_client, openorchestrator_tables):
    ids = {status: post_queue_element(api_client, queue_name="Breve", status=status.name) for status in QueueStatus}

    for status, element_id in ids.items():
        assert db_util.get_queue_element(element_id).status is status


def test_single_trigger_rearmed_by_idle(api_client, openorchestrator_tables):
    trigger_id = db_util.create_single_trigger(
        "Genberegn", "Proces", datetime.now() - timedelta(minutes=5), "C:/robots/proces", "", False, False, 0
    )
    assert db_util.begin_single_trigger(trigger_id)
    assert db_util.get_pending_single_triggers() == []

    response = api_client.post("/api/trigger", {"trigger_name": "Genberegn", "process_status": "IDLE"}, format="json")

    assert response.status_code == 200
    assert [trigger.id for trigger in db_util.get_pending_single_triggers()] == [trigger_id]


@pytest.mark.parametrize("status", list(TriggerStatus), ids=lambda status: status.name)
def test_trigger_statuses_load_as_enums(api_client, openorchestrator_tables, status):
    trigger_id = db_util.create_single_trigger(
        "Genberegn", "Proces", datetime(2025, 6, 10, 8, 0), "C:/robots/proces", "", False, False, 0
    )

    response = api_client.post("/api/trigger", {"trigger_name": "Genberegn", "process_status": status.name}, format="json")

    assert response.status_code == 200
    assert db_util.get_trigger(trigger_id).process_status is status


def test_only_single_trigger_changed(api_client, openorchestrator_tables):
    scheduled_id = db_util.create_scheduled_trigger(
        "Genberegn", "Proces", "0 6 * * *", datetime(2025, 6, 10, 6, 0), "C:/robots/proces", "", False, False, 0
    )
    queue_id = db_util.create_queue_trigger("Genberegn", "Proces", "Breve", "C:/robots/proces", "", False, False, 1, 0)
    for trigger_id in (scheduled_id, queue_id):
        db_util.set_trigger_status(trigger_id, TriggerStatus.FAILED)

    response = api_client.post("/api/trigger", {"trigger_name": "Genberegn"}, format="json")

    assert response.status_code == 404
    assert db_util.get_trigger(scheduled_id).process_status is TriggerStatus.FAILED
    assert db_util.get_trigger(queue_id).process_status is TriggerStatus.FAILED


def test_tables_are_openorchestrators_own(openorchestrator_tables):
    connection = connections["orchestrator"]

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT udt_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = 'Queues' AND column_name = 'status'"
            )
            # SQLAlchemy makes a native enum type on PostgreSQL.
            assert cursor.fetchone() == ("queuestatus",)
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'Logs'")
            # Only OpenOrchestrator's metadata has the Logs table.
            assert cursor.fetchone() == ("Logs",)
