"""Turn the database URLs of the environment into Django DATABASES entries.

Accepted forms:
- ``sqlite:///relative/path.sqlite3`` or ``sqlite:////absolute/path.sqlite3``
- ``postgres://user:password@host:5432/name``
- ``mssql://user:password@host:1433/name?driver=ODBC+Driver+18+for+SQL+Server``
  (SQL Server through mssql-django, see `SQL Server options` below)
- The SQLAlchemy URLs of the Flask deployment:
  ``mssql+pyodbc://user:password@host/name?driver=ODBC+Driver+17+for+SQL+Server``
  and ``mssql+pyodbc:///?odbc_connect=<URL-encoded ODBC connection string>``.

SQL Server options (query parameters of an ``mssql`` URL):
- ``driver``: the ODBC driver name. Without it mssql-django 2.0 tries
  "ODBC Driver 18 for SQL Server" and falls back to 17 when 18 is missing.
- ``python_driver=mssql_python``: use Microsoft's mssql-python driver, which
  bundles its own driver, instead of pyodbc and an installed ODBC driver.
- ``encrypt`` (yes, no, strict) and ``trust_server_certificate`` (yes, no):
  sent as the ODBC keywords Encrypt and TrustServerCertificate. Without them
  the driver's default applies: Driver 18 encrypts and verifies the
  certificate, Driver 17 does not encrypt.
- ``connection_timeout`` and ``query_timeout`` in seconds, defaults below.
- Any other parameter is passed to the driver as an ODBC keyword
  (``ApplicationIntent=ReadOnly``, ``MultiSubnetFailover=yes``).
"""

from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# Seconds a connection is kept open between requests. Health checks make a
# connection that died while idle (database restart) reopen on next use.
CONNECTION_MAX_AGE = 60

# Seconds a SQLite connection waits for another writer before it fails.
SQLITE_BUSY_TIMEOUT = 20

# Seconds to wait for a TCP connection to PostgreSQL or SQL Server. A request
# to a database that is down fails with a 503 after at most this long.
CONNECT_TIMEOUT = 5

# Seconds one SQL statement may run. It must stay well below the request
# timeout of IIS's httpPlatformHandler (requestTimeout in web.config, 60 s),
# so a slow database gives the client a JSON 503 rather than IIS's 502 page.
QUERY_TIMEOUT = 30

# The largest query timeout a URL may set, in seconds: half of web.config's
# requestTimeout, which leaves time for the other queries of a request.
QUERY_TIMEOUT_LIMIT = 30

# mssql-django retries a connection that fails with one of Azure SQL's
# transient error numbers, by default 5 times 5 seconds. One retry after
# 2 seconds keeps a request within the query timeout.
SQL_SERVER_CONNECTION_RETRIES = 1
SQL_SERVER_RETRY_BACKOFF = 2

# The OPTIONS keys of mssql-django 2.0 that a URL may set; other query
# parameters become ODBC connection string keywords.
_MSSQL_DJANGO_OPTIONS = {
    "driver",
    "python_driver",
    "dsn",
    "connection_timeout",
    "query_timeout",
    "connection_retries",
    "connection_retry_backoff_time",
    "isolation_level",
    "extra_params",
}
_ODBC_KEYWORD_NAMES = {
    "encrypt": "Encrypt",
    "trust_server_certificate": "TrustServerCertificate",
    "trustservercertificate": "TrustServerCertificate",
}
SQL_SERVER_ENGINE = "mssql"


def parse_database_url(url: str, base_dir: Path) -> dict:
    """Return the DATABASES entry for `url`; relative SQLite paths start at `base_dir`."""
    scheme = url.partition("://")[0].lower()
    if scheme.startswith("mssql+"):
        return parse_sqlalchemy_mssql_url(url)

    # dj-database-url maps the `mssql` scheme to the old django-pyodbc-azure
    # engine name, so SQL Server URLs name mssql-django's engine explicitly.
    engine = SQL_SERVER_ENGINE if scheme == "mssql" else None
    try:
        config = dj_database_url.parse(
            url, engine=engine, conn_max_age=CONNECTION_MAX_AGE, conn_health_checks=True
        )
    except ValueError as error:
        raise ImproperlyConfigured(f"Invalid database URL {redact_url(url)!r}: {error}") from error
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"Unsupported database URL scheme in {redact_url(url)!r}.")

    if config["ENGINE"] == "django.db.backends.sqlite3":
        _configure_sqlite(config, base_dir)
    elif config["ENGINE"] == "django.db.backends.postgresql":
        _configure_postgresql(config)
    elif config["ENGINE"] == SQL_SERVER_ENGINE:
        _configure_sql_server(config, url)
    return config


def parse_sqlalchemy_mssql_url(url: str) -> dict:
    """Return the DATABASES entry for an SQLAlchemy ``mssql+pyodbc`` URL.

    The form with ``odbc_connect`` carries a whole ODBC connection string;
    the DRIVER, SERVER, DATABASE, UID and PWD keywords of it become Django
    settings and the other keywords are passed on unchanged.
    """
    scheme, _, rest = url.partition("://")
    if scheme.lower() != "mssql+pyodbc":
        raise ImproperlyConfigured(
            f"Unsupported SQLAlchemy dialect {scheme!r} in {redact_url(url)!r}: only mssql+pyodbc is supported."
        )
    query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    odbc_connect = next((value for key, value in query.items() if key.lower() == "odbc_connect"), None)
    if odbc_connect is None:
        return parse_database_url(f"mssql://{rest}", Path("."))

    keywords = parse_odbc_connection_string(odbc_connect)
    config = _base_config()
    options = config["OPTIONS"]
    extra = {}
    for key, value in keywords.items():
        lower = key.lower()
        if lower == "driver":
            options["driver"] = value.strip("{}")
        elif lower in {"server", "address", "addr"}:
            config["HOST"], config["PORT"] = _split_server(value)
        elif lower in {"database", "initial catalog"}:
            config["NAME"] = value
        elif lower in {"uid", "user id"}:
            config["USER"] = value
        elif lower in {"pwd", "password"}:
            config["PASSWORD"] = value
        elif lower == "dsn":
            options["dsn"] = value
        elif lower in {"connection timeout", "logintimeout"}:
            options["connection_timeout"] = int(value)
        else:
            extra[key] = value
    if not config["NAME"]:
        raise ImproperlyConfigured(f"The ODBC connection string in {redact_url(url)!r} has no DATABASE keyword.")
    if extra:
        options["extra_params"] = ";".join(f"{key}={_encode_odbc_value(value)}" for key, value in extra.items())
    _apply_sql_server_defaults(config)
    return config


def sql_server_url_from_parts(server: str, user: str, password: str, database: str, driver: str) -> dict:
    """Return the DATABASES entry for a SQL Server given as separate values.

    Azure SQL Database requires encryption, so the connection encrypts and
    verifies the server certificate.
    """
    config = _base_config()
    config["HOST"], config["PORT"] = _split_server(server)
    config["USER"] = user
    config["PASSWORD"] = password
    config["NAME"] = database
    config["OPTIONS"]["driver"] = driver
    config["OPTIONS"]["extra_params"] = "Encrypt=yes;TrustServerCertificate=no"
    _apply_sql_server_defaults(config)
    return config


def parse_odbc_connection_string(text: str) -> dict[str, str]:
    """Return the keywords of an ODBC connection string, values unquoted.

    A value in braces may hold semicolons, and `}}` inside braces is one `}`.
    """
    keywords = {}
    position = 0
    length = len(text)
    while position < length:
        while position < length and text[position] in " ;":
            position += 1
        if position >= length:
            break
        equals = text.find("=", position)
        if equals == -1:
            raise ImproperlyConfigured("Invalid ODBC connection string: a keyword has no '=value'.")
        key = text[position:equals].strip()
        position = equals + 1
        if position < length and text[position] == "{":
            value_chars = []
            position += 1
            while position < length:
                if text[position] == "}":
                    if position + 1 < length and text[position + 1] == "}":
                        value_chars.append("}")
                        position += 2
                        continue
                    position += 1
                    break
                value_chars.append(text[position])
                position += 1
            value = "".join(value_chars)
            end = text.find(";", position)
            position = length if end == -1 else end
        else:
            end = text.find(";", position)
            end = length if end == -1 else end
            value = text[position:end].strip()
            position = end
        keywords[key] = value
    return keywords


def _base_config() -> dict:
    return {
        "ENGINE": SQL_SERVER_ENGINE,
        "NAME": "",
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "CONN_MAX_AGE": CONNECTION_MAX_AGE,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {},
    }


def _split_server(server: str) -> tuple[str, str]:
    """Return host and port of an ODBC SERVER value such as `tcp:host,1433`."""
    server = server.strip()
    if server.lower().startswith("tcp:"):
        server = server[4:]
    host, _, port = server.partition(",")
    return host.strip(), port.strip()


def _encode_odbc_value(value: str) -> str:
    if ";" in value or value.strip().startswith("{"):
        return "{" + value.replace("}", "}}") + "}"
    return value


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


def _configure_postgresql(config: dict) -> None:
    options = config.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", CONNECT_TIMEOUT)
    if "options" not in options:
        options["options"] = f"-c statement_timeout={QUERY_TIMEOUT * 1000}"


def _configure_sql_server(config: dict, url: str) -> None:
    """Sort an ``mssql`` URL's query parameters into mssql-django OPTIONS and ODBC keywords."""
    given = config.pop("OPTIONS", {})
    options = {}
    extra = []
    for key, value in given.items():
        if isinstance(value, list):
            raise ImproperlyConfigured(f"The parameter {key!r} appears twice in {redact_url(url)!r}.")
        if key in _MSSQL_DJANGO_OPTIONS:
            options[key] = value
        else:
            if isinstance(value, bool):
                text = "yes" if value else "no"
            else:
                text = str(value)
            extra.append(f"{_ODBC_KEYWORD_NAMES.get(key.lower(), key)}={_encode_odbc_value(text)}")
    if extra:
        options["extra_params"] = ";".join(filter(None, [options.get("extra_params", ""), *extra]))
    if not config.get("NAME") and "dsn" not in options:
        raise ImproperlyConfigured(f"The SQL Server URL {redact_url(url)!r} names no database.")
    config["OPTIONS"] = options
    _apply_sql_server_defaults(config)


def _apply_sql_server_defaults(config: dict) -> None:
    options = config["OPTIONS"]
    for key in ("connection_timeout", "query_timeout", "connection_retries", "connection_retry_backoff_time"):
        if key in options:
            try:
                options[key] = int(options[key])
            except (TypeError, ValueError) as error:
                raise ImproperlyConfigured(f"The SQL Server option {key} must be a whole number of seconds.") from error
    options.setdefault("connection_timeout", CONNECT_TIMEOUT)
    options.setdefault("query_timeout", QUERY_TIMEOUT)
    options.setdefault("connection_retries", SQL_SERVER_CONNECTION_RETRIES)
    options.setdefault("connection_retry_backoff_time", SQL_SERVER_RETRY_BACKOFF)
    if options["query_timeout"] <= 0 or options["query_timeout"] > QUERY_TIMEOUT_LIMIT:
        raise ImproperlyConfigured(
            f"The SQL Server query_timeout must be between 1 and {QUERY_TIMEOUT_LIMIT} seconds, "
            "below IIS's request timeout."
        )


def redact_url(url: str) -> str:
    """Return `url` with any password replaced, for error messages."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        return url
    rest = _redact_odbc_password(rest)
    if "@" not in rest:
        return f"{scheme}://{rest}"
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


def _redact_odbc_password(text: str) -> str:
    """Return `text` with the value of a PWD= keyword (also URL-encoded) replaced."""
    decoded = unquote(text)
    lowered = decoded.lower()
    for keyword in ("pwd=", "password="):
        start = lowered.find(keyword)
        if start != -1:
            end = decoded.find(";", start)
            end = len(decoded) if end == -1 else end
            return decoded[: start + len(keyword)] + "***" + decoded[end:]
    return text


def resolve_database_settings(environ, default_url: str, base_dir: Path) -> tuple[dict, dict]:
    """Return the DATABASES setting and, per alias, the name of the variable it came from.

    Which variable wins, per alias (the first one set):
    - default: DATABASE_URL, else a SQLite file (`default_url`).
    - orchestrator: ORCHESTRATOR_DATABASE_URL, then the Flask deployment's
      OpenOrchestratorSQL (an SQLAlchemy URL), then the default alias's URL.
    - vejman: VEJMAN_DATABASE_URL, then the Flask deployment's SQL_SERVER
      with SQL_USER and SQL_PASSWORD (database SQL_DATABASE, default
      TilladelsesHistorik, driver SQL_DRIVER, default ODBC Driver 18 for SQL
      Server), then the orchestrator alias's URL.
    """
    sources = {}
    databases = {}

    default_url_value = environ.get("DATABASE_URL") or default_url
    sources["default"] = "DATABASE_URL" if environ.get("DATABASE_URL") else "the default SQLite file"
    databases["default"] = parse_database_url(default_url_value, base_dir)

    if environ.get("ORCHESTRATOR_DATABASE_URL"):
        sources["orchestrator"] = "ORCHESTRATOR_DATABASE_URL"
        databases["orchestrator"] = parse_database_url(environ["ORCHESTRATOR_DATABASE_URL"], base_dir)
    elif environ.get("OpenOrchestratorSQL"):
        sources["orchestrator"] = "OpenOrchestratorSQL"
        databases["orchestrator"] = parse_database_url(environ["OpenOrchestratorSQL"], base_dir)
    else:
        sources["orchestrator"] = sources["default"]
        databases["orchestrator"] = parse_database_url(default_url_value, base_dir)

    if environ.get("VEJMAN_DATABASE_URL"):
        sources["vejman"] = "VEJMAN_DATABASE_URL"
        databases["vejman"] = parse_database_url(environ["VEJMAN_DATABASE_URL"], base_dir)
    elif environ.get("SQL_SERVER"):
        missing = [name for name in ("SQL_USER", "SQL_PASSWORD") if not environ.get(name)]
        if missing:
            raise ImproperlyConfigured(f"SQL_SERVER is set but {' and '.join(missing)} is not.")
        sources["vejman"] = "SQL_SERVER"
        databases["vejman"] = sql_server_url_from_parts(
            server=environ["SQL_SERVER"],
            user=environ["SQL_USER"],
            password=environ["SQL_PASSWORD"],
            database=environ.get("SQL_DATABASE") or "TilladelsesHistorik",
            driver=environ.get("SQL_DRIVER") or "ODBC Driver 18 for SQL Server",
        )
    else:
        sources["vejman"] = sources["orchestrator"]
        databases["vejman"] = dict(databases["orchestrator"])
    return databases, sources
