"""The VejmanKassen endpoints of the Android inspection app."""

import logging
from itertools import islice

from django.db import DatabaseError
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from pyorchestrator.idempotency import idempotent_post
from pyorchestrator.openapi import (
    COMMON_ERRORS,
    IDEMPOTENCY_KEY_PARAMETER,
    REPLAYED_RESPONSE_HEADER,
    RETRY_AFTER_HEADER,
    WRITE_ERRORS,
    error_responses,
)
from pyorchestrator.scopes import Scope
from pyorchestrator.views import require_object_body
from vejman.models import VejmanKassen
from vejman.serializers import (
    StatusQuerySerializer,
    VejmanRowSerializer,
    VejmanUpdateResponseSerializer,
    VejmanUpdateSerializer,
    row_to_json,
)

VEJMAN_TAG = "VejmanKassen"

_LIST_DESCRIPTION = (
    "The rows whose FakturaStatus equals `status`, ordered by Id, keyed by column name; dates in the "
    "RFC 822 form `Tue, 10 Jun 2025 00:00:00 GMT`. `status` comes from a JSON body `{\"status\": \"Ny\"}` "
    "or, when the body has none, from the query string `?status=Ny`. Served under /vejmankassen and "
    "/api/vejmankassen, with or without a trailing slash. Needs the scope vejman:read. This POST is a "
    "read, so it ignores Idempotency-Key."
)
_LIST_SCHEMA = {
    "tags": [VEJMAN_TAG],
    "description": _LIST_DESCRIPTION,
    "request": StatusQuerySerializer,
    "parameters": [
        OpenApiParameter(
            "status", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False,
            description="FakturaStatus, such as Ny, Til fakturering, Fakturer ikke or Faktureret, when the body has none.",
        ),
        RETRY_AFTER_HEADER,
    ],
    "responses": {
        200: VejmanRowSerializer(many=True),
        **error_responses(
            400,
            *COMMON_ERRORS,
            bad_request={"error": "status: This field is required.", "errors": {"status": ["This field is required."]}},
        ),
    },
}

logger = logging.getLogger(__name__)

# Rows read from the database cursor and encoded as one piece of the
# streamed response (about 75 kB of JSON). With this size the server's peak
# memory measured by bench/run_bench.py was the same for 100,000 and
# 200,000 rows; with 1,000 rows a piece it still rose with the row count.
STREAM_BATCH_ROWS = 200


class VejmanKassenListView(APIView):
    """List the rows whose FakturaStatus equals `status`.

    `status` comes from a JSON body `{"status": "Ny"}` or, when the body has
    none, from the query string `?status=Ny`. The app calls this with POST,
    other clients with GET; both are served.

    The rows are streamed: the JSON array is written one batch of rows at a
    time from a server-side cursor, so memory does not grow with the number
    of rows. The bytes are the same as DRF's JSONRenderer writes for the
    whole list. The query runs and the first batch is read before the
    response starts, so a database error there is still a JSON error
    response. An error after the first byte cannot change the status any
    more: the server then drops the connection, and the client sees an
    incomplete body instead of a shorter valid array.
    """

    required_scopes = {"GET": Scope.VEJMAN_READ, "POST": Scope.VEJMAN_READ}

    @extend_schema(operation_id="vejmankassen_list", summary="List VejmanKassen rows by status (GET)", **_LIST_SCHEMA)
    def get(self, request):
        body = require_object_body(request)
        status_source = body if "status" in body else request.query_params
        serializer = StatusQuerySerializer(data={"status": status_source["status"]} if "status" in status_source else {})
        serializer.is_valid(raise_exception=True)

        rows = (
            VejmanKassen.objects.filter(faktura_status=serializer.validated_data["status"])
            .order_by("id")
            .values()
        )
        renderer = JSONRenderer()
        if renderer.get_indent(request.accepted_media_type, {}) is not None:
            # An indented body (Accept: application/json; indent=4) is for
            # people reading a few rows, so it is rendered whole.
            return Response([row_to_json(row) for row in rows])

        batches = _batched(rows.iterator(chunk_size=STREAM_BATCH_ROWS), STREAM_BATCH_ROWS)
        first_piece = renderer.render(next(batches, []))[1:-1]
        return StreamingHttpResponse(
            _json_array_pieces(renderer, first_piece, batches), content_type=renderer.media_type
        )

    @extend_schema(
        operation_id="vejmankassen_list_post", summary="List VejmanKassen rows by status (POST)", **_LIST_SCHEMA
    )
    def post(self, request):
        return self.get(request)


class VejmanKassenUpdateView(APIView):
    """Update the given columns of one row; 404 when no row has the id."""

    required_scopes = {"POST": Scope.VEJMAN_WRITE}

    @extend_schema(
        tags=[VEJMAN_TAG],
        operation_id="vejmankassen_update",
        summary="Update one VejmanKassen row",
        description=(
            "Set the given columns of the row with `id`; give at least one of fakturaStatus, kvadratmeter "
            "(a number >= 0 or null), tilladelsestype and slutdato (`Tue, 10 Jun 2025` or `2025-06-10`). "
            "Other keys are ignored. Served under /vejmankassen/update and /api/vejmankassen/update. "
            "Needs the scope vejman:write."
        ),
        request=VejmanUpdateSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER, REPLAYED_RESPONSE_HEADER, RETRY_AFTER_HEADER],
        responses={
            200: OpenApiResponse(VejmanUpdateResponseSerializer, description="The row was updated."),
            **error_responses(
                *WRITE_ERRORS,
                404,
                not_found="No VejmanKassen row has id 4711.",
                bad_request={
                    "error": "kvadratmeter: Must be at least 0.",
                    "errors": {"kvadratmeter": ["Must be at least 0."]},
                },
            ),
        },
        examples=[
            OpenApiExample(
                "Measured",
                value={"id": 4711, "kvadratmeter": 12.5, "fakturaStatus": "Til fakturering", "slutdato": "Tue, 10 Jun 2025"},
                request_only=True,
            )
        ],
    )
    def post(self, request):
        body = require_object_body(request)
        return idempotent_post(request, lambda reservation: self._update(body))

    def _update(self, body: dict) -> Response:
        serializer = VejmanUpdateSerializer(data=body)
        serializer.is_valid(raise_exception=True)

        row_id = serializer.validated_data["id"]
        updated = VejmanKassen.objects.filter(pk=row_id).update(**serializer.column_values())
        if not updated:
            raise NotFound(_("No VejmanKassen row has id {id}.").format(id=row_id))
        return Response({"status": "success"})


def _batched(rows, size: int):
    """Yield lists of up to `size` rows converted to their JSON form."""
    while batch := [row_to_json(row) for row in islice(rows, size)]:
        yield batch


def _json_array_pieces(renderer: JSONRenderer, first_piece: bytes, batches):
    """Yield the bytes of one JSON array holding the rows of every batch.

    Each batch is rendered by DRF's renderer as an array, and its brackets
    are replaced by the separators of one array around all batches.
    `first_piece` is the first batch rendered so, empty when there are no rows.
    """
    yield b"[" + first_piece
    try:
        for batch in batches:
            yield b"," + renderer.render(batch)[1:-1]
    except (DatabaseError, ValueError):
        # ValueError: a float column contains NaN or infinity, which JSON cannot represent.
        logger.exception("Streaming VejmanKassen rows failed; the response is cut short")
        raise
    yield b"]"
