"""Database URLs of SQL Server, PostgreSQL and SQLite, and the Flask deployment's variables."""

from pathlib import Path
from urllib.parse import quote_plus

import pytest
from django.core.exceptions import ImproperlyConfigured

from pyorchestrator.database_urls import (
    QUERY_TIMEOUT,
    parse_database_url,
    parse_odbc_connection_string,
    redact_url,
    resolve_database_settings,
)
from tests.mssql_offline import MSSQL_IMPORT_ERROR, mssql_base

BASE_DIR = Path("/srv/pyorchestrator/var")
DEFAULT_URL = "sqlite:///pyorchestrator.sqlite3"
ODBC_STRING = (
    "DRIVER={ODBC Driver 18 for SQL Server};SERVER=tcp:oo.database.windows.net,1433;"
    "DATABASE=OpenOrchestrator;UID=robot;PWD={pa;ss}}word};Encrypt=yes;TrustServerCertificate=no"
)


def test_mssql_url_options():
    config = parse_database_url(
        "mssql://robot:p%40ss@sql01.example.dk:1433/OpenOrchestrator"
        "?driver=ODBC+Driver+18+for+SQL+Server&encrypt=yes&trust_server_certificate=no&query_timeout=20",
        BASE_DIR,
    )

    assert config["ENGINE"] == "mssql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("sql01.example.dk", "1433", "OpenOrchestrator")
    assert config["PASSWORD"] == "p@ss"
    assert config["OPTIONS"]["driver"] == "ODBC Driver 18 for SQL Server"
    assert config["OPTIONS"]["extra_params"] == "Encrypt=yes;TrustServerCertificate=no"
    assert config["OPTIONS"]["query_timeout"] == 20
    assert config["OPTIONS"]["connection_timeout"] == 5
    assert config["CONN_HEALTH_CHECKS"] is True


def test_mssql_url_python_driver():
    config = parse_database_url("mssql://u:p@h/db?python_driver=mssql_python", BASE_DIR)

    assert config["OPTIONS"]["python_driver"] == "mssql_python"
    assert "driver" not in config["OPTIONS"]


def test_mssql_url_default_timeouts():
    options = parse_database_url("mssql://u:p@h/db", BASE_DIR)["OPTIONS"]

    assert options["query_timeout"] == QUERY_TIMEOUT
    assert options["connection_retries"] == 1
    # No driver named: mssql-django tries Driver 18, then falls back to 17.
    assert "driver" not in options


def test_sqlalchemy_url_with_driver():
    config = parse_database_url(
        "mssql+pyodbc://robot:secret@sql01/OpenOrchestrator?driver=ODBC+Driver+17+for+SQL+Server", BASE_DIR
    )

    assert config["ENGINE"] == "mssql"
    assert (config["USER"], config["PASSWORD"], config["HOST"]) == ("robot", "secret", "sql01")
    assert config["NAME"] == "OpenOrchestrator"
    assert config["OPTIONS"]["driver"] == "ODBC Driver 17 for SQL Server"


def test_sqlalchemy_url_odbc_connect():
    config = parse_database_url(f"mssql+pyodbc:///?odbc_connect={quote_plus(ODBC_STRING)}", BASE_DIR)

    assert config["HOST"] == "oo.database.windows.net"
    assert config["PORT"] == "1433"
    assert config["NAME"] == "OpenOrchestrator"
    assert config["USER"] == "robot"
    assert config["PASSWORD"] == "pa;ss}word"
    assert config["OPTIONS"]["driver"] == "ODBC Driver 18 for SQL Server"
    assert config["OPTIONS"]["extra_params"] == "Encrypt=yes;TrustServerCertificate=no"


def test_odbc_string_braces():
    keywords = parse_odbc_connection_string("A=1; B={x;y}}z} ;C= c ")

    assert keywords == {"A": "1", "B": "x;y}z", "C": "c"}


def test_postgres_url_timeouts():
    options = parse_database_url("postgres://postgres@127.0.0.1:5432/x", BASE_DIR)["OPTIONS"]

    assert options["connect_timeout"] == 5
    assert options["options"] == f"-c statement_timeout={QUERY_TIMEOUT * 1000}"


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("mssql+pymssql://u:p@h/db", id="unsupported-dialect"),
        pytest.param("mssql+pyodbc:///?odbc_connect=" + quote_plus("SERVER=h;UID=u"), id="odbc-no-database"),
        pytest.param("mssql://u:p@h/", id="mssql-no-database"),
        pytest.param("mssql://u:p@h/db?query_timeout=600", id="query-timeout-above-limit"),
        pytest.param("mssql://u:p@h/db?query_timeout=soon", id="query-timeout-not-number"),
        pytest.param("oracle2://u:p@h/db", id="unknown-scheme"),
    ],
)
def test_invalid_url_rejected(url):
    with pytest.raises((ImproperlyConfigured, ValueError)):
        parse_database_url(url, BASE_DIR)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("mssql://robot:topsecret@h/db", id="url-password"),
        pytest.param("mssql+pyodbc:///?odbc_connect=" + quote_plus("SERVER=h;PWD=topsecret;UID=u"), id="odbc-pwd"),
    ],
)
def test_redact_hides_password(url):
    assert "topsecret" not in redact_url(url)


def test_error_message_hides_password():
    with pytest.raises(ImproperlyConfigured) as caught:
        parse_database_url("mssql://robot:topsecret@h/", BASE_DIR)

    assert "topsecret" not in str(caught.value)


FLASK_ENVIRONMENT = {
    "OpenOrchestratorSQL": "mssql+pyodbc://oo:pw@sql01/OpenOrchestrator?driver=ODBC+Driver+17+for+SQL+Server",
    "SQL_SERVER": "tilladelser.database.windows.net",
    "SQL_USER": "vejman",
    "SQL_PASSWORD": "pw2",
}


def test_flask_variables_fallback():
    databases, sources = resolve_database_settings(FLASK_ENVIRONMENT, DEFAULT_URL, BASE_DIR)

    assert sources == {"default": "the default SQLite file", "orchestrator": "OpenOrchestratorSQL", "vejman": "SQL_SERVER"}
    assert databases["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert databases["orchestrator"]["NAME"] == "OpenOrchestrator"
    assert databases["vejman"]["NAME"] == "TilladelsesHistorik"
    assert databases["vejman"]["HOST"] == "tilladelser.database.windows.net"
    assert databases["vejman"]["OPTIONS"]["extra_params"] == "Encrypt=yes;TrustServerCertificate=no"


def test_own_variables_win():
    environment = {
        **FLASK_ENVIRONMENT,
        "ORCHESTRATOR_DATABASE_URL": "mssql://a:b@new/OO2",
        "VEJMAN_DATABASE_URL": "mssql://a:b@new/TH2",
    }
    databases, sources = resolve_database_settings(environment, DEFAULT_URL, BASE_DIR)

    assert sources["orchestrator"] == "ORCHESTRATOR_DATABASE_URL"
    assert sources["vejman"] == "VEJMAN_DATABASE_URL"
    assert databases["orchestrator"]["NAME"] == "OO2"
    assert databases["vejman"]["NAME"] == "TH2"


def test_vejman_follows_orchestrator():
    environment = {"OpenOrchestratorSQL": FLASK_ENVIRONMENT["OpenOrchestratorSQL"]}
    databases, sources = resolve_database_settings(environment, DEFAULT_URL, BASE_DIR)

    assert sources["vejman"] == "OpenOrchestratorSQL"
    assert databases["vejman"]["NAME"] == "OpenOrchestrator"


def test_sql_server_without_password_rejected():
    with pytest.raises(ImproperlyConfigured, match="SQL_PASSWORD"):
        resolve_database_settings({"SQL_SERVER": "h", "SQL_USER": "u"}, DEFAULT_URL, BASE_DIR)


def sql_server_wrapper(config: dict, alias: str):
    """Return mssql-django's DatabaseWrapper for a parsed URL, without connecting."""
    settings_dict = {**config, "TIME_ZONE": None, "AUTOCOMMIT": True, "ATOMIC_REQUESTS": False, "TEST": {}}
    return mssql_base.DatabaseWrapper(settings_dict, alias=alias)


class ConnectRecorder:
    """A stand-in for pyodbc.connect that records its arguments and returns a bare connection."""

    def __init__(self):
        self.calls = []

    def __call__(self, connection_string, **arguments):
        self.calls.append((connection_string, arguments))
        return type("Connection", (), {"add_output_converter": lambda *args: None, "timeout": None})()


@pytest.mark.skipif(mssql_base is None, reason=MSSQL_IMPORT_ERROR)
def test_odbc_connection_from_flask_url(monkeypatch):
    config = parse_database_url(f"mssql+pyodbc:///?odbc_connect={quote_plus(ODBC_STRING)}", BASE_DIR)
    wrapper = sql_server_wrapper(config, "url_test")
    recorder = ConnectRecorder()
    monkeypatch.setattr(mssql_base.Database, "connect", recorder)

    connection = wrapper.get_new_connection(wrapper.get_connection_params())

    connection_string, arguments = recorder.calls[0]
    keywords = parse_odbc_connection_string(connection_string)
    assert keywords["DRIVER"] == "ODBC Driver 18 for SQL Server"
    assert keywords["SERVER"] == "oo.database.windows.net,1433"
    assert keywords["DATABASE"] == "OpenOrchestrator"
    assert keywords["PWD"] == "pa;ss}word"
    assert keywords["Encrypt"] == "yes"
    assert keywords["TrustServerCertificate"] == "no"
    assert arguments["timeout"] == 5
    assert connection.timeout == QUERY_TIMEOUT


@pytest.mark.skipif(mssql_base is None, reason=MSSQL_IMPORT_ERROR)
def test_python_driver_connection_string():
    config = parse_database_url("mssql://u:p@sql01:1433/OpenOrchestrator?python_driver=mssql_python&encrypt=yes", BASE_DIR)
    wrapper = sql_server_wrapper(config, "url_test_python")

    connection_string = wrapper._build_connection_string(wrapper.get_connection_params(), "ignored")

    keywords = parse_odbc_connection_string(connection_string)
    # mssql-python bundles its driver, so no DRIVER keyword is sent.
    assert "DRIVER" not in keywords
    assert keywords["SERVER"] == "sql01,1433"
    assert keywords["Encrypt"] == "yes"
