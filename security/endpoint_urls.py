"""An endpoint URL, checked at registration and again before every delivery: its form, then
every address its host resolves to (domain/webhooks.py holds the rules).

A delivery connects to an address that was checked (`VettedUrl.pinned`), never resolves the name
a second time: a host whose name points elsewhere between the check and the connection (DNS
rebinding) cannot steer the POST to a private address."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass

from domain.webhooks import UrlPolicy, UrlRefused, check_addresses, parse_endpoint_url


@dataclass(frozen=True, slots=True)
class VettedUrl:
    url: str
    host: str  # the Host header: the name, and the port if the URL gives one
    server_name: str  # over HTTPS, the name the certificate must bear (SNI)
    pinned: str  # the same URL with the checked address in place of the name


async def check_endpoint_url(url: str, policy: UrlPolicy) -> VettedUrl:
    """Raise UrlRefused (its message in French) unless the URL may receive deliveries."""
    parts = parse_endpoint_url(url, policy)
    host = parts.hostname or ""
    try:
        found = await asyncio.get_running_loop().getaddrinfo(
            host, parts.port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
        )
    except (OSError, UnicodeError):
        raise UrlRefused("Le nom de cette adresse ne peut pas être résolu.") from None
    addresses = [str(info[4][0]).split("%")[0] for info in found]
    check_addresses(addresses, policy)
    # One address to connect to: IPv4 first, as most receivers listen there.
    address = min((ipaddress.ip_address(a) for a in addresses), key=lambda a: a.version)
    literal = f"[{address}]" if address.version == 6 else str(address)
    netloc = literal + (f":{parts.port}" if parts.port else "")
    host_header = parts.netloc.rpartition("@")[2]
    return VettedUrl(url, host_header, host, parts._replace(netloc=netloc).geturl())
