"""An endpoint URL, checked at registration and again before every delivery: its form, then
every address its host resolves to (domain/webhooks.py holds the rules)."""

from __future__ import annotations

import asyncio
import socket

from domain.webhooks import UrlPolicy, UrlRefused, check_addresses, parse_endpoint_url


async def check_endpoint_url(url: str, policy: UrlPolicy) -> None:
    """Raise UrlRefused (its message in French) unless the URL may receive deliveries."""
    parts = parse_endpoint_url(url, policy)
    host = parts.hostname or ""
    try:
        found = await asyncio.get_running_loop().getaddrinfo(
            host, parts.port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
        )
    except (OSError, UnicodeError):
        raise UrlRefused("Le nom de cette adresse ne peut pas être résolu.") from None
    check_addresses([str(info[4][0]) for info in found], policy)
