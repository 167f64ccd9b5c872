"""What the retention purge deletes, table by table (SPEC §9 « Retention »), in batches.

Each table has one rule, given the moment the purge runs (`now`) and its keep period:

- code_deliveries: sent more than 30 days ago; or still `sending` past 30 days plus the longest
  code validity (a delivery retries no longer than its code is valid);
- idempotent_requests: its answer expired more than 30 days ago;
- session_tokens: expired more than 30 days ago (a session ended by its subscriber or the desk
  is deleted at once);
- devices: forgotten more than 30 days ago, or not seen for its lifetime plus 30 days;
- security_events: older than 12 months;
- sign_in_challenges: expired more than 30 days ago (a spent code, as the deliveries).

Deleting goes by primary key, a batch at a time, so that no transaction holds many rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, delete, func, or_, select, tuple_
from sqlmodel import Session, col

from domain.retention import RetentionTable
from storage.engine import session_scope
from storage.tables import (
    CodeDelivery,
    Device,
    IdempotentRequest,
    SecurityEvent,
    SessionToken,
    SignInChallenge,
)

# The longest a code stays valid (an adhésion's letter): a delivery may retry that long.
LONGEST_CODE_VALIDITY = timedelta(days=60)


@dataclass(frozen=True, slots=True)
class Rule:
    keys: Sequence[Any]  # the primary key's columns
    spent: Any  # (now, keep, extra) -> the WHERE clause of the rows to delete


def _code_deliveries(now: datetime, keep: timedelta, device_life: timedelta) -> ColumnElement[bool]:
    return or_(
        and_(col(CodeDelivery.state) == "sent", col(CodeDelivery.sent_at) < now - keep),
        col(CodeDelivery.created_at) < now - keep - LONGEST_CODE_VALIDITY,
    )


def _idempotent(now: datetime, keep: timedelta, device_life: timedelta) -> ColumnElement[bool]:
    return col(IdempotentRequest.expires_at) < now - keep


def _sessions(now: datetime, keep: timedelta, device_life: timedelta) -> ColumnElement[bool]:
    return col(SessionToken.expires_at) < now - keep


def _devices(now: datetime, keep: timedelta, device_life: timedelta) -> ColumnElement[bool]:
    return or_(
        col(Device.forgotten_at) < now - keep,
        col(Device.last_seen) < now - keep - device_life,
    )


def _events(now: datetime, keep: timedelta, device_life: timedelta) -> ColumnElement[bool]:
    return col(SecurityEvent.at) < now - keep


def _challenges(now: datetime, keep: timedelta, device_life: timedelta) -> ColumnElement[bool]:
    return col(SignInChallenge.expires_at) < now - keep


RULES: dict[RetentionTable, Rule] = {
    RetentionTable.CODE_DELIVERIES: Rule(
        (col(CodeDelivery.process_id), col(CodeDelivery.run_id), col(CodeDelivery.generation)),
        _code_deliveries,
    ),
    RetentionTable.IDEMPOTENT_REQUESTS: Rule((col(IdempotentRequest.key_digest),), _idempotent),
    RetentionTable.SESSION_TOKENS: Rule((col(SessionToken.token_digest),), _sessions),
    RetentionTable.DEVICES: Rule((col(Device.token_digest),), _devices),
    RetentionTable.SECURITY_EVENTS: Rule((col(SecurityEvent.id),), _events),
    RetentionTable.SIGN_IN_CHALLENGES: Rule((col(SignInChallenge.subscriber_id),), _challenges),
}


class RetentionRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def count(
        self, table: RetentionTable, now: datetime, keep: timedelta, device_life: timedelta
    ) -> int:
        """How many rows the purge would delete at `now` (the dry run)."""
        rule = RULES[table]
        where = rule.spent(now, keep, device_life)
        with Session(self.engine) as session:
            query = select(func.count()).select_from(rule.keys[0].table).where(where)
            return int(session.execute(query).scalar_one())

    def purge_batch(
        self,
        table: RetentionTable,
        now: datetime,
        keep: timedelta,
        device_life: timedelta,
        limit: int,
    ) -> int:
        """Delete at most `limit` spent rows; how many went (fewer than `limit`: none left)."""
        rule = RULES[table]
        where = rule.spent(now, keep, device_life)
        with session_scope(self.engine) as session:
            keys = [
                tuple(row) for row in session.execute(select(*rule.keys).where(where).limit(limit))
            ]
            if not keys:
                return 0
            target = rule.keys[0].table
            if len(rule.keys) == 1:
                condition = rule.keys[0].in_([key[0] for key in keys])
            else:
                condition = tuple_(*rule.keys).in_(keys)
            session.execute(delete(target).where(condition))
            return len(keys)
