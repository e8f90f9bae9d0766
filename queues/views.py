"""`POST /api/queue`: create a queue element."""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from pyorchestrator.views import require_object_body
from queues.serializers import QueueElementCreateSerializer
from queues.services import create_queue_element


class QueueElementCreateView(APIView):
    """Create one queue element; answers 201 `{"success": true, "id": "<uuid>"}`."""

    def post(self, request):
        serializer = QueueElementCreateSerializer(data=require_object_body(request))
        serializer.is_valid(raise_exception=True)
        element = create_queue_element(**serializer.validated_data)
        return Response({"success": True, "id": str(element.id)}, status=status.HTTP_201_CREATED)
