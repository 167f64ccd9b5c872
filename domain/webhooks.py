"""Webhooks for backend services (SPEC §8): the event types, the endpoint URL rules and the
retry schedule. Pure: no I/O here (`security/endpoint_urls.py` resolves the host).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from urllib.parse import SplitResult, urlsplit

SECRET_PREFIX = "whsec_"  # noqa: S105 - the form of a secret, not one
SECRET_RANDOM_BYTES = 32
URL_MAX_LENGTH = 2000
# What the request's JSON Schema declares of a URL; the rules below say the rest.
URL_PATTERN = r"^https?://[^\s/?#]+[^\s]*$"


class EventType(StrEnum):
    INVITED = "enrollment.invited"
    ACTIVATED = "enrollment.activated"
    EXPIRED = "enrollment.expired"
    WITHDRAWN = "enrollment.withdrawn"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class UrlRefused(ValueError):
    """The endpoint URL breaks a rule; the message is the French text shown to the caller."""


@dataclass(frozen=True, slots=True)
class UrlPolicy:
    """`allow_local`: plain HTTP and loopback hosts accepted (development and tests, so that a
    receiver on 127.0.0.1 can be used); never private or link-local ones."""

    allow_local: bool


def parse_endpoint_url(url: str, policy: UrlPolicy) -> SplitResult:
    """Check the URL's form (scheme, host, no credentials); the host is checked once resolved."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise UrlRefused("Cette adresse n'est pas une URL valide.") from None
    if parts.scheme not in ("https", "http") or not parts.hostname or any(c.isspace() for c in url):
        raise UrlRefused("Cette adresse n'est pas une URL valide.")
    if parts.scheme != "https" and not policy.allow_local:
        raise UrlRefused("L'adresse doit commencer par https://.")
    if parts.username is not None or parts.password is not None:
        # Credentials in a URL would be shown back in every listing.
        raise UrlRefused("L'adresse ne doit pas contenir d'identifiant ni de mot de passe.")
    return parts


def check_addresses(addresses: Iterable[str], policy: UrlPolicy) -> None:
    """Every address the host resolves to must be public (loopback too under `allow_local`)."""
    resolved = [ipaddress.ip_address(a.split("%")[0]) for a in addresses]
    if not resolved:
        raise UrlRefused("Le nom de cette adresse ne peut pas être résolu.")
    for address in resolved:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if address.is_loopback and policy.allow_local:
            continue
        if not address.is_global or address.is_multicast:
            raise UrlRefused(
                "L'adresse ne doit pas désigner une machine locale, privée ou de lien local."
            )


@dataclass(frozen=True, slots=True)
class RetrySchedule:
    """Exponential back-off: `initial`, multiplied by `coefficient`, at most `maximum`, for
    `attempts` attempts in all (Temporal's retry policy computes the same intervals)."""

    initial: timedelta
    coefficient: float
    maximum: timedelta
    attempts: int

    def interval_after(self, attempt: int) -> timedelta:
        """The wait after the `attempt`-th attempt (1-based) failed."""
        grown = self.initial.total_seconds() * self.coefficient ** (attempt - 1)
        return min(timedelta(seconds=grown), self.maximum)

    def total(self) -> timedelta:
        return sum((self.interval_after(n) for n in range(1, self.attempts)), timedelta())
