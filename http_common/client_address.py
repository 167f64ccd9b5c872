"""Who is calling, by network address: the one computation every per-address limit uses.

Behind a reverse proxy the connection comes from the proxy, so the real client is read from the
header the proxy writes (`X-Forwarded-For` or `Forwarded`, TRUSTED_PROXY_HEADER) — but only when
the connection itself comes from a trusted proxy (TRUSTED_PROXIES). Each proxy appends the
address it saw, so the hops are read from the right: the first one that is not a trusted proxy
is the client. Whatever a caller wrote further left is never believed, and a header sent by
anyone but a trusted proxy changes nothing.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence

from settings import ProxyHeader, Settings

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# `for=` in a Forwarded element: a token or a quoted string ("[2001:db8::1]:4711").
_FORWARDED_FOR = re.compile(r'(?:^|;)\s*for\s*=\s*("(?:[^"\\]|\\.)*"|[^;,\s]*)', re.IGNORECASE)


def parse_networks(entries: Iterable[str]) -> tuple[IPNetwork, ...]:
    """ "10.0.0.1", "10.0.0.0/8", "::1" → networks; ValueError names a bad entry."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


class ClientAddressResolver:
    def __init__(self, trusted: Sequence[IPNetwork], header: ProxyHeader) -> None:
        self._trusted = tuple(trusted)
        self._header = header

    @classmethod
    def from_settings(cls, settings: Settings) -> ClientAddressResolver:
        return cls(parse_networks(settings.trusted_proxies), settings.trusted_proxy_header)

    def resolve(self, peer: str | None, headers: Sequence[tuple[str, str]]) -> str | None:
        """The client's address from the connection's peer and the request's headers (name in
        lower case, value; every occurrence, in order)."""
        if peer is None or not self._trusted or not self._is_trusted(peer):
            return peer
        hops = [hop for name, value in headers if name == self._header for hop in self._hops(value)]
        for hop in reversed(hops):
            if not self._is_trusted(hop):
                return hop
        # Every hop is a proxy of ours (or there is no header): the farthest one is the client.
        return hops[0] if hops else peer

    def _is_trusted(self, address: str) -> bool:
        parsed = _address(address)
        return parsed is not None and any(parsed in network for network in self._trusted)

    def _hops(self, value: str) -> list[str]:
        if self._header is ProxyHeader.X_FORWARDED_FOR:
            return [_bare(part) for part in value.split(",") if part.strip()]
        hops = []
        for element in value.split(","):
            match = _FORWARDED_FOR.search(element)
            # An element without `for=` still is a hop, of an unknown address.
            hops.append(_bare(match.group(1)) if match else "unknown")
        return hops


def _address(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _bare(hop: str) -> str:
    """`"[2001:db8::1]:4711"`, `192.0.2.1:8080`, ` 192.0.2.1 ` → the address alone."""
    hop = hop.strip().strip('"').strip()
    if hop.startswith("["):
        return hop[1 : hop.find("]")] if "]" in hop else hop
    if hop.count(":") == 1:  # IPv4 with a port (an IPv6 address has several colons)
        return hop.split(":")[0]
    return hop
