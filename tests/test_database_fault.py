"""The service while its database stops and starts again.

A PostgreSQL server of the test's own (initdb in a temporary folder, a port
of its own on 127.0.0.1) serves every database alias. It is stopped while
waitress runs the service: requests must get a JSON 503 within a few
seconds, and once the server is back the service must return 200 again by
itself, without a restart.
"""

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.servers import (
    PostgresInstance,
    create_api_key,
    postgres_bin_dir,
    private_temp_dir,
    request,
    run_manage,
    waitress_server,
)

BIN_DIR = postgres_bin_dir()
pytestmark = pytest.mark.skipif(BIN_DIR is None, reason="PostgreSQL's initdb is not installed (apt-get install postgresql)")

# Seconds a request may take while the database is down. A refused TCP
# connection fails at once; CONNECT_TIMEOUT (5 s) bounds a silent one.
MAX_SECONDS_WHILE_DOWN = 6
# Seconds the service may need to return 200 after the database is back.
RECOVERY_DEADLINE = 20


@pytest.fixture(scope="module")
def database_and_service():
    """Yield (PostgreSQL instance, service port, API key, log path) for the fault tests."""
    with private_temp_dir("pyorchestrator-fault-") as root:
        # The postgres user must reach its folder under the root-only temporary folder.
        root.chmod(0o755)
        data_root = root / "postgres"
        data_root.mkdir()
        try:
            instance = PostgresInstance(BIN_DIR, data_root)
            instance.init()
        except (LookupError, OSError, subprocess.SubprocessError) as error:
            # No postgres user, no runuser or a failing initdb: this machine cannot run one.
            pytest.skip(f"initdb failed, so no PostgreSQL instance of its own can run: {error}")
        instance.start()
        try:
            yield from _serve_with(instance, root)
        finally:
            try:
                instance.stop()
            except subprocess.CalledProcessError:
                pass  # The test stopped it already and failed before starting it again.


def _serve_with(instance: PostgresInstance, root: Path):
    environment = {key: value for key, value in os.environ.items() if not key.endswith("DATABASE_URL")}
    environment.update(
        {
            "PYORCHESTRATOR_ENVIRONMENT": "development",
            "PYORCHESTRATOR_VAR_DIR": str(root / "var"),
            "DATABASE_URL": instance.url(),
            "LOG_FORMAT": "plain",
        }
    )
    for command in (["migrate", "--noinput"], ["create_unmanaged_tables"]):
        result = run_manage(environment, *command)
        assert result.returncode == 0, result.stderr
    api_key = create_api_key(environment, "fault-tests")
    with waitress_server(environment, root / "waitress.log") as port:
        yield instance, port, api_key, root / "waitress.log"


def post_queue_element(port: int, api_key: str):
    return request(port, "POST", "/api/queue", body={"queue_name": "fault"}, headers={"X-API-Key": api_key})


def test_database_stop_and_return(database_and_service):
    instance, port, api_key, log_path = database_and_service

    assert request(port, "GET", "/healthz").status == 200
    assert post_queue_element(port, api_key).status == 201

    instance.stop()

    health = request(port, "GET", "/healthz")
    assert health.status == 503
    assert health.seconds < MAX_SECONDS_WHILE_DOWN
    assert health.json()["databases"] == {"default": "unavailable", "orchestrator": "unavailable", "vejman": "unavailable"}
    assert health.json()["error"] == "Databases default, orchestrator, vejman do not respond."

    for _attempt in range(3):
        response = post_queue_element(port, api_key)
        assert response.status == 503
        assert response.seconds < MAX_SECONDS_WHILE_DOWN
        assert response.json() == {"error": "The database is unavailable. Try again later."}
        assert response.headers["Retry-After"] == "5"

    instance.start()

    deadline = time.monotonic() + RECOVERY_DEADLINE
    status = None
    while time.monotonic() < deadline:
        status = request(port, "GET", "/healthz").status
        if status == 200:
            break
        time.sleep(0.5)
    assert status == 200
    assert post_queue_element(port, api_key).status == 201

    log = log_path.read_text()
    assert "Traceback" not in log
    assert "Database default does not respond: OperationalError" in log
    assert "Database default responds again." in log
