"""`POST /api/trigger`: set the status of a SINGLE trigger."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from pyorchestrator.views import require_object_body
from triggers.serializers import TriggerStatusSerializer
from triggers.services import set_single_trigger_status


class TriggerStatusView(APIView):
    """Set a SINGLE trigger's status (IDLE re-arms it); 404 when none has the name."""

    def post(self, request):
        serializer = TriggerStatusSerializer(data=require_object_body(request))
        serializer.is_valid(raise_exception=True)
        trigger_name = serializer.validated_data["trigger_name"]
        process_status = serializer.validated_data["process_status"]

        if not set_single_trigger_status(trigger_name, process_status):
            raise NotFound(_("No SINGLE trigger is named {name}.").format(name=repr(trigger_name)))
        return Response({"success": True, "trigger_name": trigger_name, "new_status": process_status})
