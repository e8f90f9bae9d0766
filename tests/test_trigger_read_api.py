"""GET /api/trigger/<name>: type, status, last run and next run."""

from datetime import datetime

from triggers.models import QueueTrigger, ScheduledTrigger, SingleTrigger, TriggerStatus, TriggerType
from tests.conftest import API_TEST

pytestmark = API_TEST

COMMON = {"process_name": "Proces", "process_path": "https://git.example/robot.git"}


def test_single_trigger(checked_client):
    trigger = SingleTrigger.objects.create(
        trigger_name="Borgerbreve", type=TriggerType.SINGLE, process_status=TriggerStatus.IDLE,
        last_run=datetime(2025, 4, 26, 7, 0), next_run=datetime(2025, 4, 27, 7, 0), **COMMON,
    )

    response = checked_client.get("/api/trigger/Borgerbreve")

    assert response.status_code == 200
    assert response.json() == {
        "trigger_name": "Borgerbreve",
        "triggers": [
            {
                "id": str(trigger.id),
                "type": "SINGLE",
                "process_name": "Proces",
                "process_status": "IDLE",
                "last_run": "2025-04-26T07:00:00+02:00",
                "next_run": "2025-04-27T07:00:00+02:00",
                "cron_expr": None,
                "queue_name": None,
                "min_batch_size": None,
            }
        ],
    }


def test_scheduled_trigger_has_cron_and_next_run(checked_client):
    ScheduledTrigger.objects.create(
        trigger_name="Nat", type=TriggerType.SCHEDULED, cron_expr="0 2 * * *",
        next_run=datetime(2025, 1, 2, 2, 0), **COMMON,
    )

    trigger = checked_client.get("/api/trigger/Nat").json()["triggers"][0]

    assert trigger["type"] == "SCHEDULED"
    assert trigger["cron_expr"] == "0 2 * * *"
    assert trigger["next_run"] == "2025-01-02T02:00:00+01:00"
    assert trigger["last_run"] is None


def test_queue_trigger_has_no_next_run(checked_client):
    QueueTrigger.objects.create(
        trigger_name="Kø", type=TriggerType.QUEUE, queue_name="Borgerbreve", min_batch_size=5, **COMMON
    )

    trigger = checked_client.get("/api/trigger/K%C3%B8").json()["triggers"][0]

    assert trigger["type"] == "QUEUE"
    assert trigger["next_run"] is None
    assert trigger["queue_name"] == "Borgerbreve"
    assert trigger["min_batch_size"] == 5


def test_shared_name_lists_every_trigger(checked_client):
    SingleTrigger.objects.create(trigger_name="Fælles navn", type=TriggerType.SINGLE, next_run=datetime(2025, 1, 1), **COMMON)
    QueueTrigger.objects.create(
        trigger_name="Fælles navn", type=TriggerType.QUEUE, queue_name="q", min_batch_size=1, **COMMON
    )

    response = checked_client.get("/api/trigger/F%C3%A6lles%20navn/")

    assert [trigger["type"] for trigger in response.json()["triggers"]] == ["QUEUE", "SINGLE"]


def test_unknown_trigger_is_404(checked_client):
    response = checked_client.get("/api/trigger/nope")

    assert response.status_code == 404
    assert response.json() == {"error": "No trigger is named 'nope'."}


def test_post_to_named_trigger_is_405(checked_client):
    response = checked_client.post("/api/trigger/Borgerbreve", {}, format="json")

    assert response.status_code == 405
