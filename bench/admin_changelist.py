"""Time the queue pages of the admin console on a `Queues` table of 10 thousand and 1 million rows.

Run with `make bench-admin` (or `.venv/bin/python bench/admin_changelist.py`).
Each size gets a fresh SQLite file under var/bench/, filled by one
executemany in one transaction. The rows arrive at a constant rate of
ROWS_PER_DAY over 20 queues, so the larger table contains a longer history,
as a production table grows; statuses are mostly DONE, with failures
spread over the whole history and NEW/IN_PROGRESS in the last two days.

The pages are rendered in-process with Django's test client, logged in as
a superuser, and each time is the median of REPEATS runs after one warm-up.
The overview is timed three ways: with no cached count of the older rows
("cold": the request starts the full count in a thread and waits for it at
most HISTORY_WAIT_SECONDS), with a cached count past its period ("stale":
served at once while a thread counts again), and within the cache period.
"""

import argparse
import io
import os
import random
import shutil
import sqlite3
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = PROJECT_DIR / "var" / "bench"
SIZES = (10_000, 1_000_000)
ROWS_PER_DAY = 1_000
QUEUE_COUNT = 20
REPEATS = 5
GOAL_RATIO = 3.0
GOAL_SECONDS = 1.0
# Pages printed for information, outside the goal: the first overview after
# a start counts the whole table, and a queue + status filter reads every
# row of that queue because no index of Queues covers status.
INFORMATION_ONLY = {"overview (cold cache)", "filtered: queue + FAILED"}


def configure_django(var_dir: Path) -> None:
    """Point the settings at a SQLite file under `var_dir` and set Django up."""
    os.environ["PYORCHESTRATOR_VAR_DIR"] = str(var_dir)
    for name in ("DATABASE_URL", "ORCHESTRATOR_DATABASE_URL", "VEJMAN_DATABASE_URL"):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pyorchestrator.settings")
    sys.path.insert(0, str(PROJECT_DIR))

    import django

    django.setup()


def fill_queues(database: Path, size: int, now: datetime) -> dict:
    """Insert `size` rows into Queues in one transaction; return a few rows to look up."""
    rng = random.Random(size)
    queue_names = [f"Kø {number:02d} borgerbreve" for number in range(QUEUE_COUNT)]
    span_seconds = size / ROWS_PER_DAY * 86_400
    step = span_seconds / size
    recent = now - timedelta(days=2)

    def rows():
        for position in range(size):
            created = now - timedelta(seconds=span_seconds - position * step)
            if created >= recent:
                status = rng.choice(("NEW", "NEW", "IN_PROGRESS", "DONE", "FAILED"))
            else:
                status = rng.choices(("DONE", "FAILED", "ABANDONED"), weights=(95, 4, 1))[0]
            started = created + timedelta(minutes=5) if status != "NEW" else None
            ended = started + timedelta(seconds=40) if status in ("DONE", "FAILED", "ABANDONED") else None
            queue_name = queue_names[position % QUEUE_COUNT]
            yield (
                uuid.UUID(int=rng.getrandbits(128), version=4).hex,
                queue_name,
                status,
                f'{{"cpr": "0101{position % 10000:04d}", "sag": {position}, "navn": "Søren Ærø"}}',
                f"REF-{position:08d}",
                created.isoformat(sep=" ", timespec="microseconds"),
                started.isoformat(sep=" ", timespec="microseconds") if started else None,
                ended.isoformat(sep=" ", timespec="microseconds") if ended else None,
                "Fejl: timeout" if status == "FAILED" else None,
                "bench@example.dk",
            )

    connection = sqlite3.connect(database)
    with connection:
        connection.executemany(
            'INSERT INTO "Queues" (id, queue_name, status, data, reference, created_date, start_date, '
            "end_date, message, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows(),
        )
    connection.execute("ANALYZE")
    newest_reference = connection.execute(
        'SELECT reference, id FROM "Queues" ORDER BY created_date DESC LIMIT 1 OFFSET 50'
    ).fetchone()
    connection.close()
    return {"queue_name": queue_names[5], "reference": newest_reference[0], "id": str(uuid.UUID(newest_reference[1]))}


def median_seconds(client, url: str, before_each=None) -> float:
    """Return the median time of GET `url`, after one warm-up; fails on any status but 200."""
    timings = []
    for attempt in range(REPEATS + 1):
        if before_each is not None:
            before_each()
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"GET {url} returned {response.status_code}, expected 200.")
        if attempt:
            timings.append(elapsed)
    return statistics.median(timings)


def measure(size: int) -> dict[str, float]:
    """Fill a fresh database with `size` rows and return the time of each page in seconds."""
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client
    from django.utils.http import urlencode

    from pyorchestrator.local_time import local_now
    from queues import statistics as statistics_module
    from queues.statistics import HISTORY_CACHE_KEY

    for connection in connections.all():
        connection.close()
    database = Path(connections["default"].settings_dict["NAME"])
    for path in database.parent.glob(database.name + "*"):
        path.unlink()
    call_command("migrate", verbosity=0)
    call_command("create_unmanaged_tables", "--skip-existing", stdout=io.StringIO())
    for connection in connections.all():
        connection.close()

    started = time.perf_counter()
    sample = fill_queues(database, size, local_now())
    print(f"  filled {size:,} rows in {time.perf_counter() - started:.1f} s", flush=True)

    User.objects.create_superuser("bench", "bench@example.dk", "bench")
    client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="da")
    client.login(username="bench", password="bench")
    cache.clear()

    base = "/admin/queues/queueelement/"
    pages = {
        "change list": base,
        "change list, page 5": base + "?p=5",
        "filtered: FAILED": base + "?status__exact=FAILED",
        "filtered: queue + FAILED": base + "?" + urlencode({"queue": sample["queue_name"], "status__exact": "FAILED"}),
        "filtered: today": base + "?" + urlencode({"created_date__gte": local_now().date().isoformat()}),
        "search: reference prefix": base + "?" + urlencode({"q": sample["reference"][:10]}),
        "search: exact id": base + "?" + urlencode({"q": sample["id"]}),
        "overview (cold cache)": None,
        "overview (stale cache)": None,
        "overview": "/admin/queues/queueelement/overview/",
    }
    overview_url = "/admin/queues/queueelement/overview/"

    def wait_for_count():
        thread = statistics_module._refresh_thread
        if thread is not None:
            thread.join()

    def empty_cache():
        wait_for_count()
        cache.delete(HISTORY_CACHE_KEY)

    def age_cache():
        # Older than the cache period: the request serves it and starts a
        # count in a thread, which runs alongside the request as in production.
        wait_for_count()
        entry = cache.get(HISTORY_CACHE_KEY)
        entry["computed_at"] -= timedelta(days=1)
        cache.set(HISTORY_CACHE_KEY, entry, None)

    results = {}
    for label, url in pages.items():
        if label == "overview (cold cache)":
            results[label] = median_seconds(client, overview_url, before_each=empty_cache)
            wait_for_count()
        elif label == "overview (stale cache)":
            results[label] = median_seconds(client, overview_url, before_each=age_cache)
            wait_for_count()
        else:
            results[label] = median_seconds(client, url)
        print(f"  {label:28} {results[label] * 1000:8.1f} ms", flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="Row counts to measure.")
    arguments = parser.parse_args()

    shutil.rmtree(BENCH_DIR, ignore_errors=True)
    BENCH_DIR.mkdir(parents=True)
    configure_django(BENCH_DIR)

    figures = {}
    for size in arguments.sizes:
        print(f"Queues with {size:,} rows:", flush=True)
        figures[size] = measure(size)

    smallest, largest = min(figures), max(figures)
    print(f"\n{'page':28} {smallest:>12,} {largest:>12,}   ratio  goal met")
    all_met = True
    for label in figures[smallest]:
        small, large = figures[smallest][label], figures[largest][label]
        ratio = large / small
        met = ratio <= GOAL_RATIO and large < GOAL_SECONDS
        all_met = all_met and (met or label in INFORMATION_ONLY)
        print(f"{label:28} {small * 1000:9.1f} ms {large * 1000:9.1f} ms {ratio:7.2f}  {'yes' if met else 'NO'}")
    print(f"\nGoal: at most {GOAL_RATIO:g}x and under {GOAL_SECONDS:g} s at {largest:,} rows; "
          f"for information only: {', '.join(sorted(INFORMATION_ONLY))}.")
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
