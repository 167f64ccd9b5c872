"""Attempt counters shared by every API process: one atomic upsert per attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, Table, bindparam, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.expression import Executable
from sqlmodel import col

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
        # Built once: every sign-in, activation and confirmation counts, and building the
        # statement (and its cache key) cost more CPU than running it.
        self._upsert = _upsert_statement(engine.dialect.name)
        self._select = select(*_COUNT_COLUMNS).where(_TABLE.c.key == bindparam("key"))

    def hit(self, key: str, now: datetime, window: timedelta) -> Count:
        """Count one attempt in the key's fixed window, starting a new window once it is over.

        A single INSERT … ON CONFLICT DO UPDATE … RETURNING: concurrent processes never lose
        a count (PostgreSQL locks the row, SQLite the database, for the statement).
        """
        values = {"key": key, "now": now, "expired_before": now - window}
        with self.engine.begin() as connection:
            count, started_at, blocked_until = connection.execute(self._upsert, values).one()
        return Count(count, started_at, blocked_until)

    def get(self, key: str) -> Count | None:
        with self.engine.connect() as connection:
            found = connection.execute(self._select, {"key": key}).first()
        return None if found is None else Count(*found)

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


_TABLE: Table = AttemptCounter.__table__  # type: ignore[attr-defined]
_COUNT_COLUMNS = (_TABLE.c.count, _TABLE.c.window_started_at, _TABLE.c.blocked_until)


def _upsert_statement(dialect: str) -> Executable:
    """`hit`'s upsert, its values as parameters: key, now, expired_before (now - window)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = bindparam("now", type_=_TABLE.c.window_started_at.type)
    expired = _TABLE.c.window_started_at <= bindparam("expired_before", type_=now.type)
    return (
        insert(_TABLE)
        .values(key=bindparam("key"), count=1, window_started_at=now, updated_at=now)
        .on_conflict_do_update(
            index_elements=[_TABLE.c.key],
            set_={
                "count": case((expired, 1), else_=_TABLE.c.count + 1),
                "window_started_at": case((expired, now), else_=_TABLE.c.window_started_at),
                "updated_at": now,
            },
        )
        .returning(*_COUNT_COLUMNS)
    )
