"""The `Idempotency-Key` records: claim a key, keep its first answer, replay it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete

from storage.engine import session_scope
from storage.tables import IdempotentRequest

IN_FLIGHT = "in_flight"
DONE = "done"


class IdempotencyRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def claim(
        self, key_digest: str, fingerprint: str, now: datetime, expires_at: datetime
    ) -> IdempotentRequest | None:
        """Claim the key for this request: None when it is ours now, else the record that
        holds it (a request in flight, or a stored answer). An expired record is replaced."""
        with session_scope(self.engine) as session:
            session.exec(
                delete(IdempotentRequest).where(
                    col(IdempotentRequest.key_digest) == key_digest,
                    col(IdempotentRequest.expires_at) <= now,
                )
            )
        try:
            with session_scope(self.engine) as session:
                session.add(
                    IdempotentRequest(
                        key_digest=key_digest,
                        fingerprint=fingerprint,
                        state=IN_FLIGHT,
                        expires_at=expires_at,
                    )
                )
            return None
        except IntegrityError:  # someone holds it (perhaps a concurrent request)
            with Session(self.engine, expire_on_commit=False) as session:
                return session.get(IdempotentRequest, key_digest)

    def keep(self, key_digest: str, status: int, headers: str, body: bytes | None) -> None:
        with session_scope(self.engine) as session:
            record = session.get(IdempotentRequest, key_digest)
            if record is None:
                return
            record.state = DONE
            record.status = status
            record.headers = headers
            record.body = body
            record.body_kept = body is not None
            session.add(record)

    def release(self, key_digest: str) -> None:
        """Forget a claim whose request failed: the client may try again with the same key."""
        with session_scope(self.engine) as session:
            session.exec(
                delete(IdempotentRequest).where(col(IdempotentRequest.key_digest) == key_digest)
            )
