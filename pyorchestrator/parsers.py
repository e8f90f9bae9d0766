"""Request body parsing that matches the Flask service.

The Flask service read every body as JSON whatever its Content-Type said
(`request.get_json(force=True)`), and clients rely on that: some send
`text/plain` or no Content-Type at all.
"""

import json

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
        raw = stream.read()
        try:
            text = raw.decode("utf-8-sig")
            # Flask's parser rejects NaN and Infinity too; they are not JSON.
            return json.loads(text, parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            # RecursionError: arrays or objects nested deeper than Python's
            # recursion limit, which the json module cannot decode.
            raise InvalidJSON() from error


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


class JSONOnlyContentNegotiation(DefaultContentNegotiation):
    """Use the first configured parser for every body, ignoring Content-Type."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None
