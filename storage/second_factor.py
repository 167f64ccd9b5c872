"""The second factor's rows (SPEC §9): a subscriber's authenticator app, its recovery codes and
the second step a sign-in awaits. Every write that uses something up is one conditional UPDATE or
DELETE, so two requests racing with the same code cannot both win."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select, update

from storage.engine import session_scope
from storage.subscribers import USER_AGENT_MAX
from storage.tables import RecoveryCode, SignInChallenge, TotpCredential


class TotpRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, subscriber_id: int) -> TotpCredential | None:
        with Session(self.engine) as session:
            return session.get(TotpCredential, subscriber_id)

    def is_enabled(self, subscriber_id: int) -> bool:
        found = self.get(subscriber_id)
        return found is not None and found.confirmed_at is not None

    def start(self, subscriber_id: int, sealed_secret: str, now: datetime) -> bool:
        """A pending enrolment (it replaces a pending one); False when an app is already on."""
        with session_scope(self.engine) as session:
            found = session.get(TotpCredential, subscriber_id)
            if found is not None and found.confirmed_at is not None:
                return False
            if found is None:
                found = TotpCredential(subscriber_id=subscriber_id, sealed_secret=sealed_secret)
            found.sealed_secret = sealed_secret
            found.created_at = now
            found.last_step = None
            session.add(found)
            return True

    def use_step(self, subscriber_id: int, step: int) -> bool:
        """Record `step` as used; False when this step (or a later one) was already used."""
        with session_scope(self.engine) as session:
            result = session.exec(
                update(TotpCredential)
                .where(col(TotpCredential.subscriber_id) == subscriber_id)
                .where(
                    col(TotpCredential.last_step).is_(None) | (col(TotpCredential.last_step) < step)
                )
                .values(last_step=step)
            )
            return bool(result.rowcount)

    def confirm(self, subscriber_id: int, code_digests: Iterable[str], now: datetime) -> bool:
        """The app is on, with its recovery codes (replacing any); False if nothing is pending."""
        with session_scope(self.engine) as session:
            result = session.exec(
                update(TotpCredential)
                .where(col(TotpCredential.subscriber_id) == subscriber_id)
                .where(col(TotpCredential.confirmed_at).is_(None))
                .values(confirmed_at=now)
            )
            if not result.rowcount:
                return False
            session.exec(
                delete(RecoveryCode).where(col(RecoveryCode.subscriber_id) == subscriber_id)
            )
            for digest in code_digests:
                session.add(RecoveryCode(code_digest=digest, subscriber_id=subscriber_id))
            return True

    def remove(self, subscriber_id: int) -> bool:
        """The app is off: its secret and recovery codes are gone; False if there was none."""
        with session_scope(self.engine) as session:
            session.exec(
                delete(RecoveryCode).where(col(RecoveryCode.subscriber_id) == subscriber_id)
            )
            result = session.exec(
                delete(TotpCredential).where(col(TotpCredential.subscriber_id) == subscriber_id)
            )
            return bool(result.rowcount)

    def use_recovery_code(self, subscriber_id: int, code_digest: str, now: datetime) -> bool:
        """Use one recovery code up; False if it is not an unused code of this subscriber."""
        with session_scope(self.engine) as session:
            result = session.exec(
                update(RecoveryCode)
                .where(col(RecoveryCode.code_digest) == code_digest)
                .where(col(RecoveryCode.subscriber_id) == subscriber_id)
                .where(col(RecoveryCode.used_at).is_(None))
                .values(used_at=now)
            )
            return bool(result.rowcount)

    def recovery_codes_left(self, subscriber_id: int) -> int:
        with Session(self.engine) as session:
            query = (
                select(RecoveryCode.code_digest)
                .where(RecoveryCode.subscriber_id == subscriber_id)
                .where(col(RecoveryCode.used_at).is_(None))
            )
            return len(session.exec(query).all())


class ChallengeRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def replace(
        self,
        subscriber_id: int,
        challenge_digest: str,
        method: str,
        user_agent: str,
        now: datetime,
        expires_at: datetime,
    ) -> None:
        """The subscriber's pending second step, replacing any earlier one (its ID stops
        working: a new sign-in voids the old code). Two sign-ins at the same instant: the one
        whose insert collides goes round once more, and the last one wins."""
        for attempt in range(3):
            try:
                with session_scope(self.engine) as session:
                    session.exec(
                        delete(SignInChallenge).where(
                            col(SignInChallenge.subscriber_id) == subscriber_id
                        )
                    )
                    session.flush()
                    session.add(
                        SignInChallenge(
                            subscriber_id=subscriber_id,
                            challenge_digest=challenge_digest,
                            method=method,
                            created_at=now,
                            expires_at=expires_at,
                            user_agent=user_agent[:USER_AGENT_MAX],
                        )
                    )
                return
            except IntegrityError:
                if attempt == 2:
                    raise

    def find(self, challenge_digest: str) -> SignInChallenge | None:
        with Session(self.engine) as session:
            query = select(SignInChallenge).where(
                SignInChallenge.challenge_digest == challenge_digest
            )
            return session.exec(query).first()

    def count_wrong(self, challenge_digest: str) -> None:
        with session_scope(self.engine) as session:
            session.exec(
                update(SignInChallenge)
                .where(col(SignInChallenge.challenge_digest) == challenge_digest)
                .values(attempts=col(SignInChallenge.attempts) + 1)
            )

    def take(self, challenge_digest: str) -> bool:
        """The second step is passed: its challenge is used up (False if another request took
        it first)."""
        with session_scope(self.engine) as session:
            result = session.exec(
                delete(SignInChallenge).where(
                    col(SignInChallenge.challenge_digest) == challenge_digest
                )
            )
            return bool(result.rowcount)
