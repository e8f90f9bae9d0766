"""The client address: forwarded headers from trusted proxies only, right-most untrusted entry."""

import pytest
from django.test import RequestFactory

from pyorchestrator.client_ip import decide_client_ip, get_client_ip, parse_address

IIS = "127.0.0.1"


@pytest.fixture
def behind_iis(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1"]


@pytest.mark.parametrize(
    "entry, expected",
    [
        pytest.param("203.0.113.7", "203.0.113.7", id="v4"),
        pytest.param("203.0.113.7:51861", "203.0.113.7", id="v4-port"),
        pytest.param("[2001:db8::1]:51760", "2001:db8::1", id="v6-brackets-port"),
        pytest.param("2001:db8::1", "2001:db8::1", id="v6"),
        pytest.param("[2001:DB8:0::1]", "2001:db8::1", id="v6-brackets-uppercase"),
        pytest.param("  203.0.113.7  ", "203.0.113.7", id="v4-spaces"),
        pytest.param("::ffff:203.0.113.7", "203.0.113.7", id="v4-mapped-v6"),
        pytest.param("fe80::1%eth0", "fe80::1", id="v6-zone-index"),
    ],
)
def test_parse_address_forms(entry, expected):
    assert str(parse_address(entry)) == expected


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param("", id="empty"),
        pytest.param("unknown", id="word"),
        pytest.param("203.0.113.7:port", id="v4-port-not-number"),
        pytest.param("203.0.113.7:70000", id="v4-port-too-large"),
        pytest.param("[2001:db8::1", id="v6-unclosed-bracket"),
        pytest.param("[2001:db8::1]51760", id="v6-port-without-colon"),
        pytest.param("203.0.113.256", id="v4-octet-too-large"),
        pytest.param("_hidden", id="obfuscated-identifier"),
    ],
)
def test_parse_address_rejects_non_address(entry):
    assert parse_address(entry) is None


@pytest.mark.parametrize(
    "forwarded_for, expected",
    [
        pytest.param("203.0.113.7", "203.0.113.7", id="v4"),
        pytest.param("203.0.113.7:51861", "203.0.113.7", id="v4-port"),
        pytest.param("[2001:db8::1]:51760", "2001:db8::1", id="v6-brackets-port"),
        pytest.param("2001:db8::1", "2001:db8::1", id="v6"),
    ],
)
def test_iis_forms_give_client(behind_iis, forwarded_for, expected):
    assert decide_client_ip(IIS, forwarded_for) == expected


def test_forged_left_entry_ignored(behind_iis):
    # The client sent "X-Forwarded-For: 198.51.100.1"; IIS appended its real address.
    assert decide_client_ip(IIS, "198.51.100.1, 203.0.113.7:51861") == "203.0.113.7"


def test_forged_trusted_looking_entry_ignored(behind_iis):
    # A client cannot pass as a trusted proxy by naming one to the left of itself.
    assert decide_client_ip(IIS, "127.0.0.1, 203.0.113.7:51861") == "203.0.113.7"


def test_header_ignored_from_untrusted_peer(behind_iis):
    assert decide_client_ip("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_header_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = []

    assert decide_client_ip(IIS, "203.0.113.7:51861") == IIS


def test_proxy_chain_skips_trusted_hops(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]

    assert decide_client_ip(IIS, "198.51.100.1, 203.0.113.7, 10.1.2.3:443") == "203.0.113.7"


def test_all_trusted_entries_give_left_most(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]

    assert decide_client_ip(IIS, "10.9.9.9, 10.1.2.3") == "10.9.9.9"


def test_non_address_entry_stops_at_proxy(behind_iis):
    assert decide_client_ip(IIS, "203.0.113.7, garbage") == IIS


def test_empty_entries_skipped(behind_iis):
    assert decide_client_ip(IIS, "203.0.113.7:51861, ,") == "203.0.113.7"


def test_remote_addr_normalised(settings):
    settings.TRUSTED_PROXIES = []

    assert decide_client_ip("2001:DB8:0:0::1", "") == "2001:db8::1"
    assert decide_client_ip("::ffff:203.0.113.7", "") == "203.0.113.7"


def test_missing_remote_addr_gives_placeholder():
    assert decide_client_ip("", "") == "0.0.0.0"


def test_get_client_ip_reads_request(behind_iis):
    request = RequestFactory().get("/api/queue", REMOTE_ADDR=IIS, HTTP_X_FORWARDED_FOR="[2001:db8::1]:51760")

    assert get_client_ip(request) == "2001:db8::1"


def test_trusted_proxy_without_header_warns_once(behind_iis, monkeypatch, caplog):
    from pyorchestrator import client_ip

    monkeypatch.setattr(client_ip, "_missing_forwarded_for_warned", False)

    with caplog.at_level("WARNING", logger="pyorchestrator.client_ip"):
        first = decide_client_ip(IIS, "")
        decide_client_ip(IIS, "")

    assert first == IIS
    assert caplog.text.count("--no-clear-untrusted-proxy-headers") == 1
