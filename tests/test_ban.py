"""The IP ban: missing and invalid keys on every API route, bans in the database."""

import logging
from io import StringIO
from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from pyorchestrator.bans import lift_bans
from pyorchestrator.models import ClientBan
from tests.conftest import API_TEST

pytestmark = API_TEST

ATTACKER = "203.0.113.66"
NEIGHBOUR = "203.0.113.67"
BAD_KEY = "AbCd1234.not-the-secret-at-all"

API_ROUTES = [
    pytest.param("post", "/api/queue", id="queue"),
    pytest.param("post", "/api/queue/", id="queue-slash"),
    pytest.param("post", "/api/trigger", id="trigger"),
    pytest.param("get", "/vejmankassen", id="vejman-get"),
    pytest.param("post", "/api/vejmankassen", id="vejman-api-post"),
    pytest.param("post", "/vejmankassen/update", id="vejman-update"),
    pytest.param("post", "/api/vejmankassen/update", id="vejman-api-update"),
]


def call(method, path, key=None, address=ATTACKER, **extra):
    client = APIClient()
    headers = {"REMOTE_ADDR": address, **extra}
    if key is not None:
        headers["HTTP_X_API_KEY"] = key
    return getattr(client, method)(path, {}, format="json", **headers)


def reject_times(count, address=ATTACKER, key=BAD_KEY, **extra):
    for _ in range(count):
        response = call("post", "/api/queue", key=key, address=address, **extra)
        assert response.status_code in (401, 403)


def test_five_invalid_keys_ban(api_key):
    reject_times(5)

    response = call("post", "/api/queue", key=api_key)

    assert response.status_code == 403
    assert "banned" in response.json()["error"]
    assert int(response["Retry-After"]) > 3500


def test_four_invalid_keys_no_ban(api_key):
    reject_times(4)

    response = call("post", "/api/queue", key=api_key)

    assert response.status_code == 400  # reached the view: the body is invalid
    assert not ClientBan.objects.exists()


def test_missing_key_counts_same(api_key):
    for _ in range(5):
        assert call("post", "/api/queue").status_code == 401

    assert call("post", "/api/queue", key=api_key).status_code == 403


@pytest.mark.parametrize("method, path", API_ROUTES)
def test_every_route_counts(api_key, method, path):
    for _ in range(5):
        assert call(method, path, key=BAD_KEY).status_code == 401

    assert call(method, path, key=api_key).status_code == 403


def test_counts_add_across_routes(api_key):
    for method, path in [("post", "/api/queue"), ("post", "/api/trigger"), ("get", "/vejmankassen")] * 2:
        call(method, path, key=BAD_KEY)

    assert call("post", "/vejmankassen/update", key=api_key).status_code == 403


def test_ban_blocks_unknown_api_path(api_key):
    reject_times(5)

    assert call("get", "/api/unknown", key=api_key).status_code == 403


def test_ban_leaves_other_address(api_key):
    reject_times(5)

    response = call("post", "/api/queue", key=api_key, address=NEIGHBOUR)

    assert response.status_code == 400
    assert call("post", "/api/queue", key=api_key, address=ATTACKER).status_code == 403


def test_loopback_banned_like_others(api_key):
    reject_times(5, address="127.0.0.1")

    assert call("post", "/api/queue", key=api_key, address="127.0.0.1").status_code == 403


def test_ban_row_records_attempt(api_key):
    reject_times(5)

    ban = ClientBan.objects.get()
    assert ban.address == ATTACKER
    assert ban.attempts == 5
    assert ban.key_prefix == "AbCd1234"
    assert ban.is_active
    assert round((ban.banned_until - ban.banned_at).total_seconds()) == 3600


def test_missing_key_ban_has_no_prefix():
    for _ in range(5):
        call("post", "/api/queue")

    assert ClientBan.objects.get().key_prefix == ""


def test_ban_survives_cache_clear(api_key):
    reject_times(5)
    cache.clear()  # as after a restart: only the database remembers

    assert call("post", "/api/queue", key=api_key).status_code == 403


def test_allowlisted_never_banned(settings, api_key):
    settings.API_BAN_ALLOWLIST = ["203.0.113.0/24"]

    reject_times(20)

    assert call("post", "/api/queue", key=api_key).status_code == 400
    assert not ClientBan.objects.exists()


def test_allowlist_overrides_existing_ban(settings, api_key):
    reject_times(5)
    settings.API_BAN_ALLOWLIST = [ATTACKER]

    assert call("post", "/api/queue", key=api_key).status_code == 400


def test_lifted_ban_allows_at_once(api_key):
    reject_times(5)
    assert call("post", "/api/queue", key=api_key).status_code == 403

    lifted = lift_bans(ClientBan.objects.filter(address=ATTACKER), lifted_by="operator")

    assert lifted == 1
    assert call("post", "/api/queue", key=api_key).status_code == 400
    ban = ClientBan.objects.get()
    assert ban.lifted_by == "operator"
    assert not ban.is_active


def test_lift_resets_count(api_key):
    reject_times(5)
    lift_bans(ClientBan.objects.all(), lifted_by="operator")

    reject_times(4)

    assert call("post", "/api/queue", key=api_key).status_code == 400


def test_deleted_ban_allows_at_once(api_key):
    reject_times(5)
    assert call("post", "/api/queue", key=api_key).status_code == 403

    ClientBan.objects.all().delete()

    assert call("post", "/api/queue", key=api_key).status_code == 400


def test_settings_change_threshold(settings, api_key):
    settings.API_BAN_THRESHOLD = 2
    settings.API_BAN_DURATION = 120

    reject_times(2)

    assert call("post", "/api/queue", key=api_key).status_code == 403
    ban = ClientBan.objects.get()
    assert round((ban.banned_until - ban.banned_at).total_seconds()) == 120


def test_forwarded_client_banned_not_proxy(settings, api_key):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    reject_times(5, address="127.0.0.1", HTTP_X_FORWARDED_FOR=f"{ATTACKER}:51861")

    banned = call("post", "/api/queue", key=api_key, address="127.0.0.1", HTTP_X_FORWARDED_FOR=f"{ATTACKER}:1")
    other = call("post", "/api/queue", key=api_key, address="127.0.0.1", HTTP_X_FORWARDED_FOR=f"{NEIGHBOUR}:2")

    assert banned.status_code == 403
    assert other.status_code == 400
    assert ClientBan.objects.get().address == ATTACKER


def test_forged_forwarded_entry_cannot_dodge_ban(settings, api_key):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for number in range(5):
        forged = f"198.51.100.{number}, {ATTACKER}:5000{number}"
        call("post", "/api/queue", key=BAD_KEY, address="127.0.0.1", HTTP_X_FORWARDED_FOR=forged)

    assert ClientBan.objects.get().address == ATTACKER


def test_security_log_names_prefix_never_key(caplog, api_key):
    secret_key = "AbCd1234.this-part-is-secret"
    with caplog.at_level(logging.WARNING, logger="pyorchestrator.security"):
        reject_times(5, key=secret_key)

    text = caplog.text
    assert "AbCd1234" in text
    assert "this-part-is-secret" not in text
    assert f"Banned {ATTACKER}" in text


def test_known_key_rejection_logs_name(caplog, api_key):
    wrong_secret = api_key.split(".")[0] + ".wrong"
    with caplog.at_level(logging.WARNING, logger="pyorchestrator.security"):
        call("post", "/api/queue", key=wrong_secret)

    assert f"wrong secret for key 'tests' (prefix {api_key.split('.')[0]})" in caplog.text
    assert api_key.split(".")[1] not in caplog.text


def test_unformatted_key_not_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="pyorchestrator.security"):
        call("post", "/api/queue", key="my.old-flask-secret")

    assert "old-flask-secret" not in caplog.text
    assert "my." not in caplog.text
    assert "key not in the key format" in caplog.text


def test_cache_down_still_enforces_ban(api_key, cache_down, caplog):
    ClientBan.objects.create(address=ATTACKER, banned_until=datetime.now() + timedelta(hours=1), attempts=5)

    with caplog.at_level(logging.ERROR, logger="pyorchestrator.security"):
        response = call("post", "/api/queue", key=api_key)

    assert response.status_code == 403
    assert "The cache is unavailable" in caplog.text


def test_cache_down_stops_counting(api_key, cache_down):
    reject_times(6)

    assert call("post", "/api/queue", key=api_key).status_code == 400
    assert not ClientBan.objects.exists()


def test_lift_command_allows_address(api_key):
    reject_times(5)

    output = StringIO()
    call_command("lift_api_ban", ATTACKER, stdout=output)

    assert f"Lifted the API ban of {ATTACKER}" in output.getvalue()
    assert call("post", "/api/queue", key=api_key).status_code == 400


@pytest.mark.parametrize(
    "address, message",
    [
        pytest.param("203.0.113.99", "has no active API ban", id="not-banned"),
        pytest.param("not-an-address", "must be an IPv4 or IPv6 address", id="not-an-address"),
    ],
)
def test_lift_command_rejects(address, message):
    with pytest.raises(CommandError, match=message):
        call_command("lift_api_ban", address, stdout=StringIO())


def test_database_down_in_ban_check_no_500(api_key, monkeypatch, caplog):
    from django.db import OperationalError

    from pyorchestrator import bans

    def unavailable(address):
        raise OperationalError("connection refused")

    monkeypatch.setattr(bans, "_ban_end_from_database", unavailable)

    with caplog.at_level(logging.ERROR, logger="pyorchestrator.security"):
        response = call("post", "/api/queue", key=api_key)

    assert response.status_code == 400  # the key lookup still worked in this test
    assert "could not be checked" in caplog.text
    assert cache.get(f"ban:{ATTACKER}") is None


class FakeClock:
    """A time.time() replacement that tests move forward by hand."""

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.mark.parametrize(
    "seconds_later, expected_count",
    [
        pytest.param(0, 5, id="same-moment"),
        pytest.param(59, 5, id="within-window"),
        pytest.param(75, 1, id="past-window-and-slot"),
    ],
)
def test_rejection_count_window(monkeypatch, seconds_later, expected_count):
    from pyorchestrator import bans

    # Just before a slot boundary, so the later rejection lands in another slot.
    clock = FakeClock(1_800_000_009.5)
    monkeypatch.setattr(bans, "time", clock)
    for _ in range(4):
        bans._count_rejection(ATTACKER)

    clock.now += seconds_later

    assert bans._count_rejection(ATTACKER) == expected_count
