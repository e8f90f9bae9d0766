"""Conversion to the naive local time that the legacy tables store.

OpenOrchestrator writes `datetime.now()` on servers in settings.TIME_ZONE
(Europe/Copenhagen) into columns without a time zone, and orders queue
elements by `created_date`. Every datetime this service writes to those
tables goes through this module.
"""

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings


@lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def legacy_zone() -> ZoneInfo:
    """Return the zone of the legacy tables' naive datetimes."""
    return _zone(settings.TIME_ZONE)


def local_now() -> datetime:
    """Return the current naive local time in the legacy tables' zone.

    This does not rely on the process's local zone, which on Windows is the
    server's setting rather than settings.TIME_ZONE.
    """
    return datetime.now(legacy_zone()).replace(tzinfo=None)


def to_local_naive(value: datetime) -> datetime:
    """Return `value` as naive local time.

    An aware value is converted to the legacy zone, so `2025-04-26T12:00:00Z`
    becomes 14:00 in Copenhagen summer time. A naive value is taken to be
    local time already and returned unchanged.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        return value
    return value.astimezone(legacy_zone()).replace(tzinfo=None)
