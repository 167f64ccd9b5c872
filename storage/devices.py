"""The browsers recognised for each subscriber (SPEC §9), stored beside the sessions."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, Table, bindparam
from sqlmodel import Session, col, select, update

from storage.engine import session_scope
from storage.subscribers import LAST_USE_PRECISION, USER_AGENT_MAX
from storage.tables import Device

_TABLE: Table = Device.__table__  # type: ignore[attr-defined]


class DeviceRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # Built once, run on a plain connection: every sign-in from a known browser asks, and
        # the ORM's get cost several times the query (storage/attempts.py does the same).
        digest = _TABLE.c.token_digest == bindparam("digest")
        self._seen = select(
            _TABLE.c.subscriber_id, _TABLE.c.last_seen, _TABLE.c.forgotten_at
        ).where(digest)
        self._touch = (
            update(_TABLE).where(digest).values(last_seen=bindparam("now", _TABLE.c.last_seen.type))
        )

    def add(self, token_digest: str, subscriber_id: int, user_agent: str, now: datetime) -> str:
        """A newly recognised device; returns its public ID."""
        with session_scope(self.engine) as session:
            device = Device(
                token_digest=token_digest,
                subscriber_id=subscriber_id,
                user_agent=user_agent[:USER_AGENT_MAX],
                first_seen=now,
                last_seen=now,
            )
            session.add(device)
            return device.device_id

    def recognise(
        self, token_digest: str, subscriber_id: int, now: datetime, lifetime: timedelta
    ) -> bool:
        """Whether the token is a device of this subscriber seen within `lifetime` and not
        forgotten; if so, it is seen now (written at most once a minute)."""
        with self.engine.connect() as connection:
            found = connection.execute(self._seen, {"digest": token_digest}).first()
            if found is None:
                return False
            owner, last_seen, forgotten_at = found
            if owner != subscriber_id or forgotten_at is not None or last_seen <= now - lifetime:
                return False
            if last_seen + LAST_USE_PRECISION <= now:
                connection.execute(self._touch, {"digest": token_digest, "now": now})
                connection.commit()
            return True

    def list_for(self, subscriber_id: int, now: datetime, lifetime: timedelta) -> list[Device]:
        """The subscriber's recognised devices, most recently seen first."""
        with Session(self.engine) as session:
            query = (
                select(Device)
                .where(Device.subscriber_id == subscriber_id)
                .where(col(Device.forgotten_at).is_(None))
                .where(col(Device.last_seen) > now - lifetime)
                .order_by(col(Device.last_seen).desc())
            )
            return list(session.exec(query).all())

    def forget(self, subscriber_id: int, device_id: str, now: datetime) -> bool:
        """Never recognise this device again; False if the subscriber has no such device."""
        with session_scope(self.engine) as session:
            result = session.exec(
                update(Device)
                .where(col(Device.subscriber_id) == subscriber_id)
                .where(col(Device.device_id) == device_id)
                .where(col(Device.forgotten_at).is_(None))
                .values(forgotten_at=now)
            )
            return bool(result.rowcount)
