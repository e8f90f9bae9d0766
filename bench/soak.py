"""Soak the real server: clients create queue elements while robots take them.

    python -m bench.soak [--backend sqlite|postgresql|outage] [--duration 30] [--clients 4] [--queues 2]

For `--duration` seconds, HTTP clients POST /api/queue with valid and
invalid bodies at random, each request with a unique `reference`, while
robots built on OpenOrchestrator take elements with
`get_next_queue_element` and set them DONE. Afterwards the run checks that:

- every 201 is exactly one row, with the id and reference it returned;
- no row exists without a 201, and no invalid request wrote a row;
- no element was taken twice;
- no response was a 5xx other than 503, and 503 only while the database
  was down (`outage`: a PostgreSQL server of the run's own, stopped for
  `--outage-seconds` in the middle);
- every element ends DONE, except, in the outage run, elements that
  OpenOrchestrator marked IN_PROGRESS while raising an error to the robot
  (counted as `stranded_by_robot_error`, see check()).

Backends: `sqlite` (a file in a temporary folder), `postgresql` (the
database pyo_quality_soak on 127.0.0.1:5432), `outage` (see above).

One robot takes from each queue. OpenOrchestrator 3.0.0's
`get_next_queue_element` selects the oldest NEW element and then updates
it without a row lock, so two robots on one queue can both take the same
element. `--robots-per-queue 2` shows that. Those double takes come from
OpenOrchestrator, not from this service, so the check for them is off then.
"""

import argparse
import http.client
import json
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench import harness
from bench.postgres_instance import PostgresInstance

REQUEST_TIMEOUT = 15.0
# Seconds after the database is back during which a 503 still counts as
# part of the outage: the server's next request reconnects.
OUTAGE_GRACE = 2.0
# Share of client requests that are invalid.
INVALID_SHARE = 0.25

# The conditions a run checks, as keys of check()'s "failures".
FAILURE_KINDS = (
    "201 not exactly one row",
    "row without a 201",
    "invalid request wrote a row",
    "no response",
    "503 outside the outage",
    "5xx other than 503",
    "unexpected status",
    "element taken twice",
    "element not DONE at the end",
)


def invalid_bodies(reference: str) -> list[tuple[str, bytes]]:
    """Return (case, raw body) pairs that the API must reject with 400."""
    cases = {
        "missing-queue-name": {"reference": reference, "data": {"n": 1}},
        "queue-name-101": {"queue_name": "q" * 101, "reference": reference},
        "status-lowercase": {"queue_name": "soak-0", "status": "new", "reference": reference},
        "data-2001": {"queue_name": "soak-0", "data": "x" * 2001, "reference": reference},
        "data-number": {"queue_name": "soak-0", "data": 5, "reference": reference},
        "reference-101": {"queue_name": "soak-0", "reference": reference + "r" * 101},
        "created-date-text": {"queue_name": "soak-0", "created_date": "tomorrow", "reference": reference},
    }
    bodies = [(case, json.dumps(body).encode()) for case, body in cases.items()]
    bodies.append(("body-array", json.dumps([{"queue_name": "soak-0", "reference": reference}]).encode()))
    bodies.append(("body-not-json", b'{"queue_name": "soak-0", "reference": "' + reference.encode() + b'"'))
    return bodies


@dataclass
class RequestRecord:
    valid: bool
    case: str
    reference: str
    started: float
    ended: float
    status: int | None
    element_id: str | None = None
    error: str | None = None


@dataclass
class Outage:
    started: float | None = None
    ended: float | None = None

    def covers(self, record: RequestRecord) -> bool:
        if self.started is None:
            return False
        ended = (self.ended if self.ended is not None else float("inf")) + OUTAGE_GRACE
        return record.started <= ended and record.ended >= self.started


@dataclass
class RobotLog:
    taken: list[tuple[str, str, str]] = field(default_factory=list)  # (robot, element id, reference)
    errors: Counter = field(default_factory=Counter)


def run_client(number: int, base_url: str, api_key: str, queues: list[str], stop_at: float, seed: int, records: list, lock: threading.Lock) -> None:
    """Send requests until `stop_at` over one keep-alive connection."""
    generator = random.Random(seed * 1000 + number)
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=REQUEST_TIMEOUT)
    headers = {"X-API-Key": api_key, "Content-Type": "application/json"}
    sent = 0
    while time.monotonic() < stop_at:
        sent += 1
        reference = f"soak-{seed}-c{number}-{sent}"
        if generator.random() < INVALID_SHARE:
            case, body = generator.choice(invalid_bodies(reference))
            valid = False
        else:
            queue_name = generator.choice(queues)
            body = json.dumps(
                {"queue_name": queue_name, "reference": reference, "created_by": "soak", "data": {"n": sent, "navn": "Søren Ærø"}},
                ensure_ascii=False,
            ).encode()
            case, valid = queue_name, True

        record = RequestRecord(valid=valid, case=case, reference=reference, started=time.monotonic(), ended=0.0, status=None)
        try:
            connection.request("POST", "/api/queue", body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            record.status = response.status
            if response.status == 201:
                record.element_id = json.loads(payload)["id"]
        except (OSError, http.client.HTTPException, ValueError, KeyError) as error:
            record.error = f"{type(error).__name__}: {error}"
            connection.close()
            connection = http.client.HTTPConnection(host, int(port), timeout=REQUEST_TIMEOUT)
        record.ended = time.monotonic()
        with lock:
            records.append(record)
        if record.status == 503:
            time.sleep(0.1)
    connection.close()


def run_robot(name: str, queue_name: str, clients_done: threading.Event, drain_deadline: float, log: RobotLog, lock: threading.Lock) -> None:
    """Take elements of `queue_name` and set them DONE until the clients stop and the queue is empty."""
    from OpenOrchestrator.database import db_util
    from OpenOrchestrator.database.queues import QueueStatus

    pending_done = None
    while time.monotonic() < drain_deadline:
        try:
            if pending_done is not None:
                db_util.set_queue_element_status(pending_done, QueueStatus.DONE, f"done by {name}")
                pending_done = None
            element = db_util.get_next_queue_element(queue_name)
        except Exception as error:  # noqa: BLE001 - a robot survives any database error and retries
            with lock:
                log.errors[type(error).__name__] += 1
            time.sleep(0.2)
            continue
        if element is None:
            if clients_done.is_set():
                return
            time.sleep(0.05)
            continue
        with lock:
            log.taken.append((name, str(element.id), element.reference))
        pending_done = element.id


def read_rows(sqlalchemy_url: str) -> list[tuple[str, str, str]]:
    """Return (id, reference, status) of every row of Queues."""
    from sqlalchemy import create_engine, text

    engine = create_engine(sqlalchemy_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text('SELECT id, reference, status FROM "Queues"')).all()
    finally:
        engine.dispose()
    return [(str(uuid.UUID(str(row[0]))), row[1], row[2]) for row in rows]


def check(records: list[RequestRecord], robot_log: RobotLog, rows: list[tuple[str, str, str]], outage: Outage, robots_per_queue: int) -> dict:
    """Return the run's figures and, for each condition in FAILURE_KINDS, the cases that broke it."""
    failures = {kind: [] for kind in FAILURE_KINDS}
    created = {record.reference: record for record in records if record.status == 201}
    rows_by_reference = Counter(reference for _, reference, _ in rows)

    for reference, record in created.items():
        if rows_by_reference[reference] != 1:
            failures["201 not exactly one row"].append(f"{reference}: {rows_by_reference[reference]} rows")
        elif not any(row_id == str(uuid.UUID(record.element_id)) for row_id, row_reference, _ in rows if row_reference == reference):
            failures["201 not exactly one row"].append(f"{reference}: returned id {record.element_id}, not the row's id")
    for row_id, reference, _ in rows:
        if reference not in created:
            failures["row without a 201"].append(f"row {row_id} ({reference})")

    for record in records:
        if not record.valid and rows_by_reference[record.reference]:
            failures["invalid request wrote a row"].append(f"{record.reference} ({record.case})")
        if record.status is None:
            failures["no response"].append(f"{record.reference}: {record.error}")
        elif record.status == 503 and not outage.covers(record):
            failures["503 outside the outage"].append(record.reference)
        elif record.status >= 500 and record.status != 503:
            failures["5xx other than 503"].append(f"{record.reference}: {record.status}")
        elif record.status not in {201, 400, 503}:
            failures["unexpected status"].append(f"{record.reference}: {record.status}")
        elif record.valid and record.status == 400:
            failures["unexpected status"].append(f"{record.reference}: valid request rejected with 400")
        elif not record.valid and record.status == 201:
            failures["unexpected status"].append(f"{record.reference}: invalid request ({record.case}) accepted")

    taken_counts = Counter(element_id for _, element_id, _ in robot_log.taken)
    double_takes = {element_id: count for element_id, count in taken_counts.items() if count > 1}
    if robots_per_queue == 1:
        failures["element taken twice"] = [f"{element_id}: {count} times" for element_id, count in double_takes.items()]

    # OpenOrchestrator's get_next_queue_element commits IN_PROGRESS and then
    # reads the row again. When the database goes down between the two, the
    # robot gets an error for an element it has in fact taken, and no robot
    # ever finishes it. Such elements are counted apart during an outage:
    # the service stored them correctly, and the robots' library stranded them.
    taken_ids = set(taken_counts)
    stranded = {row_id for row_id, _, status in rows if status == "IN_PROGRESS" and row_id not in taken_ids}
    if outage.started is None:
        stranded = set()
    failures["element not DONE at the end"] = [
        f"{row_id}: {status}" for row_id, _, status in rows if status != "DONE" and row_id not in stranded
    ]

    statuses = Counter(record.status for record in records)
    return {
        "requests": len(records),
        "statuses": {str(status): count for status, count in sorted(statuses.items(), key=lambda item: str(item[0]))},
        "created": len(created),
        "rows": len(rows),
        "taken": len(robot_log.taken),
        "double_takes": len(double_takes),
        "stranded_by_robot_error": len(stranded),
        "robot_errors": dict(robot_log.errors),
        "outage_seconds": (outage.ended - outage.started) if outage.started and outage.ended else 0.0,
        "failures": failures,
    }


def soak(base_url: str, api_key: str, sqlalchemy_url: str, duration: float, clients: int, queues: int,
         robots_per_queue: int, seed: int, outage_hooks: tuple | None = None, outage_seconds: float = 4.0) -> dict:
    """Run clients and robots against a started server and return check()'s result."""
    from OpenOrchestrator.database import db_util

    if not db_util.connect(sqlalchemy_url):
        raise RuntimeError("OpenOrchestrator could not connect to the soak database.")

    queue_names = [f"soak-{number}" for number in range(queues)]
    records: list[RequestRecord] = []
    robot_log = RobotLog()
    lock = threading.Lock()
    clients_done = threading.Event()
    outage = Outage()
    stop_at = time.monotonic() + duration
    drain_deadline = stop_at + 60

    client_threads = [
        threading.Thread(target=run_client, args=(number, base_url, api_key, queue_names, stop_at, seed, records, lock), daemon=True)
        for number in range(clients)
    ]
    robot_threads = [
        threading.Thread(target=run_robot, args=(f"robot-{queue}-{copy}", queue, clients_done, drain_deadline, robot_log, lock), daemon=True)
        for queue in queue_names
        for copy in range(robots_per_queue)
    ]
    for thread in client_threads + robot_threads:
        thread.start()

    if outage_hooks is not None:
        stop_database, start_database = outage_hooks
        time.sleep(max(0.0, (duration - outage_seconds) / 2))
        outage.started = time.monotonic()
        stop_database()
        time.sleep(outage_seconds)
        start_database()
        outage.ended = time.monotonic()

    for thread in client_threads:
        thread.join()
    clients_done.set()
    for thread in robot_threads:
        thread.join(timeout=max(1.0, drain_deadline - time.monotonic()))
    db_util.disconnect()

    return check(records, robot_log, read_rows(sqlalchemy_url), outage, robots_per_queue)


def run(backend: str, duration: float, clients: int, queues: int, robots_per_queue: int, seed: int, outage_seconds: float) -> dict:
    """Prepare the backend's database and server, soak it and return the result."""
    with tempfile.TemporaryDirectory(prefix="pyo-soak-") as temporary:
        var_dir = Path(temporary)
        instance = None
        outage_hooks = None
        try:
            if backend == "sqlite":
                database_path = var_dir / "soak.sqlite3"
                database_url = f"sqlite:///{database_path}"
                sqlalchemy_url = f"sqlite:///{database_path}"
            elif backend == "postgresql":
                database = harness.POSTGRES_DATABASE_PREFIX + "soak"
                harness.recreate_postgres_database(database)
                database_url = harness.postgres_url(database)
                sqlalchemy_url = f"postgresql+psycopg://postgres@{harness.POSTGRES_HOST}:{harness.POSTGRES_PORT}/{database}"
            elif backend == "outage":
                instance = PostgresInstance(harness.free_port())
                instance.init()
                instance.start()
                database_url = instance.url
                sqlalchemy_url = instance.sqlalchemy_url
                outage_hooks = (instance.stop, instance.start)
            else:
                raise ValueError(f"Unknown backend {backend!r}: use sqlite, postgresql or outage.")

            env = harness.service_env(database_url, var_dir, LOG_LEVEL="WARNING")
            api_key = harness.prepare_database(env)
            with harness.waitress_server(env, var_dir / "server.log") as (base_url, _process):
                result = soak(
                    base_url, api_key, sqlalchemy_url, duration, clients, queues, robots_per_queue, seed,
                    outage_hooks, outage_seconds,
                )
            result["backend"] = backend
            return result
        finally:
            if instance is not None:
                instance.remove()
            if backend == "postgresql":
                harness.drop_postgres_database(harness.POSTGRES_DATABASE_PREFIX + "soak")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", default="all", help="sqlite, postgresql, outage or all (default all).")
    parser.add_argument("--duration", type=float, default=30.0, help="Seconds the clients send requests (default 30).")
    parser.add_argument("--clients", type=int, default=4, help="Concurrent HTTP clients (default 4).")
    parser.add_argument("--queues", type=int, default=2, help="Queues, each with its own robots (default 2).")
    parser.add_argument("--robots-per-queue", type=int, default=1, help="Robots taking from each queue (default 1; see above).")
    parser.add_argument("--outage-seconds", type=float, default=5.0, help="Seconds the database is down in the outage run (default 5).")
    parser.add_argument("--seed", type=int, default=6, help="Random seed of the clients' choices (default 6).")
    arguments = parser.parse_args()
    harness.exit_on_sigterm()

    backends = ["sqlite", "postgresql", "outage"] if arguments.backend == "all" else [arguments.backend]
    failed = False
    for backend in backends:
        if backend == "postgresql" and not harness.postgres_reachable():
            print(f"Skipped postgresql: nothing listens on {harness.POSTGRES_HOST}:{harness.POSTGRES_PORT}.")
            continue
        if backend == "outage":
            from bench.postgres_instance import unavailable_reason

            reason = unavailable_reason()
            if reason:
                print(f"Skipped outage: {reason}.")
                continue
        result = run(backend, arguments.duration, arguments.clients, arguments.queues, arguments.robots_per_queue,
                     arguments.seed, arguments.outage_seconds)
        failures = [f"{kind}: {case}" for kind, cases in result.pop("failures").items() for case in cases]
        print(json.dumps(result, sort_keys=True))
        if result["stranded_by_robot_error"]:
            print(f"{result['stranded_by_robot_error']} element(s) stayed IN_PROGRESS: OpenOrchestrator's "
                  "get_next_queue_element raised after committing the take, because the database stopped.")
        if result["double_takes"] and arguments.robots_per_queue > 1:
            print(f"{result['double_takes']} element(s) were taken by two robots: OpenOrchestrator's "
                  "get_next_queue_element takes an element without a row lock.")
        if failures:
            failed = True
            print(f"{backend}: {len(failures)} check(s) failed:")
            for failure in failures[:50]:
                print(f"  {failure}")
        else:
            print(f"{backend}: all checks passed.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
