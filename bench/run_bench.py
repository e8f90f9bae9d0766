"""Load-test the real waitress server with wrk and record the figures.

    python -m bench.run_bench [--duration 5] [--clients 1,8,32] [--backends sqlite,postgresql]

For each database backend (PostgreSQL only when 127.0.0.1:5432 accepts connections)
the script prepares a fresh database, starts waitress on 127.0.0.1 and runs
wrk against each endpoint at each number of concurrent clients (one
connection per client). It then measures the server's peak memory while
GET /vejmankassen returns many rows. The results replace the generated
part of docs/benchmarks.md and are printed.
"""

import argparse
import json
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from bench import harness

WRK_SCRIPT = harness.PROJECT_DIR / "bench" / "wrk" / "request.lua"
RESULTS_FILE = harness.PROJECT_DIR / "docs" / "benchmarks.md"
RESULTS_START = "<!-- bench:start -->"
RESULTS_END = "<!-- bench:end -->"
TRIGGER_NAME = "bench-trigger"


@dataclass(frozen=True)
class Endpoint:
    label: str
    method: str
    path: str
    body: str = ""
    needs_key: bool = True


def endpoints(vejman_row_id: int) -> list[Endpoint]:
    queue_body = json.dumps(
        {"queue_name": "bench", "data": {"navn": "Søren", "sag": 123}, "reference": "ref-1", "created_by": "bench"}
    )
    return [
        Endpoint("trivial Django view", "GET", "/bench/trivial", needs_key=False),
        Endpoint("trivial view + queue insert", "POST", "/bench/trivial-write", needs_key=False),
        Endpoint("POST /api/queue", "POST", "/api/queue", queue_body),
        Endpoint("POST /api/trigger", "POST", "/api/trigger", json.dumps({"trigger_name": TRIGGER_NAME, "process_status": "IDLE"})),
        Endpoint("GET /vejmankassen (20 rows)", "GET", "/vejmankassen?status=Ny"),
        Endpoint("POST /vejmankassen/update", "POST", "/vejmankassen/update", json.dumps({"id": vejman_row_id, "kvadratmeter": 14.5})),
    ]


def run_wrk(base_url: str, endpoint: Endpoint, api_key: str, clients: int, duration: int) -> dict:
    env = {
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "BENCH_METHOD": endpoint.method,
        "BENCH_PATH": endpoint.path,
        "BENCH_BODY": endpoint.body,
        "BENCH_API_KEY": api_key if endpoint.needs_key else "",
    }
    threads = min(clients, 2)
    command = [
        "wrk", f"-t{threads}", f"-c{clients}", f"-d{duration}s", "--timeout", "10s", "-s", str(WRK_SCRIPT), base_url,
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=duration + 60)
    match = re.search(r"^BENCH_RESULT (\{.*\})$", result.stdout, re.MULTILINE)
    if result.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed on {endpoint.label}:\n{result.stdout}\n{result.stderr}")
    figures = json.loads(match.group(1))
    figures["requests_per_second"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def warm_up(base_url: str, endpoint_list: list[Endpoint], api_key: str) -> None:
    """Send each request a few times so imports and first connections are not measured."""
    for endpoint in endpoint_list:
        for _ in range(3):
            request = urllib.request.Request(
                base_url + endpoint.path,
                data=endpoint.body.encode() if endpoint.body else None,
                method=endpoint.method,
                headers={"X-API-Key": api_key, "Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()


def measure_memory(env: dict, var_dir: Path, api_key: str, row_counts: list[int]) -> list[dict]:
    """Return the server's peak RSS while GET /vejmankassen returns each number of rows.

    Each row count gets its own status value and a freshly started server,
    so one peak cannot hide another.
    """
    for count in row_counts:
        harness.seed(env, "vejman", str(count), f"Stor-{count}")

    figures = []
    for count in row_counts:
        with harness.waitress_server(env, var_dir / "server-memory.log") as (base_url, process):
            headers = {"X-API-Key": api_key}
            small = urllib.request.Request(f"{base_url}/vejmankassen?status=Ny", headers=headers)
            with urllib.request.urlopen(small, timeout=30) as response:
                response.read()
            before = harness.memory_kib(process.pid)

            started = time.monotonic()
            large = urllib.request.Request(f"{base_url}/vejmankassen?status=Stor-{count}", headers=headers)
            received = 0
            with urllib.request.urlopen(large, timeout=300) as response:
                while piece := response.read(65536):
                    received += len(piece)
            elapsed = time.monotonic() - started
            after = harness.memory_kib(process.pid)
        figures.append(
            {
                "rows": count,
                "bytes": received,
                "seconds": elapsed,
                "peak_before_kib": before["VmHWM"],
                "peak_after_kib": after["VmHWM"],
            }
        )
    return figures


def bench_backend(name: str, database_url: str, var_dir: Path, clients: list[int], duration: int, memory_rows: list[int]) -> dict:
    env = harness.service_env(database_url, var_dir)
    api_key = harness.prepare_database(env)
    harness.seed(env, "trigger", TRIGGER_NAME)
    vejman_row_id = int(harness.seed(env, "vejman", "20", "Ny").strip())
    endpoint_list = endpoints(vejman_row_id)

    results = []
    if not clients:
        endpoint_list = []
    with harness.waitress_server(env, var_dir / "server.log") as (base_url, _process):
        warm_up(base_url, endpoint_list, api_key)
        for endpoint in endpoint_list:
            for count in clients:
                figures = run_wrk(base_url, endpoint, api_key, count, duration)
                results.append({"endpoint": endpoint.label, "clients": count, **figures})
                print(
                    f"{name:10} {endpoint.label:32} {count:3} clients {figures['requests_per_second']:8.1f} req/s "
                    f"p50 {figures['p50_us'] / 1000:7.2f} ms p95 {figures['p95_us'] / 1000:7.2f} ms "
                    f"p99 {figures['p99_us'] / 1000:7.2f} ms non-2xx {figures['errors_status']}",
                    flush=True,
                )

    memory = measure_memory(env, var_dir, api_key, memory_rows) if memory_rows else []
    for entry in memory:
        print(
            f"{name:10} GET /vejmankassen {entry['rows']} rows: {entry['bytes'] / 1e6:.1f} MB in {entry['seconds']:.1f} s, "
            f"peak RSS {entry['peak_before_kib'] / 1024:.1f} MiB before, {entry['peak_after_kib'] / 1024:.1f} MiB after",
            flush=True,
        )
    return {"backend": name, "results": results, "memory": memory}


def framework_share(results: list[dict], clients: int) -> dict | None:
    """Return the cost of POST /api/queue's own work relative to the trivial view.

    API work = p50(POST /api/queue) - (p50(trivial + insert) - p50(trivial)),
    that is the API's latency less the cost of the insert itself, divided by
    the trivial view's latency. 1.0 means no cost beyond plain Django. The
    medians are used because the mean of a short run on a shared machine
    follows its few slowest requests.
    """
    by_label = {entry["endpoint"]: entry for entry in results if entry["clients"] == clients}
    try:
        trivial = by_label["trivial Django view"]["p50_us"]
        trivial_write = by_label["trivial view + queue insert"]["p50_us"]
        api = by_label["POST /api/queue"]["p50_us"]
    except KeyError:
        return None
    insert_cost = trivial_write - trivial
    return {"trivial_us": trivial, "insert_us": insert_cost, "api_us": api, "ratio": (api - insert_cost) / trivial}


def machine_description() -> str:
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.strip()
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    wrk_line = (wrk_version.stdout or wrk_version.stderr).strip().splitlines()[0]
    return (
        f"- cores (nproc): {cores}\n- Python {platform.python_version()}, {platform.platform()}\n- {wrk_line}\n\n"
        f"```\n$ free -h\n{memory}\n```"
    )


def render_markdown(command: str, runs: list[dict], clients: list[int], duration: int) -> str:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=harness.PROJECT_DIR, capture_output=True, text=True
    ).stdout.strip()
    lines = [
        RESULTS_START,
        f"Generated by `{command}` on {now} at commit {commit or 'unknown'}; {duration} s per cell.",
        "",
        machine_description(),
        "",
    ]
    for run in runs:
        lines += [
            f"### {run['backend']}",
            "",
            "| endpoint | clients | req/s | p50 ms | p95 ms | p99 ms | non-2xx | socket errors |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for entry in run["results"]:
            socket_errors = sum(entry[key] for key in ("errors_connect", "errors_read", "errors_write", "errors_timeout"))
            lines.append(
                f"| {entry['endpoint']} | {entry['clients']} | {entry['requests_per_second']:.0f} "
                f"| {entry['p50_us'] / 1000:.2f} | {entry['p95_us'] / 1000:.2f} | {entry['p99_us'] / 1000:.2f} "
                f"| {entry['errors_status']} | {socket_errors} |"
            )
        lines.append("")
        for count in clients:
            share = framework_share(run["results"], count)
            if share:
                lines.append(
                    f"- Framework share at {count} client(s), medians: trivial view {share['trivial_us'] / 1000:.2f} ms, "
                    f"insert {share['insert_us'] / 1000:.2f} ms, POST /api/queue {share['api_us'] / 1000:.2f} ms: "
                    f"API work / trivial view = **{share['ratio']:.2f}**"
                )
        for entry in run["memory"]:
            lines.append(
                f"- GET /vejmankassen with {entry['rows']} rows ({entry['bytes'] / 1e6:.1f} MB of JSON, "
                f"{entry['seconds']:.1f} s): server peak RSS {entry['peak_before_kib'] / 1024:.1f} MiB before the request, "
                f"{entry['peak_after_kib'] / 1024:.1f} MiB after"
            )
        lines.append("")
    lines.append(RESULTS_END)
    return "\n".join(lines)


def write_results(section: str) -> None:
    text = RESULTS_FILE.read_text(encoding="utf-8") if RESULTS_FILE.exists() else f"# Benchmarks\n\n{RESULTS_START}\n{RESULTS_END}\n"
    if RESULTS_START in text and RESULTS_END in text:
        before, _, rest = text.partition(RESULTS_START)
        _, _, after = rest.partition(RESULTS_END)
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS_FILE.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=5, help="Seconds of load per endpoint and client count (default 5).")
    parser.add_argument("--clients", default="1,8,32", help="Comma-separated numbers of concurrent clients; empty to skip the load (default 1,8,32).")
    parser.add_argument("--backends", default="sqlite,postgresql", help="Comma-separated backends (default sqlite,postgresql).")
    parser.add_argument(
        "--memory-rows", default="10000,100000,200000",
        help="Comma-separated row counts for the memory measurement; empty to skip (default 10000,100000,200000).",
    )
    parser.add_argument("--no-write", action="store_true", help="Print the results without changing docs/benchmarks.md.")
    arguments = parser.parse_args()
    harness.exit_on_sigterm()

    if shutil.which("wrk") is None:
        print("wrk is not installed: run `make bench`, which installs it, or `apt-get install wrk`.")
        return 2

    clients = [int(value) for value in arguments.clients.split(",") if value]
    memory_rows = [int(value) for value in arguments.memory_rows.split(",") if value]
    runs = []
    for backend in [value.strip() for value in arguments.backends.split(",") if value.strip()]:
        with tempfile.TemporaryDirectory(prefix="pyo-bench-") as temporary:
            var_dir = Path(temporary)
            if backend == "sqlite":
                runs.append(bench_backend("SQLite", f"sqlite:///{var_dir / 'bench.sqlite3'}", var_dir, clients, arguments.duration, memory_rows))
            elif backend == "postgresql":
                if not harness.postgres_reachable():
                    print(f"Skipped PostgreSQL: nothing listens on {harness.POSTGRES_HOST}:{harness.POSTGRES_PORT}.")
                    continue
                database = harness.POSTGRES_DATABASE_PREFIX + "bench"
                harness.recreate_postgres_database(database)
                try:
                    runs.append(bench_backend("PostgreSQL", harness.postgres_url(database), var_dir, clients, arguments.duration, memory_rows))
                finally:
                    harness.drop_postgres_database(database)
            else:
                parser.error(f"Unknown backend {backend!r}: use sqlite or postgresql.")

    given = " ".join(sys.argv[1:])
    command = f'make bench BENCH_ARGS="{given}"' if given else "make bench"
    section = render_markdown(command, runs, clients, arguments.duration)
    print(section)
    if not arguments.no_write:
        write_results(section)
        print(f"Wrote {RESULTS_FILE.relative_to(harness.PROJECT_DIR)}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
