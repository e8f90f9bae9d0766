"""Naive Europe/Copenhagen local time, as the legacy tables store datetimes."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from django.db import connections
from django.test import override_settings

from pyorchestrator.local_time import local_now, to_local_naive
from queues.models import QueueElement
from tests.conftest import API_TEST

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

# Europe/Copenhagen moves to summer time (UTC+2) at 01:00 UTC on
# 2025-03-30 and back to winter time (UTC+1) at 01:00 UTC on 2025-10-26.
OFFSET_CASES = [
    pytest.param("2025-04-26T12:00:00Z", datetime(2025, 4, 26, 14, 0), id="summer-utc"),
    pytest.param("2025-04-26T12:00:00+02:00", datetime(2025, 4, 26, 12, 0), id="summer-local-offset"),
    pytest.param("2025-01-15T12:00:00-05:00", datetime(2025, 1, 15, 18, 0), id="winter-negative-offset"),
    pytest.param("2025-01-15T12:00:00.123456Z", datetime(2025, 1, 15, 13, 0, 0, 123456), id="microseconds-kept"),
    pytest.param("2025-03-30T00:59:59Z", datetime(2025, 3, 30, 1, 59, 59), id="spring-before-change"),
    pytest.param("2025-03-30T01:00:00Z", datetime(2025, 3, 30, 3, 0, 0), id="spring-at-change"),
    pytest.param("2025-03-30T01:30:00+00:00", datetime(2025, 3, 30, 3, 30), id="spring-after-change"),
    pytest.param("2025-10-26T00:59:59Z", datetime(2025, 10, 26, 2, 59, 59), id="autumn-before-change"),
    pytest.param("2025-10-26T01:00:00Z", datetime(2025, 10, 26, 2, 0, 0), id="autumn-at-change"),
    pytest.param("2025-10-26T00:30:00Z", datetime(2025, 10, 26, 2, 30), id="autumn-first-02-30"),
    pytest.param("2025-10-26T01:30:00Z", datetime(2025, 10, 26, 2, 30), id="autumn-second-02-30"),
    pytest.param("2025-12-31T23:30:00Z", datetime(2026, 1, 1, 0, 30), id="new-year-crossed"),
]

NAIVE_CASES = [
    pytest.param("2025-04-26T12:00:00", datetime(2025, 4, 26, 12, 0), id="summer"),
    pytest.param("2025-04-26 12:00", datetime(2025, 4, 26, 12, 0), id="space-no-seconds"),
    # 02:30 does not exist in Copenhagen on this day; a naive value is kept as sent.
    pytest.param("2025-03-30T02:30:00", datetime(2025, 3, 30, 2, 30), id="spring-gap"),
    pytest.param("2025-10-26T02:30:00", datetime(2025, 10, 26, 2, 30), id="autumn-repeated-hour"),
]


@pytest.mark.parametrize("text, expected", OFFSET_CASES + NAIVE_CASES)
def test_to_local_naive(text, expected):
    assert to_local_naive(datetime.fromisoformat(text.replace("Z", "+00:00"))) == expected


@override_settings(TIME_ZONE="UTC")
def test_to_local_naive_follows_time_zone_setting():
    assert to_local_naive(datetime(2025, 4, 26, 12, 0, tzinfo=timezone(timedelta(hours=2)))) == datetime(
        2025, 4, 26, 10, 0
    )


def test_local_now_is_copenhagen_not_utc():
    before = datetime.now(COPENHAGEN).replace(tzinfo=None)
    now = local_now()
    after = datetime.now(COPENHAGEN).replace(tzinfo=None)

    assert now.tzinfo is None
    assert before <= now <= after
    # Copenhagen is always one or two hours ahead of UTC.
    utc_now = datetime.now(timezone.utc).replace(tzinfo=None)
    assert timedelta(minutes=55) < now - utc_now < timedelta(hours=2, minutes=5)


@pytest.mark.parametrize("text, expected", OFFSET_CASES + NAIVE_CASES)
@API_TEST
def test_created_date_stored_as_local_time(api_client, text, expected):
    response = api_client.post("/api/queue", {"queue_name": "q", "created_date": text}, format="json")

    assert response.status_code == 201
    assert QueueElement.objects.get(id=response.json()["id"]).created_date == expected


@API_TEST
def test_created_date_column_holds_naive_text_or_timestamp(api_client):
    api_client.post("/api/queue", {"queue_name": "q", "created_date": "2025-03-30T01:00:00Z"}, format="json")

    connection = connections["orchestrator"]
    # Django's SQLite connection converts a datetime column on read; CAST
    # shows the text in the file.
    column = 'CAST("created_date" AS TEXT)' if connection.vendor == "sqlite" else '"created_date"'
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT {column} FROM "Queues"')
        (stored,) = cursor.fetchone()

    if connection.vendor == "sqlite":
        # SQLAlchemy reads this text form back as the same naive datetime.
        assert stored == "2025-03-30 03:00:00"
    else:
        assert stored == datetime(2025, 3, 30, 3, 0)


@API_TEST
def test_default_created_date_is_local_now(api_client):
    before = local_now()
    response = api_client.post("/api/queue", {"queue_name": "q"}, format="json")
    after = local_now()

    created = QueueElement.objects.get(id=response.json()["id"]).created_date
    assert before <= created <= after


@API_TEST
def test_null_created_date_is_local_now(api_client):
    before = local_now()
    response = api_client.post("/api/queue", {"queue_name": "q", "created_date": None}, format="json")
    after = local_now()

    created = QueueElement.objects.get(id=response.json()["id"]).created_date
    assert before <= created <= after
