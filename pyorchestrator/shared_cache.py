"""The shared cache of the ban and rate-limit counters, and what happens when it is down.

Fail mode: open. When the cache raises (Redis down or timing out), a
request is served as if its counters were zero: no rate limit applies and
rejected keys are not counted towards a ban. Active bans are still
enforced, because the ban check falls back to the database. Keys are
still required, so the API stays closed to callers without a valid key;
what is lost until the cache is back is the throttling of guessing and
load. The robots and web forms that post queue elements keep working,
which is why open was chosen. Each failure is logged on the
`pyorchestrator.security` logger, at most once a minute per process.
"""

import logging
import time

from django.core.cache import caches

try:
    from redis.exceptions import RedisError
except ImportError:  # the redis client is needed only with CACHE_URL=redis://
    RedisError = OSError

security_logger = logging.getLogger("pyorchestrator.security")

# Exceptions a cache backend raises when its server is unreachable.
CACHE_ERRORS = (RedisError, OSError)

# Seconds between two log lines about the cache being down, per process.
FAILURE_LOG_INTERVAL_SECONDS = 60

_last_failure_logged = 0.0


def get_cache():
    """Return the cache of the ban and rate-limit counters."""
    return caches["default"]


def log_cache_failure(operation: str, error: Exception) -> None:
    """Log that the cache failed during `operation`, at most once a minute per process."""
    global _last_failure_logged
    now = time.monotonic()
    if now - _last_failure_logged < FAILURE_LOG_INTERVAL_SECONDS:
        return
    _last_failure_logged = now
    security_logger.error(
        "The cache is unavailable (%s during %s): rate limits and ban counting are off "
        "until it is back; active bans are still read from the database.",
        error.__class__.__name__,
        operation,
    )
