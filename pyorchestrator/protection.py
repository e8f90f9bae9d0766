"""The middleware that guards every API path: the IP ban first, then the rate limits.

It runs before any view, so a banned or throttled client costs no key
lookup and no database write, and a route added later is covered by its
path alone. API key checks and the counting of rejected keys happen in
pyorchestrator/authentication.py.
"""

import math
import time
from datetime import datetime

from django.http import JsonResponse
from django.utils.translation import gettext as _

from pyorchestrator.bans import get_active_ban_end
from pyorchestrator.client_ip import get_client_ip
from pyorchestrator.exceptions import error_body
from pyorchestrator.rate_limits import check_rate_limit, rate_limit_group, too_many_requests_response

# The paths of the API: the path itself and everything below it. The admin
# and static files are outside it.
API_PATH_PREFIXES = ("/api", "/vejmankassen")


def is_api_path(path: str) -> bool:
    """Return True if `path` is served by the API rather than the admin."""
    return any(path == prefix or path.startswith(prefix + "/") for prefix in API_PATH_PREFIXES)


def banned_response(ban_end: float) -> JsonResponse:
    """Return the 403 JSON response to a banned address, with Retry-After in seconds."""
    until = datetime.fromtimestamp(ban_end).isoformat(sep=" ", timespec="seconds")
    message = _("This client address is banned until {until} after repeated requests with a missing or invalid API key.")
    response = JsonResponse(error_body(message.format(until=until)), status=403)
    response["Retry-After"] = str(max(1, math.ceil(ban_end - time.time())))
    return response


class ApiProtectionMiddleware:
    """Return 403 to banned addresses and 429 over the rate limit on API paths."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api_path(request.path_info):
            return self.get_response(request)

        address = get_client_ip(request)
        ban_end = get_active_ban_end(address)
        if ban_end is not None:
            return banned_response(ban_end)

        group = rate_limit_group(request.path_info)
        if group is not None:
            retry_after = check_rate_limit(request, group)
            if retry_after is not None:
                return too_many_requests_response(retry_after, group.rate)

        return self.get_response(request)
