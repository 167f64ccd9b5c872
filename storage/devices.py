"""The browsers recognised for each subscriber (SPEC §9), stored beside the sessions."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select, update

from storage.engine import session_scope
from storage.subscribers import LAST_USE_PRECISION, USER_AGENT_MAX
from storage.tables import Device


class DeviceRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

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
        with Session(self.engine) as session:
            device = session.get(Device, token_digest)
            if (
                device is None
                or device.subscriber_id != subscriber_id
                or device.forgotten_at is not None
                or device.last_seen <= now - lifetime
            ):
                return False
            if device.last_seen + LAST_USE_PRECISION <= now:
                device.last_seen = now
                session.add(device)
                session.commit()
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
