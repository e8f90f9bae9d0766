"""Validation of queue elements that clients create through the API."""

import json

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pyorchestrator.serializer_fields import (
    EnumNameField,
    LocalDateTimeField,
    StrictCharField,
    contains_surrogate,
)
from queues.models import QueueElement, QueueStatus

_max_length = {field.name: field.max_length for field in QueueElement._meta.fields if field.max_length}


class QueueDataField(serializers.Field):
    """The `data` column: a string stored as is, or a JSON object or array.

    An object or array is stored as `json.dumps(value, ensure_ascii=False)`,
    the text the robot that takes the element reads back with `json.loads`.
    The stored text must fit the column, so the limit applies after dumping.
    """

    default_error_messages = {
        "invalid": _("Must be a string, a JSON object or a JSON array."),
        "max_length": _("Must be at most {max_length} characters when stored; this value is {length}."),
        "surrogate": _("Must not contain unpaired surrogate characters."),
        "null_character": _("Must not contain null characters."),
        "too_deep": _("Must not be nested this deeply."),
    }

    def __init__(self, *, max_length: int, **kwargs):
        self.max_length = max_length
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            text = data
        elif isinstance(data, (dict, list)):
            try:
                text = json.dumps(data, ensure_ascii=False)
            except RecursionError:
                self.fail("too_deep")
        else:
            self.fail("invalid")

        if contains_surrogate(text):
            self.fail("surrogate")
        # PostgreSQL cannot store U+0000 in a text column, and the other
        # string fields reject it too. json.dumps writes it as an escape,
        # so only a string value can contain it.
        if "\x00" in text:
            self.fail("null_character")
        if len(text) > self.max_length:
            self.fail("max_length", max_length=self.max_length, length=len(text))
        return text

    def to_representation(self, value):
        return value


class QueueElementCreateSerializer(serializers.Serializer):
    """The body of `POST /api/queue`."""

    queue_name = StrictCharField(max_length=_max_length["queue_name"])
    status = EnumNameField(choices=QueueStatus.choices, default=QueueStatus.NEW)
    data = QueueDataField(max_length=_max_length["data"], required=False, allow_null=True)
    reference = StrictCharField(max_length=_max_length["reference"], required=False, allow_null=True, allow_blank=True)
    created_by = StrictCharField(
        max_length=_max_length["created_by"], required=False, allow_null=True, allow_blank=True
    )
    message = StrictCharField(max_length=_max_length["message"], required=False, allow_null=True, allow_blank=True)
    created_date = LocalDateTimeField(required=False, allow_null=True)
