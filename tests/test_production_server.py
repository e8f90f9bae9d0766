"""Production settings, web.config and the service under waitress as IIS starts it."""

import json
import os
import re
import secrets

import pytest
from waitress.adjustments import Adjustments

from pyorchestrator.database_urls import QUERY_TIMEOUT_LIMIT
from tests.servers import (
    create_api_key,
    private_temp_dir,
    request,
    run_manage,
    waitress_server,
    web_config_arguments,
    web_config_environment,
    web_config_platform,
)

PUBLIC_HOST = "api.example.dk"
# The headers IIS adds in front of waitress: the client's address and scheme.
IIS_HEADERS = {"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}


@pytest.fixture
def tmp_path():
    """Return a private temporary folder in place of pytest's shared one (see private_temp_dir)."""
    with private_temp_dir("pyorchestrator-settings-") as path:
        yield path


def production_environment(var_dir, **overrides) -> dict[str, str]:
    """Return the environment of a production start on a SQLite database in `var_dir`."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.endswith("DATABASE_URL") and key not in {"DJANGO_DEBUG", "OpenOrchestratorSQL", "SQL_SERVER"}
    }
    environment.update(
        {
            "PYORCHESTRATOR_ENVIRONMENT": "production",
            "PYORCHESTRATOR_VAR_DIR": str(var_dir),
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
            "DJANGO_ALLOWED_HOSTS": PUBLIC_HOST,
            "TRUSTED_PROXIES": "127.0.0.1,::1",
            "LOG_FORMAT": "json",
        }
    )
    environment.update(overrides)
    return {key: value for key, value in environment.items() if value is not None}


def waitress_options() -> tuple[dict, list[str]]:
    """Return web.config's waitress options as waitress's own parser reads them."""
    arguments = web_config_arguments()
    assert arguments[:2] == ["-m", "waitress"]
    options, positional = Adjustments.parse_args(arguments[2:])
    for runner_flag in ("help", "call"):
        options.pop(runner_flag)
    return options, positional


def test_web_config_arguments_accepted():
    options, positional = waitress_options()

    # Adjustments rejects an unknown option or an invalid value with ValueError.
    adjustments = Adjustments(**{**options, "port": "8080"})
    assert positional == ["pyorchestrator.wsgi:application"]
    assert options["port"] == "%HTTP_PLATFORM_PORT%"
    assert adjustments.listen[0][3][0] == "127.0.0.1"
    assert adjustments.trusted_proxy == "127.0.0.1"
    assert adjustments.trusted_proxy_headers == {"x-forwarded-proto"}
    assert adjustments.clear_untrusted_proxy_headers is False
    assert 4 <= adjustments.threads <= 16
    assert 1_000_000 <= adjustments.max_request_body_size <= 1_200_000


def test_web_config_platform_settings():
    platform = web_config_platform()
    environment = web_config_environment()
    hours, minutes, seconds = (int(part) for part in platform.get("requestTimeout").split(":"))

    assert platform.get("processPath") == r".\.venv\Scripts\python.exe"
    assert platform.get("stdoutLogEnabled") == "true"
    assert platform.get("stdoutLogFile")
    assert environment["PYORCHESTRATOR_ENVIRONMENT"] == "production"
    assert environment["LOG_FORMAT"] in {"plain", "json"}
    assert "DJANGO_SECRET_KEY" not in environment
    assert hours * 3600 + minutes * 60 + seconds > QUERY_TIMEOUT_LIMIT


def test_deploy_check_passes(tmp_path):
    result = run_manage(production_environment(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY is required", id="no-secret-key"),
        pytest.param({"DJANGO_ALLOWED_HOSTS": None}, "DJANGO_ALLOWED_HOSTS is required", id="no-allowed-hosts"),
        pytest.param({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off", id="debug-on"),
        pytest.param({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be plain or json", id="bad-log-format"),
    ],
)
def test_production_start_refused(tmp_path, overrides, message):
    result = run_manage(production_environment(tmp_path, **overrides), "check")

    assert result.returncode != 0
    assert message in result.stderr


@pytest.fixture(scope="module")
def production_server():
    """Yield (port, API key, log path) of the service in production mode under waitress."""
    with private_temp_dir("pyorchestrator-production-") as var_dir:
        # create_unmanaged_tables refuses in production, so the tables are made first.
        setup_environment = production_environment(var_dir, PYORCHESTRATOR_ENVIRONMENT="development")
        for command in (["migrate", "--noinput"], ["create_unmanaged_tables"]):
            result = run_manage(setup_environment, *command)
            assert result.returncode == 0, result.stderr
        api_key = create_api_key(setup_environment, "iis-tests")

        environment = production_environment(var_dir)
        log_path = var_dir / "waitress.log"
        with waitress_server(environment, log_path) as port:
            yield port, api_key, log_path


def test_healthz_ok_behind_iis(production_server):
    port, _key, _log = production_server
    response = request(port, "GET", "/healthz", headers=IIS_HEADERS)

    assert response.status == 200
    assert response.json() == {
        "status": "ok",
        "databases": {"default": "ok", "orchestrator": "ok", "vejman": "ok"},
    }
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_plain_http_redirected(production_server):
    port, _key, _log = production_server
    headers = {key: value for key, value in IIS_HEADERS.items() if key != "X-Forwarded-Proto"}
    response = request(port, "GET", "/healthz", headers=headers)

    assert response.status == 301
    assert response.headers["Location"] == f"https://{PUBLIC_HOST}/healthz"


def test_unknown_host_rejected(production_server):
    # A Host header outside DJANGO_ALLOWED_HOSTS gets a JSON 400, also with IIS's headers.
    port, _key, _log = production_server
    response = request(port, "GET", "/healthz", headers={**IIS_HEADERS, "Host": "evil.example"})

    assert response.status == 400
    assert response.json() == {"error": "Bad request."}


def test_queue_insert_behind_iis(production_server):
    port, key, _log = production_server
    response = request(
        port, "POST", "/api/queue", body={"queue_name": "Borgerbreve"}, headers={**IIS_HEADERS, "X-API-Key": key}
    )

    assert response.status == 201
    assert response.json()["success"] is True


def test_admin_static_served(production_server):
    port, _key, _log = production_server
    response = request(port, "GET", "/static/admin/css/base.css", headers=IIS_HEADERS)

    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/css")
    assert b"body" in response.body


def test_admin_login_page_renders(production_server):
    port, _key, _log = production_server
    response = request(port, "GET", "/admin/login/", headers=IIS_HEADERS)

    assert response.status == 200
    assert b"/static/admin/css/base.css" in response.body
    assert "secure" in response.headers.get("Set-Cookie", "").lower()


def test_body_over_limit_json_413(production_server):
    port, key, _log = production_server
    body = json.dumps({"queue_name": "q", "data": "x" * 1_050_000}).encode()
    response = request(port, "POST", "/api/queue", body=body, headers={**IIS_HEADERS, "X-API-Key": key})

    assert response.status == 413
    assert response.json() == {"error": "The request body is larger than 1048576 bytes."}


def test_caught_error_logged_as_json(production_server):
    port, _key, log_path = production_server
    request(port, "POST", "/api/queue", body={"queue_name": "q"}, headers={**IIS_HEADERS, "X-API-Key": "wrong.key"})

    records = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    answered = [record for record in records if re.match(r"Answered 401 to ", record["message"])]
    assert answered, log_path.read_text()[-2000:]
    assert answered[-1]["level"] == "INFO"
    assert "wrong.key" not in log_path.read_text()
