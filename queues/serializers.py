"""Validation of queue elements that clients create through the API."""

import json

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.settings import api_settings

from pyorchestrator.serializer_fields import (
    EnumNameField,
    FlatSerializer,
    LocalDateTimeField,
    LocalDateTimeOutputField,
    QueryDateTimeField,
    StrictCharField,
    VarcharCodePageValidator,
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
        "null_character": _("Must not contain NUL characters."),
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

        # PostgreSQL text columns reject NUL outright. json.dumps escapes it
        # inside objects and arrays, so only a string value can hold one.
        if "\x00" in text:
            self.fail("null_character")

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


class QueueElementCreateSerializer(FlatSerializer):
    """The body of `POST /api/queue`."""

    queue_name = StrictCharField(
        max_length=_max_length["queue_name"], validators=[VarcharCodePageValidator("Queues.queue_name")]
    )
    status = EnumNameField(choices=QueueStatus.choices, default=QueueStatus.NEW)
    data = QueueDataField(
        max_length=_max_length["data"],
        required=False,
        allow_null=True,
        validators=[VarcharCodePageValidator("Queues.data")],
    )
    reference = StrictCharField(
        max_length=_max_length["reference"],
        required=False,
        allow_null=True,
        allow_blank=True,
        validators=[VarcharCodePageValidator("Queues.reference")],
    )
    created_by = StrictCharField(
        max_length=_max_length["created_by"],
        required=False,
        allow_null=True,
        allow_blank=True,
        validators=[VarcharCodePageValidator("Queues.created_by")],
    )
    message = StrictCharField(
        max_length=_max_length["message"],
        required=False,
        allow_null=True,
        allow_blank=True,
        validators=[VarcharCodePageValidator("Queues.message")],
    )
    created_date = LocalDateTimeField(required=False, allow_null=True)


# The maximum number of items one `POST /api/queue/bulk` creates.
MAX_BULK_ITEMS = 1000
# The page sizes of `GET /api/queue`.
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


class QueueElementBulkCreateSerializer(serializers.ListSerializer):
    """The body of `POST /api/queue/bulk`: a JSON array of 1 to 1000 queue elements."""

    default_error_messages = {
        "not_a_list": _("The request body must be a JSON array of queue elements; got {input_type}."),
        "empty": _("The array must contain at least one queue element."),
        "max_length": _("The array must contain at most {max_length} queue elements; it has {length}."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("child", QueueElementCreateSerializer())
        kwargs.setdefault("min_length", 1)
        kwargs.setdefault("max_length", MAX_BULK_ITEMS)
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self._fail_body("not_a_list", input_type=type(data).__name__)
        if not data:
            self._fail_body("empty")
        if len(data) > MAX_BULK_ITEMS:
            self._fail_body("max_length", max_length=MAX_BULK_ITEMS, length=len(data))
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            # DRF keys the errors by item index; "[3]" reads as a position in
            # the flattened message "[3].queue_name: This field is required.".
            if isinstance(error.detail, dict):
                raise serializers.ValidationError(
                    {f"[{index}]": detail for index, detail in error.detail.items()}
                ) from error
            raise

    def _fail_body(self, code: str, **kwargs):
        """Raise a ValidationError about the whole body, under non_field_errors as a serializer's are."""
        message = self.error_messages[code].format(**kwargs)
        raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]}, code=code)


class QueueElementSerializer(serializers.Serializer):
    """A queue element as `GET /api/queue` returns it; `data` and `created_by` are left out."""

    id = serializers.UUIDField(help_text=_("The id that POST /api/queue returned."))
    queue_name = serializers.CharField()
    status = serializers.ChoiceField(choices=QueueStatus.choices, help_text=_("NEW until a robot takes the element."))
    reference = serializers.CharField(allow_null=True)
    created_date = LocalDateTimeOutputField(help_text=_("When the element was created, with its UTC offset."))
    start_date = LocalDateTimeOutputField(allow_null=True, help_text=_("When a robot took the element, or null."))
    end_date = LocalDateTimeOutputField(allow_null=True, help_text=_("When a robot finished the element, or null."))
    message = serializers.CharField(allow_null=True, help_text=_("The message the robot left, or null."))


class QueueListQuerySerializer(FlatSerializer):
    """The query parameters of `GET /api/queue`."""

    queue_name = StrictCharField(max_length=_max_length["queue_name"], help_text=_("The queue to list."))
    status = EnumNameField(choices=QueueStatus.choices, required=False, help_text=_("Only elements with this status."))
    reference = StrictCharField(
        max_length=_max_length["reference"], required=False, help_text=_("Only elements with this exact reference.")
    )
    created_after = QueryDateTimeField(
        required=False,
        help_text=_(
            "Only elements created at or after this ISO 8601 time. A time with an offset (Z, +02:00) is "
            "converted to Danish local time; one without is taken as Danish local time."
        ),
    )
    created_before = QueryDateTimeField(
        required=False, help_text=_("Only elements created before this ISO 8601 time (exclusive).")
    )
    cursor = serializers.CharField(
        required=False, max_length=200, help_text=_("The next_cursor of the previous page; omit for the first page.")
    )
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        default=DEFAULT_PAGE_SIZE,
        help_text=_("Elements per page, 1 to {max}; default {default}.").format(
            max=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE
        ),
    )

    def validate(self, attrs):
        after, before = attrs.get("created_after"), attrs.get("created_before")
        if after is not None and before is not None and after >= before:
            raise serializers.ValidationError({"created_before": [_("Must be later than created_after.")]})
        return attrs


class QueueElementPageSerializer(serializers.Serializer):
    """One page of `GET /api/queue`, newest first."""

    results = QueueElementSerializer(many=True)
    next_cursor = serializers.CharField(
        allow_null=True, help_text=_("Pass as cursor to get the next page; null on the last page.")
    )
    next = serializers.URLField(allow_null=True, help_text=_("The URL of the next page; null on the last page."))


class QueueCreateResponseSerializer(serializers.Serializer):
    success = serializers.BooleanField(default=True)
    id = serializers.UUIDField(help_text=_("The id of the new queue element."))


class QueueBulkCreateResponseSerializer(serializers.Serializer):
    success = serializers.BooleanField(default=True)
    count = serializers.IntegerField(help_text=_("The number of queue elements created."))
    ids = serializers.ListField(
        child=serializers.UUIDField(), help_text=_("The ids of the new queue elements, in the order of the request.")
    )
