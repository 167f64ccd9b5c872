"""Attempt counters shared by every API process: one atomic upsert per attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, Table, case, delete, literal, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from storage.engine import session_scope
from storage.tables import AttemptCounter


@dataclass(frozen=True, slots=True)
class Count:
    count: int
    window_started_at: datetime
    blocked_until: datetime | None


class AttemptRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    def hit(self, key: str, now: datetime, window: timedelta) -> Count:
        """Count one attempt in the key's fixed window, starting a new window once it is over.

        A single INSERT … ON CONFLICT DO UPDATE … RETURNING: concurrent processes never lose
        a count (PostgreSQL locks the row, SQLite the database, for the statement).
        """
        table: Table = AttemptCounter.__table__  # type: ignore[attr-defined]
        expired = table.c.window_started_at <= now - window
        started = literal(now, table.c.window_started_at.type)
        statement = (
            self._insert(table)
            .values(key=key, count=1, window_started_at=now, updated_at=now)
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "count": case((expired, 1), else_=table.c.count + 1),
                    "window_started_at": case((expired, started), else_=table.c.window_started_at),
                    "updated_at": now,
                },
            )
            .returning(table.c.count, table.c.window_started_at, table.c.blocked_until)
        )
        with session_scope(self.engine) as session:
            count, started_at, blocked_until = session.execute(statement).one()
        return Count(count, started_at, blocked_until)

    def get(self, key: str) -> Count | None:
        with Session(self.engine) as session:
            found = session.get(AttemptCounter, key)
            if found is None:
                return None
            return Count(found.count, found.window_started_at, found.blocked_until)

    def block(self, key: str, until: datetime) -> None:
        """Block the key's counter until `until` (no counter, nothing to block)."""
        statement = (
            update(AttemptCounter).where(col(AttemptCounter.key) == key).values(blocked_until=until)
        )
        with session_scope(self.engine) as session:
            session.exec(statement)

    def reset(self, key: str) -> None:
        with session_scope(self.engine) as session:
            session.exec(delete(AttemptCounter).where(col(AttemptCounter.key) == key))

    def purge(self, before: datetime) -> int:
        """Drop counters untouched since `before` (housekeeping; they would restart anyway)."""
        with session_scope(self.engine) as session:
            result = session.exec(
                delete(AttemptCounter).where(col(AttemptCounter.updated_at) < before)
            )
            return int(result.rowcount or 0)
