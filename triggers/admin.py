"""Admin of OpenOrchestrator's triggers: one list of every type, with its subtable's fields.

A trigger is a `Triggers` row plus one row with the same id in the subtable
of its type. The list reads both in one query (LEFT JOINs on the three
subtables); the change form edits the status and the subtype's columns.
"""

from cronsim import CronSim, CronSimError
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import connections, router, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pyorchestrator.legacy_admin import LegacyModelAdmin
from pyorchestrator.local_time import local_now
from triggers.models import QueueTrigger, ScheduledTrigger, SingleTrigger, Trigger, TriggerStatus, TriggerType

SUBTYPE_MODELS = {
    TriggerType.SINGLE: SingleTrigger,
    TriggerType.SCHEDULED: ScheduledTrigger,
    TriggerType.QUEUE: QueueTrigger,
}


class TriggerForm(forms.ModelForm):
    """The trigger's status; subclasses add the columns of one subtable."""

    subtype_fields: tuple[str, ...] = ()

    class Meta:
        model = Trigger
        fields = ["process_status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = SUBTYPE_MODELS.get(self.instance.type)
        if model is None or not self.subtype_fields:
            return
        values = model.objects.filter(pk=self.instance.pk).values(*self.subtype_fields).first()
        if values is not None:
            for name, value in values.items():
                self.initial.setdefault(name, value)

    def subtype_changes(self) -> dict:
        """Return the changed subtable columns and their new values."""
        return {name: self.cleaned_data[name] for name in self.subtype_fields if name in self.changed_data}


class SingleTriggerForm(TriggerForm):
    subtype_fields = ("next_run",)

    next_run = forms.SplitDateTimeField(label=_("next run"), widget=AdminSplitDateTime)


class ScheduledTriggerForm(TriggerForm):
    subtype_fields = ("cron_expr", "next_run")

    cron_expr = forms.CharField(
        label=_("cron expression"),
        max_length=ScheduledTrigger._meta.get_field("cron_expr").max_length,
        help_text=_("Five fields: minute, hour, day of month, month, day of week, such as 0 6 * * 1-5."),
    )
    next_run = forms.SplitDateTimeField(
        label=_("next run"),
        widget=AdminSplitDateTime,
        help_text=_("Computed from the cron expression when only the expression is changed."),
    )

    def clean_cron_expr(self):
        expression = self.cleaned_data["cron_expr"].strip()
        try:
            CronSim(expression, local_now())
        except CronSimError:
            raise forms.ValidationError(_("Enter a valid cron expression of five fields."), code="invalid")
        return expression

    def clean(self):
        cleaned = super().clean()
        if "cron_expr" in self.changed_data and "next_run" not in self.changed_data and "cron_expr" in cleaned:
            # As OpenOrchestrator's trigger dialog does: the next run follows the new schedule.
            cleaned["next_run"] = next(CronSim(cleaned["cron_expr"], local_now()))
            self.changed_data.append("next_run")
        return cleaned


class QueueTriggerForm(TriggerForm):
    subtype_fields = ("queue_name", "min_batch_size")

    queue_name = forms.CharField(
        label=_("queue name"), max_length=QueueTrigger._meta.get_field("queue_name").max_length
    )
    min_batch_size = forms.IntegerField(
        label=_("minimum batch size"),
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("The trigger runs when the queue holds at least this many new elements."),
    )


FORMS_BY_TYPE = {
    TriggerType.SINGLE: SingleTriggerForm,
    TriggerType.SCHEDULED: ScheduledTriggerForm,
    TriggerType.QUEUE: QueueTriggerForm,
}

READ_ONLY_FIELDS = [
    "trigger_name",
    "type",
    "process_name",
    "process_path",
    "process_args",
    "last_run",
    "is_git_repo",
    "git_branch",
    "is_blocking",
    "scheduler_whitelist",
    "priority",
]


@admin.register(Trigger)
class TriggerAdmin(LegacyModelAdmin):
    list_display = ["trigger_name", "type", "process_status", "process_name", "last_run", "next_run", "schedule"]
    list_filter = ["type", "process_status"]
    search_fields = ["trigger_name", "process_name"]
    ordering = ["trigger_name"]
    actions = ["rearm", "pause"]
    readonly_fields = READ_ONLY_FIELDS

    def get_queryset(self, request):
        # One query for the list: the subtables are LEFT JOINed, never read per row.
        return (
            super()
            .get_queryset(request)
            .annotate(
                next_run_value=Coalesce(F("single__next_run"), F("scheduled__next_run")),
                cron_expr_value=F("scheduled__cron_expr"),
                queue_name_value=F("queue__queue_name"),
                min_batch_size_value=F("queue__min_batch_size"),
            )
        )

    @admin.display(description=_("next run"), ordering="next_run_value")
    def next_run(self, obj):
        return obj.next_run_value

    @admin.display(description=_("schedule"))
    def schedule(self, obj):
        if obj.type == TriggerType.SCHEDULED:
            return obj.cron_expr_value
        if obj.type == TriggerType.QUEUE and obj.queue_name_value is not None:
            return _("%(queue)s, at least %(size)d new") % {
                "queue": obj.queue_name_value,
                "size": obj.min_batch_size_value,
            }
        return ""

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = FORMS_BY_TYPE.get(obj.type, TriggerForm) if obj is not None else TriggerForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        form = FORMS_BY_TYPE.get(obj.type, TriggerForm) if obj is not None else TriggerForm
        fieldsets = [(None, {"fields": ["trigger_name", "type", "process_status", "last_run"]})]
        if form.subtype_fields:
            fieldsets.append((_("Schedule"), {"fields": list(form.subtype_fields)}))
        fieldsets.append(
            (
                _("Process"),
                {"fields": [name for name in READ_ONLY_FIELDS if name not in {"trigger_name", "type", "last_run"}]},
            )
        )
        return fieldsets

    def get_update_fields(self, form):
        return [name for name in form.changed_data if name == "process_status"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changes = form.subtype_changes() if isinstance(form, TriggerForm) else {}
        model = SUBTYPE_MODELS.get(obj.type)
        if changes and model is not None:
            model.objects.filter(pk=obj.pk).update(**changes)

    def delete_model(self, request, obj):
        # The subtables reference `Triggers.id`, so their row goes first.
        alias = router.db_for_write(Trigger)
        connection = connections[alias]
        pk_value = Trigger._meta.pk.get_db_prep_value(obj.pk, connection)
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            for model in SUBTYPE_MODELS.values():
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"DELETE FROM {table} WHERE {connection.ops.quote_name('id')} = %s", [pk_value])
            super().delete_model(request, obj)

    # --- actions ---

    @admin.action(description=_("Re-arm the selected SINGLE triggers (status IDLE)"))
    def rearm(self, request, queryset):
        selected = list(queryset.values_list("pk", "type", "process_status"))
        ids = [pk for pk, kind, status in selected if kind == TriggerType.SINGLE and status != TriggerStatus.RUNNING]
        skipped = len(selected) - len(ids)
        updated = self._set_status(request, ids, TriggerStatus.IDLE)

        if updated:
            self.message_user(
                request,
                ngettext("Re-armed %(count)d trigger.", "Re-armed %(count)d triggers.", updated) % {"count": updated},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "Skipped %(count)d trigger that is not a SINGLE trigger or is running.",
                    "Skipped %(count)d triggers that are not SINGLE triggers or are running.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Pause the selected triggers"))
    def pause(self, request, queryset):
        # As OpenOrchestrator's own console does: a running trigger gets
        # PAUSING, and its scheduler sets PAUSED when the run ends.
        selected = list(queryset.values_list("pk", "process_status"))
        running = [pk for pk, status in selected if status == TriggerStatus.RUNNING]
        idle = [pk for pk, status in selected if status != TriggerStatus.RUNNING]
        updated = self._set_status(request, running, TriggerStatus.PAUSING)
        updated += self._set_status(request, idle, TriggerStatus.PAUSED)
        self.message_user(
            request,
            ngettext("Paused %(count)d trigger.", "Paused %(count)d triggers.", updated) % {"count": updated},
            messages.SUCCESS,
        )

    def _set_status(self, request, ids, status) -> int:
        if not ids:
            return 0
        with transaction.atomic(using=router.db_for_write(Trigger)):
            updated = Trigger.objects.filter(pk__in=ids).update(process_status=status)
            self.log_changes(request, list(Trigger.objects.filter(pk__in=ids)), [{"changed": {"fields": ["status"]}}])
        return updated
