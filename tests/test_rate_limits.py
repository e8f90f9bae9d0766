"""Rate limits per client address and endpoint group, rejected with 429 and Retry-After."""

import logging
import os

import pytest
from django_ratelimit.exceptions import Ratelimited
from rest_framework.test import APIClient

from pyorchestrator.exceptions import json_exception_handler
from pyorchestrator.rate_limits import rate_limit_group
from tests.conftest import API_TEST

CLIENT = "203.0.113.20"
OTHER_CLIENT = "203.0.113.21"

# Rates per day, so that no window ends during a test on a slow machine.
LOW_RATE = "3/d"


def call(api_key, method, path, address=CLIENT):
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=api_key)
    return getattr(client, method)(path, {}, format="json", REMOTE_ADDR=address)


def use_up(api_key, method, path, times=3, address=CLIENT):
    for _ in range(times):
        assert call(api_key, method, path, address).status_code != 429


@pytest.mark.parametrize(
    "path, group",
    [
        pytest.param("/api/queue", "queue", id="queue"),
        pytest.param("/api/queue/", "queue", id="queue-slash"),
        pytest.param("/api/queue/bulk", "queue", id="queue-bulk"),
        pytest.param("/api/queue/8f14e45f-ceea-467f-a0e6-3f1c5c0e2f4b", "queue", id="queue-element"),
        pytest.param("/api/trigger", "trigger", id="trigger"),
        pytest.param("/api/trigger/Nightly%20run", "trigger", id="trigger-by-name"),
        pytest.param("/vejmankassen", "vejman", id="vejman"),
        pytest.param("/api/vejmankassen/", "vejman", id="vejman-api"),
        pytest.param("/vejmankassen/update", "vejman-update", id="vejman-update"),
        pytest.param("/api/vejmankassen/update/", "vejman-update", id="vejman-api-update"),
        pytest.param("/api/queueing", None, id="queue-lookalike"),
        pytest.param("/api/other", None, id="other-api"),
        pytest.param("/admin/", None, id="admin"),
    ],
)
def test_group_by_path_prefix(path, group):
    found = rate_limit_group(path)

    assert (found.name if found else None) == group


@pytest.mark.parametrize(
    "setting, method, path",
    [
        pytest.param("RATE_LIMIT_QUEUE", "post", "/api/queue", id="queue"),
        pytest.param("RATE_LIMIT_TRIGGER", "post", "/api/trigger", id="trigger"),
        pytest.param("RATE_LIMIT_VEJMAN", "get", "/vejmankassen", id="vejman"),
        pytest.param("RATE_LIMIT_VEJMAN_UPDATE", "post", "/vejmankassen/update", id="vejman-update"),
    ],
)
@API_TEST
def test_over_limit_is_429(settings, api_key, setting, method, path):
    setattr(settings, setting, LOW_RATE)
    use_up(api_key, method, path)

    response = call(api_key, method, path)

    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert LOW_RATE in response.json()["error"]
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 86400


@API_TEST
def test_limit_shared_by_group_paths(settings, api_key):
    settings.RATE_LIMIT_QUEUE = LOW_RATE
    use_up(api_key, "post", "/api/queue", times=2)
    use_up(api_key, "get", "/api/queue/bulk", times=1)

    assert call(api_key, "post", "/api/queue/").status_code == 429


@API_TEST
def test_groups_counted_apart(settings, api_key):
    settings.RATE_LIMIT_VEJMAN = LOW_RATE
    settings.RATE_LIMIT_VEJMAN_UPDATE = LOW_RATE
    use_up(api_key, "get", "/vejmankassen")

    assert call(api_key, "post", "/vejmankassen/update").status_code != 429
    assert call(api_key, "get", "/vejmankassen").status_code == 429


@API_TEST
def test_addresses_counted_apart(settings, api_key):
    settings.RATE_LIMIT_TRIGGER = LOW_RATE
    use_up(api_key, "post", "/api/trigger")

    assert call(api_key, "post", "/api/trigger", address=OTHER_CLIENT).status_code != 429
    assert call(api_key, "post", "/api/trigger").status_code == 429


@pytest.mark.parametrize(
    "setting, default",
    [
        pytest.param("RATE_LIMIT_QUEUE", "1000/m", id="queue"),
        pytest.param("RATE_LIMIT_TRIGGER", "10/m", id="trigger"),
        pytest.param("RATE_LIMIT_VEJMAN", "60/m", id="vejman"),
        pytest.param("RATE_LIMIT_VEJMAN_UPDATE", "30/m", id="vejman-update"),
    ],
)
def test_default_rates(settings, setting, default):
    if os.environ.get(setting):
        pytest.skip(f"{setting} is set in the environment.")

    assert getattr(settings, setting) == default


@API_TEST
def test_trigger_limit_ten(settings, api_key):
    # Per day rather than the default per minute, so no window ends mid-test.
    settings.RATE_LIMIT_TRIGGER = "10/d"
    use_up(api_key, "post", "/api/trigger", times=10)

    assert call(api_key, "post", "/api/trigger").status_code == 429


@API_TEST
def test_limit_applies_before_key_check(settings):
    settings.RATE_LIMIT_QUEUE = LOW_RATE
    settings.API_BAN_ALLOWLIST = [CLIENT]
    use_up("AbCd1234.bad", "post", "/api/queue")

    assert call("AbCd1234.bad", "post", "/api/queue").status_code == 429


@API_TEST
def test_first_excess_logged_once(settings, api_key, caplog):
    settings.RATE_LIMIT_TRIGGER = LOW_RATE
    use_up(api_key, "post", "/api/trigger")

    with caplog.at_level(logging.WARNING, logger="pyorchestrator.security"):
        for _ in range(3):
            call(api_key, "post", "/api/trigger")

    assert caplog.text.count("Rate limit 3/d of the trigger group exceeded by 203.0.113.20") == 1


@API_TEST
def test_cache_down_fails_open(settings, api_key, caplog, cache_down):
    settings.RATE_LIMIT_TRIGGER = "1/d"

    with caplog.at_level(logging.ERROR, logger="pyorchestrator.security"):
        statuses = [call(api_key, "post", "/api/trigger").status_code for _ in range(3)]

    assert 429 not in statuses
    assert 500 not in statuses
    assert "The cache is unavailable" in caplog.text


def test_ratelimited_exception_is_429():
    response = json_exception_handler(Ratelimited(), {})

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "Too many requests" in response.content.decode()
