"""The security events table: append and read, nothing else (no update, no delete here).

Old rows leave only through the retention purge (storage.retention), by age.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import Engine, Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.expression import Executable
from sqlmodel import Session, col, select

from domain.client_description import NO_CLIENT, ClientDescription
from domain.security_events import EventType
from storage.engine import session_scope
from storage.tables import SecurityEvent

EXPORT_BATCH = 500
OPERATOR_MAX = 100


@dataclass(frozen=True, slots=True)
class NewEvent:
    subscriber_id: int | None  # None only for a support action on no one space (an export)
    type: EventType
    at: datetime
    browser: str = ""
    network: str = ""
    operator: str | None = None
    action: str | None = None
    dedup_key: str | None = None


def new_event(
    subscriber_id: int,
    type: EventType,
    *,
    client: ClientDescription = NO_CLIENT,
    operator: str | None = None,
    dedup_key: str | None = None,
    at: datetime | None = None,
) -> NewEvent:
    """An event to hand to a repository method that records it with its change, in one
    transaction (`SubscriberRepository.set_password(..., event=...)` and the like)."""
    return NewEvent(
        subscriber_id=subscriber_id,
        type=type,
        at=at or datetime.now(UTC),
        browser=client.browser,
        network=client.network,
        operator=operator[:OPERATOR_MAX] if operator is not None else None,
        dedup_key=dedup_key,
    )


def support_event(
    subscriber_id: int | None, operator: str, action: str, at: datetime | None = None
) -> NewEvent:
    """The trace of an assistance desk's action: who (`operator`), what (`action`), on which
    space (None for an action on none, such as an audit export)."""
    return NewEvent(
        subscriber_id=subscriber_id,
        type=EventType.SUPPORT_ACTION,
        at=at or datetime.now(UTC),
        operator=operator[:OPERATOR_MAX],
        action=action,
    )


# What an event's row is given (its ID comes from the database).
_COLUMNS = ("subscriber_id", "type", "at", "browser", "network", "operator", "action", "dedup_key")


def append_in(session: Session, event: NewEvent) -> bool:
    """Append one event inside the caller's transaction: it is written if and only if the change
    it tells of is. False when its `dedup_key` is already recorded (a retried activity)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    statement = _insert_statement(postgres, deduplicated=event.dedup_key is not None)
    values = {name: getattr(event, name) for name in _COLUMNS}
    return session.execute(statement, values).first() is not None


@cache
def _insert_statement(postgres: bool, *, deduplicated: bool) -> Executable:
    """The insert, its values as parameters: built once (every sign-in records an event, and
    building the statement cost more CPU than running it)."""
    table: Table = SecurityEvent.__table__  # type: ignore[attr-defined]
    insert = postgresql.insert if postgres else sqlite.insert
    statement = insert(table).values({name: bindparam(name) for name in _COLUMNS})
    if deduplicated:
        statement = statement.on_conflict_do_nothing(index_elements=[table.c.dedup_key])
    # RETURNING, not rowcount: drivers disagree on the count of a skipped conflict.
    return statement.returning(table.c.id)


class SecurityEventRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def append(self, event: NewEvent, session: Session | None = None) -> bool:
        """Append one event; False when its `dedup_key` is already recorded (a retry).
        With `session`, the row joins that transaction."""
        if session is not None:
            return append_in(session, event)
        with session_scope(self.engine) as own:
            return append_in(own, event)

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
