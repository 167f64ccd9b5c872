"""Service clients and their keys in the database (SPEC §8): the admin command writes them, the
API's key check reads them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from storage.engine import session_scope
from storage.tables import ServiceClient, ServiceKey


@dataclass(frozen=True, slots=True)
class KeyOwner:
    """A key found by its digest, with the client it belongs to."""

    key: ServiceKey
    client: ServiceClient


class ServiceClientRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, client: ServiceClient, key: ServiceKey) -> None:
        """The client and its first key, together or not at all."""
        with session_scope(self.engine) as session:
            session.add(client)
            session.flush()  # the key's foreign key needs the client's row first
            session.add(key)

    def add_key(self, key: ServiceKey, now: datetime, at_most: int) -> bool:
        """Add a key unless the client already holds `at_most` valid ones (False then).

        The client's row is locked for the count (FOR UPDATE on PostgreSQL; SQLite locks the
        database on the first write), so two concurrent add-key cannot both pass the check.
        """
        with session_scope(self.engine) as session:
            owner = col(ServiceClient.id) == key.client_id
            session.exec(select(ServiceClient).where(owner).with_for_update()).one()
            held = session.exec(
                select(ServiceKey).where(col(ServiceKey.client_id) == key.client_id)
            )
            if sum(1 for k in held if key_is_valid(k, now)) >= at_most:
                return False
            session.add(key)
            return True

    def get(self, client_id: str) -> ServiceClient | None:
        with Session(self.engine) as session:
            return session.get(ServiceClient, client_id)

    def key_owner(self, key_digest: str) -> KeyOwner | None:
        with Session(self.engine) as session:
            found = session.exec(
                select(ServiceKey, ServiceClient)
                .join(ServiceClient, col(ServiceClient.id) == col(ServiceKey.client_id))
                .where(col(ServiceKey.key_digest) == key_digest)
            ).first()
            return KeyOwner(found[0], found[1]) if found else None

    def revoke_key(self, key_id: str, now: datetime) -> ServiceKey | None:
        """Revoke a key (a key revoked already keeps its first revocation time)."""
        with session_scope(self.engine) as session:
            key = session.get(ServiceKey, key_id)
            if key is None:
                return None
            if key.revoked_at is None:
                key.revoked_at = now
                session.add(key)
            return key

    def disable(self, client_id: str) -> ServiceClient | None:
        with session_scope(self.engine) as session:
            client = session.get(ServiceClient, client_id)
            if client is None:
                return None
            client.disabled = True
            session.add(client)
            return client

    def all(self) -> list[tuple[ServiceClient, list[ServiceKey]]]:
        with Session(self.engine) as session:
            clients = session.exec(select(ServiceClient).order_by(col(ServiceClient.created_at)))
            keys = session.exec(select(ServiceKey).order_by(col(ServiceKey.created_at))).all()
            return [(c, [k for k in keys if k.client_id == c.id]) for c in clients]


def key_is_valid(key: ServiceKey, now: datetime) -> bool:
    """Neither revoked nor past its expiry."""
    return key.revoked_at is None and (key.expires_at is None or key.expires_at > now)
