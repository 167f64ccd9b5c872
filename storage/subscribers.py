"""Reading and writing subscribers, their recap documents and their sessions."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, bindparam, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from domain.models import NewSubscriber
from domain.subscriber_number import BODY_DIGITS, make_subscriber_number
from storage.engine import session_scope
from storage.security_events import NewEvent, append_in
from storage.tables import (
    RecapDocument,
    RetiredSubscriberNumber,
    SessionToken,
    Subscriber,
    new_session_id,
    utcnow,
)

# A session's last use is written at most this often: every request reads it, few need to write.
LAST_USE_PRECISION = timedelta(minutes=1)
USER_AGENT_MAX = 200


class EmailTaken(Exception):
    """Another subscriber already has this identifier."""


class SubscriberRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # Built once: every sign-in reads the subscriber by identifier, and building the
        # statement (and its cache key) cost more CPU than running it.
        self._by_email = select(Subscriber).where(col(Subscriber.email) == bindparam("email"))
        # The recap's bytes alone, on a plain connection: every enrollment fetches its PDF, and
        # loading the ORM row around them cost more than reading them.
        self._recap = select(col(RecapDocument.pdf)).where(
            col(RecapDocument.subscriber_id) == bindparam("subscriber_id")
        )

    def by_email(self, email: str) -> Subscriber | None:
        with Session(self.engine) as session:
            return session.exec(self._by_email, params={"email": email}).first()

    def by_number(self, subscriber_number: str) -> Subscriber | None:
        with Session(self.engine) as session:
            query = select(Subscriber).where(Subscriber.subscriber_number == subscriber_number)
            return session.exec(query).first()

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
            if self._retired(number):
                continue  # the number of a closed space is never given again
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

    def _retired(self, number: str) -> bool:
        with Session(self.engine) as session:
            return session.get(RetiredSubscriberNumber, number) is not None

    def erase(self, email: str) -> bool:
        """Delete a subscriber with its sessions and recap (right to erasure); False if none.

        The subscriber number alone is kept, as retired, so that it is never given again."""
        with session_scope(self.engine) as session:
            subscriber = session.exec(select(Subscriber).where(Subscriber.email == email)).first()
            if subscriber is None:
                return False
            owned = col(SessionToken.subscriber_id) == subscriber.id
            session.exec(delete(SessionToken).where(owned))
            session.exec(
                delete(RecapDocument).where(col(RecapDocument.subscriber_id) == subscriber.id)
            )
            session.add(RetiredSubscriberNumber(subscriber_number=subscriber.subscriber_number))
            session.delete(subscriber)
            return True

    def is_retired(self, number: str) -> bool:
        return self._retired(number)

    def set_password(
        self,
        subscriber_id: int,
        password_hash: str,
        keep_session: str | None = None,
        expected_email: str | None = None,
        event: NewEvent | None = None,
    ) -> None:
        """The new password, and every session but `keep_session` (an ID) ended, together.
        With `expected_email`, only while the subscriber still has that identifier. `event` is
        recorded in the same transaction."""
        with session_scope(self.engine) as session:
            subscriber = session.get(Subscriber, subscriber_id)
            if subscriber is None or expected_email not in (None, subscriber.email):
                raise LookupError("subscriber not found")
            subscriber.password_hash = password_hash
            subscriber.updated_at = datetime.now(UTC)
            session.add(subscriber)
            _end_sessions(session, subscriber_id, keep_session)
            _record(session, event)

    def update_contact(
        self,
        subscriber_id: int,
        contact: dict[str, str],
        at: datetime,
        event: NewEvent | None = None,
    ) -> Subscriber:
        """Replace the contact columns (phone and postal address) and note when; `event` is
        recorded in the same transaction."""
        with session_scope(self.engine) as session:
            subscriber = session.get(Subscriber, subscriber_id)
            if subscriber is None:
                raise LookupError("subscriber not found")
            for name, value in contact.items():
                setattr(subscriber, name, value)
            subscriber.details_changed_at = at
            subscriber.updated_at = at
            session.add(subscriber)
            _record(session, event)
            session.flush()
            session.refresh(subscriber)
            return subscriber

    def change_email(
        self,
        subscriber_id: int,
        new_email: str,
        at: datetime,
        keep_session: str | None = None,
        event: NewEvent | None = None,
    ) -> Subscriber:
        """The new identifier replaces the old one, and every session but `keep_session` ends,
        together (with `event` recorded); EmailTaken if another subscriber has the address."""
        try:
            with session_scope(self.engine) as session:
                subscriber = session.get(Subscriber, subscriber_id)
                if subscriber is None:
                    raise LookupError("subscriber not found")
                subscriber.email = new_email
                subscriber.details_changed_at = at
                subscriber.updated_at = at
                session.add(subscriber)
                session.flush()
                session.refresh(subscriber)
                _end_sessions(session, subscriber_id, keep_session)
                _record(session, event)
                return subscriber
        except IntegrityError:
            raise EmailTaken from None

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

    def drop_recap(self, subscriber_id: int) -> None:
        """Forget a recap that no longer says the truth (it is rendered again on demand)."""
        with session_scope(self.engine) as session:
            session.exec(
                delete(RecapDocument).where(col(RecapDocument.subscriber_id) == subscriber_id)
            )

    def recap(self, subscriber_id: int) -> bytes | None:
        with self.engine.connect() as connection:
            pdf = connection.execute(self._recap, {"subscriber_id": subscriber_id}).scalar()
        return None if pdf is None else bytes(pdf)


class SessionRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(
        self,
        token_digest: str,
        subscriber_id: int,
        expires_at: datetime,
        user_agent: str = "",
        event: NewEvent | None = None,
    ) -> str:
        """Open a session (recording `event` with it, in one transaction); returns its ID."""
        now = utcnow()
        row = {
            "token_digest": token_digest,
            "session_id": new_session_id(),
            "subscriber_id": subscriber_id,
            "created_at": now,
            "last_used_at": now,
            "user_agent": user_agent[:USER_AGENT_MAX],
            "expires_at": expires_at,
        }
        # A plain insert, not the ORM's unit of work: a session opens at every sign-in.
        with session_scope(self.engine) as session:
            session.execute(_INSERT_SESSION, row)
            _record(session, event)
        return str(row["session_id"])

    def subscriber_for(self, token_digest: str, now: datetime) -> int | None:
        token = self.session_for(token_digest, now)
        return token.subscriber_id if token else None

    def session_for(self, token_digest: str, now: datetime) -> SessionToken | None:
        """The live session of a token, its last use brought up to date."""
        with Session(self.engine, expire_on_commit=False) as session:
            token = session.get(SessionToken, token_digest)
            if token is None or token.expires_at <= now:
                return None
            if token.last_used_at + LAST_USE_PRECISION <= now:
                token.last_used_at = now
                session.add(token)
                session.commit()
            return token

    def list_for(self, subscriber_id: int, now: datetime) -> list[SessionToken]:
        """The subscriber's live sessions, most recently used first."""
        with Session(self.engine) as session:
            query = (
                select(SessionToken)
                .where(SessionToken.subscriber_id == subscriber_id)
                .where(col(SessionToken.expires_at) > now)
                .order_by(col(SessionToken.last_used_at).desc())
            )
            return list(session.exec(query).all())

    def revoke(self, token_digest: str) -> None:
        with session_scope(self.engine) as session:
            session.exec(delete(SessionToken).where(col(SessionToken.token_digest) == token_digest))

    def revoke_by_id(
        self, subscriber_id: int, session_id: str, event: NewEvent | None = None
    ) -> bool:
        """End one of the subscriber's sessions (recording `event` with it); False if they have
        none of that ID."""
        with session_scope(self.engine) as session:
            result = session.exec(
                delete(SessionToken)
                .where(col(SessionToken.subscriber_id) == subscriber_id)
                .where(col(SessionToken.session_id) == session_id)
            )
            if result.rowcount:
                _record(session, event)
            return bool(result.rowcount)

    def revoke_all(
        self, subscriber_id: int, keep_session: str | None = None, event: NewEvent | None = None
    ) -> int:
        """End every session of the subscriber but `keep_session` (an ID); how many ended.
        `event` is recorded with them, when at least one ended."""
        with session_scope(self.engine) as session:
            ended = _end_sessions(session, subscriber_id, keep_session)
            if ended:
                _record(session, event)
            return ended


_INSERT_SESSION = insert(SessionToken.__table__)  # type: ignore[attr-defined]


def _end_sessions(session: Session, subscriber_id: int, keep_session: str | None) -> int:
    statement = delete(SessionToken).where(col(SessionToken.subscriber_id) == subscriber_id)
    if keep_session is not None:
        statement = statement.where(col(SessionToken.session_id) != keep_session)
    return int(session.exec(statement).rowcount or 0)


def _record(session: Session, event: NewEvent | None) -> None:
    if event is not None:
        append_in(session, event)
