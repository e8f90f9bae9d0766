"""The one JSON shape of every error response of the service.

    {"error": "queue_name: Must be at most 100 characters.",
     "errors": {"queue_name": ["Must be at most 100 characters."]}}

`error` is a readable sentence, the key the Flask service returned and some
clients show to people. `errors` is present for invalid input only and maps
each field (or, for a list body, each position) to its messages.
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django_ratelimit.exceptions import Ratelimited
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


def flatten_errors(detail, prefix: str = "") -> list[str]:
    """Return "field: message" lines for a DRF error detail of any nesting."""
    if isinstance(detail, dict):
        lines = []
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "non_field_errors":
                name = prefix
            lines.extend(flatten_errors(value, name))
        return lines
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return [f"{prefix}: {item}" if prefix else str(item) for item in detail]
        lines = []
        for position, item in enumerate(detail):
            if item:
                name = f"{prefix}[{position}]" if prefix else f"[{position}]"
                lines.extend(flatten_errors(item, name))
        return lines
    return [f"{prefix}: {detail}" if prefix else str(detail)]


def error_body(message: str, errors=None) -> dict:
    """Return the JSON body of an error response."""
    body = {"error": message}
    if errors is not None:
        body["errors"] = errors
    return body


def json_exception_handler(exc, context):
    """Turn every exception a DRF view raises into the one JSON error shape."""
    if isinstance(exc, Ratelimited):
        # A subclass of PermissionDenied, which DRF would turn into a 403.
        from pyorchestrator.rate_limits import DEFAULT_RETRY_AFTER_SECONDS, too_many_requests_response

        return too_many_requests_response(DEFAULT_RETRY_AFTER_SECONDS)
    if isinstance(exc, RequestDataTooBig):
        logger.info("Answered 413 to %s: the request body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE", _view_name(context))
        return Response(
            error_body(
                _("The request body is larger than {limit} bytes.").format(limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
            ),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, (OperationalError, InterfaceError)):
        # The database is down or unreachable: the client may retry later.
        logger.error("Database unavailable in %s: %s", _view_name(context), exc.__class__.__name__)
        return Response(
            error_body(_("The database is unavailable. Try again later.")),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )
    if isinstance(exc, DatabaseError):
        logger.exception("Database error in %s", _view_name(context))
        return Response(error_body(_("Internal server error.")), status=status.HTTP_500_INTERNAL_SERVER_ERROR)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    if isinstance(exc, exceptions.ValidationError):
        lines = flatten_errors(exc.detail)
        message = " ".join(lines) if lines else _("Invalid input.")
        response.data = error_body(message, _as_plain(exc.detail))
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
        response.data = error_body(" ".join(flatten_errors(detail)))
    # The message names fields and limits, never the API key or the body.
    logger.info(
        "Answered %s to %s: %s: %s",
        response.status_code,
        _view_name(context),
        exc.__class__.__name__,
        _truncate(response.data["error"]),
    )
    return response


def _truncate(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _as_plain(detail):
    """Return a DRF error detail as plain dicts, lists and strings."""
    if isinstance(detail, dict):
        return {str(key): _as_plain(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_as_plain(item) for item in detail]
    return str(detail)


def _view_name(context) -> str:
    view = context.get("view") if context else None
    return view.__class__.__name__ if view is not None else "unknown view"


def _is_admin_path(request) -> bool:
    return request.path.startswith("/admin/") or request.path == "/admin"


def not_found(request, exception=None):
    """Answer an unknown path with JSON; admin paths keep Django's HTML page."""
    if _is_admin_path(request):
        from django.views.defaults import page_not_found

        return page_not_found(request, exception)
    return JsonResponse(error_body(_("Not found.")), status=404)


def server_error(request):
    """Answer an unhandled exception with JSON and no detail of the cause."""
    if _is_admin_path(request):
        from django.views.defaults import server_error as html_server_error

        return html_server_error(request)
    return JsonResponse(error_body(_("Internal server error.")), status=500)


def bad_request(request, exception=None):
    """Answer a request Django rejects before any view (bad Host header) with JSON."""
    return JsonResponse(error_body(_("Bad request.")), status=400)


def permission_denied(request, exception=None):
    """Answer a request refused outside DRF with JSON."""
    if _is_admin_path(request):
        from django.views.defaults import permission_denied as html_permission_denied

        return html_permission_denied(request, exception)
    return JsonResponse(error_body(_("Permission denied.")), status=403)
