"""Turn the database URLs of the environment into Django DATABASES entries.

Accepted forms (parsed by dj-database-url):
- ``sqlite:///relative/path.sqlite3`` or ``sqlite:////absolute/path.sqlite3``
- ``postgres://user:password@host:5432/name``
- ``mssql://user:password@host:1433/name?driver=ODBC+Driver+18+for+SQL+Server``
  (SQL Server through mssql-django; query parameters become OPTIONS)
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# Seconds a connection is kept open between requests. Health checks make a
# connection that died while idle (database restart) reopen on next use.
CONNECTION_MAX_AGE = 60

# Seconds a SQLite connection waits for another writer before it fails.
SQLITE_BUSY_TIMEOUT = 20


def parse_database_url(url: str, base_dir: Path) -> dict:
    """Return the DATABASES entry for `url`; relative SQLite paths start at `base_dir`."""
    try:
        config = dj_database_url.parse(url, conn_max_age=CONNECTION_MAX_AGE, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"Invalid database URL {_redact(url)!r}: {error}") from error
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"Unsupported database URL scheme in {_redact(url)!r}.")

    if config["ENGINE"] == "django.db.backends.sqlite3":
        _configure_sqlite(config, base_dir)
    return config


def _configure_sqlite(config: dict, base_dir: Path) -> None:
    name = config["NAME"]
    if name and name != ":memory:":
        path = Path(name)
        if not path.is_absolute():
            path = base_dir / path
        path.parent.mkdir(parents=True, exist_ok=True)
        config["NAME"] = str(path)
        # Test runs get their own file beside the database, never the real one.
        config["TEST"] = {"NAME": str(path.with_name(f"test_{path.name}"))}

    # WAL lets readers work while one thread writes; IMMEDIATE takes the write
    # lock at BEGIN so two transactions never deadlock upgrading a read lock.
    config["OPTIONS"] = {
        "timeout": SQLITE_BUSY_TIMEOUT,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **config.get("OPTIONS", {}),
    }
    # Each server thread keeps its connection, as with the other backends:
    # opening one and running the PRAGMAs above cost more per request than
    # the insert itself. A SQLite connection does not go stale, so it needs
    # no health check.
    config["CONN_MAX_AGE"] = CONNECTION_MAX_AGE
    config["CONN_HEALTH_CHECKS"] = False


def _redact(url: str) -> str:
    """Return `url` with any password replaced, for error messages."""
    scheme, separator, rest = url.partition("://")
    if not separator or "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"
