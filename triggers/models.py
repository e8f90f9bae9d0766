"""The `Triggers` table and its subtables, which OpenOrchestrator owns.

OpenOrchestrator 3.0.0 maps them with joined-table inheritance on `type`:
each trigger has one `Triggers` row and one row with the same `id` in the
subtable of its type.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from pyorchestrator.fields import LegacyCharField, LegacyDateTimeField, LegacyUUIDField


class TriggerStatus(models.TextChoices):
    """OpenOrchestrator's `TriggerStatus` enum, stored by member name."""

    IDLE = "IDLE", _("Idle")
    RUNNING = "RUNNING", _("Running")
    FAILED = "FAILED", _("Failed")
    DONE = "DONE", _("Done")
    PAUSED = "PAUSED", _("Paused")
    PAUSING = "PAUSING", _("Pausing")
    KILLING = "KILLING", _("Killing")
    KILLED = "KILLED", _("Killed")


class TriggerType(models.TextChoices):
    """OpenOrchestrator's `TriggerType` enum, stored by member name."""

    SINGLE = "SINGLE", _("Single")
    SCHEDULED = "SCHEDULED", _("Scheduled")
    QUEUE = "QUEUE", _("Queue")


class Trigger(models.Model):
    """The columns every trigger type shares."""

    id = LegacyUUIDField(primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("id"))
    trigger_name = LegacyCharField(_("trigger name"), max_length=100)
    process_name = LegacyCharField(_("process name"), max_length=100)
    last_run = LegacyDateTimeField(_("last run"), null=True, blank=True)
    process_path = LegacyCharField(_("process path"), max_length=250)
    process_args = LegacyCharField(_("process arguments"), max_length=1000, null=True, blank=True)
    process_status = LegacyCharField(
        _("status"), max_length=7, choices=TriggerStatus.choices, default=TriggerStatus.IDLE
    )
    is_git_repo = models.BooleanField(_("is a Git repository"), default=False)
    git_branch = LegacyCharField(_("Git branch"), max_length=100, null=True, blank=True)
    is_blocking = models.BooleanField(_("is blocking"), default=False)
    # A JSON list of machine names, such as ["RPA01"].
    scheduler_whitelist = LegacyCharField(_("scheduler whitelist"), max_length=250, null=True, blank=True)
    priority = models.IntegerField(_("priority"), default=0)
    type = LegacyCharField(_("type"), max_length=9, choices=TriggerType.choices)

    class Meta:
        managed = False
        db_table = "Triggers"
        verbose_name = _("trigger")
        verbose_name_plural = _("triggers")

    def __str__(self) -> str:
        return f"{self.trigger_name} ({self.type})"


class SingleTrigger(Trigger):
    """A trigger that runs once at `next_run` while its status is IDLE."""

    trigger = models.OneToOneField(
        Trigger, on_delete=models.DO_NOTHING, parent_link=True, primary_key=True, db_column="id",
        related_name="single",
    )
    next_run = LegacyDateTimeField(_("next run"))

    class Meta:
        managed = False
        db_table = "Single_Triggers"
        verbose_name = _("single trigger")
        verbose_name_plural = _("single triggers")


class ScheduledTrigger(Trigger):
    """A trigger that runs on a cron schedule."""

    trigger = models.OneToOneField(
        Trigger, on_delete=models.DO_NOTHING, parent_link=True, primary_key=True, db_column="id",
        related_name="scheduled",
    )
    cron_expr = LegacyCharField(_("cron expression"), max_length=200)
    next_run = LegacyDateTimeField(_("next run"))

    class Meta:
        managed = False
        db_table = "Scheduled_Triggers"
        verbose_name = _("scheduled trigger")
        verbose_name_plural = _("scheduled triggers")


class QueueTrigger(Trigger):
    """A trigger that runs when a queue has at least `min_batch_size` new elements."""

    trigger = models.OneToOneField(
        Trigger, on_delete=models.DO_NOTHING, parent_link=True, primary_key=True, db_column="id",
        related_name="queue",
    )
    queue_name = LegacyCharField(_("queue name"), max_length=200)
    min_batch_size = models.IntegerField(_("minimum batch size"))

    class Meta:
        managed = False
        db_table = "Queue_Triggers"
        verbose_name = _("queue trigger")
        verbose_name_plural = _("queue triggers")
