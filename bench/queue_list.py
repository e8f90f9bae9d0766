"""Time GET /api/queue on a large Queues table and print the figures and query plan.

Usage (PostgreSQL on 127.0.0.1:5432, user postgres, as the test suite uses):

    .venv/bin/python bench/queue_list.py [--rows 1000000] [--queues 20]

The script creates (or reuses) the database `pyo_bench_queue_list`. It fills
`Queues` with ROWS elements spread over QUEUES queue names and ten years of
created_date values, with only OpenOrchestrator's indexes
(ix_Queues_queue_name, ix_Queues_created_date, the primary key). Then it
times pages through the API: the first page, a page half way down a queue
by cursor, and filtered pages. It prints the median milliseconds per
request, not a pass or fail. Drop the database afterwards to free the disk.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

DATABASE = "pyo_bench_queue_list"
SERVER_URL = "postgres://postgres@127.0.0.1:5432"


def create_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{DATABASE}"')


def fill_queues(rows: int, queues: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute('SELECT count(*) FROM "Queues"')
        if cursor.fetchone()[0] == rows:
            return
        cursor.execute('TRUNCATE "Queues"')
        cursor.execute(
            """
            INSERT INTO "Queues" (id, queue_name, status, reference, created_date, created_by)
            SELECT gen_random_uuid(),
                   'Queue' || (n %% %s),
                   (ARRAY['NEW','IN_PROGRESS','DONE','FAILED','ABANDONED'])[1 + (n %% 50 = 0)::int * 3 + (n %% 50 <> 0)::int * 2],
                   'ref-' || n,
                   timestamp '2016-01-01' + (n * interval '5 minutes') * (3650.0 * 288 / %s),
                   'benchmark'
            FROM generate_series(1, %s) AS n
            """,
            [queues, rows, rows],
        )
        cursor.execute('ANALYZE "Queues"')


def time_request(client, url: str, repeats: int = 5) -> tuple[float, dict]:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content
    return statistics.median(timings), response.json()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="Queue elements in the table; default 1000000.")
    parser.add_argument("--queues", type=int, default=20, help="Distinct queue names; default 20.")
    options = parser.parse_args()

    create_database()
    os.environ["DATABASE_URL"] = f"{SERVER_URL}/{DATABASE}"
    os.environ["ORCHESTRATOR_DATABASE_URL"] = ""
    os.environ["VEJMAN_DATABASE_URL"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pyorchestrator.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from rest_framework_api_key.models import APIKey

    call_command("migrate", verbosity=0)
    call_command("create_unmanaged_tables", "--skip-existing", verbosity=0)
    start = time.perf_counter()
    fill_queues(options.rows, options.queues)
    print(f"Table ready: {options.rows} rows in {options.queues} queues ({time.perf_counter() - start:.1f} s)")

    _, key = APIKey.objects.create_key(name="benchmark")
    client = Client(HTTP_X_API_KEY=key, SERVER_NAME="localhost")
    per_queue = options.rows // options.queues

    first_ms, first = time_request(client, "/api/queue?queue_name=Queue1")
    print(f"first page (100):                       {first_ms:8.1f} ms")

    # Walk to the middle of the queue by cursor, then time a page there.
    url = "/api/queue?queue_name=Queue1&limit=500"
    pages = per_queue // 2 // 500
    walk_start = time.perf_counter()
    for _ in range(pages):
        url = client.get(url).json()["next"]
    walk_ms = (time.perf_counter() - walk_start) * 1000 / max(pages, 1)
    print(f"walk by cursor, pages of 500:            {walk_ms:8.1f} ms per page")
    middle_ms, _ = time_request(client, url.replace("limit=500", "limit=100"))
    print(f"page ~{pages * 500} elements deep (100):        {middle_ms:8.1f} ms")

    # Every 50th row is FAILED; in Queue0 that is every 5th element, in Queue1 none.
    filtered_ms, _ = time_request(client, "/api/queue?queue_name=Queue0&status=FAILED")
    print(f"status=FAILED, 20% of the queue (100):   {filtered_ms:8.1f} ms")
    empty_ms, _ = time_request(client, "/api/queue?queue_name=Queue1&status=FAILED", repeats=3)
    print(f"status=FAILED, none in the queue (0):    {empty_ms:8.1f} ms  (worst case: scans the queue)")
    range_ms, _ = time_request(
        client, "/api/queue?queue_name=Queue1&created_after=2020-01-01T00:00:00&created_before=2020-02-01T00:00:00"
    )
    print(f"one-month created range (100):           {range_ms:8.1f} ms")

    with connection.cursor() as cursor:
        cursor.execute(
            'EXPLAIN ANALYZE SELECT * FROM "Queues" WHERE queue_name = %s AND created_date <= %s '
            'AND (created_date < %s OR id < %s) ORDER BY created_date DESC, id DESC LIMIT 101',
            ["Queue1", "2021-01-01", "2021-01-01", "00000000-0000-0000-0000-000000000000"],
        )
        print("\nPlan of a cursor page:")
        for (line,) in cursor.fetchall():
            print("  " + line)
    APIKey.objects.filter(name="benchmark").delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
