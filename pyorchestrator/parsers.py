"""Request body parsing that matches the Flask service.

The Flask service read every body as JSON whatever its Content-Type said
(`request.get_json(force=True)`), and clients rely on that: some send
`text/plain` or no Content-Type at all.
"""

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import BaseParser


class InvalidJSON(ParseError):
    default_detail = _("The request body is not valid JSON.")
    default_code = "invalid_json"


class LenientJSONParser(BaseParser):
    """Parse the body as UTF-8 JSON, whatever the Content-Type."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        # DRF reads the stream, not request.body, so Django's own check of
        # DATA_UPLOAD_MAX_MEMORY_SIZE does not run; the handler answers 413.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise RequestDataTooBig(f"The request body is larger than {limit} bytes.")
        try:
            text = raw.decode("utf-8-sig")
            # Flask's parser rejects NaN and Infinity too; they are not JSON.
            return json.loads(text, parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError) as error:
            raise InvalidJSON() from error
        except RecursionError as error:
            # The decoder recurses once per nesting level, so a body nested
            # beyond Python's recursion limit (about 1000) ends up here.
            raise InvalidJSON(_("The request body is nested too deeply.")) from error


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


class JSONOnlyContentNegotiation(DefaultContentNegotiation):
    """Use the first configured parser for every body, ignoring Content-Type."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        """Return DRF's choice of renderer, skipping its Accept parsing for `*/*` or the first renderer's type.

        Most clients send `Accept: */*` or none, and DRF then picks the first
        renderer with its own media type; parsing the header cost about as
        much as the rest of DRF's request setup.
        """
        if renderers and not format_suffix:
            accept = request.META.get("HTTP_ACCEPT", "*/*").strip()
            first = renderers[0]
            format_parameter = self.settings.URL_FORMAT_OVERRIDE
            query_string = request.META.get("QUERY_STRING", "")
            if (accept == "*/*" or accept == first.media_type) and not (
                format_parameter and format_parameter in query_string
            ):
                return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)
