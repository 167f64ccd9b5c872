"""The record of code deliveries: what a retried delivery activity reads before sending again."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Engine, Table, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.engine import session_scope
from storage.tables import CodeDelivery


class DeliveryState(StrEnum):
    SENDING = "sending"  # the channel may or may not have taken the message
    SENT = "sent"  # the channel took it: never send this generation again


@dataclass(frozen=True, slots=True)
class DeliveryKey:
    """The table's primary key: the fields are named as its columns."""

    process_id: str
    run_id: str
    generation: int


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    state: DeliveryState
    message_id: str
    attempts: int
    sent_at: datetime | None


class CodeDeliveryRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    def begin(
        self, key: DeliveryKey, *, purpose: str, channel: str, message_id: str
    ) -> DeliveryRecord:
        """Record an attempt before sending: a new `sending` record, or the existing one with
        its attempt counted. One INSERT … ON CONFLICT DO UPDATE … RETURNING, so two attempts
        racing each other both see the same record."""
        table: Table = CodeDelivery.__table__  # type: ignore[attr-defined]
        now = datetime.now(UTC)
        statement = (
            self._insert(table)
            .values(
                **asdict(key),
                purpose=purpose,
                channel=channel,
                state=DeliveryState.SENDING.value,
                message_id=message_id,
                attempts=1,
                created_at=now,
            )
            .on_conflict_do_update(
                index_elements=[table.c.process_id, table.c.run_id, table.c.generation],
                set_={"attempts": table.c.attempts + 1},
            )
            .returning(table.c.state, table.c.message_id, table.c.attempts, table.c.sent_at)
        )
        with session_scope(self.engine) as session:
            state, stored_id, attempts, sent_at = session.execute(statement).one()
        return DeliveryRecord(DeliveryState(state), stored_id, attempts, _aware_or_none(sent_at))

    def mark_sent(self, key: DeliveryKey, sent_at: datetime) -> None:
        """The channel accepted the message: from now on this generation is never sent again."""
        statement = (
            update(CodeDelivery)
            .where(
                col(CodeDelivery.process_id) == key.process_id,
                col(CodeDelivery.run_id) == key.run_id,
                col(CodeDelivery.generation) == key.generation,
                col(CodeDelivery.state) == DeliveryState.SENDING.value,
            )
            .values(state=DeliveryState.SENT.value, sent_at=sent_at)
        )
        with session_scope(self.engine) as session:
            session.execute(statement)

    def get(self, key: DeliveryKey) -> DeliveryRecord | None:
        with Session(self.engine) as session:
            found = session.get(CodeDelivery, (key.process_id, key.run_id, key.generation))
            if found is None:
                return None
            return DeliveryRecord(
                DeliveryState(found.state),
                found.message_id,
                found.attempts,
                _aware_or_none(found.sent_at),
            )

    def for_process(self, process_id: str) -> list[CodeDelivery]:
        """Every delivery of a process, oldest first (tests and ops)."""
        with Session(self.engine) as session:
            return list(
                session.exec(
                    select(CodeDelivery)
                    .where(col(CodeDelivery.process_id) == process_id)
                    .order_by(col(CodeDelivery.run_id), col(CodeDelivery.generation))
                ).all()
            )


def _aware_or_none(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; every time stored here is UTC.
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
