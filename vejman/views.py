"""The VejmanKassen endpoints of the Android inspection app."""

import logging
from itertools import islice

from django.db import DatabaseError
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from pyorchestrator.views import require_object_body
from vejman.models import VejmanKassen
from vejman.serializers import StatusQuerySerializer, VejmanUpdateSerializer, row_to_json

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
