"""Backend services as clients of the API (SPEC §8): their keys, scopes and quotas.

A key is `esp_` + 32 random bytes (URL-safe base64), shown once by the admin command; only its
keyed digest (HMAC under IDENTIFIER_HASH_KEY) is stored, so the table alone opens nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from security.keyed_hash import KeyedHasher
from services.errors import InvalidClient
from services.throttle import Clock, utc_now
from storage.service_clients import ServiceClientRepository, key_is_valid
from storage.tables import ServiceClient, ServiceKey

KEY_PREFIX = "esp_"
KEY_RANDOM_BYTES = 32
# Two keys valid at once: the new one is handed over before the old one is revoked.
VALID_KEYS_PER_CLIENT = 2

INVALID_CLIENT = "Clé de service absente, inconnue, expirée ou révoquée."


class Scope(StrEnum):
    ENROLLMENTS = "enrollments"  # start invitations, read the ones it started
    EVENTS = "events"  # manage its webhook endpoints


@dataclass(frozen=True, slots=True)
class AuthenticatedClient:
    """Who is calling, as the routes see it: never the key."""

    client_id: str
    name: str
    scopes: frozenset[Scope]
    quota_per_minute: int


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A key as made: the only time the key itself exists outside the caller's hands."""

    client_id: str
    key_id: str
    key: str


class KeyLimitReached(Exception):
    """The client already holds two valid keys: one must be revoked first."""


class UnknownClient(Exception):
    pass


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(KEY_RANDOM_BYTES)


def _new_id(prefix: str) -> str:
    return prefix + secrets.token_hex(8)


def parse_scopes(raw: str) -> frozenset[Scope]:
    """ "enrollments,events" → the scopes; ValueError names the unknown ones."""
    names = {part.strip() for part in raw.split(",") if part.strip()}
    unknown = sorted(names - {s.value for s in Scope})
    if unknown or not names:
        raise ValueError(f"unknown scopes: {', '.join(unknown)}" if unknown else "no scope given")
    return frozenset(Scope(name) for name in names)


def _scopes_column(scopes: frozenset[Scope]) -> str:
    return ",".join(sorted(scopes))


class ServiceClients:
    def __init__(
        self, repository: ServiceClientRepository, keyed: KeyedHasher, clock: Clock = utc_now
    ) -> None:
        self._repository = repository
        self._keyed = keyed
        self._clock = clock

    # -- the admin command ---------------------------------------------------------------------

    def create(self, name: str, scopes: frozenset[Scope], quota_per_minute: int) -> IssuedKey:
        client = ServiceClient(
            id=_new_id("cli_"),
            name=name,
            scopes=_scopes_column(scopes),
            quota_per_minute=quota_per_minute,
            created_at=self._clock(),
        )
        key, issued = self._key_for(client.id, None)
        self._repository.create(client, key)
        return issued

    def add_key(self, client_id: str, expires_in: timedelta | None = None) -> IssuedKey:
        if self._repository.get(client_id) is None:
            raise UnknownClient(client_id)
        now = self._clock()
        key, issued = self._key_for(client_id, now + expires_in if expires_in else None)
        if not self._repository.add_key(key, now, VALID_KEYS_PER_CLIENT):
            raise KeyLimitReached(client_id)
        return issued

    def revoke_key(self, key_id: str) -> ServiceKey | None:
        return self._repository.revoke_key(key_id, self._clock())

    def disable(self, client_id: str) -> ServiceClient | None:
        return self._repository.disable(client_id)

    def all(self) -> list[tuple[ServiceClient, list[ServiceKey]]]:
        return self._repository.all()

    def _key_for(self, client_id: str, expires_at: datetime | None) -> tuple[ServiceKey, IssuedKey]:
        key = new_key()
        row = ServiceKey(
            key_id=_new_id("key_"),
            client_id=client_id,
            key_digest=self._keyed.service_key_digest(key),
            created_at=self._clock(),
            expires_at=expires_at,
        )
        return row, IssuedKey(client_id, row.key_id, key)

    # -- the API's key check -------------------------------------------------------------------

    def authenticate(self, key: str) -> AuthenticatedClient:
        """The client holding this key, or InvalidClient: one answer for a missing, malformed,
        unknown, expired or revoked key and for a disabled client."""
        if not key.startswith(KEY_PREFIX):
            raise InvalidClient(INVALID_CLIENT)
        # Looked up by its keyed digest: the key itself is never compared or stored.
        found = self._repository.key_owner(self._keyed.service_key_digest(key))
        if found is None or found.client.disabled or not key_is_valid(found.key, self._clock()):
            raise InvalidClient(INVALID_CLIENT)
        client = found.client
        return AuthenticatedClient(
            client_id=client.id,
            name=client.name,
            scopes=frozenset(Scope(s) for s in client.scopes.split(",") if s),
            quota_per_minute=client.quota_per_minute,
        )


def as_utc(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None
