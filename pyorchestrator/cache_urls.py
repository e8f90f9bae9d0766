"""Turn CACHE_URL into the Django CACHES entry of the ban and rate-limit counters.

Accepted forms:
- ``locmem://`` (default): Django's local-memory cache, private to one
  process. Correct for the embedded default of one waitress process.
- ``redis://[:password@]host:6379/0`` or ``rediss://...`` (TLS): Django's
  built-in Redis backend, shared by every process and server that uses the
  same URL. Its increment is atomic, as the counters need.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# Seconds a Redis connect or command may take before it fails. A cache that
# is down then costs a request about this long instead of hanging it; the
# API carries on without the counters (see pyorchestrator/shared_cache.py).
REDIS_TIMEOUT_SECONDS = 1.0


def parse_cache_url(url: str, key_prefix: str) -> dict:
    """Return the CACHES entry for `url`."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pyorchestrator",
            "KEY_PREFIX": key_prefix,
            # The ban and rate-limit keys of one window; culling them early
            # would forget counts.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    if scheme in {"redis", "rediss"}:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": key_prefix,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
            },
        }
    raise ImproperlyConfigured(
        f"CACHE_URL must start with locmem://, redis:// or rediss://; its scheme is {scheme!r}."
    )
