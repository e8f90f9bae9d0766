"""Environment variables of the API protection: accepted forms and rejected values."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from pyorchestrator import settings as project_settings
from pyorchestrator.cache_urls import parse_cache_url


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("10/m", id="per-minute"),
        pytest.param("1000/m", id="large"),
        pytest.param("100/5m", id="multiple-minutes"),
        pytest.param("3/d", id="per-day"),
        pytest.param("5/s", id="per-second"),
    ],
)
def test_rate_accepted(monkeypatch, value):
    monkeypatch.setenv("RATE_LIMIT_TEST", value)

    assert project_settings.env_rate("RATE_LIMIT_TEST", "1/m") == value


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("10", id="no-period"),
        pytest.param("10/minute", id="word-period"),
        pytest.param("ten/m", id="word-count"),
        pytest.param("-1/m", id="negative"),
        pytest.param("10/m;", id="trailing-character"),
    ],
)
def test_rate_rejected(monkeypatch, value):
    monkeypatch.setenv("RATE_LIMIT_TEST", value)

    with pytest.raises(ImproperlyConfigured, match="RATE_LIMIT_TEST must be a rate"):
        project_settings.env_rate("RATE_LIMIT_TEST", "1/m")


def test_rate_default_when_unset(monkeypatch):
    monkeypatch.delenv("RATE_LIMIT_TEST", raising=False)

    assert project_settings.env_rate("RATE_LIMIT_TEST", "10/m") == "10/m"


def test_networks_accepted(monkeypatch):
    monkeypatch.setenv("TRUSTED_TEST", "127.0.0.1, ::1,10.20.0.0/16")

    assert project_settings.env_networks("TRUSTED_TEST") == ["127.0.0.1", "::1", "10.20.0.0/16"]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("iis-server", id="host-name"),
        pytest.param("127.0.0.1:8080", id="with-port"),
        pytest.param("10.0.0.0/33", id="prefix-too-long"),
    ],
)
def test_networks_rejected(monkeypatch, value):
    monkeypatch.setenv("TRUSTED_TEST", value)

    with pytest.raises(ImproperlyConfigured, match="TRUSTED_TEST: .* is not an IP address or network"):
        project_settings.env_networks("TRUSTED_TEST")


@pytest.mark.parametrize(
    "value, message",
    [
        pytest.param("five", "must be a whole number", id="word"),
        pytest.param("0", "must be at least 1", id="zero"),
        pytest.param("-5", "must be at least 1", id="negative"),
    ],
)
def test_int_rejected(monkeypatch, value, message):
    monkeypatch.setenv("API_BAN_TEST", value)

    with pytest.raises(ImproperlyConfigured, match=message):
        project_settings.env_int("API_BAN_TEST", 5)


def test_cache_url_locmem():
    assert parse_cache_url("locmem://", "p")["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_cache_url_redis():
    config = parse_cache_url("redis://127.0.0.1:6379/2", "p")

    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert config["LOCATION"] == "redis://127.0.0.1:6379/2"
    assert config["KEY_PREFIX"] == "p"
    assert config["OPTIONS"]["socket_timeout"] > 0


def test_cache_url_unknown_scheme_hides_password():
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL must start with") as raised:
        parse_cache_url("memcached://user:hunter2@cache:11211", "p")

    assert "hunter2" not in str(raised.value)
