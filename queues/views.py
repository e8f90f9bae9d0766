"""The queue endpoints: create one or many elements, read one, list a queue."""

import uuid

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from pyorchestrator.idempotency import Reservation, idempotent_post
from pyorchestrator.openapi import (
    COMMON_ERRORS,
    IDEMPOTENCY_KEY_PARAMETER,
    REPLAYED_RESPONSE_HEADER,
    RETRY_AFTER_HEADER,
    WRITE_ERRORS,
    error_responses,
)
from pyorchestrator.scopes import Scope, ScopeDenied, name_matches, names_allowed, require_name_scope
from pyorchestrator.views import require_object_body
from queues.models import QueueElement
from queues.pagination import InvalidCursor, newest_first_page
from queues.serializers import (
    MAX_BULK_ITEMS,
    QueueBulkCreateResponseSerializer,
    QueueCreateResponseSerializer,
    QueueElementBulkCreateSerializer,
    QueueElementCreateSerializer,
    QueueElementPageSerializer,
    QueueElementSerializer,
    QueueListQuerySerializer,
)
from queues.services import create_queue_element, create_queue_elements

QUEUE_TAG = "Queue"

_CREATE_EXAMPLE = {
    "queue_name": "Borgerbreve",
    "data": {"cpr": "0101011234", "brev": "velkomst"},
    "reference": "submission-4711",
    "created_by": "OS2Forms",
}


class QueueElementsView(APIView):
    """`POST /api/queue` creates one element; `GET /api/queue` lists a queue's elements."""

    required_scopes = {"POST": Scope.QUEUE_WRITE, "GET": Scope.QUEUE_READ}

    @extend_schema(
        tags=[QUEUE_TAG],
        operation_id="queue_create",
        summary="Create a queue element",
        description=(
            "Create one element in a queue for OpenOrchestrator's robots. `data` may be a string, "
            "stored as is, or a JSON object or array, stored as `json.dumps(value, ensure_ascii=False)`; "
            "at most 2000 characters when stored. `status` is an OpenOrchestrator member name. "
            "`created_date` defaults to now; an offset timestamp is converted to Danish local time. "
            "The body is read as JSON whatever the Content-Type. Needs the scope queue:write for the queue name."
        ),
        request=QueueElementCreateSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER, REPLAYED_RESPONSE_HEADER, RETRY_AFTER_HEADER],
        responses={
            201: OpenApiResponse(QueueCreateResponseSerializer, description="The element was created."),
            **error_responses(*WRITE_ERRORS),
        },
        examples=[
            OpenApiExample("Form submission", value=_CREATE_EXAMPLE, request_only=True),
            OpenApiExample(
                "Created",
                value={"success": True, "id": "6f1c1f0e-8f6b-4d53-9d43-5d2f2b8f1a7e"},
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def post(self, request):
        body = require_object_body(request)
        return idempotent_post(request, lambda reservation: self._create(request, body, reservation), _recover_one)

    def _create(self, request, body: dict, reservation: Reservation) -> Response:
        serializer = QueueElementCreateSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        require_name_scope(request, Scope.QUEUE_WRITE, serializer.validated_data["queue_name"])

        (element_id,) = reservation.element_ids(1)
        element = create_queue_element(**serializer.validated_data, element_id=element_id)
        return Response({"success": True, "id": str(element.id)}, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=[QUEUE_TAG],
        operation_id="queue_list",
        summary="List a queue's elements, newest first",
        description=(
            "One page of a queue's elements, newest first (by created_date, then id). Follow `next` "
            "or pass `next_cursor` as `cursor` for the next page. Pages stay stable while new elements "
            "arrive: an element created after the first page sorts before it and is not repeated on "
            "later pages. `data` and `created_by` are not returned. Unknown query parameters are "
            "rejected. Needs the scope queue:read for the queue name."
        ),
        parameters=[QueueListQuerySerializer, RETRY_AFTER_HEADER],
        responses={
            200: QueueElementPageSerializer,
            **error_responses(
                400,
                *COMMON_ERRORS,
                bad_request={
                    "error": "cursor: Invalid cursor: pass the next_cursor of a previous page.",
                    "errors": {"cursor": ["Invalid cursor: pass the next_cursor of a previous page."]},
                },
            ),
        },
    )
    def get(self, request):
        query = _query_parameters(request, QueueListQuerySerializer)
        require_name_scope(request, Scope.QUEUE_READ, query["queue_name"])

        queryset = QueueElement.objects.filter(queue_name=query["queue_name"])
        if "status" in query:
            queryset = queryset.filter(status=query["status"])
        if "reference" in query:
            queryset = queryset.filter(reference=query["reference"])
        if "created_after" in query:
            queryset = queryset.filter(created_date__gte=query["created_after"])
        if "created_before" in query:
            queryset = queryset.filter(created_date__lt=query["created_before"])

        try:
            elements, next_cursor = newest_first_page(queryset, query.get("cursor"), query["limit"])
        except InvalidCursor:
            raise ValidationError({"cursor": [_("Invalid cursor: pass the next_cursor of a previous page.")]})

        # NOTE: behind IIS, `next` carries the host and scheme Django sees, which are
        # the client's only when the proxy headers are trusted; next_cursor needs neither.
        next_url = None
        if next_cursor:
            parameters = request.query_params.copy()
            parameters["cursor"] = next_cursor
            next_url = request.build_absolute_uri(f"{request.path}?{parameters.urlencode()}")
        return Response(
            {
                "results": QueueElementSerializer(elements, many=True).data,
                "next_cursor": next_cursor,
                "next": next_url,
            }
        )


class QueueElementDetailView(APIView):
    """`GET /api/queue/<id>`: one element's progress."""

    required_scopes = {"GET": Scope.QUEUE_READ}

    @extend_schema(
        tags=[QUEUE_TAG],
        operation_id="queue_retrieve",
        summary="Read one queue element",
        description=(
            "The element's status, reference, created, started and ended times and message, so the "
            "caller can see whether a robot has done its work. `data` and `created_by` are not returned. "
            "Needs the scope queue:read for the element's queue."
        ),
        parameters=[
            OpenApiParameter(
                "element_id",
                OpenApiTypes.UUID,
                OpenApiParameter.PATH,
                description="The id that POST /api/queue returned.",
            ),
            RETRY_AFTER_HEADER,
        ],
        responses={
            200: QueueElementSerializer,
            **error_responses(
                400,
                *COMMON_ERRORS,
                404,
                not_found="No queue element has this id.",
                bad_request={
                    "error": "id: Must be a UUID such as 6f1c1f0e-8f6b-4d53-9d43-5d2f2b8f1a7e.",
                    "errors": {"id": ["Must be a UUID such as 6f1c1f0e-8f6b-4d53-9d43-5d2f2b8f1a7e."]},
                },
            ),
        },
    )
    def get(self, request, element_id: str):
        try:
            parsed_id = uuid.UUID(element_id)
        except ValueError:
            raise ValidationError({"id": [_("Must be a UUID such as 6f1c1f0e-8f6b-4d53-9d43-5d2f2b8f1a7e.")]})

        element = QueueElement.objects.filter(id=parsed_id).first()
        if element is None:
            raise NotFound(_("No queue element has this id."))
        require_name_scope(request, Scope.QUEUE_READ, element.queue_name)
        return Response(QueueElementSerializer(element).data)


class QueueElementBulkCreateView(APIView):
    """`POST /api/queue/bulk`: create up to 1000 elements in one transaction."""

    required_scopes = {"POST": Scope.QUEUE_WRITE}

    @extend_schema(
        tags=[QUEUE_TAG],
        operation_id="queue_bulk_create",
        summary="Create many queue elements at once",
        description=(
            f"A JSON array of 1 to {MAX_BULK_ITEMS} elements, each with the fields and rules of "
            "POST /api/queue; they may name different queues. All are created in one transaction, "
            "or none: a 400 lists the errors of every invalid item by position, such as "
            "`[3].queue_name`. Elements without created_date get the same time. Needs the scope "
            "queue:write for every queue name."
        ),
        # A plain schema, because drf-spectacular leaves out a ListSerializer's
        # item limits; the items are the component of POST /api/queue's body.
        request={
            "application/json": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/QueueElementCreateRequest"},
                "minItems": 1,
                "maxItems": MAX_BULK_ITEMS,
            }
        },
        parameters=[IDEMPOTENCY_KEY_PARAMETER, REPLAYED_RESPONSE_HEADER, RETRY_AFTER_HEADER],
        responses={
            201: OpenApiResponse(QueueBulkCreateResponseSerializer, description="All elements were created."),
            **error_responses(*WRITE_ERRORS),
        },
        examples=[
            OpenApiExample(
                "Two letters",
                value=[_CREATE_EXAMPLE, {"queue_name": "Borgerbreve", "data": {"cpr": "0202021234"}}],
                request_only=True,
            ),
            OpenApiExample(
                "One invalid item",
                value={
                    "error": "[1].queue_name: This field is required.",
                    "errors": {"[1]": {"queue_name": ["This field is required."]}},
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request):
        items = request.data
        return idempotent_post(request, lambda reservation: self._create(request, items, reservation), _recover_many)

    def _create(self, request, items, reservation: Reservation) -> Response:
        serializer = QueueElementBulkCreateSerializer(data=items)
        serializer.is_valid(raise_exception=True)
        validated = serializer.validated_data
        _require_bulk_scope(request, validated)

        elements = create_queue_elements(validated, reservation.element_ids(len(validated)))
        return Response(
            {"success": True, "count": len(elements), "ids": [str(element.id) for element in elements]},
            status=status.HTTP_201_CREATED,
        )


def _require_bulk_scope(request, items: list[dict]) -> None:
    """Raise ScopeDenied unless the key's queue:write scope covers every item's queue."""
    patterns = names_allowed(request, Scope.QUEUE_WRITE)
    if patterns is None:
        return
    denied = sorted({item["queue_name"] for item in items if not name_matches(item["queue_name"], patterns)})
    if denied:
        raise ScopeDenied(
            _("The API key's scope {scope} does not include the names {names}.").format(
                scope=Scope.QUEUE_WRITE, names=", ".join(repr(name) for name in denied[:10])
            )
        )


def _recover_one(element_ids: list[uuid.UUID]) -> Response | None:
    """Return the 201 of a create whose element exists, or None when it was not written."""
    if not QueueElement.objects.filter(id=element_ids[0]).exists():
        return None
    return Response({"success": True, "id": str(element_ids[0])}, status=status.HTTP_201_CREATED)


def _recover_many(element_ids: list[uuid.UUID]) -> Response | None:
    """Return the 201 of a bulk create whose elements exist; one transaction wrote all or none."""
    if not QueueElement.objects.filter(id=element_ids[0]).exists():
        return None
    ids = [str(element_id) for element_id in element_ids]
    return Response({"success": True, "count": len(ids), "ids": ids}, status=status.HTTP_201_CREATED)


def _query_parameters(request, serializer_class) -> dict:
    """Return the validated query parameters; unknown or repeated ones are a 400."""
    fields = serializer_class().fields
    unknown = sorted(set(request.query_params) - set(fields))
    if unknown:
        raise ValidationError({name: [_("Unknown query parameter.")] for name in unknown})
    repeated = sorted(name for name in request.query_params if len(request.query_params.getlist(name)) > 1)
    if repeated:
        raise ValidationError({name: [_("Give this query parameter once.")] for name in repeated})

    serializer = serializer_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
