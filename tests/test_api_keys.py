"""API keys: revocation and expiry at once, the legacy shared secret, commands, the request log."""

import logging
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_api_key.models import APIKey

from tests.conftest import API_TEST

pytestmark = API_TEST

LEGACY_SECRET = "the-flask-shared-secret-0123456789"


def post_queue(key, address="203.0.113.30"):
    client = APIClient()
    headers = {"REMOTE_ADDR": address}
    if key is not None:
        headers["HTTP_X_API_KEY"] = key
    return client.post("/api/queue", {"queue_name": "Borgerbreve"}, format="json", **headers)


def run_command(*args) -> str:
    output = StringIO()
    call_command(*args, stdout=output)
    return output.getvalue()


def test_valid_key_accepted(api_key):
    assert post_queue(api_key).status_code == 201


def test_revoked_key_401_at_once(api_key):
    assert post_queue(api_key).status_code == 201

    APIKey.objects.filter(name="tests").update(revoked=True)

    response = post_queue(api_key)
    assert response.status_code == 401
    assert response.json() == {"error": "The API key is invalid, expired or revoked."}


def test_expired_key_401_at_once(api_key):
    assert post_queue(api_key).status_code == 201

    APIKey.objects.filter(name="tests").update(expiry_date=timezone.now() - timedelta(seconds=1))

    assert post_queue(api_key).status_code == 401


def test_future_expiry_accepted(api_key):
    APIKey.objects.filter(name="tests").update(expiry_date=timezone.now() + timedelta(days=1))

    assert post_queue(api_key).status_code == 201


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("garbage", id="no-prefix"),
        pytest.param("AbCd1234.secret", id="unknown-prefix"),
        pytest.param(".", id="dot-only"),
        pytest.param("x" * 5000, id="very-long"),
    ],
)
def test_invalid_key_401_json(key):
    response = post_queue(key)

    assert response.status_code == 401
    assert response.json() == {"error": "The API key is invalid, expired or revoked."}


def test_legacy_secret_accepted_when_set(settings):
    settings.LEGACY_API_KEY = LEGACY_SECRET

    assert post_queue(LEGACY_SECRET).status_code == 201


def test_legacy_secret_rejected_when_unset(settings):
    settings.LEGACY_API_KEY = ""

    assert post_queue(LEGACY_SECRET).status_code == 401
    assert post_queue("").status_code == 401


def test_legacy_secret_near_miss_rejected(settings):
    settings.LEGACY_API_KEY = LEGACY_SECRET

    assert post_queue(LEGACY_SECRET[:-1]).status_code == 401
    assert post_queue(LEGACY_SECRET + "x").status_code == 401


def test_legacy_use_logged_once_per_address(settings, caplog):
    settings.LEGACY_API_KEY = LEGACY_SECRET

    with caplog.at_level(logging.WARNING, logger="pyorchestrator.security"):
        for _ in range(3):
            post_queue(LEGACY_SECRET, address="203.0.113.31")
        post_queue(LEGACY_SECRET, address="203.0.113.32")

    messages = [record.getMessage() for record in caplog.records if "legacy shared secret" in record.getMessage()]
    assert len(messages) == 2
    assert "203.0.113.31" in messages[0]
    assert "203.0.113.32" in messages[1]
    assert LEGACY_SECRET not in caplog.text


def test_request_log_names_key_never_secret(api_key, caplog):
    prefix, secret = api_key.split(".")
    with caplog.at_level(logging.INFO, logger="pyorchestrator.requests"):
        post_queue(api_key, address="203.0.113.33")

    [record] = [record for record in caplog.records if record.name == "pyorchestrator.requests"]
    line = record.getMessage()
    assert line.startswith("POST /api/queue 201 ")
    assert "client=203.0.113.33" in line
    assert f"key=tests ({prefix})" in line
    assert secret not in line


def test_request_log_rejected_and_missing(caplog):
    with caplog.at_level(logging.INFO, logger="pyorchestrator.requests"):
        post_queue("AbCd1234.secret-part")
        post_queue(None)

    lines = [record.getMessage() for record in caplog.records if record.name == "pyorchestrator.requests"]
    assert " 401 " in lines[0]
    assert "key=rejected (AbCd1234)" in lines[0]
    assert "key=missing" in lines[1]
    assert "secret-part" not in caplog.text


def test_request_log_uses_forwarded_client(settings, api_key, caplog):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=api_key)

    with caplog.at_level(logging.INFO, logger="pyorchestrator.requests"):
        client.get("/vejmankassen?status=Ny", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="[2001:db8::7]:50123")

    [line] = [record.getMessage() for record in caplog.records if record.name == "pyorchestrator.requests"]
    assert "client=2001:db8::7" in line
    assert "?status" not in line


def test_admin_requests_not_in_request_log(client, caplog):
    with caplog.at_level(logging.INFO, logger="pyorchestrator.requests"):
        client.get("/admin/login/")

    assert not [record for record in caplog.records if record.name == "pyorchestrator.requests"]


# --- Management commands ---


def test_create_key_prints_working_key():
    output = run_command("create_api_key", "OS2Forms")

    key = output.strip().splitlines()[-1]
    assert post_queue(key).status_code == 201
    assert APIKey.objects.get(name="OS2Forms").expiry_date is None


def test_create_key_expires_end_of_date():
    day = (datetime.now() + timedelta(days=30)).date()

    run_command("create_api_key", "Robot", "--expires", day.isoformat())

    expected = datetime.combine(day + timedelta(days=1), datetime.min.time())
    assert APIKey.objects.get(name="Robot").expiry_date == expected


def test_create_key_expires_local_datetime():
    moment = (datetime.now() + timedelta(days=3)).replace(microsecond=0)

    run_command("create_api_key", "Robot", "--expires", moment.isoformat())

    assert APIKey.objects.get(name="Robot").expiry_date == moment


@pytest.mark.parametrize(
    "value, message",
    [
        pytest.param("2020-01-01", "in the future", id="past-date"),
        pytest.param("2020-01-01T10:00", "in the future", id="past-datetime"),
        pytest.param("next tuesday", "ISO date", id="not-iso"),
        pytest.param("2027-02-30", "ISO date", id="no-such-day"),
    ],
)
def test_create_key_bad_expiry_rejected(value, message):
    with pytest.raises(CommandError, match=message):
        run_command("create_api_key", "Robot", "--expires", value)

    assert not APIKey.objects.exists()


def test_revoke_key_by_name(api_key):
    output = run_command("revoke_api_key", "tests")

    assert f"prefix {api_key.split('.')[0]}" in output
    assert post_queue(api_key).status_code == 401


def test_revoke_key_by_prefix_only_that_one():
    first, first_key = APIKey.objects.create_key(name="Robot")
    _, second_key = APIKey.objects.create_key(name="Robot")

    run_command("revoke_api_key", "Robot", "--prefix", first.prefix)

    assert post_queue(first_key).status_code == 401
    assert post_queue(second_key).status_code == 201


def test_revoke_unknown_name_fails():
    with pytest.raises(CommandError, match="No unrevoked API key is named 'Nobody'"):
        run_command("revoke_api_key", "Nobody")


def test_list_keys_never_prints_key(api_key):
    _, revoked_key = APIKey.objects.create_key(name="Old robot", revoked=True)
    _, expired_key = APIKey.objects.create_key(name="Expired", expiry_date=timezone.now() - timedelta(days=1))

    output = run_command("list_api_keys")

    assert output.splitlines()[0].split() == ["name", "prefix", "created", "expires", "state"]
    for key, state in [(api_key, "active"), (revoked_key, "revoked"), (expired_key, "expired")]:
        prefix, secret = key.split(".")
        [line] = [line for line in output.splitlines() if prefix in line]
        assert line.endswith(state)
        assert secret not in output


def test_list_keys_empty():
    assert run_command("list_api_keys").strip() == "No API keys."
