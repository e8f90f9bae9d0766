"""Serializer fields that accept only what the legacy tables store exactly."""

from datetime import datetime

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pyorchestrator.local_time import to_local_naive


def contains_surrogate(text: str) -> bool:
    """Return True if `text` holds a lone UTF-16 surrogate, which no database encoding stores."""
    return any("\ud800" <= character <= "\udfff" for character in text)


class StrictCharField(serializers.CharField):
    """A CharField that accepts JSON strings only and keeps them unchanged.

    DRF's CharField turns numbers into strings and strips whitespace; a robot
    looks values up by exact text, so this field rejects non-strings and
    keeps whitespace. A value of spaces only counts as blank.
    """

    default_error_messages = {
        "invalid": _("Must be a string."),
        "blank": _("Must not be blank."),
        "max_length": _("Must be at most {max_length} characters."),
        "min_length": _("Must be at least {min_length} characters."),
        "surrogate": _("Must not contain unpaired surrogate characters."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str) and not self.allow_blank and data != "" and data.strip() == "":
            self.fail("blank")
        return super().run_validation(data)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if contains_surrogate(data):
            self.fail("surrogate")
        return data


class LocalDateTimeField(serializers.DateTimeField):
    """An ISO 8601 datetime stored as naive local time.

    A value with an offset (`2025-04-26T12:00:00Z`) is converted to the legacy
    tables' zone; a value without one is taken as local time already.
    """

    default_error_messages = {
        "invalid": _("Must be an ISO 8601 datetime such as 2025-04-26T12:00:00+02:00."),
        "out_of_range": _("Must be between {min_value} and {max_value} in local time."),
    }

    # The range of SQL Server's DATETIME, the type of these columns there.
    # Python's datetime covers more, and an offset near its ends overflows
    # when converted to local time.
    MIN_VALUE = datetime(1753, 1, 1)
    MAX_VALUE = datetime(9999, 12, 31, 23, 59, 59, 997000)

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid")
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            self.fail("invalid")

        try:
            local = to_local_naive(parsed)
        except OverflowError:
            local = None
        if local is None or not self.MIN_VALUE <= local <= self.MAX_VALUE:
            self.fail(
                "out_of_range",
                min_value=self.MIN_VALUE.isoformat(),
                max_value=self.MAX_VALUE.isoformat(timespec="milliseconds"),
            )
        return local


class EnumNameField(serializers.ChoiceField):
    """A string that must be one of an enum's member names, compared exactly.

    OpenOrchestrator fails to load a row whose enum column holds anything but
    a member name, so `idle` or `Idle` is rejected rather than stored.
    """

    default_error_messages = {
        "invalid_choice": _("Must be one of {choices}; got {input}."),
    }

    def to_internal_value(self, data):
        if not isinstance(data, str) or data not in self.choices:
            self.fail("invalid_choice", choices=", ".join(self.choices), input=_describe(data))
        return data


def _describe(value) -> str:
    """Return a short, quoted rendering of a client's value for an error message."""
    text = repr(value) if isinstance(value, str) else type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."
