"""Admin of OpenOrchestrator's queue elements and the queue overview page.

Every query of the change list uses one of the indexes of `Queues` (primary
key `id`, `queue_name`, `created_date`). Pages are ordered by created_date
and never counted. The queue name filter takes its names from an index
seek per queue. The search looks up an exact id, or a reference prefix
within a window of recent days, unless the operator picks the full scan.
"""

import json
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import Q
from django.forms import Textarea
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pyorchestrator.legacy_admin import LargeTableModelAdmin
from pyorchestrator.local_time import local_now
from queues import statistics
from queues.models import QueueElement, QueueStatus

# The GET parameters of the filters below.
QUEUE_PARAMETER = "queue"
SCOPE_PARAMETER = "scope"
SCOPE_FULL_SCAN = "all"
DATE_PARAMETERS = ("created_date__gte", "created_date__lt")

# An action on "all rows that match the filter" refuses more rows than this.
MAX_ACTION_ROWS = 1000


class QueueNameFilter(admin.SimpleListFilter):
    """Filter by queue name, offering the names that `known_queue_names` finds."""

    title = _("queue name")
    parameter_name = QUEUE_PARAMETER

    def lookups(self, request, model_admin):
        names = statistics.known_queue_names()
        selected = self.value()
        if selected and selected not in names:
            names = [selected, *names]
        return [(name, name) for name in names]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(queue_name=self.value())
        return queryset


class SearchScopeFilter(admin.SimpleListFilter):
    """Choose between the indexed search and a full-text scan of the whole table."""

    title = _("search scope")
    parameter_name = SCOPE_PARAMETER

    def lookups(self, request, model_admin):
        return [(SCOPE_FULL_SCAN, _("Whole table, also data and message (slow)"))]

    def choices(self, changelist):
        days = settings.PYORCHESTRATOR_ADMIN_SEARCH_DAYS
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Id, or reference prefix in the last %(days)d days") % {"days": days},
        }
        yield {
            "selected": self.value() == SCOPE_FULL_SCAN,
            "query_string": changelist.get_query_string({self.parameter_name: SCOPE_FULL_SCAN}),
            "display": _("Whole table, also data and message (slow)"),
        }

    def queryset(self, request, queryset):
        # The search applies the scope: see QueueElementAdmin.get_search_results.
        return queryset


def _pretty_data(text: str | None) -> str:
    """Return `text` indented as JSON when it is a JSON object or array, else unchanged."""
    if not text:
        return ""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    if not isinstance(value, (dict, list)):
        return text
    return json.dumps(value, indent=2, ensure_ascii=False)


@admin.register(QueueElement)
class QueueElementAdmin(LargeTableModelAdmin):
    list_display = ["queue_name", "status", "reference", "created_date", "start_date", "end_date", "created_by"]
    list_display_links = ["queue_name", "reference"]
    # NOTE: no index covers status, so a status filter reads rows newest
    # first until a page is full: cheap for common statuses, but a rare
    # status within one queue reads every row of that queue.
    list_filter = ["status", QueueNameFilter, ("created_date", admin.DateFieldListFilter), SearchScopeFilter]
    # Sorting by any other column would sort the whole table.
    ordering = ["-created_date"]
    sortable_by = ["created_date"]
    search_fields = ["reference"]
    search_help_text = _(
        "Enter an element's id, or the start of its reference. Choose the whole table "
        "under search scope to search the data and message texts too."
    )
    list_per_page = 100
    actions = ["requeue", "abandon"]

    fields = [
        "id",
        "queue_name",
        "status",
        "message",
        "reference",
        "created_date",
        "start_date",
        "end_date",
        "created_by",
        "formatted_data",
    ]
    readonly_fields = [
        "id",
        "queue_name",
        "reference",
        "created_date",
        "start_date",
        "end_date",
        "created_by",
        "formatted_data",
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # NOTE: on SQL Server `message` is VARCHAR in the collation's code page
        # (often Windows-1252), which stores other characters as "?"; the form
        # does not reject them.
        if db_field.name == "message":
            kwargs["widget"] = Textarea(attrs={"rows": 4, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("data"))
    def formatted_data(self, obj):
        return format_html('<pre class="queue-data">{}</pre>', _pretty_data(obj.data))

    # --- search ---

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False

        try:
            element_id = uuid.UUID(term)
        except ValueError:
            element_id = None
        if element_id is not None:
            return queryset.filter(id=element_id), False

        if request.GET.get(SCOPE_PARAMETER) == SCOPE_FULL_SCAN:
            text_match = (
                Q(reference__icontains=term)
                | Q(data__icontains=term)
                | Q(message__icontains=term)
                | Q(created_by__icontains=term)
            )
            return queryset.filter(text_match), False

        # No index covers `reference`: the window on created_date bounds the
        # rows the search reads, unless a date filter bounds them already.
        queryset = queryset.filter(reference__startswith=term)
        if not any(parameter in request.GET for parameter in DATE_PARAMETERS):
            since = local_now() - timedelta(days=settings.PYORCHESTRATOR_ADMIN_SEARCH_DAYS)
            queryset = queryset.filter(created_date__gte=since)
        return queryset, False

    # --- actions ---

    def _rows_for_action(self, request, queryset):
        """Return the selected rows as dicts, or None after a message when too many are selected."""
        rows = list(queryset.order_by().values("id", "queue_name", "status", "created_date")[: MAX_ACTION_ROWS + 1])
        if len(rows) > MAX_ACTION_ROWS:
            self.message_user(
                request,
                _("At most %(max)d elements can be changed at once. Narrow the filter or select fewer.")
                % {"max": MAX_ACTION_ROWS},
                messages.ERROR,
            )
            return None
        return rows

    def _set_status(self, request, queryset, new_status, extra_values, changed_fields):
        rows = self._rows_for_action(request, queryset)
        if rows is None:
            return 0
        ids = [row["id"] for row in rows]

        with transaction.atomic(using=router.db_for_write(self.model)):
            updated = QueueElement.objects.filter(pk__in=ids).update(status=new_status, **extra_values)
            changed = list(QueueElement.objects.filter(pk__in=ids))
            self.log_changes(request, changed, [{"changed": {"fields": changed_fields}}])

        statistics.record_status_changes(
            [(row["queue_name"], row["created_date"], row["status"], new_status) for row in rows]
        )
        return updated

    @admin.action(description=_("Re-queue the selected elements (status NEW, start and end cleared)"))
    def requeue(self, request, queryset):
        updated = self._set_status(
            request, queryset, QueueStatus.NEW, {"start_date": None, "end_date": None}, ["status", "started", "ended"]
        )
        if updated:
            self.message_user(
                request,
                ngettext("Re-queued %(count)d element.", "Re-queued %(count)d elements.", updated) % {"count": updated},
                messages.SUCCESS,
            )

    @admin.action(description=_("Abandon the selected elements"))
    def abandon(self, request, queryset):
        updated = self._set_status(request, queryset, QueueStatus.ABANDONED, {}, ["status"])
        if updated:
            self.message_user(
                request,
                ngettext("Abandoned %(count)d element.", "Abandoned %(count)d elements.", updated) % {"count": updated},
                messages.SUCCESS,
            )

    def save_model(self, request, obj, form, change):
        old = QueueElement.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
        super().save_model(request, obj, form, change)
        if old is not None:
            statistics.record_status_changes([(obj.queue_name, obj.created_date, old, obj.status)])

    # --- overview page ---

    def get_urls(self):
        overview = path(
            "overview/",
            self.admin_site.admin_view(self.overview_view),
            name="queues_queueelement_overview",
        )
        return [overview, *super().get_urls()]

    def overview_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied

        overview = statistics.queue_overview(refresh="refresh" in request.GET)
        changelist_url = reverse("admin:queues_queueelement_changelist")
        for summary in overview.queues:
            summary.failed_url = f"{changelist_url}?" + urlencode(
                {QUEUE_PARAMETER: summary.queue_name, "status__exact": QueueStatus.FAILED}
            )
            summary.queue_url = f"{changelist_url}?" + urlencode({QUEUE_PARAMETER: summary.queue_name})
            summary.cells = [(status, summary.counts.get(status, 0)) for status in QueueStatus.values]

        context = {
            **self.admin_site.each_context(request),
            "title": _("Queue overview"),
            "opts": self.model._meta,
            "overview": overview,
            "statuses": QueueStatus.choices,
            "changelist_url": changelist_url,
            "cache_minutes": settings.PYORCHESTRATOR_ADMIN_OVERVIEW_CACHE_SECONDS // 60,
        }
        return TemplateResponse(request, "admin/queues/overview.html", context)
