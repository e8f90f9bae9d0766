"""`GET /healthz`: whether every configured database answers.

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
# once when it fails and once when it answers again, not on every probe.
_last_state: dict[str, bool] = {}
_last_state_lock = threading.Lock()


def database_answers(alias: str) -> bool:
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


def _log_state(alias: str, answers: bool, error: Exception | None = None) -> None:
    with _last_state_lock:
        changed = _last_state.get(alias, True) != answers
        _last_state[alias] = answers
    if not changed:
        return
    if answers:
        logger.info("Database %s answers again.", alias)
    else:
        logger.warning("Database %s does not answer: %s", alias, error.__class__.__name__)


@never_cache
def healthz(request):
    """Answer 200 when every database answers, else 503 naming the ones that do not."""
    if request.method not in {"GET", "HEAD"}:
        return JsonResponse({"error": "Method not allowed; use GET."}, status=405, headers={"Allow": "GET, HEAD"})
    states = {alias: database_answers(alias) for alias in settings.DATABASES}
    failing = [alias for alias, answers in states.items() if not answers]
    body = {
        "status": "ok" if not failing else "unavailable",
        "databases": {alias: "ok" if answers else "unavailable" for alias, answers in states.items()},
    }
    if failing:
        if len(failing) == 1:
            body["error"] = f"Database {failing[0]} does not answer."
        else:
            body["error"] = f"Databases {', '.join(failing)} do not answer."
        return JsonResponse(body, status=503, headers={"Retry-After": "5"})
    return JsonResponse(body)
