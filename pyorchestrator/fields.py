"""Model fields for the column types of OpenOrchestrator's tables."""

import uuid

from django.db import models


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
    ZONE` and `DATETIME` (precision 1/300 s).
    """

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "timestamp without time zone"
        if connection.vendor == "microsoft":
            return "datetime"
        return super().db_type(connection)
