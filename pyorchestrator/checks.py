"""System checks of the API protection's configuration (`manage.py check`)."""

from django.conf import settings
from django.core import checks

from pyorchestrator.bans import BAN_STATE_CACHE_SECONDS

# Cache backends whose increment is atomic across every process that uses them.
SHARED_ATOMIC_BACKENDS = {
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
}
LOCAL_MEMORY_BACKEND = "django.core.cache.backends.locmem.LocMemCache"


@checks.register(checks.Tags.caches, checks.Tags.security)
def check_counter_cache(app_configs, **kwargs):
    """Explain whether the ban and rate-limit counters are shared by every process."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in SHARED_ATOMIC_BACKENDS:
        return []
    if backend == LOCAL_MEMORY_BACKEND:
        if not settings.IS_PRODUCTION:
            return []
        # An Info, not a Warning: web.config starts one waitress process, for
        # which the local-memory cache is correct, so the deploy check passes.
        return [
            checks.Info(
                "The cache is local to each process (CACHE_URL=locmem://): rate-limit and ban counters "
                "are correct for one waitress process only, and another process learns of a new or "
                f"lifted ban only from the database, up to {BAN_STATE_CACHE_SECONDS} seconds later.",
                hint="Keep one waitress process per deployment, or set CACHE_URL=redis://HOST:6379/0 "
                "when IIS starts several processes or several servers serve the API.",
                id="pyorchestrator.I001",
            )
        ]
    return [
        checks.Error(
            f"The cache backend {backend} has no atomic increment shared by every process, so the "
            "rate limits and the ban counters would count wrong or not at all.",
            hint="Set CACHE_URL to locmem:// (one process) or redis://HOST:6379/0.",
            id="pyorchestrator.E001",
        )
    ]


@checks.register(checks.Tags.security)
def check_trusted_proxies(app_configs, **kwargs):
    """Warn when production has no trusted proxy, so IIS's address is every client's."""
    if not settings.IS_PRODUCTION or settings.TRUSTED_PROXIES:
        return []
    return [
        checks.Warning(
            "TRUSTED_PROXIES is empty in production: behind IIS every request comes from the proxy's "
            "address, so one client with a bad key bans all clients and all share one rate limit.",
            hint="Set TRUSTED_PROXIES=127.0.0.1,::1 when IIS httpPlatformHandler runs on the same server, "
            "and let waitress listen on 127.0.0.1 only.",
            id="pyorchestrator.W002",
        )
    ]
