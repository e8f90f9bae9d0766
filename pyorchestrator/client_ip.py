"""The one decision on a request's client address.

The IP ban, the rate limits, the request log and django-axes all call
`get_client_ip`. In production, IIS httpPlatformHandler forwards requests
to waitress on 127.0.0.1 and appends the address it received the request
from to `X-Forwarded-For` as `address:port` (`203.0.113.7:51861`,
`[2001:db8::1]:51760`). A client can send its own `X-Forwarded-For`, so
entries count only from the right-hand end and only while each hop is a
configured proxy (settings.TRUSTED_PROXIES).
"""

import ipaddress
import logging
from functools import lru_cache

from django.conf import settings

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# The attribute under which the decided address is kept on the HttpRequest,
# so the header is parsed once per request however many callers ask.
_REQUEST_ATTRIBUTE = "_pyorchestrator_client_ip"

# The address used when REMOTE_ADDR is missing or not an address. A WSGI
# server on a TCP socket always sends one, and so does Django's test client.
UNKNOWN_ADDRESS = "0.0.0.0"


def parse_address(value: str) -> IPAddress | None:
    """Return the address in one forwarded entry, or None when it contains none.

    Accepts `203.0.113.7`, `203.0.113.7:51861`, `2001:db8::1`,
    `[2001:db8::1]` and `[2001:db8::1]:51760`. An IPv4-mapped IPv6 address
    (`::ffff:203.0.113.7`) becomes the IPv4 address, so one client has one
    form in the ban table and the rate-limit counters.
    """
    text = value.strip()
    if text.startswith("["):
        host, bracket, port = text[1:].partition("]")
        if not bracket or (port and not _is_port(port)):
            return None
    elif text.count(":") == 1:
        host, _, port = text.partition(":")
        if not _is_port(":" + port):
            return None
    else:
        host = text

    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.scope_id:
            # A zone index names an interface of the proxy, not the client.
            return ipaddress.IPv6Address(host.split("%", 1)[0])
    return address


def _is_port(text: str) -> bool:
    return text.startswith(":") and text[1:].isdigit() and 0 < int(text[1:]) <= 65535


def parse_networks(entries) -> tuple[IPNetwork, ...]:
    """Return the networks of `entries` (addresses or CIDR networks).

    Raises ValueError naming the first entry that is neither.
    """
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as error:
            raise ValueError(f"{entry!r} is not an IP address or network: {error}") from error
    return tuple(networks)


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return parse_networks(entries)


def address_in(address: IPAddress | str, entries) -> bool:
    """Return True if `address` is in one of the networks listed in `entries`."""
    if isinstance(address, str):
        address = ipaddress.ip_address(address)
    return any(address in network for network in _networks(tuple(entries)))


def is_trusted_proxy(address: IPAddress) -> bool:
    return address_in(address, settings.TRUSTED_PROXIES)


def decide_client_ip(remote_addr: str, forwarded_for: str) -> str:
    """Return the client address from REMOTE_ADDR and X-Forwarded-For.

    The forwarded header counts only when REMOTE_ADDR is a trusted proxy.
    Its entries are then read from right to left, skipping trusted proxies,
    and the first untrusted entry is the client: entries to its left were
    written by the client itself and prove nothing. When every entry is a
    trusted proxy, the left-most one is the client. An entry that is not an
    address where the client should be stops the walk at the last proxy.
    """
    remote = parse_address(remote_addr)
    if remote is None:
        return UNKNOWN_ADDRESS
    if not is_trusted_proxy(remote):
        return str(remote)
    if not forwarded_for:
        _warn_missing_forwarded_for(remote)
        return str(remote)

    client = remote
    for entry in reversed(forwarded_for.split(",")):
        if not entry.strip():
            continue
        address = parse_address(entry)
        if address is None:
            logger.warning(
                "Ignored X-Forwarded-For entry that is not an address from proxy %s; using %s.",
                remote,
                client,
            )
            break
        client = address
        if not is_trusted_proxy(address):
            break
    return str(client)


_missing_forwarded_for_warned = False


def _warn_missing_forwarded_for(proxy: IPAddress) -> None:
    """Warn once per process that a trusted proxy sent no X-Forwarded-For.

    waitress removes the header before the application receives it unless
    it runs with --no-clear-untrusted-proxy-headers, and every client then
    has the proxy's address.
    """
    global _missing_forwarded_for_warned
    if _missing_forwarded_for_warned:
        return
    _missing_forwarded_for_warned = True
    logger.warning(
        "A request from trusted proxy %s has no X-Forwarded-For header, so the proxy's address is used "
        "as the client's. Start waitress with --no-clear-untrusted-proxy-headers behind IIS.",
        proxy,
    )


def get_client_ip(request) -> str:
    """Return the normalised client address of a Django or DRF request."""
    http_request = getattr(request, "_request", request)
    cached = getattr(http_request, _REQUEST_ATTRIBUTE, None)
    if cached is not None:
        return cached

    meta = http_request.META
    client_ip = decide_client_ip(meta.get("REMOTE_ADDR", ""), meta.get("HTTP_X_FORWARDED_FOR", ""))
    setattr(http_request, _REQUEST_ATTRIBUTE, client_ip)
    return client_ip
