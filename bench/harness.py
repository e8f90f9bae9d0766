"""Start the real service on 127.0.0.1 for benchmark, soak and fuzz runs.

Each run gets a database of its own: a SQLite file in a temporary folder,
or a PostgreSQL database whose name starts with the prefix below. It gets
the migrations and legacy tables, an API key, and a waitress server
started as production starts it. Rate limits are raised so the load is
never limited.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

# Ports this harness may use; a run takes the first free one.
PORT_RANGE = range(int(os.environ.get("BENCH_PORT_FIRST", "18600")), int(os.environ.get("BENCH_PORT_LAST", "18699")) + 1)

POSTGRES_HOST = os.environ.get("PYORCHESTRATOR_TEST_POSTGRES_HOST", "127.0.0.1")
POSTGRES_PORT = int(os.environ.get("PYORCHESTRATOR_TEST_POSTGRES_PORT", "5432"))
# Benchmark databases are created and dropped under names with this prefix.
POSTGRES_DATABASE_PREFIX = os.environ.get("BENCH_POSTGRES_DB_PREFIX", "pyo_quality_")

# High enough that no benchmark or soak request is ever rate limited.
UNLIMITED_RATE = "1000000/m"
RATE_LIMIT_VARIABLES = ("RATE_LIMIT_QUEUE", "RATE_LIMIT_TRIGGER", "RATE_LIMIT_VEJMAN", "RATE_LIMIT_VEJMAN_UPDATE")

SERVER_START_TIMEOUT = 30.0


def exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so servers and databases started here are stopped and removed."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def postgres_reachable(host: str = POSTGRES_HOST, port: int = POSTGRES_PORT) -> bool:
    """Return True if something accepts connections on the PostgreSQL port."""
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def postgres_url(database: str, host: str = POSTGRES_HOST, port: int = POSTGRES_PORT) -> str:
    return f"postgres://postgres@{host}:{port}/{database}"


def recreate_postgres_database(database: str, host: str = POSTGRES_HOST, port: int = POSTGRES_PORT) -> None:
    """Drop and create `database`, which must start with the benchmark prefix."""
    import psycopg

    if not database.startswith(POSTGRES_DATABASE_PREFIX):
        raise ValueError(f"Benchmark database names must start with {POSTGRES_DATABASE_PREFIX!r}, not {database!r}.")
    with psycopg.connect(f"host={host} port={port} user=postgres dbname=postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database}"')


def drop_postgres_database(database: str, host: str = POSTGRES_HOST, port: int = POSTGRES_PORT) -> None:
    import psycopg

    if not database.startswith(POSTGRES_DATABASE_PREFIX):
        raise ValueError(f"Benchmark database names must start with {POSTGRES_DATABASE_PREFIX!r}, not {database!r}.")
    with psycopg.connect(f"host={host} port={port} user=postgres dbname=postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def service_env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """Return the environment of a service process on `database_url`, with rate limits raised."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "ORCHESTRATOR_DATABASE_URL": "",
        "VEJMAN_DATABASE_URL": "",
        "PYORCHESTRATOR_VAR_DIR": str(var_dir),
        "PYORCHESTRATOR_ENVIRONMENT": "development",
        "DJANGO_DEBUG": "false",
        "PYTHONUNBUFFERED": "1",
    }
    for name in RATE_LIMIT_VARIABLES:
        env[name] = UNLIMITED_RATE
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """Run `manage.py ARGS` in `env` and return its standard output."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed with exit code {result.returncode}:\n{result.stderr}")
    return result.stdout


def prepare_database(env: dict[str, str]) -> str:
    """Migrate, create the legacy tables and return a new API key."""
    manage(env, "migrate", "--noinput")
    manage(env, "create_unmanaged_tables", "--skip-existing")
    return manage(env, "create_api_key", "bench").strip().splitlines()[-1]


def seed(env: dict[str, str], *args: str) -> str:
    """Run `bench/seed.py ARGS` in `env` and return its standard output."""
    result = subprocess.run(
        [PYTHON, "-m", "bench.seed", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench.seed {' '.join(args)} failed with exit code {result.returncode}:\n{result.stderr}")
    return result.stdout


def free_port() -> int:
    """Return the first port of PORT_RANGE that nothing listens on."""
    for port in PORT_RANGE:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"No free port in {PORT_RANGE.start}-{PORT_RANGE.stop - 1}.")


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = SERVER_START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The server exited with code {process.returncode} before listening on port {port}.")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"The server did not listen on port {port} within {timeout:.0f} s.")


@contextmanager
def waitress_server(env: dict[str, str], log_path: Path, threads: int = 4):
    """Run waitress on 127.0.0.1 as production runs it; yield (base URL, process).

    `threads` is waitress's default of 4 unless given.
    """
    port = free_port()
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [
                PYTHON, "-m", "waitress", "--host=127.0.0.1", f"--port={port}", f"--threads={threads}",
                "pyorchestrator.wsgi:application",
            ],
            cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}", process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def memory_kib(pid: int) -> dict[str, int]:
    """Return the current (VmRSS) and peak (VmHWM) resident memory of `pid` in KiB (Linux)."""
    values = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            name, _, rest = line.partition(":")
            if name in {"VmRSS", "VmHWM"}:
                values[name] = int(rest.split()[0])
    return values
