"""Text that OpenOrchestrator's VARCHAR columns cannot store unchanged gets a 400.

SQL Server stores VARCHAR in the code page of the collation (1252 by
default here): other characters would be replaced, and a value longer in
bytes than the column would fail the INSERT.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured

from pyorchestrator.code_pages import python_codec_for_code_page
from queues.models import QueueElement
from tests.conftest import API_TEST
from triggers.models import Trigger, TriggerType

pytestmark = API_TEST

CODE_PAGE_MESSAGE = "Must contain only characters that code page cp1252 stores; these are not: "


@pytest.mark.parametrize(
    ("body", "field", "characters"),
    [
        pytest.param({"queue_name": "Łódź"}, "queue_name", "Łź", id="queue-name-polish"),
        pytest.param({"queue_name": "q", "data": {"note": "ok 👍"}}, "data", "👍", id="data-object-emoji"),
        pytest.param({"queue_name": "q", "data": "Ω"}, "data", "Ω", id="data-string-greek"),
        pytest.param({"queue_name": "q", "reference": "sag ✓"}, "reference", "✓", id="reference-check-mark"),
        pytest.param({"queue_name": "q", "message": "日本"}, "message", "日本", id="message-cjk"),
        pytest.param({"queue_name": "q", "created_by": "ş@example.dk"}, "created_by", "ş", id="created-by-turkish"),
    ],
)
def test_queue_unstorable_characters_400(api_client, body, field, characters):
    response = api_client.post("/api/queue", body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {field: [CODE_PAGE_MESSAGE + characters]}
    assert response.json()["error"] == f"{field}: {CODE_PAGE_MESSAGE}{characters}"
    assert QueueElement.objects.count() == 0


def test_queue_code_page_text_stored(api_client):
    text = "Søren Ærø betaler 100 € – «ok»"

    response = api_client.post("/api/queue", {"queue_name": text, "data": text}, format="json")

    assert response.status_code == 201
    element = QueueElement.objects.get(id=response.json()["id"])
    assert element.queue_name == text
    assert element.data == text


def test_queue_bytes_over_column_400(api_client, settings):
    # A _UTF8 collation stores VARCHAR as UTF-8, where "æ" takes two bytes.
    settings.ORCHESTRATOR_CODE_PAGE = "65001"

    response = api_client.post("/api/queue", {"queue_name": "q", "data": "æ" * 1001}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "data": ["Must be at most 2000 bytes in code page utf-8; this value is 2002 bytes."]
    }
    assert QueueElement.objects.count() == 0


def test_queue_bytes_limit_from_setting(api_client, settings):
    settings.ORCHESTRATOR_VARCHAR_BYTES = {**settings.ORCHESTRATOR_VARCHAR_BYTES, "Queues.reference": 10}

    response = api_client.post("/api/queue", {"queue_name": "q", "reference": "x" * 11}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "reference": ["Must be at most 10 bytes in code page cp1252; this value is 11 bytes."]
    }


def test_trigger_unstorable_name_400(api_client):
    response = api_client.post("/api/trigger", {"trigger_name": "Ω-robot", "process_status": "IDLE"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"trigger_name": [CODE_PAGE_MESSAGE + "Ω"]}


def test_trigger_code_page_name_found(api_client):
    Trigger.objects.create(
        trigger_name="Kørsel €", process_name="p", process_path="x", type=TriggerType.SINGLE, process_status="FAILED"
    )

    response = api_client.post("/api/trigger", {"trigger_name": "Kørsel €", "process_status": "IDLE"}, format="json")

    assert response.status_code == 200
    assert Trigger.objects.get(trigger_name="Kørsel €").process_status == "IDLE"


@pytest.mark.parametrize(
    ("code_page", "codec"),
    [
        pytest.param("1252", "cp1252", id="number"),
        pytest.param("cp1252", "cp1252", id="python-name"),
        pytest.param("65001", "utf-8", id="utf8-number"),
        pytest.param("UTF-8", "utf-8", id="utf8-name"),
        pytest.param("850", "cp850", id="oem-850"),
    ],
)
def test_code_page_names(code_page, codec):
    assert python_codec_for_code_page(code_page) == codec


def test_code_page_unknown_rejected():
    with pytest.raises(ImproperlyConfigured):
        python_codec_for_code_page("99999")


def test_too_long_value_gets_one_message(api_client):
    response = api_client.post("/api/queue", {"queue_name": "x" * 101}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"queue_name": ["Must be at most 100 characters."]}
