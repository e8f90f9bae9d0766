"""The trigger endpoints: set a SINGLE trigger's status, read a trigger by name."""

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
from pyorchestrator.scopes import Scope, require_name_scope
from pyorchestrator.views import require_object_body
from triggers.models import Trigger
from triggers.serializers import TriggerDetailSerializer, TriggerStatusResponseSerializer, TriggerStatusSerializer
from triggers.services import set_single_trigger_status

TRIGGER_TAG = "Trigger"


class TriggerStatusView(APIView):
    """Set a SINGLE trigger's status (IDLE re-arms it); 404 when none has the name."""

    required_scopes = {"POST": Scope.TRIGGER_WRITE}

    @extend_schema(
        tags=[TRIGGER_TAG],
        operation_id="trigger_set_status",
        summary="Set the status of a SINGLE trigger",
        description=(
            "Set `process_status` of every SINGLE trigger named `trigger_name` (names are not unique). "
            "IDLE, the default, re-arms the trigger: OpenOrchestrator's scheduler runs it when its next "
            "run has passed. Only SINGLE triggers are changed; a name with none is 404. Needs the scope "
            "trigger:write for the trigger name."
        ),
        request=TriggerStatusSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER, REPLAYED_RESPONSE_HEADER, RETRY_AFTER_HEADER],
        responses={
            200: OpenApiResponse(TriggerStatusResponseSerializer, description="The status was set."),
            **error_responses(
                *WRITE_ERRORS,
                404,
                not_found="No SINGLE trigger is named 'Borgerbreve'.",
                bad_request={
                    "error": "process_status: Must be one of IDLE, RUNNING, FAILED, DONE, PAUSED, PAUSING, "
                    "KILLING, KILLED; got 'idle'.",
                    "errors": {
                        "process_status": [
                            "Must be one of IDLE, RUNNING, FAILED, DONE, PAUSED, PAUSING, KILLING, KILLED; got 'idle'."
                        ]
                    },
                },
            ),
        },
        examples=[
            OpenApiExample("Re-run", value={"trigger_name": "Borgerbreve", "process_status": "IDLE"}, request_only=True)
        ],
    )
    def post(self, request):
        body = require_object_body(request)
        return idempotent_post(request, lambda reservation: self._set_status(request, body))

    def _set_status(self, request, body: dict) -> Response:
        serializer = TriggerStatusSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        trigger_name = serializer.validated_data["trigger_name"]
        process_status = serializer.validated_data["process_status"]
        require_name_scope(request, Scope.TRIGGER_WRITE, trigger_name)

        if not set_single_trigger_status(trigger_name, process_status):
            raise NotFound(_("No SINGLE trigger is named {name}.").format(name=repr(trigger_name)))
        return Response({"success": True, "trigger_name": trigger_name, "new_status": process_status})


class TriggerDetailView(APIView):
    """`GET /api/trigger/<name>`: the type, status, last run and next run of the triggers with a name."""

    required_scopes = {"GET": Scope.TRIGGER_READ}

    @extend_schema(
        tags=[TRIGGER_TAG],
        operation_id="trigger_retrieve",
        summary="Read the triggers with a name",
        description=(
            "Trigger names are not unique in OpenOrchestrator, so `triggers` lists every trigger with "
            "the name, ordered by type and id; usually there is one. `next_run` is null "
            "for QUEUE triggers, which run when their queue holds `min_batch_size` new elements. "
            "Needs the scope trigger:read for the trigger name. A name containing / cannot be read here."
        ),
        parameters=[
            OpenApiParameter("trigger_name", OpenApiTypes.STR, OpenApiParameter.PATH, description="The trigger name."),
            RETRY_AFTER_HEADER,
        ],
        responses={
            200: TriggerDetailSerializer,
            **error_responses(*COMMON_ERRORS, 404, not_found="No trigger is named 'Borgerbreve'."),
        },
    )
    def get(self, request, trigger_name: str):
        require_name_scope(request, Scope.TRIGGER_READ, trigger_name)

        triggers = list(
            Trigger.objects.filter(trigger_name=trigger_name)
            .select_related("single", "scheduled", "queue")
            .order_by("type", "id")
        )
        if not triggers:
            raise NotFound(_("No trigger is named {name}.").format(name=repr(trigger_name)))
        return Response(TriggerDetailSerializer({"trigger_name": trigger_name, "triggers": triggers}).data)
