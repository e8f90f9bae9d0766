"""Validation of the trigger status requests of the API."""

from rest_framework import serializers

from pyorchestrator.serializer_fields import EnumNameField, StrictCharField, VarcharCodePageValidator
from triggers.models import Trigger, TriggerStatus


class TriggerStatusSerializer(serializers.Serializer):
    """The body of `POST /api/trigger`."""

    trigger_name = StrictCharField(
        max_length=Trigger._meta.get_field("trigger_name").max_length,
        validators=[VarcharCodePageValidator("Triggers.trigger_name")],
    )
    process_status = EnumNameField(choices=TriggerStatus.choices, default=TriggerStatus.IDLE)
