"""The IP ban: rejected API keys counted per client address, bans kept in the database.

A request with a missing or invalid key counts against its client address.
API_BAN_THRESHOLD of them within API_BAN_WINDOW seconds ban the address for
API_BAN_DURATION seconds, and every API request from it then gets 403.

Where the state lives:
- Counters are in the shared cache (settings.CACHES["default"]), because
  every waitress thread and process must add to the same count.
- Bans are ClientBan rows in the `default` database, so they survive a
  restart and reach every process. The cache keeps each address's ban
  state for up to BAN_STATE_CACHE_SECONDS so that most requests cost no
  query. Writing or lifting a ban deletes that entry, so with a shared
  cache every process sees the change on its next request. With a
  per-process cache, or a change made by another program (manage.py
  shell), the other processes see it within BAN_STATE_CACHE_SECONDS.

When the cache is down, see pyorchestrator/shared_cache.py for the fail mode.
"""

import logging
import math
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from pyorchestrator.client_ip import address_in
from pyorchestrator.models import ClientBan
from pyorchestrator.shared_cache import CACHE_ERRORS, get_cache, log_cache_failure

security_logger = logging.getLogger("pyorchestrator.security")

# Seconds an address's ban state read from the database is cached.
BAN_STATE_CACHE_SECONDS = 30

# The count is kept in slots of window / COUNTER_SLOTS seconds and summed over
# the slots that cover the window. So any THRESHOLD rejections within the
# window ban, whatever the slot boundaries, and rejections up to one slot
# more than the window apart may also count together.
COUNTER_SLOTS = 6

_NOT_BANNED = 0


def _ban_cache_key(address: str) -> str:
    return f"ban:{address}"


def _counter_cache_key(address: str, slot: int) -> str:
    return f"ban-count:{address}:{slot}"


def is_allowlisted(address: str) -> bool:
    """Return True if `address` is in settings.API_BAN_ALLOWLIST and so never banned."""
    return address_in(address, settings.API_BAN_ALLOWLIST)


def _epoch_of(local_time: datetime) -> float:
    """Return the Unix time of a naive local datetime written by timezone.now()."""
    return time.time() + (local_time - timezone.now()).total_seconds()


def get_active_ban_end(address: str) -> float | None:
    """Return the Unix time the active ban of `address` ends, or None when it has none.

    Reads the cache first and the database on a miss. An allowlisted
    address has no active ban, whatever the table holds.
    """
    if is_allowlisted(address):
        return None

    cache_available = True
    try:
        cached = get_cache().get(_ban_cache_key(address))
    except CACHE_ERRORS as error:
        log_cache_failure("the ban check", error)
        cached, cache_available = None, False

    if cached is not None:
        return None if cached == _NOT_BANNED or cached <= time.time() else cached

    try:
        end = _ban_end_from_database(address)
    except (OperationalError, InterfaceError) as error:
        # The request then fails at the key lookup, which reads the same
        # database, with DRF's 503 rather than a 500 from the middleware.
        security_logger.error(
            "The ban of %s could not be checked: the database is unavailable (%s).", address, error.__class__.__name__
        )
        return None
    if cache_available:
        _cache_ban_state(address, end)
    return end


def _ban_end_from_database(address: str) -> float | None:
    ban = ClientBan.objects.active().filter(address=address).order_by("-banned_until").first()
    return _epoch_of(ban.banned_until) if ban is not None else None


def _cache_ban_state(address: str, end: float | None) -> None:
    if end is None:
        value, timeout = _NOT_BANNED, BAN_STATE_CACHE_SECONDS
    else:
        value, timeout = end, max(1, min(BAN_STATE_CACHE_SECONDS, math.ceil(end - time.time())))
    try:
        get_cache().set(_ban_cache_key(address), value, timeout)
    except CACHE_ERRORS as error:
        log_cache_failure("caching the ban state", error)


def forget_ban_state(address: str) -> None:
    """Drop the cached ban state and the rejection count of `address`."""
    cache = get_cache()
    keys = [_ban_cache_key(address), *(_counter_cache_key(address, slot) for slot in _window_slots())]
    try:
        cache.delete_many(keys)
    except CACHE_ERRORS as error:
        log_cache_failure("forgetting the ban state", error)


def _slot_seconds() -> int:
    return max(1, settings.API_BAN_WINDOW // COUNTER_SLOTS)


def _window_slots() -> range:
    """Return the counter slots that cover the window ending now, current slot last."""
    slot_seconds = _slot_seconds()
    current = int(time.time()) // slot_seconds
    return range(current - math.ceil(settings.API_BAN_WINDOW / slot_seconds), current + 1)


def _count_rejection(address: str) -> int | None:
    """Add one rejection for `address`; return the count in the window, or None when the cache failed."""
    cache = get_cache()
    slots = _window_slots()
    current_key = _counter_cache_key(address, slots[-1])
    timeout = settings.API_BAN_WINDOW + 2 * _slot_seconds()
    try:
        # add() then incr() is atomic on Redis and within one process on
        # LocMemCache; incr() fails if the key expired in between.
        cache.add(current_key, 0, timeout)
        try:
            cache.incr(current_key)
        except ValueError:
            cache.set(current_key, 1, timeout)
        counts = cache.get_many([_counter_cache_key(address, slot) for slot in slots])
    except CACHE_ERRORS as error:
        log_cache_failure("counting a rejected API key", error)
        return None
    return sum(int(count) for count in counts.values())


def record_rejected_key(address: str, key_prefix: str, reason: str) -> None:
    """Count a request with a missing or invalid key and ban `address` at the threshold.

    `key_prefix` is the tried key's prefix or "" and is logged; the key itself never is.
    """
    if is_allowlisted(address):
        security_logger.warning(
            "Rejected API key from allowlisted address %s (%s); allowlisted addresses are not counted.",
            address,
            reason,
        )
        return

    count = _count_rejection(address)
    security_logger.warning(
        "Rejected API key from %s (%s): rejection %s within %d seconds, %d ban the address.",
        address,
        reason,
        "uncounted" if count is None else count,
        settings.API_BAN_WINDOW,
        settings.API_BAN_THRESHOLD,
    )
    if count is None or count < settings.API_BAN_THRESHOLD:
        return
    if ClientBan.objects.active().filter(address=address).exists():
        return
    ban_address(address, attempts=count, key_prefix=key_prefix)


def ban_address(address: str, attempts: int, key_prefix: str = "") -> ClientBan:
    """Ban `address` from the API for settings.API_BAN_DURATION seconds from now."""
    now = timezone.now()
    ban = ClientBan.objects.create(
        address=address,
        banned_at=now,
        banned_until=now + timedelta(seconds=settings.API_BAN_DURATION),
        attempts=attempts,
        key_prefix=key_prefix,
    )
    security_logger.warning(
        "Banned %s from the API until %s after %d requests with a missing or invalid key "
        "within %d seconds (last key prefix %s).",
        address,
        ban.banned_until.isoformat(sep=" ", timespec="seconds"),
        attempts,
        settings.API_BAN_WINDOW,
        key_prefix or "none",
    )
    return ban


def lift_bans(queryset, lifted_by: str) -> int:
    """Lift the active bans in `queryset`; return how many were lifted."""
    now = timezone.now()
    bans = list(queryset.active(now))
    for ban in bans:
        ban.lifted_at = now
        ban.lifted_by = lifted_by
        ban.save(update_fields=["lifted_at", "lifted_by"])
        security_logger.info("Lifted the API ban of %s (banned since %s) by %s.", ban.address, ban.banned_at, lifted_by)
    return len(bans)


def _on_ban_changed(sender, instance: ClientBan, **kwargs) -> None:
    """Make the next request from the ban's address read its state from the database."""
    forget_ban_state(instance.address)


def connect_signals() -> None:
    post_save.connect(_on_ban_changed, sender=ClientBan, dispatch_uid="pyorchestrator.bans.saved")
    post_delete.connect(_on_ban_changed, sender=ClientBan, dispatch_uid="pyorchestrator.bans.deleted")
