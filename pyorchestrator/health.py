"""`GET /healthz`: whether every configured database responds.

Monitoring and IIS operators call it without an API key. The body names
the database aliases (default, orchestrator, vejman) and their state, and
nothing else: no host, driver or error text an outsider could use.
"""

import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

# The last state logged per alias, so a database that stays down is logged
# once when it fails and once when it responds again, not on every probe.
_last_state: dict[str, bool] = {}
_last_state_lock = threading.Lock()


def database_responds(alias: str) -> bool:
    """Return True if the database `alias` runs `SELECT 1`."""
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        _log_state(alias, False, error)
        # A broken connection would fail the next request too; the next use opens a new one.
        connection.close_if_unusable_or_obsolete()
        return False
    _log_state(alias, True)
    return True


def _log_state(alias: str, responds: bool, error: Exception | None = None) -> None:
    with _last_state_lock:
        changed = _last_state.get(alias, True) != responds
        _last_state[alias] = responds
    if not changed:
        return
    if responds:
        logger.info("Database %s responds again.", alias)
    else:
        logger.warning("Database %s does not respond: %s", alias, error.__class__.__name__)


@never_cache
def healthz(request):
    """Return 200 when every database responds, else 503 naming the ones that do not."""
    if request.method not in {"GET", "HEAD"}:
        return JsonResponse({"error": "Method not allowed; use GET."}, status=405, headers={"Allow": "GET, HEAD"})
    states = {alias: database_responds(alias) for alias in settings.DATABASES}
    failing = [alias for alias, responds in states.items() if not responds]
    body = {
        "status": "ok" if not failing else "unavailable",
        "databases": {alias: "ok" if responds else "unavailable" for alias, responds in states.items()},
    }
    if failing:
        if len(failing) == 1:
            body["error"] = f"Database {failing[0]} does not respond."
        else:
            body["error"] = f"Databases {', '.join(failing)} do not respond."
        return JsonResponse(body, status=503, headers={"Retry-After": "5"})
    return JsonResponse(body)
