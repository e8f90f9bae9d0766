"""Real waitress processes: the ban survives a restart, and with Redis two processes share the counters.

Each server is `python -m waitress` in a subprocess on a port of the test
range, with its own SQLite database in a temporary folder (migrated once
per module), TRUSTED_PROXIES=127.0.0.1 and a forwarded client address per
test, so a ban in one test does not touch the next.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
PORT_A = 18201
PORT_B = 18202
REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 2
STARTUP_TIMEOUT_SECONDS = 60
REQUEST_TIMEOUT_SECONDS = 15
BAD_KEY = "AbCd1234.not-the-secret"


def redis_reachable() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=2) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_url():
    """Return the Redis URL of the test database, skipping (failing under CI) when Redis is absent."""
    if not redis_reachable():
        reason = f"Redis is not reachable at {REDIS_HOST}:{REDIS_PORT}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}, and CI must run the shared-counter tests.")
        pytest.skip(f"{reason}: the shared-counter tests need it.")
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"


def manage_env(var_dir: Path, **extra) -> dict[str, str]:
    env = {
        **os.environ,
        "PYORCHESTRATOR_VAR_DIR": str(var_dir),
        "PYORCHESTRATOR_ENVIRONMENT": "development",
        "DJANGO_SETTINGS_MODULE": "pyorchestrator.settings",
        "DATABASE_URL": "",
        "ORCHESTRATOR_DATABASE_URL": "",
        "VEJMAN_DATABASE_URL": "",
        "TRUSTED_PROXIES": "127.0.0.1",
        "API_BAN_ALLOWLIST": "",
        "CACHE_URL": "",
        "PyOrchestratorAPIKey": "",
    }
    env.update(extra)
    return env


def manage(var_dir: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=manage_env(var_dir),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """Return the var folder of a migrated SQLite deployment and an API key for it."""
    var_dir = tmp_path_factory.mktemp("deployment")
    manage(var_dir, "migrate", "--noinput")
    manage(var_dir, "create_unmanaged_tables")
    key = manage(var_dir, "create_api_key", "servers").strip().splitlines()[-1]
    return var_dir, key


class Server:
    """A waitress process serving the project on 127.0.0.1:port."""

    def __init__(self, var_dir: Path, port: int, env: dict[str, str]):
        self.port = port
        self.log_path = var_dir / f"waitress-{port}.log"
        self.env = manage_env(var_dir, **env)
        self.process = None

    def start(self) -> "Server":
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "waitress", "--host=127.0.0.1", f"--port={self.port}", "--threads=4",
                # Without this option waitress drops X-Forwarded-For; the project decides whom to trust.
                "--no-clear-untrusted-proxy-headers",
                "pyorchestrator.wsgi:application",
            ],
            cwd=PROJECT_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"waitress on port {self.port} exited:\n{self.log_path.read_text()}")
            try:
                # The admin login page is outside the API: it counts towards no ban or limit.
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/admin/login/", timeout=2).close()
                return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        pytest.fail(f"waitress on port {self.port} did not answer within {STARTUP_TIMEOUT_SECONDS} s.")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def request(self, method: str, path: str, client: str, key: str | None, body: dict | None = None):
        """Send one request as `client` behind the trusted proxy; return (status, headers, JSON body)."""
        headers = {"Content-Type": "application/json", "X-Forwarded-For": f"{client}:50000"}
        if key is not None:
            headers["X-API-Key"] = key
        data = json.dumps(body or {}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
                return response.status, response.headers, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, json.loads(error.read() or b"null")


@pytest.fixture
def servers():
    """Collect the servers a test starts and stop them all afterwards."""
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


def queue_status(server: Server, client: str, key: str) -> int:
    return server.request("POST", "/api/queue", client, key, {"queue_name": "Servers"})[0]


def test_ban_survives_restart(deployment, servers):
    var_dir, key = deployment
    client = "203.0.113.101"
    server = Server(var_dir, PORT_A, {})
    servers.append(server.start())

    for _ in range(5):
        assert queue_status(server, client, BAD_KEY) == 401
    assert queue_status(server, client, key) == 403

    server.stop()
    server.start()

    status, headers, body = server.request("POST", "/api/queue", client, key, {"queue_name": "Servers"})
    assert status == 403
    assert "banned" in body["error"]
    assert int(headers["Retry-After"]) > 3000
    assert queue_status(server, "203.0.113.102", key) == 201


@pytest.fixture
def shared_cache_env(redis_url):
    """Return the environment of servers sharing Redis under a key prefix of their own, removed afterwards."""
    import redis

    prefix = f"pyorchestrator-test-{uuid.uuid4().hex}"
    yield {"CACHE_URL": redis_url, "CACHE_KEY_PREFIX": prefix, "RATE_LIMIT_TRIGGER": "4/d"}
    connection = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB)
    keys = list(connection.scan_iter(match=f"{prefix}:*"))
    if keys:
        connection.delete(*keys)
    connection.close()


def test_two_processes_share_ban(deployment, servers, shared_cache_env):
    var_dir, key = deployment
    client = "203.0.113.111"
    server_a = Server(var_dir, PORT_A, shared_cache_env).start()
    servers.append(server_a)
    server_b = Server(var_dir, PORT_B, shared_cache_env).start()
    servers.append(server_b)

    for server in (server_a, server_b, server_a, server_b):
        assert queue_status(server, client, BAD_KEY) == 401
    # Four rejections spread over two processes: not yet banned.
    assert queue_status(server_a, client, key) == 201

    assert queue_status(server_b, client, BAD_KEY) == 401

    assert queue_status(server_a, client, key) == 403
    assert queue_status(server_b, client, key) == 403
    assert queue_status(server_a, "203.0.113.112", key) == 201


def test_two_processes_share_rate_limit(deployment, servers, shared_cache_env):
    var_dir, key = deployment
    client = "203.0.113.121"
    server_a = Server(var_dir, PORT_A, shared_cache_env).start()
    servers.append(server_a)
    server_b = Server(var_dir, PORT_B, shared_cache_env).start()
    servers.append(server_b)
    body = {"trigger_name": "No such trigger", "process_status": "IDLE"}

    for server in (server_a, server_b, server_a, server_b):
        assert server.request("POST", "/api/trigger", client, key, body)[0] == 404

    status, headers, response_body = server_a.request("POST", "/api/trigger", client, key, body)
    assert status == 429
    assert int(headers["Retry-After"]) >= 1
    assert "4/d" in response_body["error"]
    assert server_b.request("POST", "/api/trigger", client, key, body)[0] == 429
    assert server_b.request("POST", "/api/trigger", "203.0.113.122", key, body)[0] == 404
