"""Reading and writing subscribers, their recap documents and their sessions."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from domain.models import NewSubscriber
from domain.subscriber_number import BODY_DIGITS, make_subscriber_number
from storage.engine import session_scope
from storage.tables import RecapDocument, SessionToken, Subscriber


class EmailTaken(Exception):
    """Another subscriber already has this identifier."""


class SubscriberRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def by_email(self, email: str) -> Subscriber | None:
        with Session(self.engine) as session:
            return session.exec(select(Subscriber).where(Subscriber.email == email)).first()

    def get(self, subscriber_id: int) -> Subscriber | None:
        with Session(self.engine) as session:
            return session.get(Subscriber, subscriber_id)

    def email_exists(self, email: str) -> bool:
        with Session(self.engine) as session:
            found = session.exec(select(Subscriber.id).where(Subscriber.email == email)).first()
            return found is not None

    def create_once(self, new: NewSubscriber) -> Subscriber:
        """Insert the subscriber of an enrollment, or return the one a previous try inserted.

        The subscriber number is drawn at random here (random, not sequential, so that numbers
        tell nothing about how many exist).
        """
        enrollment_key = new.enrollment_key
        for _ in range(5):
            existing = self._by_enrollment(enrollment_key)
            if existing is not None:
                return existing
            number = make_subscriber_number(secrets.randbelow(10**BODY_DIGITS))
            subscriber = Subscriber.create(new, number)
            try:
                with session_scope(self.engine) as session:
                    session.add(subscriber)
                    session.flush()
                    session.refresh(subscriber)
                    return subscriber
            except IntegrityError:
                if self.email_exists(new.email) and not self._by_enrollment(enrollment_key):
                    raise EmailTaken from None
                # Otherwise the random number collided, or a concurrent try won: go round.
        raise RuntimeError("could not allocate a unique subscriber number")

    def _by_enrollment(self, enrollment_key: str) -> Subscriber | None:
        with Session(self.engine) as session:
            query = select(Subscriber).where(Subscriber.enrollment_key == enrollment_key)
            return session.exec(query).first()

    def erase(self, email: str) -> bool:
        """Delete a subscriber with its sessions and recap (right to erasure); False if none."""
        with session_scope(self.engine) as session:
            subscriber = session.exec(select(Subscriber).where(Subscriber.email == email)).first()
            if subscriber is None:
                return False
            owned = col(SessionToken.subscriber_id) == subscriber.id
            session.exec(delete(SessionToken).where(owned))
            session.exec(
                delete(RecapDocument).where(col(RecapDocument.subscriber_id) == subscriber.id)
            )
            session.delete(subscriber)
            return True

    def save_recap(self, subscriber_id: int, pdf: bytes) -> None:
        """Store the recap; the worker and the API may both render it at the same moment."""
        try:
            self._upsert_recap(subscriber_id, pdf)
        except IntegrityError:  # the other one inserted first: overwrite theirs
            self._upsert_recap(subscriber_id, pdf)

    def _upsert_recap(self, subscriber_id: int, pdf: bytes) -> None:
        with session_scope(self.engine) as session:
            document = session.get(RecapDocument, subscriber_id)
            if document is None:
                session.add(RecapDocument(subscriber_id=subscriber_id, pdf=pdf))
            else:
                document.pdf = pdf
                document.rendered_at = datetime.now(UTC)
                session.add(document)

    def recap(self, subscriber_id: int) -> bytes | None:
        with Session(self.engine) as session:
            document = session.get(RecapDocument, subscriber_id)
            return document.pdf if document else None


class SessionRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, token_digest: str, subscriber_id: int, expires_at: datetime) -> None:
        with session_scope(self.engine) as session:
            session.add(
                SessionToken(
                    token_digest=token_digest, subscriber_id=subscriber_id, expires_at=expires_at
                )
            )

    def subscriber_for(self, token_digest: str, now: datetime) -> int | None:
        with Session(self.engine) as session:
            token = session.get(SessionToken, token_digest)
            if token is None or token.expires_at <= now:
                return None
            return token.subscriber_id

    def revoke(self, token_digest: str) -> None:
        with session_scope(self.engine) as session:
            session.exec(delete(SessionToken).where(col(SessionToken.token_digest) == token_digest))
