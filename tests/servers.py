"""Real servers for tests: waitress started as web.config starts it, and PostgreSQL.

Every server listens on 127.0.0.1 on a port from TEST_PORTS, and every wait
is bounded.
"""

import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ElementTree
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
WEB_CONFIG = PROJECT_DIR / "web.config"
# PYORCHESTRATOR_TEST_PORTS: "first-last" ports the servers of the tests may use.
_first, _last = os.environ.get("PYORCHESTRATOR_TEST_PORTS", "18400-18499").split("-")
TEST_PORTS = range(int(_first), int(_last) + 1)
SERVER_START_TIMEOUT = 30


def free_port() -> int:
    """Return a port of TEST_PORTS that nothing listens on."""
    for port in TEST_PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"No free port in {TEST_PORTS.start}-{TEST_PORTS.stop - 1}.")


def web_config_platform() -> ElementTree.Element:
    """Return the <httpPlatform> element of web.config."""
    return ElementTree.parse(WEB_CONFIG).getroot().find("./system.webServer/httpPlatform")


def web_config_arguments() -> list[str]:
    """Return the arguments web.config passes to python, split as Windows does."""
    return shlex.split(web_config_platform().get("arguments"))


def web_config_environment() -> dict[str, str]:
    return {
        variable.get("name"): variable.get("value")
        for variable in web_config_platform().findall("./environmentVariables/environmentVariable")
    }


def run_manage(environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess:
    """Run manage.py with `arguments` and return the finished process."""
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def create_api_key(environment: dict[str, str], name: str) -> str:
    result = run_manage(environment, "create_api_key", name)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    seconds: float

    def json(self):
        return json.loads(self.body)


def request(port: int, method: str, path: str, *, body=None, headers=None, timeout: float = 15) -> Response:
    """Send one HTTP request to 127.0.0.1:`port` and return the response, also for 4xx and 5xx."""
    data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    http_request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, method=method, headers=all_headers
    )
    opener = urllib.request.build_opener(_NoRedirect)
    started = time.monotonic()
    try:
        with opener.open(http_request, timeout=timeout) as answer:
            return Response(answer.status, dict(answer.headers), answer.read(), time.monotonic() - started)
    except urllib.error.HTTPError as error:
        return Response(error.code, dict(error.headers), error.read(), time.monotonic() - started)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@contextmanager
def private_temp_dir(prefix: str):
    """Yield a new temporary folder that only this test removes.

    pytest deletes old basetemp folders of other sessions of the same user,
    which would remove a database under a running server when test runs
    overlap, so servers keep their files here instead.
    """
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# The waitress command line of `make serve`, with the port left to fill in.
MAKE_SERVE_ARGUMENTS = ["-m", "waitress", "--host=127.0.0.1", "--port=%HTTP_PLATFORM_PORT%", "pyorchestrator.wsgi:application"]


@contextmanager
def waitress_server(environment: dict[str, str], log_path: Path, arguments: list[str] | None = None):
    """Run the service under waitress and yield its port.

    `arguments` are python's, with %HTTP_PLATFORM_PORT% for the port; the
    default is web.config's, as IIS starts the service.
    """
    port = free_port()
    arguments = [
        argument.replace("%HTTP_PLATFORM_PORT%", str(port)) for argument in (arguments or web_config_arguments())
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, *arguments], cwd=PROJECT_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _wait_for_port(port, process, log_path)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _wait_for_port(port: int, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The server exited with {process.returncode}: {log_path.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"The server did not listen on port {port} within {SERVER_START_TIMEOUT} s.")


def postgres_bin_dir() -> Path | None:
    """Return the folder of initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    return candidates[0].parent if candidates else None


class PostgresInstance:
    """A PostgreSQL server of its own in a temporary folder, on a TEST_PORTS port.

    PostgreSQL refuses to run as root, so under root the folder belongs to
    the `postgres` user and every command runs as that user.
    """

    def __init__(self, bin_dir: Path, data_root: Path):
        self.bin_dir = bin_dir
        self.data_dir = data_root / "data"
        self.log_file = data_root / "postgres.log"
        self.port = free_port()
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.run_as:
            shutil.chown(data_root, user="postgres")

    def _run(self, *command: str, timeout: float = 60) -> None:
        result = subprocess.run([*self.run_as, *command], capture_output=True, text=True, timeout=timeout, cwd="/")
        if result.returncode != 0:
            raise subprocess.CalledProcessError(
                result.returncode, command, output=result.stdout, stderr=f"{result.stderr} {self._log_tail()}"
            )

    def _log_tail(self) -> str:
        try:
            return self.log_file.read_text()[-1000:]
        except OSError:
            return "(no server log)"

    def init(self) -> None:
        self._run(
            str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", "postgres",
            "--auth=trust", "--no-sync", "-E", "UTF8",
        )

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
        self._run(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.log_file),
            "-o", options, "-w", "-t", "30", "start",
        )

    def stop(self) -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "30", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"
