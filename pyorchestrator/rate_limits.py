"""Rate limits per client address, one group per endpoint family, by path prefix.

Every path under a prefix shares its group's counter and limit, so a route
added later under /api/queue or /api/trigger is limited without any change
here. django-ratelimit keeps the counters in the shared cache. The client
address comes from pyorchestrator/client_ip.py, and an IPv6 client is
counted by its /64 network (django-ratelimit's "ip" key).
"""

import ipaddress
import logging
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from pyorchestrator.client_ip import get_client_ip
from pyorchestrator.exceptions import error_body
from pyorchestrator.shared_cache import CACHE_ERRORS, log_cache_failure

security_logger = logging.getLogger("pyorchestrator.security")

# Seconds in Retry-After when the window's end is unknown, such as for a
# view that raised django-ratelimit's exception itself.
DEFAULT_RETRY_AFTER_SECONDS = 60


@dataclass(frozen=True)
class RateLimitGroup:
    name: str
    # The path and every path below it, such as /api/queue and /api/queue/bulk.
    path_prefixes: tuple[str, ...]
    # The setting holding the rate, read per request so tests can override it.
    setting: str

    @property
    def counter_group(self) -> str:
        """Return the group name of the counters in django-ratelimit's cache keys."""
        return f"api-{self.name}"

    def matches(self, path: str) -> bool:
        return any(path == prefix or path.startswith(prefix + "/") for prefix in self.path_prefixes)

    @property
    def rate(self) -> str:
        return getattr(settings, self.setting)


# Checked in order, so the update group comes before the wider vejman group.
RATE_LIMIT_GROUPS = (
    RateLimitGroup("vejman-update", ("/vejmankassen/update", "/api/vejmankassen/update"), "RATE_LIMIT_VEJMAN_UPDATE"),
    RateLimitGroup("vejman", ("/vejmankassen", "/api/vejmankassen"), "RATE_LIMIT_VEJMAN"),
    RateLimitGroup("queue", ("/api/queue",), "RATE_LIMIT_QUEUE"),
    RateLimitGroup("trigger", ("/api/trigger",), "RATE_LIMIT_TRIGGER"),
)


def rate_limit_group(path: str) -> RateLimitGroup | None:
    """Return the group whose prefixes cover `path`, or None when no limit applies."""
    for group in RATE_LIMIT_GROUPS:
        if group.matches(path):
            return group
    return None


@lru_cache(maxsize=4096)
def _counted_network(address: str, ipv4_mask: int, ipv6_mask: int) -> str:
    mask = ipv6_mask if ":" in address else ipv4_mask
    return str(ipaddress.ip_network(f"{address}/{mask}", strict=False).network_address)


def counted_address(group: str, request) -> str:
    """Return the value django-ratelimit's "ip" key counts: the client address, or its IPv6 /64 network.

    The same value as the "ip" key with RATELIMIT_IP_META_KEY, so the cache
    keys are the same, without importing that function by name and parsing
    the network again on every request.
    """
    return _counted_network(
        get_client_ip(request),
        getattr(settings, "RATELIMIT_IPV4_MASK", 32),
        getattr(settings, "RATELIMIT_IPV6_MASK", 64),
    )


def check_rate_limit(request, group: RateLimitGroup) -> int | None:
    """Count the request against its group; return the seconds to wait when it is over the limit.

    Returns None when the request is within the limit or when the cache is
    down (fail open, logged).
    """
    try:
        usage = get_usage(request, group=group.counter_group, key=counted_address, rate=group.rate, increment=True)
    except CACHE_ERRORS as error:
        log_cache_failure("a rate-limit check", error)
        return None
    if usage is None or not usage["should_limit"]:
        return None

    if usage["count"] == usage["limit"] + 1:
        # Logged once per window and address, on the first request over the limit.
        security_logger.warning(
            "Rate limit %s of the %s group exceeded by %s.",
            group.rate,
            group.name,
            get_client_ip(request),
        )
    return max(1, usage["time_left"])


def too_many_requests_response(retry_after: int, rate: str | None = None) -> JsonResponse:
    """Return the 429 JSON response with Retry-After in seconds."""
    if rate:
        message = _("Too many requests from this address: the limit is {rate}. Retry after {seconds} seconds.")
    else:
        message = _("Too many requests from this address. Retry after {seconds} seconds.")
    response = JsonResponse(error_body(message.format(rate=rate, seconds=retry_after)), status=429)
    response["Retry-After"] = str(retry_after)
    return response


def ratelimited_view(request, exception=None):
    """Answer django-ratelimit's exception from a plain Django view (settings.RATELIMIT_VIEW)."""
    return too_many_requests_response(DEFAULT_RETRY_AFTER_SECONDS)
