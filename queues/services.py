"""Writes to the `Queues` table."""

import logging

from pyorchestrator.local_time import local_now
from queues.models import QueueElement, QueueStatus

logger = logging.getLogger(__name__)


def create_queue_element(
    *,
    queue_name: str,
    status: str = QueueStatus.NEW,
    data: str | None = None,
    reference: str | None = None,
    created_by: str | None = None,
    message: str | None = None,
    created_date=None,
) -> QueueElement:
    """Insert one queue element; `created_date` defaults to the local time now."""
    element = QueueElement.objects.create(
        queue_name=queue_name,
        status=status,
        data=data,
        reference=reference,
        created_by=created_by,
        message=message,
        created_date=created_date or local_now(),
    )
    logger.info("Created queue element %s in queue %s", element.id, queue_name)
    return element
