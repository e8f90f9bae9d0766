"""Time and profile the request path in one process, without the network.

    python -m bench.profile_request [--requests 2000] [--html var/profile.html]

Calls the WSGI application directly (the object waitress calls) on a fresh
SQLite database for three requests: the trivial Django view, the trivial
view plus the queue insert, and POST /api/queue. Prints the median time of
each, the framework share (as bench/run_bench.py defines it), and a
pyinstrument profile of POST /api/queue.
"""

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import harness


def wsgi_environ(method: str, path: str, body: bytes, api_key: str) -> dict:
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": "127.0.0.1",
        "HTTP_X_API_KEY": api_key,
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def call(application, method: str, path: str, body: bytes, api_key: str) -> str:
    statuses = []
    response = application(wsgi_environ(method, path, body, api_key), lambda status, headers: statuses.append(status))
    try:
        b"".join(response)
    finally:
        response.close()
    return statuses[0]


def time_requests(application, method: str, path: str, body: bytes, api_key: str, count: int) -> float:
    """Return the median seconds of `count` requests."""
    durations = []
    for _ in range(count):
        started = time.perf_counter()
        status = call(application, method, path, body, api_key)
        durations.append(time.perf_counter() - started)
        if not status[:1] in "24":
            raise RuntimeError(f"{method} {path} returned {status}.")
    return statistics.median(durations)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000, help="Requests per measured view (default 2000).")
    parser.add_argument("--html", help="Also write the pyinstrument profile as HTML to this file.")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pyo-profile-") as temporary:
        var_dir = Path(temporary)
        env = harness.service_env(f"sqlite:///{var_dir / 'profile.sqlite3'}", var_dir, LOG_LEVEL="WARNING")
        api_key = harness.prepare_database(env)
        os.environ.update(env)

        from pyinstrument import Profiler

        from pyorchestrator.wsgi import application

        queue_body = json.dumps({"queue_name": "bench", "data": {"navn": "Søren", "sag": 123}}).encode()
        cases = [
            ("trivial Django view", "GET", "/bench/trivial", b""),
            ("trivial view + queue insert", "POST", "/bench/trivial-write", b""),
            ("trivial DRF view", "GET", "/bench/trivial-drf", b""),
            ("trivial DRF view + API key", "GET", "/bench/trivial-drf-key", b""),
            ("POST /api/trigger (404)", "POST", "/api/trigger", b'{"trigger_name": "none"}'),
            ("POST /api/queue", "POST", "/api/queue", queue_body),
        ]
        medians = {}
        for label, method, path, body in cases:
            time_requests(application, method, path, body, api_key, 50)
            medians[label] = time_requests(application, method, path, body, api_key, arguments.requests)
            print(f"{label:30} median {medians[label] * 1e6:8.0f} µs")

        insert = medians["trivial view + queue insert"] - medians["trivial Django view"]
        ratio = (medians["POST /api/queue"] - insert) / medians["trivial Django view"]
        print(f"API work / trivial view = {ratio:.2f} (insert alone {insert * 1e6:.0f} µs)")

        profiler = Profiler(interval=0.0001)
        profiler.start()
        for _ in range(arguments.requests // 4):
            call(application, "POST", "/api/queue", queue_body, api_key)
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        if arguments.html:
            Path(arguments.html).write_text(profiler.output_html(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
