"""The T-SQL and parameters that mssql-django makes of the service's queries.

No SQL Server runs here, so these tests use a real mssql-django 2.0
connection object that never connects: its server version is fixed to SQL
Server 2019, which the backend otherwise reads from the server. Some tests
compile querysets; others run the service's own functions with that
connection in place of a database alias and a recording stand-in for the
pyodbc connection, and check the statements pyodbc would receive. Checked:
the UUID form, the single UPDATE of the trigger endpoint, OFFSET/FETCH and
TOP pagination, the API key lookup and the DATETIME rounding.

mssql-django imports pyodbc at import time, which loads libodbc.so.2
(Debian package libodbc2, installed by `make test` when it can). Without it
these tests skip.
"""

import uuid
from datetime import datetime

import pytest
from django.db import connections
from django.db.models.sql import InsertQuery, UpdateQuery
from django.test.utils import CaptureQueriesContext

from pyorchestrator.fields import round_to_sql_server_datetime
from queues.models import QueueElement, QueueStatus
from pyorchestrator.authentication import check_key
from queues.services import create_queue_element
from tests.conftest import API_TEST
from triggers.models import Trigger, TriggerStatus, TriggerType
from triggers.services import set_single_trigger_status
from vejman.models import VejmanKassen
from vejman.serializers import row_to_json

from tests.mssql_offline import MSSQL_IMPORT_ERROR, RecordingConnection, mssql_base, offline_sql_server

pytestmark = pytest.mark.skipif(mssql_base is None, reason=MSSQL_IMPORT_ERROR)

CONTRACT_ALIAS = "mssql_contract"


@pytest.fixture(scope="module")
def sql_server():
    connection = offline_sql_server(CONTRACT_ALIAS)
    yield connection
    assert connection.connection is None, "a contract test opened a network connection"


@pytest.fixture
def recorded_sql(django_db_blocker):
    """Put an offline SQL Server connection in place of database aliases; yield a function that does it.

    The function takes the alias and returns the RecordingConnection whose
    `statements` are what pyodbc would have sent.
    """
    originals = {}

    def replace(alias: str, rows=(), rowcount: int = 1) -> RecordingConnection:
        recording = RecordingConnection(rows=rows, rowcount=rowcount)
        connection = offline_sql_server(alias)
        connection.connection = recording
        connection.autocommit = True
        originals.setdefault(alias, connections[alias])
        connections[alias] = connection
        return recording

    with django_db_blocker.unblock():
        yield replace
    for alias, original in originals.items():
        connections[alias] = original


def compile_select(queryset, connection):
    return queryset.query.get_compiler(connection=connection).as_sql()


def compile_update(queryset, values: dict, connection):
    """Compile what QuerySet.update(**values) sends, without running it."""
    query = queryset.query.chain(UpdateQuery)
    query.add_update_values(values)
    return query.get_compiler(connection=connection).as_sql()


def to_odbc(sql: str, params) -> str:
    """Return the statement with pyodbc's `?` placeholders, as mssql-django sends it."""
    cursor = mssql_base.CursorWrapper(cursor=None, connection=type("Stub", (), {"driver_charset": None})())
    return cursor.format_sql(sql, params)


def test_uuid_parameter_hyphenated(sql_server):
    element_id = uuid.UUID("12345678-1234-5678-1234-567812345678")
    sql, params = compile_select(QueueElement.objects.filter(pk=element_id), sql_server)

    assert "WHERE [Queues].[id] = %s" in sql
    assert params == ("12345678-1234-5678-1234-567812345678",)


def test_queue_insert_sql(sql_server):
    element = QueueElement(
        id=uuid.UUID("0f0e0d0c-0b0a-0908-0706-050403020100"),
        queue_name="Kø",
        status=QueueStatus.NEW,
        data='{"a": 1}',
        reference="ref-1",
        created_date=datetime(2025, 6, 10, 12, 0, 0, 123456),
        created_by="robot@example.dk",
    )
    fields = QueueElement._meta.local_concrete_fields
    query = InsertQuery(QueueElement)
    query.insert_values(fields, [element])
    statements = query.get_compiler(connection=sql_server).as_sql()

    assert len(statements) == 1
    sql, params = statements[0]
    assert sql.startswith("INSERT INTO [Queues] ([id], [queue_name], [status], [data], [reference], [created_date]")
    assert "OUTPUT" not in sql
    params = list(params)
    assert params[0] == "0f0e0d0c-0b0a-0908-0706-050403020100"
    assert params[1] == "Kø"
    assert params[2] == "NEW"
    # DATETIME keeps 1/300 s: .123456 s is stored as .123 s.
    assert params[5] == datetime(2025, 6, 10, 12, 0, 0, 123000)
    assert to_odbc(sql, params).count("?") == len(params)


def test_trigger_update_single_statement(sql_server):
    queryset = Trigger.objects.filter(trigger_name="Nightly", type=TriggerType.SINGLE)
    sql, params = compile_update(queryset, {"process_status": TriggerStatus.IDLE}, sql_server)

    # SET NOCOUNT OFF makes the driver report the rows updated.
    assert sql == (
        "SET NOCOUNT OFF; UPDATE [Triggers] SET [process_status] = %s "
        "WHERE ([Triggers].[trigger_name] = %s AND [Triggers].[type] = %s)"
    )
    assert params == ("IDLE", "Nightly", "SINGLE")


def test_vejman_select_sql(sql_server):
    queryset = VejmanKassen.objects.filter(faktura_status="Ny").order_by("id").values()
    sql, params = compile_select(queryset, sql_server)

    assert sql.startswith("SELECT [VejmanKassen].[Id], [VejmanKassen].[HenstillingId]")
    assert "FROM [VejmanKassen] WHERE [VejmanKassen].[FakturaStatus] = %s ORDER BY [VejmanKassen].[Id] ASC" in sql
    assert params == ("Ny",)


def test_vejman_update_sql(sql_server):
    queryset = VejmanKassen.objects.filter(pk=7)
    values = {"faktura_status": "Faktureret", "kvadratmeter": 12.5, "slutdato": datetime(2025, 6, 10).date()}
    sql, params = compile_update(queryset, values, sql_server)

    assert sql.startswith("SET NOCOUNT OFF; UPDATE [VejmanKassen] SET ")
    assert sql.count("UPDATE") == 1
    assert "[FakturaStatus] = %s" in sql
    assert sql.endswith("WHERE [VejmanKassen].[Id] = %s")
    assert params[-1] == 7
    assert "Faktureret" in params


@pytest.mark.parametrize(
    ("start", "stop", "expected"),
    [
        pytest.param(0, 100, "SELECT TOP 100 ", id="first-page-top"),
        pytest.param(100, 200, "OFFSET 100 ROWS FETCH FIRST 100 ROWS ONLY", id="later-page-offset-fetch"),
    ],
)
def test_pagination_sql(sql_server, start, stop, expected):
    queryset = QueueElement.objects.order_by("-created_date")[start:stop]
    sql, _params = compile_select(queryset, sql_server)

    assert expected in sql
    assert "ORDER BY [Queues].[created_date] DESC" in sql


def test_offset_without_order_orders_by_pk(sql_server):
    # OFFSET needs ORDER BY in T-SQL; mssql-django adds the primary key.
    sql, _params = compile_select(QueueElement.objects.all()[50:60], sql_server)

    assert "ORDER BY" in sql
    assert "OFFSET 50 ROWS FETCH FIRST 10 ROWS ONLY" in sql


@pytest.mark.parametrize(
    ("microsecond", "expected"),
    [
        pytest.param(0, 0, id="whole-second"),
        pytest.param(1_000, 0, id="1ms-down"),
        pytest.param(2_000, 3_000, id="2ms-up"),
        pytest.param(5_000, 7_000, id="5ms-to-7"),
        pytest.param(123_456, 123_000, id="123ms"),
        pytest.param(998_000, 997_000, id="998ms-to-997"),
    ],
)
def test_datetime_rounding_grid(microsecond, expected):
    value = datetime(2025, 3, 30, 1, 59, 59, microsecond)

    assert round_to_sql_server_datetime(value) == value.replace(microsecond=expected)


def test_datetime_rounding_next_second():
    value = datetime(2025, 12, 31, 23, 59, 59, 999_000)

    assert round_to_sql_server_datetime(value) == datetime(2026, 1, 1, 0, 0, 0)


def test_datetime_filter_parameter_rounded(sql_server):
    moment = datetime(2025, 6, 10, 12, 0, 0, 2_500)
    _sql, params = compile_select(QueueElement.objects.filter(created_date=moment), sql_server)

    assert params == (datetime(2025, 6, 10, 12, 0, 0, 3_000),)


def test_varchar_columns_declared_varchar(sql_server):
    queue_name = QueueElement._meta.get_field("queue_name")
    henstilling = VejmanKassen._meta.get_field("henstilling_id")

    assert queue_name.db_type(sql_server) == "varchar(100)"
    assert QueueElement._meta.pk.db_type(sql_server) == "uniqueidentifier"
    assert QueueElement._meta.get_field("created_date").db_type(sql_server) == "datetime"
    assert henstilling.db_type(sql_server) == "nvarchar(100)"


@API_TEST
def test_trigger_service_one_update():
    Trigger.objects.create(
        trigger_name="Nightly", process_name="p", process_path="x", type=TriggerType.SINGLE,
        process_status=TriggerStatus.FAILED,
    )
    connection = connections["orchestrator"]

    with CaptureQueriesContext(connection) as captured:
        updated = set_single_trigger_status("Nightly", TriggerStatus.IDLE)

    assert updated == 1
    statements = [query["sql"] for query in captured.captured_queries]
    assert len(statements) == 1
    assert statements[0].startswith('UPDATE "Triggers" SET "process_status"')



def test_queue_service_insert_statement(recorded_sql):
    recording = recorded_sql("orchestrator")

    element = create_queue_element(
        queue_name="Borgerbreve", data='{"cpr": "x"}', created_date=datetime(2025, 6, 10, 12, 0, 0, 2_500)
    )

    assert len(recording.statements) == 1
    sql, params = recording.statements[0]
    assert sql.startswith("INSERT INTO [Queues] ([id], [queue_name], [status], [data], [reference], [created_date], ")
    assert sql.count("?") == len(params) == 10
    assert params[0] == str(element.id)
    assert params[0].count("-") == 4
    assert params[1:4] == ("Borgerbreve", "NEW", '{"cpr": "x"}')
    assert params[5] == datetime(2025, 6, 10, 12, 0, 0, 3_000)
    # The instance holds what the DATETIME column holds.
    assert element.created_date == params[5]


def test_trigger_service_statement(recorded_sql):
    recording = recorded_sql("orchestrator", rowcount=1)

    updated = set_single_trigger_status("Nightly", TriggerStatus.IDLE)

    assert updated == 1
    assert recording.statements == [
        (
            "SET NOCOUNT OFF; UPDATE [Triggers] SET [process_status] = ? "
            "WHERE ([Triggers].[trigger_name] = ? AND [Triggers].[type] = ?)",
            ("IDLE", "Nightly", "SINGLE"),
        )
    ]


def test_api_key_lookup_statement(recorded_sql):
    recording = recorded_sql("default", rows=[])

    assert check_key("AbCdEfGh.secretpart").api_key is None

    # The key is read by prefix whatever its revoked flag, so that the
    # security log can state why a key was rejected.
    assert len(recording.statements) == 1
    sql, params = recording.statements[0]
    # The key's row and its scope rows in one statement, with the key's columns only.
    assert sql == (
        "SELECT k.[id], k.[prefix], k.[hashed_key], k.[created], k.[name], k.[revoked], k.[expiry_date], "
        "s.[scope], s.[names] FROM [rest_framework_api_key_apikey] k "
        "LEFT JOIN [pyorchestrator_apikeyscope] s ON s.[api_key_id] = k.[id] WHERE k.[prefix] = ?"
    )
    assert "AbCdEfGh" in params
    assert "secretpart" not in " ".join(str(param) for param in params)


def test_vejman_list_statement(recorded_sql):
    row = (1, "H-1", 12345678, "Firma", datetime(2025, 6, 1).date(), None, "Vej 1", "Stillads",
           10.1, 56.1, "Ny", None, "Henstilling Stillads m2")
    recording = recorded_sql("vejman", rows=[row])

    rows = VejmanKassen.objects.filter(faktura_status="Ny").order_by("id").values()
    output = [row_to_json(values) for values in rows.iterator(chunk_size=2000)]

    assert output[0]["Startdato"] == "Sun, 01 Jun 2025 00:00:00 GMT"
    sql, params = recording.statements[0]
    assert "WHERE [VejmanKassen].[FakturaStatus] = ? ORDER BY [VejmanKassen].[Id] ASC" in sql
    assert params == ("Ny",)
