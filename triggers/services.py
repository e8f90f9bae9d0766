"""Writes to the `Triggers` table."""

import logging

from triggers.models import Trigger, TriggerType

logger = logging.getLogger(__name__)


def set_single_trigger_status(trigger_name: str, process_status: str) -> int:
    """Set the status of the SINGLE triggers named `trigger_name` in one UPDATE.

    Returns the number of rows updated: 0 when no SINGLE trigger has that
    name. Names are not unique in OpenOrchestrator's schema, so every SINGLE
    trigger with the name is updated, as the Flask service did.
    """
    updated = Trigger.objects.filter(trigger_name=trigger_name, type=TriggerType.SINGLE).update(
        process_status=process_status
    )
    logger.info("Set %s SINGLE trigger(s) named %r to %s", updated, trigger_name, process_status)
    return updated
