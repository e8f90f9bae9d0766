"""Serializer fields that accept only what the legacy tables store exactly."""

import re
from datetime import datetime
from functools import lru_cache

from django.apps import apps
from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pyorchestrator.code_pages import python_codec_for_code_page
from pyorchestrator.local_time import legacy_zone, to_local_naive


class FlatSerializer(serializers.Serializer):
    """A serializer of plain fields that copies its declared fields shallowly per instance.

    DRF deep-copies the declared fields for every serializer instance, which
    runs each field's __init__ again and cost about half of validating a
    small body. The fields of a flat serializer change no attribute after
    __init__ except in bind(), which sets them on the copy, so a shallow
    copy is as independent as a deep one. A nested serializer field raises TypeError.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name, field in cls._declared_fields.items():
            if isinstance(field, serializers.BaseSerializer):
                raise TypeError(f"{cls.__name__}.{name} is a nested serializer, which FlatSerializer cannot copy.")

    def get_fields(self):
        return {name: _shallow_copy(field) for name, field in self._declared_fields.items()}


def _shallow_copy(field):
    # What copy.copy() makes of a field, at a quarter of its cost: copy.copy
    # goes through __reduce_ex__ and Field.__new__.
    duplicate = object.__new__(type(field))
    duplicate.__dict__.update(field.__dict__)
    return duplicate


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
        "out_of_range": _("Must be between {min} and {max} in local time."),
    }

    # The range of SQL Server's DATETIME, the type of OpenOrchestrator's
    # columns there; a value outside it would fail the INSERT.
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
            # Converting year 1 or 9999 with an offset leaves datetime's range.
            local = None
        if local is None or not self.MIN_VALUE <= local <= self.MAX_VALUE:
            self.fail("out_of_range", min=self.MIN_VALUE.isoformat(), max=self.MAX_VALUE.isoformat())
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


class VarcharCodePageValidator:
    """Reject text that a SQL Server VARCHAR column would not store unchanged.

    OpenOrchestrator's String(n) columns are VARCHAR(n) on SQL Server: n
    bytes in the code page of the database's collation. SQL Server replaces
    a character the code page lacks (with `?` or a look-alike) and fails the
    statement when the bytes exceed n, so both are rejected here first. The
    code page is settings.ORCHESTRATOR_CODE_PAGE and the sizes are
    settings.ORCHESTRATOR_VARCHAR_BYTES, keyed by `Table.column`.
    """

    def __init__(self, column: str):
        self.column = column

    def __call__(self, value):
        if value is None:
            return
        codec = python_codec_for_code_page(settings.ORCHESTRATOR_CODE_PAGE)
        try:
            encoded = value.encode(codec)
        except UnicodeEncodeError:
            unstorable = sorted({character for character in value if not _encodes(character, codec)})
            listed = "".join(unstorable[:10])
            raise serializers.ValidationError(
                _("Must contain only characters that code page {code_page} stores; these are not: {characters}").format(
                    code_page=codec, characters=listed
                ),
                code="code_page",
            )
        limit = settings.ORCHESTRATOR_VARCHAR_BYTES[self.column]
        # A value over the model field's max_length gets that message, in
        # characters; the bytes message would only repeat it.
        if len(encoded) > limit and len(value) <= _character_limit(self.column):
            raise serializers.ValidationError(
                _("Must be at most {limit} bytes in code page {code_page}; this value is {size} bytes.").format(
                    limit=limit, code_page=codec, size=len(encoded)
                ),
                code="max_bytes",
            )

    def __eq__(self, other):
        return isinstance(other, VarcharCodePageValidator) and other.column == self.column


@lru_cache(maxsize=None)
def _character_limit(column: str) -> int:
    """Return the max_length of the model field mapping `column` ("Table.column")."""
    table, _, column_name = column.partition(".")
    for model in apps.get_models():
        if model._meta.db_table != table:
            continue
        for field in model._meta.local_fields:
            if field.column == column_name and field.max_length:
                return field.max_length
    raise LookupError(f"No model field maps the column {column}.")


def _encodes(character: str, codec: str) -> bool:
    try:
        character.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


class LocalDateTimeOutputField(serializers.DateTimeField):
    """A naive local datetime of a legacy table, output in ISO 8601 with its UTC offset.

    `2025-04-26 14:00` in Copenhagen summer time is output as
    `2025-04-26T14:00:00+02:00`, so a client in any zone reads the same instant.
    In the repeated hour when daylight saving time ends, the earlier offset is used.
    """

    def to_representation(self, value):
        if value is None:
            return None
        return value.replace(tzinfo=legacy_zone()).isoformat()


class QueryDateTimeField(LocalDateTimeField):
    """A LocalDateTimeField read from a query string, where an unescaped `+` of the offset arrives as a space."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            value = _OFFSET_AFTER_SPACE.sub(r"+\1", value.strip())
        return super().to_internal_value(value)


_OFFSET_AFTER_SPACE = re.compile(r" (\d{2}(?::?\d{2})?)$")
