"""Reading and writing adhésions. The limits of SPEC §7 (one open request per SIREN per space,
at most N open per space) hold here, inside one transaction, whatever the callers do at once."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from domain.models import OPEN_ADHESION, AdhesionStatus
from storage.engine import session_scope
from storage.security_events import NewEvent, append_in
from storage.tables import Adhesion, Subscriber

_OPEN = [status.value for status in OPEN_ADHESION]


class AdhesionExists(Exception):
    """The space already has a pending or active request for this SIREN."""


class AdhesionLimit(Exception):
    """The space already holds as many open requests as allowed."""


ADHESION_ID_PATTERN = "^[0-9a-f]{32}$"  # what new_adhesion_id gives, for the OpenAPI document


def new_adhesion_id() -> str:
    return secrets.token_hex(16)


class AdhesionRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def check_room(self, subscriber_id: int, siren: str, limit: int) -> None:
        """Raise if a request for `siren` could not be added now (before any slow look-up)."""
        with Session(self.engine) as session:
            self._check_room(session, subscriber_id, siren, limit)

    def _check_room(self, session: Session, subscriber_id: int, siren: str, limit: int) -> None:
        owned = col(Adhesion.subscriber_id) == subscriber_id
        same = session.exec(
            select(Adhesion.id).where(owned, col(Adhesion.open_siren) == siren)
        ).first()
        if same is not None:
            raise AdhesionExists
        count = session.exec(
            select(func.count()).select_from(Adhesion).where(owned, col(Adhesion.status).in_(_OPEN))
        ).one()
        if count >= limit:
            raise AdhesionLimit

    def add(self, adhesion: Adhesion, limit: int) -> Adhesion:
        """Insert a pending request, re-checking both limits in the same transaction."""
        try:
            with session_scope(self.engine) as session:
                # Write to the subscriber's row first (changing nothing): on PostgreSQL it locks
                # the row, on SQLite it opens the write transaction, so concurrent requests of
                # one space take turns and none can see room that another one is taking.
                session.execute(
                    update(Subscriber)
                    .where(col(Subscriber.id) == adhesion.subscriber_id)
                    .values(updated_at=Subscriber.updated_at)
                )
                self._check_room(session, adhesion.subscriber_id, adhesion.siren, limit)
                adhesion.open_siren = adhesion.siren
                session.add(adhesion)
                session.flush()
                session.refresh(adhesion)
                return adhesion
        except IntegrityError:  # a concurrent request for the same SIREN won
            raise AdhesionExists from None

    def get(self, adhesion_id: str) -> Adhesion | None:
        with Session(self.engine) as session:
            return session.get(Adhesion, adhesion_id)

    def owned(self, subscriber_id: int, adhesion_id: str) -> Adhesion | None:
        """The adhésion if it belongs to this subscriber; None for anyone else's, or none."""
        adhesion = self.get(adhesion_id)
        if adhesion is None or adhesion.subscriber_id != subscriber_id:
            return None
        return adhesion

    def latest_for(self, subscriber_id: int, siren: str) -> Adhesion | None:
        """The space's most recent request for a SIREN (withdrawn ones aside), if any."""
        with Session(self.engine) as session:
            query = (
                select(Adhesion)
                .where(
                    col(Adhesion.subscriber_id) == subscriber_id,
                    col(Adhesion.siren) == siren,
                    col(Adhesion.status) != AdhesionStatus.WITHDRAWN.value,
                )
                .order_by(col(Adhesion.requested_at).desc())
            )
            return session.exec(query).first()

    def listed(self, subscriber_id: int) -> list[Adhesion]:
        """What « Mes adhésions » shows: every request but the withdrawn ones, newest first."""
        with Session(self.engine) as session:
            query = (
                select(Adhesion)
                .where(
                    col(Adhesion.subscriber_id) == subscriber_id,
                    col(Adhesion.status) != AdhesionStatus.WITHDRAWN.value,
                )
                .order_by(col(Adhesion.requested_at).desc(), col(Adhesion.id))
            )
            return list(session.exec(query).all())

    def set_run(self, adhesion_id: str, run_id: str, event: NewEvent | None = None) -> None:
        """The workflow's run is known: the request stands (`event` is recorded with it)."""
        with session_scope(self.engine) as session:
            adhesion = session.get(Adhesion, adhesion_id)
            if adhesion is not None:
                adhesion.run_id = run_id
                session.add(adhesion)
                if event is not None:
                    append_in(session, event)

    def letter_sent(self, adhesion_id: str, number: int, expires_at: datetime) -> None:
        """Record the `number`-th letter and the deadline its code runs to (idempotent)."""
        with session_scope(self.engine) as session:
            adhesion = session.get(Adhesion, adhesion_id)
            if adhesion is None or adhesion.status != AdhesionStatus.PENDING.value:
                return
            adhesion.letters_sent = max(adhesion.letters_sent, number)
            adhesion.expires_at = expires_at
            session.add(adhesion)

    def transition(
        self,
        adhesion_id: str,
        status: AdhesionStatus,
        at: datetime,
        *,
        from_: AdhesionStatus,
        event: Callable[[int], NewEvent] | None = None,
    ) -> bool:
        """Move from `from_` to `status`; False (nothing changed) when it is no longer `from_`.
        `event(subscriber_id)` is recorded with the move, in the same transaction.

        Idempotent: a retried call finds the row already moved and changes nothing."""
        with session_scope(self.engine) as session:
            adhesion = session.get(Adhesion, adhesion_id)
            if adhesion is None:
                return False
            if adhesion.status == status.value:
                return True
            if adhesion.status != from_.value:
                return False
            adhesion.status = status.value
            if status is AdhesionStatus.ACTIVE:
                adhesion.activated_at = at
            else:
                adhesion.ended_at = at
            adhesion.open_siren = adhesion.siren if status in OPEN_ADHESION else None
            session.add(adhesion)
            if event is not None:
                append_in(session, event(adhesion.subscriber_id))
            return True

    def delete(self, adhesion_id: str) -> None:
        """Take back a request that never started (its workflow could not be started)."""
        with session_scope(self.engine) as session:
            adhesion = session.get(Adhesion, adhesion_id)
            if adhesion is not None:
                session.delete(adhesion)
