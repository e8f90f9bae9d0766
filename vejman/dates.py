"""The RFC 822 date form that the Android inspection app reads and sends.

Flask wrote dates as `Tue, 10 Jun 2025 00:00:00 GMT`, and the app parses
them with the Java pattern `EEE, dd MMM yyyy` in English, then sends
`slutdato` back as `Tue, 10 Jun 2025`. Day and month names are English
whatever the server's locale, so this module does not use strftime.
"""

import re
from datetime import date

from django.utils.dateparse import parse_date, parse_datetime

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_RFC_822_DATE = re.compile(
    r"^(?:(?P<weekday>[A-Za-z]{3}),\s*)?(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]{3})\s+(?P<year>\d{4})"
    r"(?:\s+\d{2}:\d{2}(?::\d{2})?(?:\s+(?:GMT|UTC|UT|Z|[+-]\d{4}))?)?$"
)


def format_rfc822_date(value: date | None) -> str | None:
    """Return `value` as Flask wrote a date: `Tue, 10 Jun 2025 00:00:00 GMT`."""
    if value is None:
        return None
    weekday = WEEKDAY_NAMES[value.weekday()]
    month = MONTH_NAMES[value.month - 1]
    return f"{weekday}, {value.day:02d} {month} {value.year:04d} 00:00:00 GMT"


def parse_client_date(text: str) -> date | None:
    """Return the date in `text`, or None if it is neither RFC 822 nor ISO 8601.

    Accepted: `Tue, 10 Jun 2025`, `Tue, 10 Jun 2025 00:00:00 GMT`,
    `10 Jun 2025`, `2025-06-10` and `2025-06-10T00:00:00`. The time of day
    is ignored. A weekday name that does not match the date is accepted, as
    Java's lenient parser does, because the date itself is unambiguous.
    """
    text = text.strip()
    match = _RFC_822_DATE.match(text)
    if match:
        month_name = match["month"].capitalize()
        if month_name not in MONTH_NAMES:
            return None
        if match["weekday"] and match["weekday"].capitalize() not in WEEKDAY_NAMES:
            return None
        try:
            return date(int(match["year"]), MONTH_NAMES.index(month_name) + 1, int(match["day"]))
        except ValueError:
            return None

    try:
        parsed_date = parse_date(text)
        if parsed_date is not None:
            return parsed_date
        parsed_datetime = parse_datetime(text)
    except ValueError:
        return None
    return parsed_datetime.date() if parsed_datetime is not None else None
