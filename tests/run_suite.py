"""Run the test suite on SQLite, then again on PostgreSQL when it is reachable.

`make test` calls this. The PostgreSQL run uses the server on
127.0.0.1:5432 (user postgres, trust authentication). On a laptop without
it the run is skipped with the reason printed; under CI (CI=true) a missing
server fails the run, because CI machines start one.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
POSTGRES_HOST = os.environ.get("PYORCHESTRATOR_TEST_POSTGRES_HOST", "127.0.0.1")
POSTGRES_PORT = int(os.environ.get("PYORCHESTRATOR_TEST_POSTGRES_PORT", "5432"))
# Django's test database on the server is this name prefixed with "test_".
POSTGRES_DATABASE = os.environ.get("PYORCHESTRATOR_TEST_POSTGRES_DB", "pyorchestrator")
POSTGRES_URL = f"postgres://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/{POSTGRES_DATABASE}"


def postgres_reachable() -> bool:
    """Return True if something accepts connections on the PostgreSQL port."""
    try:
        with socket.create_connection((POSTGRES_HOST, POSTGRES_PORT), timeout=2):
            return True
    except OSError:
        return False


def run_pytest(label: str, extra_env: dict[str, str], pytest_args: list[str]) -> int:
    print(f"\n=== Test suite on {label} ===", flush=True)
    env = {**os.environ, **extra_env}
    return subprocess.call([sys.executable, "-m", "pytest", *pytest_args], cwd=PROJECT_DIR, env=env)


def main() -> int:
    pytest_args = sys.argv[1:]
    sqlite_env = {
        "DATABASE_URL": "",
        "ORCHESTRATOR_DATABASE_URL": "",
        "VEJMAN_DATABASE_URL": "",
        "PYORCHESTRATOR_TEST_BACKEND": "sqlite",
    }
    results = {"SQLite": run_pytest("SQLite", sqlite_env, pytest_args)}

    if postgres_reachable():
        postgres_env = {
            "DATABASE_URL": POSTGRES_URL,
            "ORCHESTRATOR_DATABASE_URL": "",
            "VEJMAN_DATABASE_URL": "",
            "PYORCHESTRATOR_TEST_BACKEND": "postgresql",
        }
        results["PostgreSQL"] = run_pytest("PostgreSQL", postgres_env, pytest_args)
    elif os.environ.get("CI") == "true":
        print(f"PostgreSQL is not reachable at {POSTGRES_HOST}:{POSTGRES_PORT}, and CI must run on it.")
        results["PostgreSQL"] = 1
    else:
        print(f"\nSkipped the PostgreSQL run: nothing listens on {POSTGRES_HOST}:{POSTGRES_PORT}.")

    failed = [label for label, code in results.items() if code != 0]
    print("\nSuite results: " + ", ".join(f"{label} {'failed' if code else 'passed'}" for label, code in results.items()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
