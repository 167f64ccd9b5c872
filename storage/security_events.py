"""The security events table: append and read, nothing else (no update, no delete here).

Old rows leave only through the retention purge (storage.retention), by age.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from domain.security_events import EventType
from storage.engine import session_scope
from storage.tables import SecurityEvent

EXPORT_BATCH = 500


@dataclass(frozen=True, slots=True)
class NewEvent:
    subscriber_id: int
    type: EventType
    at: datetime
    browser: str = ""
    network: str = ""
    operator: str | None = None
    dedup_key: str | None = None


class SecurityEventRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    def append(self, event: NewEvent, session: Session | None = None) -> bool:
        """Append one event; False when its `dedup_key` is already recorded (a retry).

        With `session`, the row joins that transaction: the event is written if and only if the
        change it tells of is."""
        if session is not None:
            return self._append(session, event)
        with session_scope(self.engine) as own:
            return self._append(own, event)

    def _append(self, session: Session, event: NewEvent) -> bool:
        table: Table = SecurityEvent.__table__  # type: ignore[attr-defined]
        statement = self._insert(table).values(
            subscriber_id=event.subscriber_id,
            type=event.type,
            at=event.at,
            browser=event.browser,
            network=event.network,
            operator=event.operator,
            dedup_key=event.dedup_key,
        )
        if event.dedup_key is not None:
            statement = statement.on_conflict_do_nothing(index_elements=[table.c.dedup_key])
        # RETURNING, not rowcount: drivers disagree on the count of a skipped conflict.
        return session.execute(statement.returning(table.c.id)).first() is not None

    def for_subscriber(self, subscriber_id: int, since: datetime) -> list[SecurityEvent]:
        """The subscriber's events from `since`, newest first."""
        with Session(self.engine) as session:
            query = (
                select(SecurityEvent)
                .where(col(SecurityEvent.subscriber_id) == subscriber_id)
                .where(col(SecurityEvent.at) >= since)
                .order_by(col(SecurityEvent.at).desc(), col(SecurityEvent.id).desc())
            )
            return list(session.exec(query).all())

    def since(self, moment: datetime) -> Iterator[SecurityEvent]:
        """Every event from `moment`, oldest first, read in batches (an audit export)."""
        last_id = 0
        while True:
            with Session(self.engine) as session:
                batch = list(
                    session.exec(
                        select(SecurityEvent)
                        .where(col(SecurityEvent.at) >= moment)
                        .where(col(SecurityEvent.id) > last_id)
                        .order_by(col(SecurityEvent.id))
                        .limit(EXPORT_BATCH)
                    ).all()
                )
            yield from batch
            if len(batch) < EXPORT_BATCH:
                return
            last_id = batch[-1].id or last_id
