"""One log line per API request on the `pyorchestrator.requests` logger.

    POST /api/queue 201 12.4ms client=203.0.113.7 key=OS2Forms (AbCd1234)

The client is the address that pyorchestrator/client_ip.py decides. The
key is named by its name and prefix, "rejected (<prefix>)" for an invalid
key, "missing" without one, or "-" when the request never reached the key
check (banned, rate-limited, unknown path). The key itself is never logged.
"""

import logging
import time

from django.utils.encoding import escape_uri_path

from pyorchestrator.authentication import REQUEST_KEY_LABEL_ATTRIBUTE
from pyorchestrator.client_ip import get_client_ip
from pyorchestrator.protection import is_api_path

logger = logging.getLogger("pyorchestrator.requests")


class RequestLogMiddleware:
    """Log method, path, status, duration, client address and key of each API request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api_path(request.path_info):
            return self.get_response(request)

        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = (time.perf_counter() - started) * 1000

        logger.info(
            "%s %s %s %.1fms client=%s key=%s",
            request.method,
            escape_uri_path(request.path),
            response.status_code,
            duration_ms,
            get_client_ip(request),
            getattr(request, REQUEST_KEY_LABEL_ATTRIBUTE, "-"),
        )
        return response
