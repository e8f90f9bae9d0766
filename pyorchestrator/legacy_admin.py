"""Admin building blocks for the tables that OpenOrchestrator and the robots own.

The legacy tables live in other database aliases than Django's own tables
(see pyorchestrator/routers.py), can hold millions of rows and have only the
indexes their owners made. These pieces keep the admin within that:

- `LegacyModelAdmin` writes each admin log entry (LogEntry, in `default`)
  after the change to the legacy row has committed, writes only the columns
  the form changed, and offers no bulk delete.
- `NoCountPaginator` and `NoCountChangeList` page through a change list
  without `COUNT(*)`: a page fetches one row more than it shows, and that
  row shows whether a next page exists.
"""

import copy
import math

from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.core.paginator import InvalidPage, Paginator
from django.db import router, transaction
from django.utils.functional import cached_property


class NoCountPaginator(Paginator):
    """A paginator that never counts the rows of its queryset.

    It reads rows `offset .. offset + per_page` (one more than a page shows)
    for the page the request names. `count` is the number of rows before that
    window plus the rows in it, so the last page number is the current
    page, or the next one when the extra row exists.
    """

    def __init__(self, object_list, per_page, page_number=1, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.page_number = max(page_number, 1)

    @cached_property
    def _window(self) -> list:
        offset = (self.page_number - 1) * self.per_page
        return list(self.object_list[offset : offset + self.per_page + 1])

    @cached_property
    def count(self) -> int:
        return (self.page_number - 1) * self.per_page + len(self._window)

    @cached_property
    def num_pages(self) -> int:
        if self.count == 0:
            return 1
        return math.ceil(self.count / self.per_page)

    @property
    def has_more(self) -> bool:
        """Return True if at least one row follows the current page."""
        return len(self._window) > self.per_page

    def page(self, number):
        number = self.validate_number(number)
        if number != self.page_number:
            return super().page(number)
        return self._get_page(self._window[: self.per_page], number, self)


class NoCountChangeList(ChangeList):
    """A change list that neither counts its rows nor offers "show all"."""

    def get_results(self, request):
        paginator = self.model_admin.get_paginator(request, self.queryset, self.list_per_page)
        try:
            page = paginator.page(self.page_num)
        except InvalidPage:
            raise IncorrectLookupParameters

        self.result_count = paginator.count
        self.show_full_result_count = False
        self.show_admin_actions = True
        # The search form prints "N results" when this differs from
        # result_count; equal, it prints no count, and there is none to print.
        self.full_result_count = self.result_count
        self.result_list = page.object_list
        self.can_show_all = False
        self.multi_page = paginator.num_pages > 1
        self.paginator = paginator
        self.has_more = paginator.has_more
        self.first_page_url = self.get_query_string({PAGE_VAR: 1})
        self.previous_page_url = self.get_query_string({PAGE_VAR: max(self.page_num - 1, 1)})
        self.next_page_url = self.get_query_string({PAGE_VAR: self.page_num + 1})


def _page_number(request) -> int:
    try:
        return int(request.GET.get(PAGE_VAR, 1))
    except ValueError:
        return 1


class LegacyModelAdmin(admin.ModelAdmin):
    """Base admin of a model over a table that other software owns."""

    # The console adds no rows: OpenOrchestrator and the robots create them.
    def has_add_permission(self, request):
        return False

    def get_actions(self, request):
        # Bulk delete collects every selected row and lists
        # them all on its confirmation page; a single row can still be
        # deleted from its change form by a user with the delete permission.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        if change:
            # Only the columns the form changed: the row may have changed
            # under the form (a robot took the element), and the other
            # columns must keep the values their owner wrote.
            if form.changed_data:
                obj.save(update_fields=self.get_update_fields(form))
        else:
            obj.save()

    def get_update_fields(self, form) -> list[str]:
        """Return the model fields to write for the changes in `form`."""
        model_fields = {field.name for field in self.model._meta.concrete_fields}
        return [name for name in form.changed_data if name in model_fields]

    # The admin saves in a transaction on the legacy alias. LogEntry lives in
    # `default`, another connection: on SQLite, where both aliases may name
    # one file, writing it inside that transaction would wait for the write
    # lock the transaction holds. So each entry is written after the commit,
    # and only if the change committed.
    def _log_after_commit(self, request, objects, action_flag, message):
        objects = [copy.copy(obj) for obj in objects]
        user_id = request.user.pk

        def write_entries():
            LogEntry.objects.log_actions(
                user_id=user_id, queryset=objects, action_flag=action_flag, change_message=message
            )

        transaction.on_commit(write_entries, using=router.db_for_write(self.model))

    def log_addition(self, request, obj, message):
        self._log_after_commit(request, [obj], ADDITION, message)

    def log_change(self, request, obj, message):
        self._log_after_commit(request, [obj], CHANGE, message)

    def log_deletions(self, request, queryset):
        self._log_after_commit(request, list(queryset), DELETION, "")

    def log_changes(self, request, objects, message):
        """Log a CHANGE entry with `message` for each of `objects` (after commit)."""
        self._log_after_commit(request, objects, CHANGE, message)


class LargeTableModelAdmin(LegacyModelAdmin):
    """Admin of a table with millions of rows: no counts, no facets, no "show all"."""

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_max_show_all = 0
    paginator = NoCountPaginator

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return self.paginator(
            queryset, per_page, page_number=_page_number(request), allow_empty_first_page=allow_empty_first_page
        )

    def get_changelist(self, request, **kwargs):
        return NoCountChangeList
