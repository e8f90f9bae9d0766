"""create_demo_data: the README's examples work on a fresh development database."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from queues.models import QueueElement
from tests.conftest import API_TEST, read_json
from triggers.models import SingleTrigger, Trigger
from vejman.models import VejmanKassen

pytestmark = API_TEST


def test_demo_rows_serve_readme_examples(api_client):
    call_command("create_demo_data", verbosity=0)

    trigger = api_client.post(
        "/api/trigger", {"trigger_name": "Genberegn ejendomsskat", "process_status": "IDLE"}, format="json"
    )
    listing = api_client.post("/api/vejmankassen", {"status": "Ny"}, format="json")

    assert trigger.status_code == 200
    assert trigger.json() == {"success": True, "trigger_name": "Genberegn ejendomsskat", "new_status": "IDLE"}
    assert [row["HenstillingId"] for row in read_json(listing)] == ["H-2025-0142"]
    assert read_json(listing)[0]["Slutdato"] == "Tue, 10 Jun 2025 00:00:00 GMT"
    assert QueueElement.objects.filter(queue_name="Borgerbreve", status="FAILED").count() == 2


def test_demo_data_added_once():
    call_command("create_demo_data", verbosity=0)
    call_command("create_demo_data", verbosity=0)

    assert SingleTrigger.objects.count() == 1
    assert Trigger.objects.count() == 3
    assert VejmanKassen.objects.count() == 3


def test_demo_data_refused_in_production(settings):
    settings.IS_PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        call_command("create_demo_data", verbosity=0)

    assert not Trigger.objects.exists()
