"""Writes to the `Queues` table."""

import logging
import uuid

from django.db import transaction

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
    element_id: uuid.UUID | None = None,
) -> QueueElement:
    """Insert one queue element; `created_date` defaults to the local time now, `element_id` to a new UUID."""
    element = QueueElement.objects.create(
        id=element_id or uuid.uuid4(),
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


# Rows per INSERT of a bulk create. SQL Server takes at most 2100 parameters
# per statement, and a row has 10 columns.
BULK_INSERT_BATCH_SIZE = 200


def create_queue_elements(items: list[dict], element_ids: list[uuid.UUID]) -> list[QueueElement]:
    """Insert the queue elements `items` (validated create bodies) with the given ids, all or none.

    Elements without a `created_date` get the same local time, as
    OpenOrchestrator's own bulk create gives them nearly the same.
    """
    now = local_now()
    elements = [
        QueueElement(
            id=element_id,
            queue_name=item["queue_name"],
            status=item.get("status", QueueStatus.NEW),
            data=item.get("data"),
            reference=item.get("reference"),
            created_by=item.get("created_by"),
            message=item.get("message"),
            created_date=item.get("created_date") or now,
        )
        for item, element_id in zip(items, element_ids, strict=True)
    ]
    with transaction.atomic(using="orchestrator"):
        QueueElement.objects.bulk_create(elements, batch_size=BULK_INSERT_BATCH_SIZE)
    queue_names = sorted({element.queue_name for element in elements})
    logger.info("Created %s queue elements in queue(s) %s", len(elements), ", ".join(queue_names))
    return elements
