"""A short schemathesis run against the real waitress server (`make fuzz` runs longer).

The harness fuzzes the schema that the server serves at /api/schema/, or
the fallback schema in fuzz/ while it serves none. It runs in the SQLite
pass of tests/run_suite.py only, because it prepares its own database.
"""

import os

import pytest

from fuzz.run_fuzz import run

pytestmark = pytest.mark.skipif(
    os.environ.get("PYORCHESTRATOR_TEST_BACKEND") == "postgresql",
    reason="the fuzz run prepares its own database; it runs in the SQLite pass only",
)

# Test cases per operation and phase: enough to reach every status of
# every operation, short enough for CI.
CI_MAX_EXAMPLES = 25


def test_fuzz_no_5xx_and_schema_conformance():
    outcome = run("sqlite", max_examples=CI_MAX_EXAMPLES, seed=6)

    assert outcome["exit_code"] == 0, outcome["output"][-6000:]
    assert "Traceback" not in outcome["server_log"], outcome["server_log"][-4000:]
