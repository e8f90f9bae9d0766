"""Validation of the trigger status requests of the API."""

from django.core.exceptions import ObjectDoesNotExist
from rest_framework import serializers

from pyorchestrator.serializer_fields import (
    EnumNameField,
    FlatSerializer,
    LocalDateTimeOutputField,
    StrictCharField,
    VarcharCodePageValidator,
)
from triggers.models import Trigger, TriggerStatus, TriggerType


class TriggerStatusSerializer(FlatSerializer):
    """The body of `POST /api/trigger`."""

    trigger_name = StrictCharField(
        max_length=Trigger._meta.get_field("trigger_name").max_length,
        validators=[VarcharCodePageValidator("Triggers.trigger_name")],
    )
    process_status = EnumNameField(choices=TriggerStatus.choices, default=TriggerStatus.IDLE)


class TriggerStatusResponseSerializer(serializers.Serializer):
    success = serializers.BooleanField(default=True)
    trigger_name = serializers.CharField()
    new_status = serializers.ChoiceField(choices=TriggerStatus.choices)


class TriggerSerializer(serializers.Serializer):
    """One trigger's state, read from `Triggers` and the subtable of its type."""

    id = serializers.UUIDField()
    type = serializers.ChoiceField(choices=TriggerType.choices)
    process_name = serializers.CharField()
    process_status = serializers.ChoiceField(choices=TriggerStatus.choices)
    last_run = LocalDateTimeOutputField(allow_null=True, help_text="When the trigger last started, or null.")
    next_run = serializers.SerializerMethodField(help_text="When a SINGLE or SCHEDULED trigger runs next; null for QUEUE.")
    cron_expr = serializers.SerializerMethodField(help_text="The cron schedule of a SCHEDULED trigger, else null.")
    queue_name = serializers.SerializerMethodField(help_text="The queue a QUEUE trigger watches, else null.")
    min_batch_size = serializers.SerializerMethodField(help_text="New elements that start a QUEUE trigger, else null.")

    def get_next_run(self, trigger) -> str | None:
        subtrigger = _subtrigger(trigger)
        next_run = getattr(subtrigger, "next_run", None)
        return LocalDateTimeOutputField().to_representation(next_run)

    def get_cron_expr(self, trigger) -> str | None:
        return getattr(_subtrigger(trigger), "cron_expr", None)

    def get_queue_name(self, trigger) -> str | None:
        return getattr(_subtrigger(trigger), "queue_name", None) if trigger.type == TriggerType.QUEUE else None

    def get_min_batch_size(self, trigger) -> int | None:
        return getattr(_subtrigger(trigger), "min_batch_size", None)


class TriggerDetailSerializer(serializers.Serializer):
    """The body of `GET /api/trigger/<name>`."""

    trigger_name = serializers.CharField()
    triggers = TriggerSerializer(many=True)


# The reverse one-to-one accessor of each trigger type's subtable row.
_SUBTABLE_ACCESSORS = {TriggerType.SINGLE: "single", TriggerType.SCHEDULED: "scheduled", TriggerType.QUEUE: "queue"}


def _subtrigger(trigger: Trigger):
    """Return the subtable row of the trigger's type, or None when it is missing."""
    accessor = _SUBTABLE_ACCESSORS.get(trigger.type)
    if accessor is None:
        return None
    try:
        return getattr(trigger, accessor)
    except ObjectDoesNotExist:
        return None
