"""Validation of real API responses against the served OpenAPI schema.

`SchemaCheckedClient` checks every response it receives with openapi-core:
the path, method and status must be documented, and the body must match
the documented schema. So a test that uses it fails when the schema and the
behaviour disagree.
"""

import json
from functools import lru_cache

from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft4Validator
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from rest_framework.test import APIClient


@lru_cache(maxsize=1)
def schema() -> dict:
    """Return the OpenAPI schema the service serves at /api/schema/, as a dict."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    # A JSON round trip turns lazy translations and tuples into plain JSON values.
    return json.loads(json.dumps(generated, default=str))


@lru_cache(maxsize=1)
def openapi() -> OpenAPI:
    return OpenAPI.from_dict(schema())


class _SchemaPathRequest(DjangoOpenAPIRequest):
    """A Django request that openapi-core matches by its path, not by the URL pattern.

    The routes are regular expressions with an optional trailing slash, which
    openapi-core's Django adapter cannot turn into a template, and the
    schema lists each path without the slash.
    """

    def __init__(self, request):
        super().__init__(request)
        self.parameters.path = {}

    @property
    def path(self) -> str:
        return self.request.path.rstrip("/") or "/"

    @property
    def path_pattern(self):
        return None

    @property
    def body(self) -> bytes:
        # Only responses are validated; the view has consumed the request's stream.
        return b""


def assert_response_documented(response) -> None:
    """Raise AssertionError unless the schema documents the response's status and body."""
    request = response.wsgi_request
    if response.status_code == 405:
        # An undocumented method of a documented path: the body still has the error shape.
        _assert_error_shape(response)
        return
    try:
        openapi().validate_response(_SchemaPathRequest(request), DjangoOpenAPIResponse(response))
    except Exception as error:
        detail = getattr(error, "__cause__", None) or error
        raise AssertionError(
            f"{request.method} {request.path} answered {response.status_code} {response.content[:300]!r}, "
            f"which the OpenAPI schema does not document: {error!r} {detail!r}"
        ) from error


def _assert_error_shape(response) -> None:
    error_schema = schema()["components"]["schemas"]["Error"]
    Draft4Validator(error_schema).validate(response.json())


class SchemaCheckedClient(APIClient):
    """An APIClient that validates every API response against the OpenAPI schema."""

    def request(self, **kwargs):
        response = super().request(**kwargs)
        if response.wsgi_request.path.startswith("/api/") or "vejmankassen" in response.wsgi_request.path:
            if not response.wsgi_request.path.startswith(("/api/schema", "/api/docs", "/api/redoc")):
                assert_response_documented(response)
        return response
