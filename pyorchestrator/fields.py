"""Model fields for the column types of OpenOrchestrator's tables."""

import uuid
from datetime import datetime, timedelta

from django.db import connections, models, router

# SQL Server's DATETIME counts time in ticks of 1/300 second.
SQL_SERVER_DATETIME_TICKS_PER_SECOND = 300


def round_to_sql_server_datetime(value: datetime) -> datetime:
    """Return `value` rounded as SQL Server stores it in a DATETIME column.

    DATETIME keeps 1/300 s and shows it in milliseconds ending in 0, 3 or 7;
    a value from the driver has those milliseconds. Rounding before the
    write means the service holds the value the column holds, so a
    comparison for equality with a value read back is exact.
    """
    ticks = round(value.microsecond * SQL_SERVER_DATETIME_TICKS_PER_SECOND / 1_000_000)
    base = value.replace(microsecond=0)
    if ticks == SQL_SERVER_DATETIME_TICKS_PER_SECOND:
        return base + timedelta(seconds=1)
    milliseconds = round(ticks * 1000 / SQL_SERVER_DATETIME_TICKS_PER_SECOND)
    return base.replace(microsecond=milliseconds * 1000)


class LegacyUUIDField(models.UUIDField):
    """A UUID column as SQLAlchemy's `Uuid` type stores it on each backend.

    SQLAlchemy makes the column `UNIQUEIDENTIFIER` on SQL Server, `CHAR(32)`
    hex without hyphens on SQLite and `UUID` on PostgreSQL. Django's own
    UUIDField sends 32 hex digits to mssql-django, which SQL Server rejects
    for a UNIQUEIDENTIFIER ("Conversion failed when converting from a
    character string to uniqueidentifier"), so on SQL Server this field
    sends the hyphenated form. Other backends get Django's usual value.
    """

    def db_type(self, connection):
        if connection.vendor == "microsoft":
            return "uniqueidentifier"
        return super().db_type(connection)

    def rel_db_type(self, connection):
        return self.db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor != "microsoft":
            return super().get_db_prep_value(value, connection, prepared)
        if value is None:
            return None
        if not isinstance(value, uuid.UUID):
            value = self.to_python(value)
        return str(value)


class LegacyCharField(models.CharField):
    """A SQLAlchemy `String(n)` column: VARCHAR, also on SQL Server.

    mssql-django makes CharField an NVARCHAR column; OpenOrchestrator's
    columns are VARCHAR in the collation's code page.
    """

    def db_type(self, connection):
        if connection.vendor == "microsoft":
            return f"varchar({self.max_length})"
        return super().db_type(connection)


class LegacyDateTimeField(models.DateTimeField):
    """A SQLAlchemy `DateTime` column: naive, without a time zone.

    Django would make `timestamp with time zone` on PostgreSQL and
    `datetime2` on SQL Server; SQLAlchemy makes `TIMESTAMP WITHOUT TIME
    ZONE` and `DATETIME` (precision 1/300 s). On SQL Server the value sent
    is rounded to that precision, see round_to_sql_server_datetime.
    """

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "timestamp without time zone"
        if connection.vendor == "microsoft":
            return "datetime"
        return super().db_type(connection)

    def pre_save(self, model_instance, add):
        # Round the instance's value too, so that it equals what the column
        # holds after the save. A new instance has no database yet, so the
        # router names it; a save(using=...) elsewhere is rounded on the way
        # out by get_db_prep_value only.
        value = super().pre_save(model_instance, add)
        alias = model_instance._state.db or router.db_for_write(type(model_instance), instance=model_instance)
        if isinstance(value, datetime) and connections[alias].vendor == "microsoft":
            value = round_to_sql_server_datetime(value)
            setattr(model_instance, self.attname, value)
        return value

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        if connection.vendor == "microsoft" and isinstance(value, datetime):
            value = round_to_sql_server_datetime(value)
        return value
