"""The admin console: every page renders, filters and search select the right rows,
actions change exactly the selected rows and log them, in Danish and English."""

import json
import threading
import uuid
from datetime import date, datetime, timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pyorchestrator.local_time import local_now
from queues import statistics
from queues.models import QueueElement, QueueStatus
from triggers.models import QueueTrigger, ScheduledTrigger, SingleTrigger, Trigger, TriggerStatus
from vejman.models import VejmanKassen

# Writes go to the legacy alias and LogEntry to `default`: two connections,
# which a test-wide transaction would lock against each other on SQLite.
pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

QUEUES_URL = "/admin/queues/queueelement/"
OVERVIEW_URL = "/admin/queues/queueelement/overview/"
TRIGGERS_URL = "/admin/triggers/trigger/"
VEJMAN_URL = "/admin/vejman/vejmankassen/"


def _wait_for_history_count():
    thread = statistics._refresh_thread
    if thread is not None:
        thread.join(30)


@pytest.fixture(autouse=True)
def _empty_cache(monkeypatch):
    # A loaded machine may take longer than the production wait to count a
    # few rows; the count thread must also end before the tables are emptied.
    monkeypatch.setattr(statistics, "HISTORY_WAIT_SECONDS", 30)
    cache.clear()
    yield
    _wait_for_history_count()
    cache.clear()


@pytest.fixture
def superuser():
    return User.objects.create_superuser("chef", "chef@example.dk", "kodeord-123")


@pytest.fixture
def console(superuser) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(superuser)
    return client


def make_element(**values) -> QueueElement:
    defaults = {"queue_name": "Borgerbreve", "status": QueueStatus.NEW, "created_date": local_now()}
    return QueueElement.objects.create(**{**defaults, **values})


def make_trigger(model, **values):
    defaults = {"trigger_name": "robot", "process_name": "Robot", "process_path": "C:/robot.py"}
    return model.objects.create(**{**defaults, **values})


def post_action(client, url, action, objects):
    return client.post(
        url,
        {"action": action, "_selected_action": [str(obj.pk) for obj in objects], "index": 0},
        follow=True,
    )


def log_entries(model_instances) -> list[LogEntry]:
    ids = [str(instance.pk) for instance in model_instances]
    return list(LogEntry.objects.filter(object_id__in=ids).order_by("object_id"))


# --- queue elements: pages, filters, search ---


def test_queue_list_renders_in_danish(console):
    make_element(reference="REF-1", status=QueueStatus.FAILED)

    response = console.get(QUEUES_URL)

    assert response.status_code == 200
    text = response.content.decode()
    assert "Vælg køelement, der skal ændres" in text
    assert "Sæt de valgte elementer i kø igen" in text
    assert "Fejlet" in text
    assert "REF-1" in text


def test_queue_list_renders_in_english_on_request(console):
    make_element(reference="REF-1")

    response = console.get(QUEUES_URL, HTTP_ACCEPT_LANGUAGE="en")

    text = response.content.decode()
    assert "Select queue element to change" in text
    assert "Re-queue the selected elements" in text


def test_queue_list_shows_danish_datetime(console):
    make_element(reference="REF-DATO", created_date=datetime(2025, 6, 5, 14, 3, 9))

    response = console.get(QUEUES_URL)

    assert "05.06.2025 14:03:09" in response.content.decode()


@pytest.mark.parametrize(
    "query, expected, unexpected",
    [
        pytest.param({"status__exact": "FAILED"}, ["FAIL-A", "FAIL-B"], ["NEW-A"], id="status"),
        pytest.param({"queue": "Fakturaer"}, ["FAIL-B"], ["FAIL-A", "NEW-A"], id="queue-name"),
        pytest.param({"queue": "Fakturaer", "status__exact": "FAILED"}, ["FAIL-B"], ["FAIL-A"], id="queue-and-status"),
        pytest.param({"q": "FAIL-"}, ["FAIL-A", "FAIL-B"], ["NEW-A", "OLD-A"], id="reference-prefix"),
        pytest.param({"q": "AIL-"}, [], ["FAIL-A", "FAIL-B"], id="reference-not-substring"),
        pytest.param({"q": "OLD-"}, [], ["OLD-A"], id="reference-outside-window"),
        pytest.param({"q": "OLD-", "scope": "all"}, ["OLD-A"], [], id="full-scan-finds-old"),
        pytest.param({"q": "Søren", "scope": "all"}, ["NEW-A"], ["FAIL-A"], id="full-scan-data"),
    ],
)
def test_queue_filter_selects_rows(console, query, expected, unexpected):
    now = local_now()
    make_element(reference="FAIL-A", status=QueueStatus.FAILED)
    make_element(reference="FAIL-B", status=QueueStatus.FAILED, queue_name="Fakturaer")
    make_element(reference="NEW-A", data=json.dumps({"navn": "Søren"}, ensure_ascii=False))
    make_element(reference="OLD-A", created_date=now - timedelta(days=400))

    response = console.get(QUEUES_URL, query)

    assert response.status_code == 200
    text = response.content.decode()
    for reference in expected:
        assert reference in text
    for reference in unexpected:
        assert reference not in text


@pytest.mark.parametrize("lookup", ["today", "past_7_days", "this_month", "this_year"])
def test_queue_date_filter_renders(console, lookup):
    now = local_now()
    make_element(reference="TODAY-1", created_date=now)
    make_element(reference="ANCIENT-1", created_date=now - timedelta(days=800))
    first_link = {
        "today": now.date(),
        "past_7_days": now.date() - timedelta(days=7),
        "this_month": now.date().replace(day=1),
        "this_year": date(now.year, 1, 1),
    }[lookup]

    response = console.get(QUEUES_URL, {"created_date__gte": first_link.isoformat()})

    assert response.status_code == 200
    text = response.content.decode()
    assert "TODAY-1" in text
    assert "ANCIENT-1" not in text


def test_queue_search_by_exact_id(console):
    wanted = make_element(reference="WANTED")
    make_element(reference="OTHER")

    response = console.get(QUEUES_URL, {"q": str(wanted.id)})

    text = response.content.decode()
    assert "WANTED" in text
    assert "OTHER" not in text


def test_queue_name_filter_offers_trigger_and_index_names(console):
    make_element(queue_name="Fra tabellen")
    make_trigger(QueueTrigger, trigger_name="qt", queue_name="Fra triggeren", min_batch_size=1)

    response = console.get(QUEUES_URL)

    text = response.content.decode()
    assert "?queue=Fra+tabellen" in text
    assert "?queue=Fra+triggeren" in text


def test_queue_list_pages_without_count(console):
    start = local_now()
    QueueElement.objects.bulk_create(
        [
            QueueElement(queue_name="q", reference=f"P-{number:03d}", created_date=start - timedelta(minutes=number))
            for number in range(101)
        ]
    )

    first = console.get(QUEUES_URL).content.decode()
    second = console.get(QUEUES_URL, {"p": 2}).content.decode()

    assert 'class="next-page"' in first
    assert "P-000" in first
    assert "P-100" not in first
    assert "P-100" in second
    assert 'class="next-page"' not in second
    assert "1 element på denne side" in second


def test_queue_page_past_end_redirects(console):
    make_element()

    response = console.get(QUEUES_URL, {"p": 5})

    assert response.status_code == 302
    assert "e=1" in response["Location"]


def test_queue_change_form_shows_json_pretty(console):
    element = make_element(data=json.dumps({"navn": "Søren", "liste": [1, 2]}, ensure_ascii=False))

    response = console.get(f"{QUEUES_URL}{element.id}/change/")

    assert response.status_code == 200
    text = response.content.decode()
    assert "&quot;navn&quot;: &quot;Søren&quot;," in text
    assert '<select name="status"' in text
    assert 'name="queue_name"' not in text


def test_queue_change_form_shows_plain_data(console):
    element = make_element(data="ikke json <b>")

    response = console.get(f"{QUEUES_URL}{element.id}/change/")

    assert "ikke json &lt;b&gt;" in response.content.decode()


def test_queue_change_writes_status_and_message_only(console, superuser):
    element = make_element(status=QueueStatus.FAILED, reference="R", data='{"a": 1}', message="timeout")

    response = console.post(
        f"{QUEUES_URL}{element.id}/change/",
        {"status": "DONE", "message": "løst manuelt", "queue_name": "Ændret", "reference": "X"},
    )

    assert response.status_code == 302
    element.refresh_from_db()
    assert element.status == "DONE"
    assert element.message == "løst manuelt"
    assert element.queue_name == "Borgerbreve"
    assert element.reference == "R"
    entry = LogEntry.objects.get(object_id=str(element.id))
    assert entry.user == superuser
    assert entry.action_flag == CHANGE


def test_queue_change_rejects_unknown_status(console):
    element = make_element(status=QueueStatus.FAILED)

    response = console.post(f"{QUEUES_URL}{element.id}/change/", {"status": "Failed", "message": ""})

    assert response.status_code == 200
    element.refresh_from_db()
    assert element.status == "FAILED"


def test_queue_history_page_renders(console):
    element = make_element()

    response = console.get(f"{QUEUES_URL}{element.id}/history/")

    assert response.status_code == 200


# --- queue actions ---


def test_requeue_changes_exactly_selected(console, superuser):
    started = local_now() - timedelta(hours=1)
    first, second, untouched = (
        make_element(status=QueueStatus.FAILED, start_date=started, end_date=started, reference=f"R{number}")
        for number in range(3)
    )

    response = post_action(console, QUEUES_URL, "requeue", [first, second])

    assert "2 elementer er sat i kø igen." in response.content.decode()
    for element in (first, second):
        element.refresh_from_db()
        assert element.status == "NEW"
        assert element.start_date is None
        assert element.end_date is None
    untouched.refresh_from_db()
    assert untouched.status == "FAILED"
    assert untouched.start_date == started
    entries = log_entries([first, second, untouched])
    assert len(entries) == 2
    assert {entry.user_id for entry in entries} == {superuser.pk}
    assert {entry.object_id for entry in entries} == {str(first.id), str(second.id)}


def test_abandon_changes_exactly_selected(console):
    chosen = make_element(status=QueueStatus.FAILED)
    untouched = make_element(status=QueueStatus.FAILED)

    post_action(console, QUEUES_URL, "abandon", [chosen])

    chosen.refresh_from_db()
    untouched.refresh_from_db()
    assert chosen.status == "ABANDONED"
    assert untouched.status == "FAILED"
    assert len(log_entries([chosen, untouched])) == 1


def test_queue_list_offers_no_bulk_delete(console):
    make_element()

    response = console.get(QUEUES_URL)

    assert 'value="delete_selected"' not in response.content.decode()


# --- overview ---


def test_overview_counts_per_queue_and_status(console):
    now = local_now()
    make_element(queue_name="Breve", status=QueueStatus.FAILED)
    make_element(queue_name="Breve", status=QueueStatus.DONE, created_date=now - timedelta(days=90))
    make_element(queue_name="Breve", status=QueueStatus.FAILED, created_date=now - timedelta(days=90))
    make_element(queue_name="Fakturaer", status=QueueStatus.NEW)

    response = console.get(OVERVIEW_URL)

    assert response.status_code == 200
    queues = {summary.queue_name: summary for summary in response.context["overview"].queues}
    assert queues["Breve"].counts == {"FAILED": 2, "DONE": 1}
    assert queues["Breve"].arrivals_24h == 1
    assert queues["Fakturaer"].counts == {"NEW": 1}
    text = response.content.decode()
    assert "Køoverblik" in text
    assert "Seneste 24 timer" in text
    assert "?queue=Breve&amp;status__exact=FAILED" in text


def test_overview_follows_console_changes_of_old_rows(console):
    old = make_element(queue_name="Breve", status=QueueStatus.FAILED, created_date=local_now() - timedelta(days=90))
    console.get(OVERVIEW_URL)

    post_action(console, QUEUES_URL, "requeue", [old])
    response = console.get(OVERVIEW_URL)

    summary = response.context["overview"].queues[0]
    assert summary.counts == {"NEW": 1}


def test_overview_pending_count_shows_recent(console, monkeypatch):
    make_element(queue_name="Breve", status=QueueStatus.FAILED)
    make_element(queue_name="Breve", status=QueueStatus.DONE, created_date=local_now() - timedelta(days=90))

    def count_not_done(split):
        thread = threading.Thread(target=lambda: None)
        thread.start()
        return thread

    monkeypatch.setattr(statistics, "start_history_count", count_not_done)
    response = console.get(OVERVIEW_URL)

    assert response.context["overview"].history_computed_at is None
    assert response.context["overview"].queues[0].counts == {"FAILED": 1}
    assert "de ældre elementer tælles stadig" in response.content.decode()


def test_overview_stale_count_recounted_in_thread(console):
    old = make_element(queue_name="Breve", status=QueueStatus.DONE, created_date=local_now() - timedelta(days=90))
    console.get(OVERVIEW_URL)
    entry = cache.get(statistics.HISTORY_CACHE_KEY)
    entry["computed_at"] -= timedelta(days=1)
    cache.set(statistics.HISTORY_CACHE_KEY, entry, None)
    QueueElement.objects.filter(pk=old.pk).update(status=QueueStatus.FAILED)

    stale = console.get(OVERVIEW_URL).context["overview"]
    _wait_for_history_count()
    fresh = console.get(OVERVIEW_URL).context["overview"]

    assert stale.queues[0].counts == {"DONE": 1}
    assert fresh.queues[0].counts == {"FAILED": 1}
    assert fresh.history_computed_at > stale.history_computed_at


def test_overview_renders_in_english(console):
    make_element()

    response = console.get(OVERVIEW_URL, HTTP_ACCEPT_LANGUAGE="en")

    assert "Queue overview" in response.content.decode()


def test_overview_refresh_renders(console):
    response = console.get(OVERVIEW_URL, {"refresh": "1"})

    assert response.status_code == 200
    assert "Ingen kø har elementer." in response.content.decode()


# --- triggers ---


@pytest.fixture
def triggers():
    now = local_now()
    return {
        "single": make_trigger(SingleTrigger, trigger_name="Brevrobot", type="SINGLE", next_run=now, process_status="DONE"),
        "scheduled": make_trigger(
            ScheduledTrigger, trigger_name="Morgenrobot", type="SCHEDULED", next_run=now, cron_expr="0 6 * * *"
        ),
        "queue": make_trigger(QueueTrigger, trigger_name="Kørobot", type="QUEUE", queue_name="Breve", min_batch_size=5),
        "running": make_trigger(
            SingleTrigger, trigger_name="Travl robot", type="SINGLE", next_run=now, process_status="RUNNING"
        ),
    }


def test_trigger_list_queries_independent_of_rows(console, triggers):
    with CaptureQueriesContext(connections["orchestrator"]) as few:
        response = console.get(TRIGGERS_URL)
    for number in range(5):
        make_trigger(ScheduledTrigger, trigger_name=f"Ekstra {number}", type="SCHEDULED", next_run=local_now(), cron_expr="* * * * *")
    with CaptureQueriesContext(connections["orchestrator"]) as many:
        console.get(TRIGGERS_URL)

    assert len(many.captured_queries) == len(few.captured_queries)
    assert response.status_code == 200
    text = response.content.decode()
    assert "0 6 * * *" in text
    assert "Breve, mindst 5 nye" in text
    assert "Genaktivér de valgte enkeltkørsels-triggere" in text


@pytest.mark.parametrize(
    "query, expected, unexpected",
    [
        pytest.param({"type__exact": "SINGLE"}, ["Brevrobot"], ["Morgenrobot"], id="type"),
        pytest.param({"process_status__exact": "RUNNING"}, ["Travl robot"], ["Morgenrobot"], id="status"),
        pytest.param({"q": "Morgenrobot"}, ["Morgenrobot"], ["Travl robot"], id="search"),
    ],
)
def test_trigger_filter_selects_rows(console, triggers, query, expected, unexpected):
    response = console.get(TRIGGERS_URL, query)

    text = response.content.decode()
    for name in expected:
        assert f">{name}</a>" in text
    for name in unexpected:
        assert f">{name}</a>" not in text


@pytest.mark.parametrize("kind", ["single", "scheduled", "queue"])
def test_trigger_change_form_renders(console, triggers, kind):
    response = console.get(f"{TRIGGERS_URL}{triggers[kind].pk}/change/")

    assert response.status_code == 200
    assert '<select name="process_status"' in response.content.decode()


def test_single_trigger_change_writes_next_run(console, triggers, superuser):
    trigger = triggers["single"]

    response = console.post(
        f"{TRIGGERS_URL}{trigger.pk}/change/",
        {"process_status": "IDLE", "next_run_0": "24.12.2026", "next_run_1": "18:30:00"},
    )

    assert response.status_code == 302
    trigger = SingleTrigger.objects.get(pk=trigger.pk)
    assert trigger.process_status == "IDLE"
    assert trigger.next_run == datetime(2026, 12, 24, 18, 30)
    assert LogEntry.objects.get(object_id=str(trigger.pk)).user == superuser


def test_scheduled_trigger_cron_change_sets_next_run(console, triggers):
    trigger = triggers["scheduled"]
    form_next_run = trigger.next_run

    response = console.post(
        f"{TRIGGERS_URL}{trigger.pk}/change/",
        {
            "process_status": "IDLE",
            "cron_expr": "15 7 * * *",
            "next_run_0": form_next_run.strftime("%d.%m.%Y"),
            "next_run_1": form_next_run.strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 302
    trigger = ScheduledTrigger.objects.get(pk=trigger.pk)
    assert trigger.cron_expr == "15 7 * * *"
    assert (trigger.next_run.hour, trigger.next_run.minute) == (7, 15)


def test_scheduled_trigger_rejects_bad_cron(console, triggers):
    trigger = triggers["scheduled"]

    response = console.post(
        f"{TRIGGERS_URL}{trigger.pk}/change/",
        {"process_status": "IDLE", "cron_expr": "hver dag", "next_run_0": "24.12.2026", "next_run_1": "18:30:00"},
    )

    assert response.status_code == 200
    assert "Angiv et gyldigt cron-udtryk" in response.content.decode()
    assert ScheduledTrigger.objects.get(pk=trigger.pk).cron_expr == "0 6 * * *"


def test_queue_trigger_change_writes_batch_size(console, triggers):
    trigger = triggers["queue"]

    response = console.post(
        f"{TRIGGERS_URL}{trigger.pk}/change/",
        {"process_status": "PAUSED", "queue_name": "Breve", "min_batch_size": "10"},
    )

    assert response.status_code == 302
    trigger = QueueTrigger.objects.get(pk=trigger.pk)
    assert trigger.min_batch_size == 10
    assert trigger.process_status == "PAUSED"


def test_rearm_changes_only_single_not_running(console, triggers):
    selected = [triggers["single"], triggers["scheduled"], triggers["running"]]

    response = post_action(console, TRIGGERS_URL, "rearm", selected)

    statuses = dict(Trigger.objects.values_list("trigger_name", "process_status"))
    assert statuses == {"Brevrobot": "IDLE", "Morgenrobot": "IDLE", "Kørobot": "IDLE", "Travl robot": "RUNNING"}
    assert len(log_entries(selected)) == 1
    assert "2 triggere blev sprunget over" in response.content.decode()


def test_pause_sets_pausing_for_running(console, triggers):
    selected = [triggers["scheduled"], triggers["running"]]

    post_action(console, TRIGGERS_URL, "pause", selected)

    statuses = dict(Trigger.objects.values_list("trigger_name", "process_status"))
    assert statuses["Morgenrobot"] == TriggerStatus.PAUSED
    assert statuses["Travl robot"] == TriggerStatus.PAUSING
    assert statuses["Kørobot"] == TriggerStatus.IDLE
    assert len(log_entries(selected)) == 2


def test_trigger_delete_removes_subtable_row(console, triggers):
    trigger = triggers["single"]

    response = console.post(f"{TRIGGERS_URL}{trigger.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Trigger.objects.filter(pk=trigger.pk).exists()
    assert not SingleTrigger.objects.filter(pk=trigger.pk).exists()


# --- VejmanKassen ---


@pytest.fixture
def vejman_rows():
    return [
        VejmanKassen.objects.create(
            henstilling_id="H-1", cvr=12345678, firma_navn="Stillads A/S", adresse="Vestergade 1",
            faktura_status="Ny", tilladelsestype="Henstilling Stillads m2",
        ),
        VejmanKassen.objects.create(
            henstilling_id="H-2", cvr=87654321, firma_navn="Container ApS", adresse="Østergade 2",
            faktura_status="Afventer svar", tilladelsestype="Container",
        ),
        VejmanKassen.objects.create(henstilling_id="H-3", firma_navn="Tredje", faktura_status="Ny"),
    ]


@pytest.mark.parametrize(
    "query, expected, unexpected",
    [
        pytest.param({"faktura_status": "Ny"}, ["H-1", "H-3"], ["H-2"], id="status-known"),
        pytest.param({"faktura_status": "Afventer svar"}, ["H-2"], ["H-1"], id="status-other"),
        pytest.param({"q": "H-2"}, ["H-2"], ["H-1"], id="henstilling"),
        pytest.param({"q": "12345678"}, ["H-1"], ["H-2"], id="cvr"),
        pytest.param({"q": "Container"}, ["H-2"], ["H-1"], id="firma"),
        pytest.param({"q": "Vestergade"}, ["H-1"], ["H-2"], id="adresse"),
    ],
)
def test_vejman_filter_selects_rows(console, vejman_rows, query, expected, unexpected):
    response = console.get(VEJMAN_URL, query)

    assert response.status_code == 200
    text = response.content.decode()
    for henstilling in expected:
        assert f">{henstilling}</a>" in text
    for henstilling in unexpected:
        assert f">{henstilling}</a>" not in text


def test_vejman_form_keeps_other_status(console, vejman_rows):
    row = vejman_rows[1]

    response = console.get(f"{VEJMAN_URL}{row.pk}/change/")

    text = response.content.decode()
    assert '<option value="Afventer svar" selected>' in text
    assert '<option value="Til fakturering">' in text
    assert '<option value="Henstilling Stillads m2">' in text


def test_vejman_change_writes_editable_columns(console, vejman_rows, superuser):
    row = vejman_rows[0]

    response = console.post(
        f"{VEJMAN_URL}{row.pk}/change/",
        {
            "faktura_status": "Fakturer ikke",
            "kvadratmeter": "12,5",
            "tilladelsestype": "Container",
            "slutdato": "30.06.2025",
            "firma_navn": "Ændret",
        },
    )

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.faktura_status == "Fakturer ikke"
    assert row.kvadratmeter == 12.5
    assert row.tilladelsestype == "Container"
    assert row.slutdato == date(2025, 6, 30)
    assert row.firma_navn == "Stillads A/S"
    assert LogEntry.objects.get(object_id=str(row.pk)).user == superuser


def test_vejman_rejects_negative_area(console, vejman_rows):
    row = vejman_rows[0]

    response = console.post(
        f"{VEJMAN_URL}{row.pk}/change/",
        {"faktura_status": "Ny", "kvadratmeter": "-1", "tilladelsestype": "", "slutdato": ""},
    )

    assert response.status_code == 200
    row.refresh_from_db()
    assert row.kvadratmeter is None


def test_til_fakturering_changes_exactly_selected(console, vejman_rows):
    chosen = vejman_rows[:2]

    post_action(console, VEJMAN_URL, "mark_for_invoicing", chosen)

    statuses = dict(VejmanKassen.objects.values_list("henstilling_id", "faktura_status"))
    assert statuses == {"H-1": "Til fakturering", "H-2": "Til fakturering", "H-3": "Ny"}
    assert len(log_entries(vejman_rows)) == 2


# --- API messages in Danish ---


def test_api_error_in_danish_on_request(client):
    response = client.post(
        "/api/queue", {"queue_name": "q"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="da"
    )

    assert response.json() == {"error": "Headeren X-API-Key mangler."}


def test_api_error_in_english_by_default(client):
    response = client.post("/api/queue", {"queue_name": "q"}, content_type="application/json")

    assert response.json() == {"error": "The X-API-Key header is missing."}


def test_unknown_element_id_is_not_500(console):
    response = console.get(f"{QUEUES_URL}{uuid.uuid4()}/change/")

    assert response.status_code == 302


def test_queue_search_shows_no_count(console):
    make_element(reference="REF-1")

    response = console.get(QUEUES_URL, {"q": "REF"})

    text = response.content.decode()
    assert "REF-1" in text
    assert "resultat" not in text


@pytest.mark.parametrize(
    "query",
    [
        pytest.param({"p": "abc"}, id="page-not-number"),
        pytest.param({"p": "0"}, id="page-zero"),
        pytest.param({"p": "-1"}, id="page-negative"),
        pytest.param({"q": "50%_\\"}, id="search-like-wildcards"),
        pytest.param({"q": "x" * 500}, id="search-long"),
        pytest.param({"queue": "findes ikke"}, id="unknown-queue"),
        pytest.param({"status__exact": "bogus"}, id="unknown-status"),
        pytest.param({"created_date__gte": "ikke en dato"}, id="invalid-date"),
        pytest.param({"scope": "everything"}, id="unknown-scope"),
    ],
)
def test_queue_list_bad_query_not_500(console, query):
    make_element(reference="REF-1")

    response = console.get(QUEUES_URL, query)

    assert response.status_code in (200, 302)
