"""Print the per-request cost of the API protection: the ban check and the rate-limit count.

Usage (from the project folder):

    .venv/bin/python bench/protection_overhead.py [--requests 5000] [--redis redis://127.0.0.1:6379/2]

Runs in one process against a temporary SQLite database, with the
local-memory cache and, when --redis is given, the Redis cache. Each
request comes from a new client address, so a quarter of the ban checks
miss the cache and read the database, as for a busy day of new clients.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000, help="requests per cache backend (default 5000)")
    parser.add_argument("--redis", help="Redis URL to measure as well, such as redis://127.0.0.1:6379/2")
    arguments = parser.parse_args()

    os.environ["PYORCHESTRATOR_VAR_DIR"] = tempfile.mkdtemp(prefix="pyorchestrator-benchmark-")
    os.environ["DATABASE_URL"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pyorchestrator.settings")
    sys.path.insert(0, str(PROJECT_DIR))

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    backends = [("locmem", "locmem://")]
    if arguments.redis:
        backends.append(("redis", arguments.redis))
    for label, url in backends:
        figures = measure(url, arguments.requests)
        print(
            f"{label}: {arguments.requests} requests, per request mean {figures['mean']:.1f} µs, "
            f"median {figures['median']:.1f} µs, p99 {figures['p99']:.1f} µs"
        )
    return 0


def measure(cache_url: str, count: int) -> dict[str, float]:
    from django.test import RequestFactory, override_settings

    from pyorchestrator.bans import get_active_ban_end
    from pyorchestrator.cache_urls import parse_cache_url
    from pyorchestrator.client_ip import get_client_ip
    from pyorchestrator.rate_limits import check_rate_limit, rate_limit_group

    factory = RequestFactory()
    cache_settings = {"default": parse_cache_url(cache_url, f"benchmark-{uuid.uuid4().hex}")}
    durations = []
    with override_settings(CACHES=cache_settings, RATE_LIMIT_QUEUE="1000000/m"):
        group = rate_limit_group("/api/queue")
        for number in range(count):
            # Four requests per address: the first misses the ban cache.
            address = f"10.{(number // 4) >> 16 & 255}.{(number // 4) >> 8 & 255}.{(number // 4) & 255}"
            request = factory.post("/api/queue", REMOTE_ADDR=address)
            started = time.perf_counter()
            get_active_ban_end(get_client_ip(request))
            check_rate_limit(request, group)
            durations.append((time.perf_counter() - started) * 1_000_000)
    durations.sort()
    return {
        "mean": statistics.fmean(durations),
        "median": statistics.median(durations),
        "p99": durations[int(len(durations) * 0.99)],
    }


if __name__ == "__main__":
    sys.exit(main())
