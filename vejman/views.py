"""The VejmanKassen endpoints of the Android inspection app."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
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


class VejmanKassenListView(APIView):
    """List the rows whose FakturaStatus equals `status`.

    `status` comes from a JSON body `{"status": "Ny"}` or, when the body has
    none, from the query string `?status=Ny`. The app calls this with POST,
    other clients with GET; both are served.
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
        return Response([row_to_json(row) for row in rows.iterator(chunk_size=2000)])

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
