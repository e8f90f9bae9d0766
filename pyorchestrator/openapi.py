"""Pieces of the OpenAPI schema that every endpoint shares: the key scheme and the error responses."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema_field
from rest_framework import serializers

from pyorchestrator.authentication import API_KEY_HEADER
from pyorchestrator.idempotency import IDEMPOTENCY_KEY_HEADER, REPLAYED_HEADER


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "pyorchestrator.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": API_KEY_HEADER,
            "description": (
                "The calling system's API key, made in the admin or with `manage.py create_api_key`. "
                "A missing or invalid key is 401; repeated invalid keys from one address get it banned."
            ),
        }


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "oneOf": [
                {"type": "array", "items": {"type": "string"}},
                {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            ]
        },
    }
)
class FieldErrorsField(serializers.DictField):
    """The `errors` member: messages per field, or per position and field in a bulk request."""


class ErrorSerializer(serializers.Serializer):
    """The one JSON shape of every error response."""

    error = serializers.CharField(help_text=_("A readable sentence naming the problem."))
    errors = FieldErrorsField(
        required=False,
        help_text=_(
            "For invalid input only: the messages of each field. In a bulk request the keys are "
            "positions such as [3] holding each item's field errors."
        ),
    )


# Descriptions and example bodies of the error statuses, shared by all endpoints.
_ERRORS = {
    400: (
        _("Invalid input: `errors` names each field and its messages. Nothing was written."),
        {"error": "queue_name: This field is required.", "errors": {"queue_name": ["This field is required."]}},
    ),
    401: (
        _("The X-API-Key header is missing, or the key is invalid, expired or revoked."),
        {"error": "The X-API-Key header is missing."},
    ),
    403: (
        _("The API key's scopes do not include this endpoint or this queue or trigger name."),
        {"error": "The API key lacks the scope queue:write."},
    ),
    404: (_("Not found."), {"error": "Not found."}),
    409: (
        _(
            "A request with the same Idempotency-Key is still in progress: retry after the seconds "
            "in the Retry-After header."
        ),
        {"error": "A request with this Idempotency-Key is still in progress. Retry later."},
    ),
    413: (
        _("The request body is larger than the limit, 1048576 bytes by default (DATA_UPLOAD_MAX_MEMORY_SIZE)."),
        {"error": "The request body is larger than 1048576 bytes."},
    ),
    422: (
        _("The Idempotency-Key was used within 24 hours with a different method, path or body."),
        {
            "error": "The Idempotency-Key was used with a different request (method, path or body) "
            "within 24 hours."
        },
    ),
    429: (
        _("Too many requests from this address or key: retry after the seconds in the Retry-After header."),
        {"error": "Too many requests. Retry later."},
    ),
    503: (
        _("The database is unavailable: retry after the seconds in the Retry-After header. Nothing was written."),
        {"error": "The database is unavailable. Try again later."},
    ),
}

# The error statuses of every endpoint that takes a key.
COMMON_ERRORS = (401, 403, 429, 503)


def error_responses(*statuses: int, not_found: str | None = None, bad_request: dict | None = None) -> dict:
    """Return the drf-spectacular `responses` entries of the given error statuses.

    `not_found` is the endpoint's 404 message, `bad_request` its example 400 body.
    """
    responses = {}
    for status_code in statuses:
        description, example = _ERRORS[status_code]
        if status_code == 404 and not_found:
            description, example = not_found, {"error": not_found}
        if status_code == 400 and bad_request:
            example = bad_request
        responses[status_code] = OpenApiResponse(
            response=ErrorSerializer,
            description=description,
            examples=[OpenApiExample(f"{status_code}", value=example, response_only=True, status_codes=[status_code])],
        )
    return responses


IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    name=IDEMPOTENCY_KEY_HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Optional. A unique value per logical request, such as a UUID, of 1 to 255 printable ASCII "
        "characters, sent bare or as a quoted string. A retry with the same key, path and body within "
        "24 hours returns the first 2xx response with the header `Idempotent-Replayed: true` and writes "
        "nothing. The same key with another body is 422; a retry while the first request runs is 409. "
        "A 4xx response is not kept, so the key may be reused after correcting the body. Keys are "
        "separate per API key."
    ),
)

REPLAYED_RESPONSE_HEADER = OpenApiParameter(
    name=REPLAYED_HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=[200, 201],
    enum=["true"],
    description="Present on a response repeated for an Idempotency-Key; nothing was written again.",
)

RETRY_AFTER_HEADER = OpenApiParameter(
    name="Retry-After",
    type=OpenApiTypes.INT,
    location=OpenApiParameter.HEADER,
    response=[409, 429, 503],
    description="Seconds to wait before retrying.",
)

WRITE_ERRORS = (400, *COMMON_ERRORS, 409, 413, 422)


class QueueDataFieldSchema(OpenApiSerializerFieldExtension):
    target_class = "queues.serializers.QueueDataField"

    def map_serializer_field(self, auto_schema, direction):
        return {
            "oneOf": [{"type": "string"}, {"type": "object", "additionalProperties": True}, {"type": "array", "items": {}}],
            "nullable": True,
            "description": (
                "A string stored as is, or a JSON object or array stored as json.dumps(value, "
                "ensure_ascii=False); at most 2000 characters as stored."
            ),
        }


class ClientDateFieldSchema(OpenApiSerializerFieldExtension):
    target_class = "vejman.serializers.ClientDateField"

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "string",
            "nullable": True,
            "description": "A date such as 'Tue, 10 Jun 2025' (RFC 822, English) or '2025-06-10'.",
            "example": "Tue, 10 Jun 2025",
        }


# The paths served with an optional trailing slash under one or two prefixes:
# re_path patterns that drf-spectacular cannot spell out.
_PATH_ALIASES = {
    "/vejmankassen/": ["/vejmankassen", "/api/vejmankassen"],
    "/vejmankassen/update/": ["/vejmankassen/update", "/api/vejmankassen/update"],
}


def spell_out_legacy_paths(result, generator, request, public):
    """Rewrite the schema's paths to the form clients call: no trailing slash, /api and bare VejmanKassen paths.

    drf-spectacular's postprocessing hook. The service accepts each path with
    and without a trailing slash; the schema lists the form without, as the
    Flask service served it. An alias path gets its own operationIds, which
    OpenAPI requires to be unique.
    """
    paths = {}
    for path, operations in result["paths"].items():
        aliases = _PATH_ALIASES.get(path) or [path.rstrip("/") or "/"]
        for position, alias in enumerate(aliases):
            if position == 0:
                paths[alias] = operations
                continue
            paths[alias] = {
                method: {**operation, "operationId": f"{operation['operationId']}_api"}
                if isinstance(operation, dict) and "operationId" in operation
                else operation
                for method, operation in operations.items()
            }
    result["paths"] = paths
    return result

