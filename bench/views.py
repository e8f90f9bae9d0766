"""Baseline views: the cost of Django alone, and of Django plus the queue write.

They run through the same middleware as the API, but without DRF,
authentication, validation or logging, so the benchmark can subtract them.
"""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework.response import Response
from rest_framework.views import APIView

from pyorchestrator.local_time import local_now
from queues.models import QueueElement


@csrf_exempt
def trivial(request):
    """Return a small constant JSON body."""
    return JsonResponse({"success": True})


@csrf_exempt
def trivial_write(request):
    """Insert one queue element as POST /api/queue does, with no checks at all."""
    element = QueueElement.objects.create(
        queue_name="bench-baseline", status="NEW", data='{"n": 1}', created_date=local_now()
    )
    return JsonResponse({"success": True, "id": str(element.id)}, status=201)


class TrivialApiView(APIView):
    """Return a small constant JSON body through DRF, without authentication."""

    authentication_classes = []
    permission_classes = []

    def get(self, request):
        return Response({"success": True})


class TrivialAuthenticatedApiView(APIView):
    """Return a small constant JSON body through DRF after the API key check."""

    def get(self, request):
        return Response({"success": True})
