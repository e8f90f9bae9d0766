"""Counts and queue names for the admin console, within the `Queues` indexes.

`Queues` contains millions of rows and has three indexes: the primary key `id`,
`ix_Queues_queue_name` and `ix_Queues_created_date`. No index covers
`status`, so a count per status reads every row it counts. The overview
therefore splits the table at a day boundary `recent_days` back:

- rows created since then are counted on every request, through a range
  on `ix_Queues_created_date`, so that cost follows the arrival rate, not
  the table size;
- rows created before then are counted by one full GROUP BY, whose result
  is cached. The console's own status changes update the cached counts.
  After OVERVIEW_CACHE_SECONDS a thread counts again while requests go on
  using the old counts, so changes by robots to old rows show up then.
  Only the first visit after a start (or "count again now") waits for
  the full count.
"""

import logging
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.db.models import Count

from pyorchestrator.local_time import local_now
from queues.models import QueueElement, QueueStatus

logger = logging.getLogger(__name__)

HISTORY_CACHE_KEY = "pyorchestrator:queues:overview-history"
QUEUE_NAMES_CACHE_KEY = "pyorchestrator:queues:names"

# Seconds the list of queue names for the change list filter is kept.
QUEUE_NAMES_CACHE_SECONDS = 300


def history_counts_query(before: datetime) -> Counter:
    """Return the number of rows per (queue_name, status) created before `before`: a full scan.

    GROUP BY names `status` first: SQLite 3.40 otherwise walks the whole
    queue_name index and looks up every row, about four times slower than
    the table scan it picks for this order (measured on 1 million rows).
    """
    grouped = (
        QueueElement.objects.filter(created_date__lt=before)
        .values_list("status", "queue_name")
        .annotate(count=Count("*"))
        .order_by()
    )
    return Counter({(queue_name, status): count for status, queue_name, count in grouped})


def recent_counts(since: datetime, until: datetime | None = None) -> Counter:
    """Return the number of rows per (queue_name, status) created in [since, until).

    The rows are counted here rather than by GROUP BY, so that the query is a
    plain range on ix_Queues_created_date: with a GROUP BY, SQLite walks the
    queue_name index over the whole table instead.
    """
    rows = QueueElement.objects.filter(created_date__gte=since)
    if until is not None:
        rows = rows.filter(created_date__lt=until)
    return Counter(rows.values_list("queue_name", "status").order_by().iterator(chunk_size=5000))


def arrivals_since(since: datetime) -> Counter:
    """Return the number of rows per queue_name created since `since`, through the created_date index."""
    rows = QueueElement.objects.filter(created_date__gte=since).values_list("queue_name", flat=True).order_by()
    return Counter(rows.iterator(chunk_size=5000))


def history_split(now: datetime) -> datetime:
    """Return the local midnight `recent_days` before `now`: rows before it are cached."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight - timedelta(days=settings.PYORCHESTRATOR_ADMIN_OVERVIEW_RECENT_DAYS)


def compute_history(split: datetime) -> dict:
    """Count the rows created before `split` and store the counts in the cache."""
    entry = {"split": split, "counts": list(history_counts_query(split).items()), "computed_at": local_now()}
    # The entry never expires in the cache: a stale entry is still served
    # while a new one is computed (see history_counts).
    cache.set(HISTORY_CACHE_KEY, entry, None)
    return entry


_refresh_lock = threading.Lock()


def _refresh_in_background(split: datetime) -> None:
    """Start computing the history counts in a thread, unless one is running already."""
    if not _refresh_lock.acquire(blocking=False):
        return

    def run():
        try:
            compute_history(split)
        except DatabaseError:
            logger.exception("Counting the queue elements created before %s failed", split)
        finally:
            connections.close_all()
            _refresh_lock.release()

    threading.Thread(target=run, name="queue-overview-history", daemon=True).start()


def history_counts(split: datetime, refresh: bool = False) -> tuple[Counter, datetime]:
    """Return the counts of the rows created before `split` and when they were computed.

    Without a cached entry, or with `refresh`, the counts are computed now
    (one full scan). A cached entry older than OVERVIEW_CACHE_SECONDS, or
    computed for an earlier split, is still used while a thread computes a
    new one. The rows between its split and `split` are then counted
    through the created_date index and added.
    """
    entry = None if refresh else cache.get(HISTORY_CACHE_KEY)
    if entry is None or entry["split"] > split:
        entry = compute_history(split)

    max_age = timedelta(seconds=settings.PYORCHESTRATOR_ADMIN_OVERVIEW_CACHE_SECONDS)
    if entry["split"] != split or local_now() - entry["computed_at"] > max_age:
        _refresh_in_background(split)

    counts = Counter(dict(entry["counts"]))
    if entry["split"] < split:
        counts.update(recent_counts(since=entry["split"], until=split))
    return counts, entry["computed_at"]


def record_status_changes(changes: list[tuple[str, datetime, str, str]]) -> None:
    """Apply status changes made in the console to the cached history counts.

    Each change is (queue_name, created_date, old_status, new_status). Rows
    created after the cached split are counted fresh on each request anyway.
    """
    cached = cache.get(HISTORY_CACHE_KEY)
    if cached is None:
        return
    counts = Counter(dict(cached["counts"]))
    for queue_name, created_date, old_status, new_status in changes:
        if created_date >= cached["split"] or old_status == new_status:
            continue
        counts[(queue_name, old_status)] -= 1
        counts[(queue_name, new_status)] += 1
    cached["counts"] = [(key, count) for key, count in counts.items() if count > 0]
    cache.set(HISTORY_CACHE_KEY, cached, None)


@dataclass
class QueueSummary:
    """The counts of one queue on the overview page."""

    queue_name: str
    counts: dict[str, int] = field(default_factory=dict)
    arrivals_24h: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def segments(self) -> list[dict]:
        """Return the status, count and width in percent of each non-empty bar segment."""
        total = self.total
        return [
            {"status": status, "label": label, "count": self.counts[status], "percent": 100 * self.counts[status] / total}
            for status, label in QueueStatus.choices
            if self.counts.get(status)
        ]


@dataclass
class QueueOverview:
    """All queues' counts and how fresh the cached part is."""

    queues: list[QueueSummary]
    split: datetime
    history_computed_at: datetime


def queue_overview(refresh: bool = False) -> QueueOverview:
    """Return the counts per queue and status, and the arrivals in the last 24 hours."""
    now = local_now()
    split = history_split(now)
    counts, computed_at = history_counts(split, refresh=refresh)
    counts.update(recent_counts(since=split))
    arrivals = arrivals_since(now - timedelta(hours=24))

    summaries: dict[str, QueueSummary] = {}
    for (queue_name, status), count in counts.items():
        if count > 0:
            summary = summaries.setdefault(queue_name, QueueSummary(queue_name))
            summary.counts[status] = summary.counts.get(status, 0) + count
    for queue_name, count in arrivals.items():
        summaries.setdefault(queue_name, QueueSummary(queue_name)).arrivals_24h = count
    return QueueOverview(
        queues=sorted(summaries.values(), key=lambda summary: summary.queue_name.lower()),
        split=split,
        history_computed_at=computed_at,
    )


def distinct_queue_names(limit: int) -> list[str]:
    """Return up to `limit` distinct queue names, reading `ix_Queues_queue_name` only.

    Each step queries the smallest name greater than the previous one, an
    index seek, so the cost follows the number of queues, not of rows; a
    SELECT DISTINCT would read the whole index.
    """
    ordered = QueueElement.objects.order_by("queue_name").values_list("queue_name", flat=True)
    names = []
    name = ordered.first()
    while name is not None and len(names) < limit:
        names.append(name)
        name = ordered.filter(queue_name__gt=name).first()
    return names


def known_queue_names() -> list[str]:
    """Return the queue names for the change list filter, cached for a few minutes.

    The names come from the queue triggers and from the queue_name index.
    """
    names = cache.get(QUEUE_NAMES_CACHE_KEY)
    if names is None:
        from triggers.models import QueueTrigger

        trigger_queues = QueueTrigger.objects.values_list("queue_name", flat=True).distinct()
        names = sorted(
            set(trigger_queues) | set(distinct_queue_names(settings.PYORCHESTRATOR_ADMIN_QUEUE_NAME_LIMIT)),
            key=str.lower,
        )
        cache.set(QUEUE_NAMES_CACHE_KEY, names, QUEUE_NAMES_CACHE_SECONDS)
    return names
