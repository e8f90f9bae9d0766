"""Comparison of the real legacy tables with the models that map them.

The tables belong to OpenOrchestrator and the VejmanKassen robots, so the
service must find out on first contact whether they are what the models
expect. Each backend lists its columns through its own catalog:
INFORMATION_SCHEMA on SQL Server and PostgreSQL, PRAGMA table_info on SQLite.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models

from pyorchestrator.fields import LegacyCharField, LegacyDateTimeField, LegacyUUIDField
from pyorchestrator.code_pages import python_codec_for_code_page

ERROR = "ERROR"
WARNING = "WARNING"


@dataclass(frozen=True)
class ColumnInfo:
    """One column as the database's catalog describes it."""

    name: str
    data_type: str  # lower case, without length: "varchar", "character varying"
    max_length: int | None  # characters, bytes for SQL Server VARCHAR; -1 for MAX
    nullable: bool
    code_page: int | None = None  # SQL Server VARCHAR/CHAR/TEXT columns only
    enum_type: str | None = None  # the PostgreSQL enum type's name


@dataclass
class TableReport:
    """The findings for one table: (severity, column, message) triples."""

    table: str
    alias: str
    column_count: int = 0
    findings: list[tuple[str, str, str]] = field(default_factory=list)
    # The code pages of the table's VARCHAR columns (SQL Server only).
    code_pages: set[int] = field(default_factory=set)

    def add(self, severity: str, column: str, message: str) -> None:
        self.findings.append((severity, column, message))

    @property
    def errors(self) -> int:
        return sum(1 for severity, _, _ in self.findings if severity == ERROR)


# The data types each kind of model field may have on each backend. The
# variants are the ones that OpenOrchestrator's SQLAlchemy models and this
# project's create_unmanaged_tables command produce.
_ACCEPTED_TYPES = {
    "uuid": {"microsoft": {"uniqueidentifier"}, "postgresql": {"uuid"}, "sqlite": {"char"}},
    "varchar": {"microsoft": {"varchar"}, "postgresql": {"character varying"}, "sqlite": {"varchar"}},
    "nvarchar": {"microsoft": {"nvarchar"}, "postgresql": {"character varying"}, "sqlite": {"varchar"}},
    "datetime": {
        # DATETIME is what SQLAlchemy makes; DATETIME2 stores the same values more precisely.
        "microsoft": {"datetime", "datetime2"},
        "postgresql": {"timestamp without time zone"},
        "sqlite": {"datetime"},
    },
    "boolean": {"microsoft": {"bit"}, "postgresql": {"boolean"}, "sqlite": {"bool", "boolean"}},
    "integer": {"microsoft": {"int"}, "postgresql": {"integer"}, "sqlite": {"integer"}},
    "float": {"microsoft": {"float"}, "postgresql": {"double precision"}, "sqlite": {"real"}},
    "date": {"microsoft": {"date"}, "postgresql": {"date"}, "sqlite": {"date"}},
}


def field_kind(model_field: models.Field) -> str:
    """Return the key of _ACCEPTED_TYPES for a model field."""
    if isinstance(model_field, models.OneToOneField):
        return field_kind(model_field.target_field)
    if isinstance(model_field, LegacyUUIDField):
        return "uuid"
    if isinstance(model_field, LegacyCharField):
        return "varchar"
    if isinstance(model_field, models.CharField):
        return "nvarchar"
    if isinstance(model_field, LegacyDateTimeField):
        return "datetime"
    if isinstance(model_field, models.BooleanField):
        return "boolean"
    if isinstance(model_field, (models.AutoField, models.IntegerField)):
        return "integer"
    if isinstance(model_field, models.FloatField):
        return "float"
    if isinstance(model_field, models.DateField):
        return "date"
    raise TypeError(f"check_database has no type rule for {model_field.__class__.__name__}.")


def read_columns(connection, table: str) -> dict[str, ColumnInfo] | None:
    """Return the columns of `table` by name, or None when the table does not exist."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            rows = _sqlite_columns(cursor, table)
        elif connection.vendor == "postgresql":
            rows = _postgresql_columns(cursor, table)
        elif connection.vendor == "microsoft":
            rows = _sql_server_columns(cursor, table)
        else:
            raise NotImplementedError(f"check_database does not support the {connection.vendor} backend.")
    if not rows:
        return None
    return {column.name: column for column in rows}


_SQLITE_TYPE = re.compile(r"^\s*([a-z ]+?)\s*(?:\(\s*(\d+)\s*\))?\s*$")


def _sqlite_columns(cursor, table: str) -> list[ColumnInfo]:
    cursor.execute(f"PRAGMA table_info({_sqlite_quote(table)})")
    columns = []
    for _cid, name, declared_type, not_null, _default, primary_key in cursor.fetchall():
        match = _SQLITE_TYPE.match((declared_type or "").lower())
        data_type, length = (match.group(1), match.group(2)) if match else ((declared_type or "").lower(), None)
        # A SQLite primary key other than INTEGER PRIMARY KEY may hold NULL
        # unless declared NOT NULL; both Django and SQLAlchemy declare it.
        columns.append(
            ColumnInfo(
                name=name,
                data_type=data_type,
                max_length=int(length) if length else None,
                nullable=not not_null and not (primary_key and data_type == "integer"),
            )
        )
    return columns


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


POSTGRESQL_COLUMNS_SQL = """
    SELECT column_name, data_type, udt_name, character_maximum_length, is_nullable
    FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = %s
    ORDER BY ordinal_position
"""

POSTGRESQL_ENUM_LABELS_SQL = """
    SELECT e.enumlabel
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
    WHERE t.typname = %s
    ORDER BY e.enumsortorder
"""


def _postgresql_columns(cursor, table: str) -> list[ColumnInfo]:
    cursor.execute(POSTGRESQL_COLUMNS_SQL, [table])
    columns = []
    for name, data_type, udt_name, length, is_nullable in cursor.fetchall():
        is_enum = data_type == "USER-DEFINED"
        columns.append(
            ColumnInfo(
                name=name,
                data_type="enum" if is_enum else data_type.lower(),
                max_length=length,
                nullable=is_nullable == "YES",
                enum_type=udt_name if is_enum else None,
            )
        )
    return columns


# COLLATIONPROPERTY(..., 'CodePage') is 0 for the N types, which store UTF-16.
SQL_SERVER_COLUMNS_SQL = """
    SELECT COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, IS_NULLABLE,
           CAST(COLLATIONPROPERTY(COLLATION_NAME, 'CodePage') AS int)
    FROM INFORMATION_SCHEMA.COLUMNS
    WHERE TABLE_SCHEMA = SCHEMA_NAME() AND TABLE_NAME = %s
    ORDER BY ORDINAL_POSITION
"""


def _sql_server_columns(cursor, table: str) -> list[ColumnInfo]:
    cursor.execute(SQL_SERVER_COLUMNS_SQL, [table])
    return [
        ColumnInfo(
            name=name,
            data_type=data_type.lower(),
            max_length=length,
            nullable=is_nullable == "YES",
            code_page=code_page or None,
        )
        for name, data_type, length, is_nullable, code_page in cursor.fetchall()
    ]


def enum_labels(connection, type_name: str) -> list[str]:
    """Return the labels of a PostgreSQL enum type in their order."""
    with connection.cursor() as cursor:
        cursor.execute(POSTGRESQL_ENUM_LABELS_SQL, [type_name])
        return [row[0] for row in cursor.fetchall()]


def check_table(connection, alias: str, model) -> TableReport:
    """Compare one model's table in the database `alias` with the model's fields."""
    table = model._meta.db_table
    report = TableReport(table=table, alias=alias)
    columns = read_columns(connection, table)
    if columns is None:
        report.add(ERROR, "", "the table does not exist")
        return report
    report.column_count = len(columns)

    local_fields = [model_field for model_field in model._meta.local_concrete_fields]
    expected_names = {model_field.column for model_field in local_fields}
    for model_field in local_fields:
        column = columns.get(model_field.column)
        if column is None:
            report.add(ERROR, model_field.column, "missing column")
            continue
        _check_column(connection, report, model_field, column)

    for name, column in columns.items():
        if name in expected_names:
            continue
        if column.nullable:
            report.add(WARNING, name, f"extra column ({column.data_type}, nullable); the service leaves it NULL")
        else:
            # An INSERT without this column fails unless it has a default,
            # which INFORMATION_SCHEMA shows but this check does not read.
            report.add(ERROR, name, f"extra column ({column.data_type}, NOT NULL) that the service does not write")
    return report


def _check_column(connection, report: TableReport, model_field: models.Field, column: ColumnInfo) -> None:
    kind = field_kind(model_field)
    accepted = _ACCEPTED_TYPES[kind][connection.vendor]
    is_enum_field = bool(model_field.choices) and kind == "varchar"
    name = model_field.column

    if column.data_type == "enum" and is_enum_field and connection.vendor == "postgresql":
        # OpenOrchestrator's Enum columns are native enum types on PostgreSQL.
        labels = enum_labels(connection, column.enum_type)
        choices = [value for value, _label in model_field.choices]
        missing = [choice for choice in choices if choice not in labels]
        if missing:
            report.add(ERROR, name, f"enum type {column.enum_type} lacks {', '.join(missing)}")
    elif column.data_type not in accepted:
        report.add(ERROR, name, f"type {column.data_type}, expected {' or '.join(sorted(accepted))}")
    elif kind in {"varchar", "nvarchar"}:
        _check_length(report, model_field, column)
    elif kind == "uuid" and connection.vendor == "sqlite" and column.max_length != 32:
        report.add(ERROR, name, f"length {column.max_length}, expected 32 hex digits")

    if column.nullable != model_field.null and not model_field.primary_key:
        expected = "NULL" if model_field.null else "NOT NULL"
        actual = "NULL" if column.nullable else "NOT NULL"
        report.add(ERROR, name, f"{actual}, expected {expected}")
    if model_field.primary_key and column.nullable:
        report.add(ERROR, name, "the primary key column allows NULL")

    if kind == "varchar" and connection.vendor == "microsoft":
        _check_code_page(report, name, column)


def _check_length(report: TableReport, model_field: models.Field, column: ColumnInfo) -> None:
    name = model_field.column
    if column.max_length is None:
        report.add(WARNING, name, f"no declared length, expected {model_field.max_length}")
        return
    if column.max_length == -1:
        report.add(WARNING, name, f"MAX length, the model limits it to {model_field.max_length}")
        return
    if column.max_length != model_field.max_length:
        report.add(ERROR, name, f"length {column.max_length}, the model expects {model_field.max_length}")

    setting_key = f"{report.table}.{name}"
    configured = settings.ORCHESTRATOR_VARCHAR_BYTES.get(setting_key)
    if configured is not None and configured != column.max_length:
        report.add(
            ERROR,
            name,
            f"size {column.max_length}, but ORCHESTRATOR_VARCHAR_BYTES has {setting_key}={configured}",
        )


def _check_code_page(report: TableReport, name: str, column: ColumnInfo) -> None:
    if column.code_page is None:
        return
    report.code_pages.add(column.code_page)
    configured_codec = python_codec_for_code_page(settings.ORCHESTRATOR_CODE_PAGE)
    actual_codec = python_codec_for_code_page(str(column.code_page))
    if configured_codec != actual_codec:
        report.add(
            ERROR,
            name,
            f"code page {column.code_page}, but ORCHESTRATOR_CODE_PAGE is {settings.ORCHESTRATOR_CODE_PAGE}",
        )
