"""The client address from a connection and its forwarding headers (http_common/client_address.py):
rightmost untrusted hop, only behind a trusted proxy; and a service call escapes the public
per-address limits."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from starlette.requests import Request

from http_common.client_address import ClientAddressResolver, parse_networks
from http_common.deps import client_address, mark_service_call, network_address
from settings import ProxyHeader, Settings

XFF = ProxyHeader.X_FORWARDED_FOR


def resolver(*trusted: str, header: ProxyHeader = XFF) -> ClientAddressResolver:
    return ClientAddressResolver(parse_networks(trusted), header)


def test_no_trusted_proxy_means_the_peer() -> None:
    assert resolver().resolve("192.0.2.1", [("x-forwarded-for", "203.0.113.9")]) == "192.0.2.1"


def test_a_header_from_an_untrusted_peer_is_ignored() -> None:
    found = resolver("10.0.0.0/8").resolve("192.0.2.1", [("x-forwarded-for", "203.0.113.9")])
    assert found == "192.0.2.1"


@pytest.mark.parametrize(
    ("header", "client"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the left part is the caller's own
        ("203.0.113.9, 10.0.0.7", "203.0.113.9"),  # two proxies of ours
        ("10.0.0.8, 10.0.0.7", "10.0.0.8"),  # only proxies: the farthest
        ("203.0.113.9:5050", "203.0.113.9"),
        ("[2001:db8::5]:443", "2001:db8::5"),
        ("2001:db8::5", "2001:db8::5"),
    ],
)
def test_the_rightmost_untrusted_hop(header: str, client: str) -> None:
    assert resolver("10.0.0.0/8").resolve("10.0.0.1", [("x-forwarded-for", header)]) == client


def test_several_header_lines_are_one_list() -> None:
    headers = [("x-forwarded-for", "198.51.100.1"), ("x-forwarded-for", "203.0.113.9")]
    assert resolver("10.0.0.1").resolve("10.0.0.1", headers) == "203.0.113.9"


def test_a_trusted_proxy_without_header_is_the_client() -> None:
    assert resolver("10.0.0.1").resolve("10.0.0.1", []) == "10.0.0.1"


def test_the_forwarded_header() -> None:
    forwarded = resolver("10.0.0.0/8", header=ProxyHeader.FORWARDED)
    headers = [("forwarded", 'for=198.51.100.1, for="[2001:db8::9]:80";proto=https')]
    assert forwarded.resolve("10.0.0.1", headers) == "2001:db8::9"
    # Only the header the proxies write is read.
    assert forwarded.resolve("10.0.0.1", [("x-forwarded-for", "203.0.113.9")]) == "10.0.0.1"
    assert forwarded.resolve("10.0.0.1", [("forwarded", "by=10.0.0.1")]) == "unknown"


def test_the_settings_refuse_a_bad_entry() -> None:
    with pytest.raises(ValueError, match="not an address or CIDR"):
        Settings(trusted_proxies="10.0.0.0/8,proxy.local")
    assert Settings(trusted_proxies="10.0.0.0/8, ::1").trusted_proxies == ["10.0.0.0/8", "::1"]


def _request(peer: str, headers: list[tuple[bytes, bytes]]) -> Request:
    app = SimpleNamespace(state=SimpleNamespace(services=SimpleNamespace(addresses=resolver())))
    scope = {"type": "http", "client": (peer, 5000), "headers": headers, "app": app}
    return Request(scope)


def test_a_service_call_escapes_the_per_address_limits() -> None:
    request = _request("192.0.2.1", [(b"x-forwarded-for", b"203.0.113.9")])
    assert client_address(request) == "192.0.2.1"
    mark_service_call(request, "cli_0123456789abcdef")
    assert client_address(request) is None
    assert network_address(request) == "192.0.2.1"
