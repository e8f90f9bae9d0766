"""The `Queues` table of OpenOrchestrator, which OpenOrchestrator owns."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from pyorchestrator.fields import LegacyCharField, LegacyDateTimeField, LegacyUUIDField


class QueueStatus(models.TextChoices):
    """OpenOrchestrator's `QueueStatus` enum.

    SQLAlchemy stores the member NAME (`IN_PROGRESS`), never the value
    (`In Progress`); OpenOrchestrator fails to load a row with any other text.
    """

    NEW = "NEW", _("New")
    IN_PROGRESS = "IN_PROGRESS", _("In progress")
    DONE = "DONE", _("Done")
    FAILED = "FAILED", _("Failed")
    ABANDONED = "ABANDONED", _("Abandoned")


class QueueElement(models.Model):
    """One queue element, as OpenOrchestrator 3.0.0's `QueueElement` maps it."""

    id = LegacyUUIDField(primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("id"))
    queue_name = LegacyCharField(_("queue name"), max_length=100)
    status = LegacyCharField(_("status"), max_length=11, choices=QueueStatus.choices, default=QueueStatus.NEW)
    data = LegacyCharField(_("data"), max_length=2000, null=True, blank=True)
    reference = LegacyCharField(_("reference"), max_length=100, null=True, blank=True)
    created_date = LegacyDateTimeField(_("created"))
    start_date = LegacyDateTimeField(_("started"), null=True, blank=True)
    end_date = LegacyDateTimeField(_("ended"), null=True, blank=True)
    message = LegacyCharField(_("message"), max_length=1000, null=True, blank=True)
    created_by = LegacyCharField(_("created by"), max_length=100, null=True, blank=True)

    class Meta:
        managed = False
        db_table = "Queues"
        # The indexes OpenOrchestrator creates, under its names.
        indexes = [
            models.Index(fields=["queue_name"], name="ix_Queues_queue_name"),
            models.Index(fields=["created_date"], name="ix_Queues_created_date"),
        ]
        verbose_name = _("queue element")
        verbose_name_plural = _("queue elements")

    def __str__(self) -> str:
        return f"{self.queue_name} {self.reference or self.id}"
