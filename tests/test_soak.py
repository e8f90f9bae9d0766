"""Short soak runs: clients and OpenOrchestrator robots on a real waitress server.

`make soak` runs the same code for longer (bench/soak.py). The runs
prepare their own databases, so they run in the SQLite pass of
tests/run_suite.py only.
"""

import os

import pytest

from bench.postgres_instance import unavailable_reason
from bench.soak import FAILURE_KINDS, Outage, RequestRecord, RobotLog, check, run

pytestmark = pytest.mark.skipif(
    os.environ.get("PYORCHESTRATOR_TEST_BACKEND") == "postgresql",
    reason="the soak runs prepare their own databases; they run in the SQLite pass only",
)


def assert_no_failures(result: dict) -> None:
    for kind in FAILURE_KINDS:
        assert result["failures"][kind] == [], kind


def test_soak_sqlite():
    result = run("sqlite", duration=6, clients=3, queues=2, robots_per_queue=1, seed=6, outage_seconds=0)

    assert_no_failures(result)
    assert result["created"] > 0
    assert result["statuses"].get("400", 0) > 0
    assert result["taken"] == result["created"]
    assert result["stranded_by_robot_error"] == 0


@pytest.mark.skipif(unavailable_reason() is not None, reason=f"no PostgreSQL instance can be started: {unavailable_reason()}")
def test_soak_database_outage():
    result = run("outage", duration=10, clients=3, queues=2, robots_per_queue=1, seed=7, outage_seconds=3)

    assert_no_failures(result)
    assert result["outage_seconds"] >= 3
    assert result["statuses"].get("503", 0) > 0
    assert result["taken"] + result["stranded_by_robot_error"] == result["created"]


def test_check_reports_row_without_201_and_double_take():
    records = [RequestRecord(valid=True, case="soak-0", reference="a", started=0, ended=1, status=201, element_id="0" * 32)]
    rows = [("00000000-0000-0000-0000-000000000000", "a", "DONE"), ("11111111-1111-1111-1111-111111111111", "b", "DONE")]
    robot_log = RobotLog(taken=[("robot-1", rows[0][0], "a"), ("robot-2", rows[0][0], "a")])

    failures = check(records, robot_log, rows, Outage(), robots_per_queue=1)["failures"]

    assert failures["row without a 201"] == ["row 11111111-1111-1111-1111-111111111111 (b)"]
    assert len(failures["element taken twice"]) == 1
    assert failures["201 not exactly one row"] == []

