"""Keyset (cursor) pagination of queue elements, newest first.

Pages are ordered by (created_date, id) descending, and a cursor is the
position of the last element of a page. The next page is the elements
strictly after that position, found with `created_date <= c AND
(created_date < c OR id < i)`, which the ix_Queues_created_date index
serves as a range. So the cost of a page does not grow with its depth, as
an OFFSET's would, and elements created after the first page was read sort
before the cursor and never shift the later pages.

The id only breaks ties between equal created_date values. SQL Server sorts
a uniqueidentifier by its last bytes first, but its `<` follows the same
order as its ORDER BY, so the tie-break stays consistent there too.
"""

import base64
import binascii
import uuid
from datetime import datetime

from django.db.models import Q, QuerySet

# The text between the datetime and the id in a decoded cursor.
_SEPARATOR = "|"


class InvalidCursor(ValueError):
    pass


def encode_cursor(created_date: datetime, element_id: uuid.UUID) -> str:
    """Return the opaque cursor of the position of one element."""
    text = f"{created_date.isoformat()}{_SEPARATOR}{element_id.hex}"
    return base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """Return the (created_date, id) position of a cursor; raise InvalidCursor for any other text."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
        date_text, separator, id_text = text.partition(_SEPARATOR)
        if not separator or len(id_text) != 32:
            raise InvalidCursor(cursor)
        created_date = datetime.fromisoformat(date_text)
        element_id = uuid.UUID(hex=id_text)
    except (ValueError, UnicodeError, binascii.Error) as error:
        raise InvalidCursor(cursor) from error
    if created_date.tzinfo is not None:
        raise InvalidCursor(cursor)
    return created_date, element_id


def newest_first_page(queryset: QuerySet, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """Return one page of `queryset` newest first, and the cursor of the next page or None."""
    if cursor:
        created_date, element_id = decode_cursor(cursor)
        queryset = queryset.filter(created_date__lte=created_date).filter(
            Q(created_date__lt=created_date) | Q(id__lt=element_id)
        )

    rows = list(queryset.order_by("-created_date", "-id")[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, encode_cursor(last.created_date, last.id)
