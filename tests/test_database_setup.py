"""Databases: the router, `migrate`, the legacy tables and the key commands."""

import io
import os
import sqlite3
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections, router
from django.test import override_settings
from OpenOrchestrator.database import db_util  # noqa: F401 (imports every table onto Base.metadata)
from OpenOrchestrator.database.base import Base
from rest_framework_api_key.models import APIKey
from sqlalchemy import Boolean, DateTime, Enum, Integer, String, Uuid, create_engine

from pyorchestrator.management.commands.create_unmanaged_tables import legacy_models
from pyorchestrator.routers import LegacyTableRouter
from queues.models import QueueElement
from tests.conftest import API_TEST
from triggers.models import QueueTrigger, ScheduledTrigger, SingleTrigger, Trigger
from vejman.models import VejmanKassen

PROJECT_DIR = Path(__file__).resolve().parent.parent
LEGACY_TABLES = {"Queues", "Triggers", "Single_Triggers", "Scheduled_Triggers", "Queue_Triggers", "VejmanKassen"}
ORCHESTRATOR_TABLES = LEGACY_TABLES - {"VejmanKassen"}
# Seconds a manage.py subprocess may take before the test fails.
COMMAND_TIMEOUT = 120


# --- Router ----------------------------------------------------------------


@pytest.mark.parametrize(
    "model, alias",
    [
        pytest.param(QueueElement, "orchestrator", id="queues"),
        pytest.param(Trigger, "orchestrator", id="triggers"),
        pytest.param(SingleTrigger, "orchestrator", id="single-triggers"),
        pytest.param(ScheduledTrigger, "orchestrator", id="scheduled-triggers"),
        pytest.param(QueueTrigger, "orchestrator", id="queue-triggers"),
        pytest.param(VejmanKassen, "vejman", id="vejman"),
        pytest.param(APIKey, "default", id="api-keys"),
    ],
)
def test_router_sends_model_to_alias(model, alias):
    assert router.db_for_read(model) == alias
    assert router.db_for_write(model) == alias


@pytest.mark.parametrize("alias", ["default", "orchestrator", "vejman"])
@pytest.mark.parametrize("app_label", ["queues", "triggers", "vejman"])
def test_router_never_migrates_legacy_apps(alias, app_label):
    assert LegacyTableRouter().allow_migrate(alias, app_label) is False


@pytest.mark.parametrize(
    "alias, allowed",
    [("default", True), ("orchestrator", False), ("vejman", False)],
)
def test_router_migrates_own_apps_in_default_only(alias, allowed):
    for app_label in ("auth", "admin", "sessions", "rest_framework_api_key", "pyorchestrator"):
        assert LegacyTableRouter().allow_migrate(alias, app_label) is allowed


# --- migrate on one SQLite file for all three aliases ---------------------


def run_manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    return result


def sqlite_schema(path: Path) -> dict[str, str]:
    """Return the CREATE statement of every table and index in a SQLite file."""
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'index')").fetchall()
    return {name: sql for name, sql in rows}


@pytest.fixture(scope="module")
def single_sqlite_env(tmp_path_factory) -> tuple[dict[str, str], Path]:
    """Return an environment whose three aliases all name one fresh SQLite file."""
    directory = tmp_path_factory.mktemp("single-sqlite")
    path = directory / "all.sqlite3"
    url = f"sqlite:///{path}"
    env = {
        **os.environ,
        "PYORCHESTRATOR_VAR_DIR": str(directory / "var"),
        "DATABASE_URL": url,
        "ORCHESTRATOR_DATABASE_URL": url,
        "VEJMAN_DATABASE_URL": url,
    }
    return env, path


def test_migrate_creates_no_legacy_table(single_sqlite_env):
    env, path = single_sqlite_env

    run_manage(env, "migrate", "--noinput")

    tables = set(sqlite_schema(path))
    assert "auth_user" in tables
    assert "rest_framework_api_key_apikey" in tables
    assert not tables & LEGACY_TABLES


def test_migrate_leaves_existing_legacy_tables_unchanged(single_sqlite_env):
    env, path = single_sqlite_env
    run_manage(env, "migrate", "--noinput")
    run_manage(env, "create_unmanaged_tables", "--skip-existing")
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO Queues (id, queue_name, status, created_date) VALUES (?, 'q', 'NEW', '2025-04-26 14:00:00')",
            (uuid.uuid4().hex,),
        )
    before = sqlite_schema(path)

    run_manage(env, "migrate", "--noinput")

    assert sqlite_schema(path) == before
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM Queues").fetchone() == (1,)


def test_models_match_migrations(single_sqlite_env):
    env, _ = single_sqlite_env

    result = run_manage(env, "makemigrations", "--check", "--dry-run")

    assert "No changes detected" in result.stdout


# --- create_unmanaged_tables ------------------------------------------------


def sqlite_columns(connection_or_cursor, table: str) -> dict[str, tuple]:
    """Return (declared type, not null, default, primary key) by column name."""
    rows = connection_or_cursor.execute(f'PRAGMA table_info("{table}")').fetchall()
    normalised = {"BOOL": "BOOLEAN"}
    return {
        name: (normalised.get(kind.upper(), kind.upper()), bool(notnull), default, bool(pk))
        for _, name, kind, notnull, default, pk in rows
    }


def sqlite_indexes(connection_or_cursor, table: str) -> set[tuple]:
    indexes = set()
    for _, name, unique, origin, _ in connection_or_cursor.execute(f'PRAGMA index_list("{table}")').fetchall():
        if origin != "c":
            continue  # Indexes SQLite makes for a primary key or UNIQUE constraint.
        columns = tuple(row[2] for row in connection_or_cursor.execute(f'PRAGMA index_info("{name}")'))
        indexes.add((name, columns, bool(unique)))
    return indexes


def sqlite_foreign_keys(connection_or_cursor, table: str) -> set[tuple]:
    rows = connection_or_cursor.execute(f'PRAGMA foreign_key_list("{table}")').fetchall()
    return {(row[2], row[3], row[4]) for row in rows}


@pytest.fixture(scope="module")
def openorchestrator_sqlite(tmp_path_factory) -> sqlite3.Connection:
    """Return a SQLite file with the tables OpenOrchestrator 3.0.0 creates."""
    path = tmp_path_factory.mktemp("openorchestrator") / "openorchestrator.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    engine.dispose()
    connection = sqlite3.connect(path)
    yield connection
    connection.close()


@pytest.mark.django_db(databases=["orchestrator"])
@pytest.mark.parametrize("table", sorted(ORCHESTRATOR_TABLES))
def test_created_table_matches_openorchestrator_on_sqlite(openorchestrator_sqlite, table):
    connection = connections["orchestrator"]
    if connection.vendor != "sqlite":
        pytest.skip("The declared types are compared on SQLite; other backends are checked by type below.")

    with connection.cursor() as cursor:
        ours = (sqlite_columns(cursor, table), sqlite_indexes(cursor, table), sqlite_foreign_keys(cursor, table))
    theirs = (
        sqlite_columns(openorchestrator_sqlite, table),
        sqlite_indexes(openorchestrator_sqlite, table),
        sqlite_foreign_keys(openorchestrator_sqlite, table),
    )

    assert ours == theirs


def expected_column(column) -> tuple[str, int | None]:
    """Return the (information_schema data type, length) of an OpenOrchestrator column here."""
    column_type = getattr(column.type, "impl_instance", column.type)
    if isinstance(column_type, Enum):
        # Stored as the member name, as SQLAlchemy does without native enums
        # (SQL Server, SQLite); never PostgreSQL's native enum type.
        return "character varying", max(len(name) for name in column_type.enums)
    if isinstance(column_type, String):
        return "character varying", column_type.length
    if isinstance(column_type, Uuid):
        return "uuid", None
    if isinstance(column_type, DateTime):
        return "timestamp without time zone", None
    if isinstance(column_type, Boolean):
        return "boolean", None
    if isinstance(column_type, Integer):
        return "integer", None
    raise AssertionError(f"Unexpected column type {column.type!r} of {column}")


@pytest.mark.django_db(databases=["orchestrator"])
@pytest.mark.parametrize("table", sorted(ORCHESTRATOR_TABLES))
def test_created_table_types_on_postgresql(table):
    connection = connections["orchestrator"]
    if connection.vendor != "postgresql":
        pytest.skip("Checks PostgreSQL's information_schema; the SQLite run compares declared types.")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type, character_maximum_length, is_nullable "
            "FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = %s",
            [table],
        )
        ours = {name: (kind, length, nullable == "YES") for name, kind, length, nullable in cursor.fetchall()}
        indexes = connection.introspection.get_constraints(cursor, table)

    theirs = {
        column.name: (*expected_column(column), bool(column.nullable))
        for column in Base.metadata.tables[table].columns
    }
    assert ours == theirs
    if table == "Queues":
        assert indexes["ix_Queues_queue_name"]["columns"] == ["queue_name"]
        assert indexes["ix_Queues_created_date"]["columns"] == ["created_date"]


@pytest.mark.django_db(databases=["vejman"])
def test_vejman_table_columns():
    connection = connections["vejman"]
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, "VejmanKassen")
        primary_key = connection.introspection.get_primary_key_column(cursor, "VejmanKassen")

    assert [column.name for column in description] == [
        "Id", "HenstillingId", "CVR", "FirmaNavn", "Startdato", "Slutdato", "Adresse", "Forseelse",
        "Longitude", "Latitude", "FakturaStatus", "Kvadratmeter", "Tilladelsestype",
    ]
    assert primary_key == "Id"
    lengths = {column.name: column.display_size or column.internal_size for column in description}
    if connection.vendor == "postgresql":
        assert (lengths["HenstillingId"], lengths["FirmaNavn"], lengths["FakturaStatus"], lengths["Tilladelsestype"]) == (
            100, 255, 50, 100,
        )


def schema_snapshot() -> dict[str, list]:
    snapshot = {}
    for model in legacy_models():
        connection = connections[router.db_for_write(model)]
        with connection.cursor() as cursor:
            table = model._meta.db_table
            snapshot[table] = [
                tuple(column) for column in connection.introspection.get_table_description(cursor, table)
            ]
    return snapshot


@contextmanager
def vejman_table_dropped():
    """Drop VejmanKassen for the block and make sure it exists again after."""
    connection = connections["vejman"]
    with connection.schema_editor() as editor:
        editor.delete_model(VejmanKassen)
    try:
        yield
    finally:
        call_command("create_unmanaged_tables", "--skip-existing", verbosity=0)


@API_TEST
def test_create_unmanaged_tables_rejects_existing():
    before = schema_snapshot()

    with pytest.raises(CommandError, match="exist already and were left unchanged"):
        call_command("create_unmanaged_tables", stdout=io.StringIO())

    assert schema_snapshot() == before


@API_TEST
def test_create_unmanaged_tables_creates_nothing_when_any_exists():
    with vejman_table_dropped():
        with pytest.raises(CommandError, match="Queues"):
            call_command("create_unmanaged_tables", stdout=io.StringIO())

        assert "VejmanKassen" not in connections["vejman"].introspection.table_names()


@API_TEST
def test_skip_existing_creates_only_missing():
    QueueElement.objects.create(queue_name="q", created_date="2025-04-26 14:00:00")
    before = schema_snapshot()
    output = io.StringIO()

    with vejman_table_dropped():
        call_command("create_unmanaged_tables", "--skip-existing", stdout=output)

    assert "Created VejmanKassen in database vejman." in output.getvalue()
    assert output.getvalue().count("left unchanged") == 5
    assert schema_snapshot() == before
    assert QueueElement.objects.count() == 1


@pytest.mark.django_db
@override_settings(IS_PRODUCTION=True)
def test_create_unmanaged_tables_refuses_in_production():
    with pytest.raises(CommandError, match="production"):
        call_command("create_unmanaged_tables", "--skip-existing", stdout=io.StringIO())


# --- UUID keys: the value each backend receives ---------------------------


@contextmanager
def captured_parameters(alias: str):
    """Record (sql, params) of every statement run on `alias`."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connections[alias].execute_wrapper(record):
        yield statements


@API_TEST
def test_uuid_key_sent_in_backend_form(api_client):
    connection = connections["orchestrator"]

    with captured_parameters("orchestrator") as statements:
        response = api_client.post("/api/queue", {"queue_name": "q"}, format="json")
        element_id = uuid.UUID(response.json()["id"])
        QueueElement.objects.get(id=element_id)

    (insert_sql, insert_params), (select_sql, select_params) = statements
    assert insert_sql.startswith('INSERT INTO "Queues"')
    assert select_sql.startswith("SELECT")
    if connection.vendor == "sqlite":
        # SQLAlchemy's Uuid on SQLite is CHAR(32): 32 hex digits, no hyphens.
        assert insert_params[0] == element_id.hex
        assert select_params[0] == element_id.hex
    elif connection.vendor == "postgresql":
        # The driver sends a uuid.UUID as PostgreSQL's native uuid type.
        assert insert_params[0] == element_id
        assert isinstance(insert_params[0], uuid.UUID)
        assert select_params[0] == element_id


@API_TEST
def test_uuid_key_stored_in_backend_form(api_client):
    connection = connections["orchestrator"]
    response = api_client.post("/api/queue", {"queue_name": "q"}, format="json")
    element_id = uuid.UUID(response.json()["id"])

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute('SELECT "id", typeof("id") FROM "Queues"')
            assert cursor.fetchone() == (element_id.hex, "text")
        else:
            cursor.execute('SELECT "id", pg_typeof("id")::text FROM "Queues"')
            assert cursor.fetchone() == (element_id, "uuid")


# --- API key commands -------------------------------------------------------


@API_TEST
def test_create_api_key_prints_working_key(client):
    output = io.StringIO()

    call_command("create_api_key", "OS2Forms", stdout=output)

    key = output.getvalue().splitlines()[-1]
    assert key == key.strip()
    assert " " not in key
    assert APIKey.objects.get_from_key(key).name == "OS2Forms"
    response = client.post("/api/queue", {"queue_name": "q"}, content_type="application/json", HTTP_X_API_KEY=key)
    assert response.status_code == 201


def test_create_api_key_subprocess_last_line(single_sqlite_env):
    env, _ = single_sqlite_env
    run_manage(env, "migrate", "--noinput")

    result = run_manage(env, "create_api_key", "Inspektionsapp")

    key = result.stdout.splitlines()[-1]
    assert "." in key
    assert " " not in key
    with sqlite3.connect(single_sqlite_env[1]) as connection:
        names = connection.execute("SELECT name, prefix FROM rest_framework_api_key_apikey").fetchall()
    assert ("Inspektionsapp", key.split(".")[0]) in names


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [pytest.param("", id="empty"), pytest.param("   ", id="blank"), pytest.param("n" * 51, id="too-long")],
)
def test_create_api_key_rejects_bad_name(name):
    with pytest.raises(CommandError, match="NAME"):
        call_command("create_api_key", name, stdout=io.StringIO())

    assert not APIKey.objects.exists()


@pytest.mark.django_db
def test_ensure_development_key_creates_one_once():
    first = io.StringIO()
    second = io.StringIO()

    call_command("ensure_development_api_key", stdout=first)
    call_command("ensure_development_api_key", stdout=second)

    key = first.getvalue().splitlines()[-1]
    assert APIKey.objects.get_from_key(key).name == "development"
    assert APIKey.objects.count() == 1
    assert "exists already" in second.getvalue()


@pytest.mark.django_db
def test_ensure_development_key_skipped_when_any_key_exists():
    APIKey.objects.create_key(name="OS2Forms")

    call_command("ensure_development_api_key", stdout=io.StringIO())

    assert list(APIKey.objects.values_list("name", flat=True)) == ["OS2Forms"]


@pytest.mark.django_db
@override_settings(IS_PRODUCTION=True)
def test_ensure_development_key_skipped_in_production():
    call_command("ensure_development_api_key", stdout=io.StringIO())

    assert not APIKey.objects.exists()
