"""The VejmanKassen endpoints of the Android inspection app."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from pyorchestrator.views import require_object_body
from vejman.models import VejmanKassen
from vejman.serializers import StatusQuerySerializer, VejmanUpdateSerializer, row_to_json


class VejmanKassenListView(APIView):
    """List the rows whose FakturaStatus equals `status`.

    `status` comes from a JSON body `{"status": "Ny"}` or, when the body has
    none, from the query string `?status=Ny`. The app calls this with POST,
    other clients with GET; both are served.
    """

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

    post = get


class VejmanKassenUpdateView(APIView):
    """Update the given columns of one row; 404 when no row has the id."""

    def post(self, request):
        serializer = VejmanUpdateSerializer(data=require_object_body(request))
        serializer.is_valid(raise_exception=True)

        row_id = serializer.validated_data["id"]
        updated = VejmanKassen.objects.filter(pk=row_id).update(**serializer.column_values())
        if not updated:
            raise NotFound(_("No VejmanKassen row has id {id}.").format(id=row_id))
        return Response({"status": "success"})
