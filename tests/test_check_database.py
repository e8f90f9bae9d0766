"""`manage.py check_database` on schemas made by OpenOrchestrator, by this project and by hand."""

import os
import socket

import psycopg
import pytest
import sqlalchemy
from django.core.management import CommandError, call_command
from OpenOrchestrator.database import queues as _oo_queues  # noqa: F401 (registers the tables)
from OpenOrchestrator.database import triggers as _oo_triggers  # noqa: F401
from OpenOrchestrator.database.base import Base

from pyorchestrator.schema_check import check_table
from queues.models import QueueElement
from tests.mssql_offline import MSSQL_IMPORT_ERROR, RecordingConnection, mssql_base, offline_sql_server
from tests.servers import private_temp_dir, run_manage

POSTGRES_HOST = "127.0.0.1"
POSTGRES_PORT = 5432
POSTGRES_DATABASE = os.environ.get("PYORCHESTRATOR_TEST_POSTGRES_DB", "pyorchestrator") + "_schema"


@pytest.fixture
def tmp_path():
    """Return a private temporary folder in place of pytest's shared one (see private_temp_dir)."""
    with private_temp_dir("pyorchestrator-check-") as path:
        yield path


def postgres_reachable() -> bool:
    try:
        with socket.create_connection((POSTGRES_HOST, POSTGRES_PORT), timeout=2):
            return True
    except OSError:
        return False


needs_postgres = pytest.mark.skipif(
    not postgres_reachable(), reason=f"no PostgreSQL server listens on {POSTGRES_HOST}:{POSTGRES_PORT}"
)

# A Queues table with a missing column (created_by), a wrong length
# (queue_name 50), a wrong nullability (reference NOT NULL) and an extra NOT
# NULL column that an INSERT of the service would leave out.
WRONG_QUEUES_DDL = """
    CREATE TABLE "Queues" (
        id {uuid} NOT NULL PRIMARY KEY,
        queue_name VARCHAR(50) NOT NULL,
        status VARCHAR(11) NOT NULL,
        data VARCHAR(2000),
        reference VARCHAR(100) NOT NULL,
        created_date {timestamp} NOT NULL,
        start_date {timestamp},
        end_date {timestamp},
        message VARCHAR(1000),
        owner VARCHAR(10) NOT NULL
    )
"""
WRONG_SCHEMA_FINDINGS = [
    "ERROR created_by: missing column",
    "ERROR queue_name: length 50, the model expects 100",
    "ERROR reference: NOT NULL, expected NULL",
    "ERROR owner: extra column (character varying, NOT NULL)",
    "ERROR Triggers: the table does not exist",
]


def check_environment(tmp_path, orchestrator_url: str, **extra) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if not key.endswith("DATABASE_URL")}
    environment.update(
        {
            "PYORCHESTRATOR_VAR_DIR": str(tmp_path / "var"),
            "ORCHESTRATOR_DATABASE_URL": orchestrator_url,
            "PYORCHESTRATOR_ENVIRONMENT": "development",
        }
    )
    environment.update(extra)
    return environment


def run_check(tmp_path, orchestrator_url: str, **extra):
    environment = check_environment(tmp_path, orchestrator_url, **extra)
    return run_manage(environment, "check_database", "--database", "orchestrator")


@pytest.fixture
def fresh_postgres_database():
    """Return the URL of an empty PostgreSQL database, dropped again afterwards."""
    admin_url = f"postgresql://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{POSTGRES_DATABASE}"')
    yield f"postgres://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/{POSTGRES_DATABASE}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)')


def create_openorchestrator_tables(sqlalchemy_url: str) -> None:
    engine = sqlalchemy.create_engine(sqlalchemy_url)
    try:
        Base.metadata.create_all(engine)
    finally:
        engine.dispose()


# Transactional: a test-wide transaction on one alias locks SQLite for the other.
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_project_tables_match(capsys):
    # The suite's test database, made by create_unmanaged_tables.
    call_command("check_database")

    output = capsys.readouterr().out
    assert "Result: 0 error(s), 0 warning(s)." in output
    assert "Queues: ok (10 columns)" in output
    assert "VejmanKassen: ok (13 columns)" in output


def test_openorchestrator_sqlite_matches(tmp_path):
    path = tmp_path / "openorchestrator.sqlite3"
    create_openorchestrator_tables(f"sqlite:///{path}")

    result = run_check(tmp_path, f"sqlite:///{path}")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Triggers: ok (13 columns)" in result.stdout


@needs_postgres
def test_openorchestrator_postgres_matches(tmp_path, fresh_postgres_database):
    create_openorchestrator_tables(fresh_postgres_database.replace("postgres://", "postgresql+psycopg://", 1))

    result = run_check(tmp_path, fresh_postgres_database)

    # OpenOrchestrator's enum columns are native enum types on PostgreSQL.
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Queues: ok (10 columns)" in result.stdout


@needs_postgres
def test_project_postgres_matches(tmp_path, fresh_postgres_database):
    environment = check_environment(tmp_path, fresh_postgres_database)
    created = run_manage(environment, "create_unmanaged_tables")
    assert created.returncode == 0, created.stderr

    result = run_check(tmp_path, fresh_postgres_database)

    assert result.returncode == 0, result.stdout + result.stderr


def test_wrong_sqlite_schema_fails(tmp_path):
    path = tmp_path / "wrong.sqlite3"
    engine = sqlalchemy.create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql(WRONG_QUEUES_DDL.format(uuid="CHAR(32)", timestamp="DATETIME"))
    engine.dispose()

    result = run_check(tmp_path, f"sqlite:///{path}")

    assert result.returncode == 1
    output = result.stdout.replace("(varchar, NOT NULL)", "(character varying, NOT NULL)")
    for finding in WRONG_SCHEMA_FINDINGS:
        assert finding in output
    assert "schema differs from the models" in result.stderr


@needs_postgres
def test_wrong_postgres_schema_fails(tmp_path, fresh_postgres_database):
    with psycopg.connect(fresh_postgres_database.replace("postgres://", "postgresql://", 1), autocommit=True) as connection:
        connection.execute(WRONG_QUEUES_DDL.format(uuid="UUID", timestamp="TIMESTAMP WITHOUT TIME ZONE"))

    result = run_check(tmp_path, fresh_postgres_database)

    assert result.returncode == 1
    for finding in WRONG_SCHEMA_FINDINGS:
        assert finding in result.stdout


@needs_postgres
def test_postgres_enum_missing_label(tmp_path, fresh_postgres_database):
    create_openorchestrator_tables(fresh_postgres_database.replace("postgres://", "postgresql+psycopg://", 1))
    with psycopg.connect(fresh_postgres_database.replace("postgres://", "postgresql://", 1), autocommit=True) as connection:
        connection.execute('ALTER TABLE "Queues" ALTER COLUMN status DROP DEFAULT')
        connection.execute("CREATE TYPE short_status AS ENUM ('NEW', 'DONE')")
        connection.execute(
            'ALTER TABLE "Queues" ALTER COLUMN status TYPE short_status USING status::text::short_status'
        )

    result = run_check(tmp_path, fresh_postgres_database)

    assert result.returncode == 1
    assert "ERROR status: enum type short_status lacks IN_PROGRESS, FAILED, ABANDONED" in result.stdout


def test_varchar_bytes_setting_mismatch(tmp_path):
    path = tmp_path / "openorchestrator.sqlite3"
    create_openorchestrator_tables(f"sqlite:///{path}")

    result = run_check(tmp_path, f"sqlite:///{path}", ORCHESTRATOR_VARCHAR_BYTES="Queues.data=4000")

    assert result.returncode == 1
    assert "ERROR data: size 2000, but ORCHESTRATOR_VARCHAR_BYTES has Queues.data=4000" in result.stdout


def test_unreachable_database_fails(tmp_path):
    result = run_check(tmp_path, "postgres://postgres@127.0.0.1:1/none")

    assert result.returncode == 1
    assert "ERROR cannot read the tables: OperationalError" in result.stdout


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_command_error_on_mismatch(settings):
    settings.ORCHESTRATOR_VARCHAR_BYTES = {**settings.ORCHESTRATOR_VARCHAR_BYTES, "Queues.queue_name": 99}

    with pytest.raises(CommandError, match="differs from the models in 1 place"):
        call_command("check_database", "--database", "orchestrator", stdout=open(os.devnull, "w"))


def sql_server_column_rows(**changes) -> list[tuple]:
    """Return INFORMATION_SCHEMA rows of a correct Queues table, with `changes` by column name."""
    rows = {
        "id": ("id", "uniqueidentifier", None, "NO", None),
        "queue_name": ("queue_name", "varchar", 100, "NO", 1252),
        "status": ("status", "varchar", 11, "NO", 1252),
        "data": ("data", "varchar", 2000, "YES", 1252),
        "reference": ("reference", "varchar", 100, "YES", 1252),
        "created_date": ("created_date", "datetime", None, "NO", None),
        "start_date": ("start_date", "datetime", None, "YES", None),
        "end_date": ("end_date", "datetime", None, "YES", None),
        "message": ("message", "varchar", 1000, "YES", 1252),
        "created_by": ("created_by", "varchar", 100, "YES", 1252),
    }
    rows.update(changes)
    return [row for row in rows.values() if row is not None]


@pytest.mark.skipif(mssql_base is None, reason=MSSQL_IMPORT_ERROR)
@pytest.mark.parametrize(
    ("changes", "findings"),
    [
        pytest.param({}, [], id="matching"),
        pytest.param(
            {"data": ("data", "varchar", 2000, "YES", 850)},
            [("ERROR", "data", "code page 850, but ORCHESTRATOR_CODE_PAGE is 1252")],
            id="other-code-page",
        ),
        pytest.param(
            {"queue_name": ("queue_name", "nvarchar", 100, "NO", None)},
            [("ERROR", "queue_name", "type nvarchar, expected varchar")],
            id="nvarchar-not-varchar",
        ),
        pytest.param(
            {"message": ("message", "varchar", -1, "YES", 1252)},
            [("WARNING", "message", "MAX length, the model limits it to 1000")],
            id="varchar-max",
        ),
        pytest.param(
            {"created_date": ("created_date", "datetime2", None, "NO", None)},
            [],
            id="datetime2-accepted",
        ),
        pytest.param(
            {"id": ("id", "char", 36, "NO", 1252)},
            [("ERROR", "id", "type char, expected uniqueidentifier")],
            id="uuid-as-char",
        ),
    ],
)
def test_sql_server_catalog_rows(django_db_blocker, changes, findings):
    connection = offline_sql_server("schema_check")
    recording = RecordingConnection(rows=sql_server_column_rows(**changes))
    connection.connection = recording
    connection.autocommit = True

    # The recording connection reaches no database; pytest-django's guard
    # blocks every connection object, so it is lifted here.
    with django_db_blocker.unblock():
        report = check_table(connection, "orchestrator", QueueElement)

    assert report.findings == findings
    sql, params = recording.statements[0]
    assert "COLLATIONPROPERTY(COLLATION_NAME, 'CodePage')" in sql
    assert "WHERE TABLE_SCHEMA = SCHEMA_NAME() AND TABLE_NAME = ?" in sql
    assert params == ("Queues",)
    if not changes:
        assert report.code_pages == {1252}
