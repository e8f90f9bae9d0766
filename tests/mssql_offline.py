"""An mssql-django connection that never connects, for tests without SQL Server.

mssql-django imports pyodbc at import time, which loads libodbc.so.2
(Debian package libodbc2, installed by `make test` when it can). Without
it `mssql_base` is None and MSSQL_IMPORT_ERROR contains the reason.
"""

from django.db.utils import ConnectionHandler

try:
    import mssql.base as mssql_base
except Exception as error:  # ImproperlyConfigured wraps the ImportError of pyodbc.
    mssql_base = None
    MSSQL_IMPORT_ERROR = f"mssql-django cannot be imported ({error}); install libodbc2 (Debian: apt-get install unixodbc)"
else:
    MSSQL_IMPORT_ERROR = ""

SQL_SERVER_2019 = 2019


def offline_sql_server(alias: str):
    """Return an mssql-django connection for SQL Server 2019 that never connects."""
    handler = ConnectionHandler(
        {
            "default": {"ENGINE": "django.db.backends.dummy"},
            alias: {
                "ENGINE": "mssql",
                "NAME": "OpenOrchestrator",
                "HOST": "sql.invalid",
                "OPTIONS": {"driver": "ODBC Driver 18 for SQL Server"},
            },
        }
    )
    # mssql-django caches these per alias; filled in, they are never queried.
    mssql_base.DatabaseWrapper._known_versions[alias] = SQL_SERVER_2019
    mssql_base.DatabaseWrapper._known_azures[alias] = False
    return handler[alias]


class RecordingCursor:
    """A stand-in for a pyodbc cursor: records statements, returns scripted rows."""

    def __init__(self, log: list, rows: list, rowcount: int):
        self.log = log
        self.rows = rows
        self.rowcount = rowcount
        self.description = None

    def execute(self, sql, params=()):
        self.log.append((sql, tuple(params)))
        return self

    def fetchone(self):
        return self.rows[0] if self.rows else None

    def fetchall(self):
        return list(self.rows)

    def fetchmany(self, size):
        rows, self.rows = self.rows[:size], self.rows[size:]
        return rows

    def nextset(self):
        return False

    def close(self):
        pass


class RecordingConnection:
    """A stand-in for a pyodbc connection whose cursors record every statement."""

    def __init__(self, rows=(), rowcount: int = 1):
        self.statements: list[tuple[str, tuple]] = []
        self.rows = list(rows)
        self.rowcount = rowcount

    def cursor(self):
        return RecordingCursor(self.statements, self.rows, self.rowcount)

    def commit(self):
        pass

    def rollback(self):
        pass

    def close(self):
        pass
