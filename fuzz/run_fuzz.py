"""Fuzz the real server with schemathesis against the service's OpenAPI schema.

    python -m fuzz.run_fuzz [--max-examples 200] [--seed 6] [--backend sqlite|postgresql] [--schema auto|served|fallback]

Starts waitress on 127.0.0.1 with a fresh database (seeded with a SINGLE
trigger and VejmanKassen rows so the success paths are reached), then
runs `schemathesis run` over every operation of the schema, in all
phases (examples, coverage, fuzzing, and stateful where the schema has
links), with a fixed seed. The run fails on any 5xx response and on any
response that does not match the schema.

The schema is the one the server serves at /api/schema/ when it serves
one (`--schema auto`, the default); otherwise the hand-written
fuzz/fallback_openapi.yaml of the legacy endpoints.
"""

import argparse
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import yaml

from bench import harness

FALLBACK_SCHEMA = Path(__file__).resolve().parent / "fallback_openapi.yaml"
SERVED_SCHEMA_PATH = "/api/schema/"
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
TRIGGER_NAME = "fuzz-trigger"


def download_served_schema(base_url: str, api_key: str, folder: Path) -> Path | None:
    """Save the schema the server serves at SERVED_SCHEMA_PATH into `folder`; None when it serves none.

    The harness downloads it itself, with the API key, so that the schema
    view may require a key, and serve YAML or JSON.
    """
    request = urllib.request.Request(base_url + SERVED_SCHEMA_PATH, headers={"X-API-Key": api_key})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode("utf-8")
    except (urllib.error.URLError, OSError, UnicodeDecodeError):
        return None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if not isinstance(document, dict) or "openapi" not in document:
        return None
    path = folder / "served_openapi.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def fuzz(base_url: str, api_key: str, schema: str, max_examples: int, seed: int, report_dir: Path, checks: str) -> tuple[int, str, str]:
    """Run schemathesis; return its exit code, output and the schema location it used."""
    report_dir.mkdir(parents=True, exist_ok=True)
    served = download_served_schema(base_url, api_key, report_dir) if schema in {"auto", "served"} else None
    if served is None and schema == "served":
        raise RuntimeError(f"The server serves no OpenAPI schema at {SERVED_SCHEMA_PATH}.")
    location = str(served or FALLBACK_SCHEMA)

    command = [
        str(Path(sys.executable).with_name("schemathesis")), "run", location,
        "--url", base_url,
        "--header", f"X-API-Key: {api_key}",
        "--checks", checks,
        "--phases", "examples,coverage,fuzzing,stateful",
        "--seed", str(seed),
        "--max-examples", str(max_examples),
        "--generation-database", "none",
        # Every request carries the valid key above: generated key values
        # would be 401s that the service's IP ban may count against 127.0.0.1.
        "--generation-with-security-parameters", "false",
        "--workers", "1",
        "--request-timeout", "30",
        "--suppress-health-check", "all",
        "--report", "junit",
        "--report-dir", str(report_dir),
        "--output-truncate", "true",
    ]
    # schemathesis keeps a replay cache in its working folder.
    result = subprocess.run(command, cwd=report_dir, capture_output=True, text=True, timeout=3600)
    label = f"{base_url}{SERVED_SCHEMA_PATH} (served)" if served else f"{FALLBACK_SCHEMA.name} (fallback)"
    return result.returncode, result.stdout + result.stderr, label


def run(backend: str, max_examples: int, seed: int, schema: str = "auto", report_dir: Path | None = None, checks: str = ",".join(CHECKS)) -> dict:
    """Prepare a database and server, fuzz them and return the outcome."""
    with tempfile.TemporaryDirectory(prefix="pyo-fuzz-") as temporary:
        var_dir = Path(temporary)
        database = harness.POSTGRES_DATABASE_PREFIX + "fuzz"
        if backend == "sqlite":
            database_url = f"sqlite:///{var_dir / 'fuzz.sqlite3'}"
        elif backend == "postgresql":
            harness.recreate_postgres_database(database)
            database_url = harness.postgres_url(database)
        else:
            raise ValueError(f"Unknown backend {backend!r}: use sqlite or postgresql.")
        try:
            env = harness.service_env(database_url, var_dir, LOG_LEVEL="WARNING")
            api_key = harness.prepare_database(env)
            harness.seed(env, "trigger", TRIGGER_NAME)
            harness.seed(env, "vejman", "20", "Ny")
            log_path = var_dir / "server.log"
            with harness.waitress_server(env, log_path) as (base_url, _process):
                exit_code, output, location = fuzz(base_url, api_key, schema, max_examples, seed, report_dir or var_dir, checks)
            server_log = log_path.read_text(encoding="utf-8", errors="replace")
        finally:
            if backend == "postgresql":
                harness.drop_postgres_database(database)
    return {"exit_code": exit_code, "output": output, "schema": location, "server_log": server_log}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-examples", type=int, default=200, help="Test cases per operation and phase (default 200).")
    parser.add_argument("--seed", type=int, default=6, help="schemathesis's random seed (default 6).")
    parser.add_argument("--backend", default="all", help="sqlite, postgresql or all (default all).")
    parser.add_argument("--schema", default="auto", choices=["auto", "served", "fallback"],
                        help="Which schema to fuzz: the served one when present (auto), only the served one, or the fallback file.")
    parser.add_argument("--checks", default=",".join(CHECKS), help=f"schemathesis checks (default {','.join(CHECKS)}).")
    parser.add_argument("--report-dir", type=Path, default=harness.PROJECT_DIR / "var" / "fuzz-report",
                        help="Folder for schemathesis's JUnit report (default var/fuzz-report).")
    arguments = parser.parse_args()
    harness.exit_on_sigterm()

    backends = ["sqlite", "postgresql"] if arguments.backend == "all" else [arguments.backend]
    failed = False
    for backend in backends:
        if backend == "postgresql" and not harness.postgres_reachable():
            print(f"Skipped postgresql: nothing listens on {harness.POSTGRES_HOST}:{harness.POSTGRES_PORT}.")
            continue
        arguments.report_dir.mkdir(parents=True, exist_ok=True)
        outcome = run(backend, arguments.max_examples, arguments.seed, arguments.schema, arguments.report_dir / backend, arguments.checks)
        print(outcome["output"])
        print(f"{backend}: schema {outcome['schema']}, schemathesis exit code {outcome['exit_code']}.")
        failed = failed or outcome["exit_code"] != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
