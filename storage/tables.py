"""Database tables (SQLModel). The schema itself is managed by the Alembic migrations.

Every datetime column is SQLModel's UTCDateTime: it refuses naive values, stores UTC and reads
back aware UTC times, SQLite included, so no reader has to repair a naive time.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.models import Company, Contact, Details, NewSubscriber
from domain.reference import Civility
from domain.subscriber_view import Account, SubscriberView


def utcnow() -> datetime:
    return datetime.now(UTC)


class SubscriberBase(SQLModel):
    subscriber_number: str = Field(unique=True, max_length=12)
    email: str = Field(unique=True, index=True, max_length=100)
    civility: str = Field(max_length=10)
    last_name: str = Field(max_length=50)
    first_name: str = Field(max_length=50)
    company_foreign: bool = False
    company_identifier: str = Field(max_length=40)
    company_name: str | None = Field(default=None, max_length=200)
    phone: str = Field(max_length=20)
    street_number: str = Field(default="", max_length=12)
    street_type: str = Field(default="", max_length=8)
    street_name: str = Field(default="", max_length=80)
    address_complement: str = Field(default="", max_length=80)
    postal_code: str = Field(default="", max_length=12)
    city: str = Field(max_length=60)
    country: str = Field(max_length=2)
    trust_question: str = Field(max_length=40)
    terms_version: str = Field(max_length=20)
    terms_accepted_at: datetime
    activated_at: datetime
    # When the subscriber last changed their contact details or identifier (shown on the recap).
    details_changed_at: datetime | None = None

    def details(self) -> Details:
        """The typed details back from their columns (the inverse of `Subscriber.create`)."""
        return Details(
            civility=Civility(self.civility),
            last_name=self.last_name,
            first_name=self.first_name,
            company=Company(foreign=self.company_foreign, identifier=self.company_identifier),
            contact=Contact.model_validate(self.model_dump(include=_CONTACT_COLUMNS)),
            trust_question=self.trust_question,
        )

    def view(self) -> SubscriberView:
        return SubscriberView(
            email=self.email,
            details=self.details(),
            company_name=self.company_name,
            account=Account(self.subscriber_number, self.activated_at, self.details_changed_at),
        )


_CONTACT_COLUMNS = set(Contact.model_fields)


class Subscriber(SubscriberBase, table=True):
    __tablename__ = "subscribers"

    id: int | None = Field(default=None, primary_key=True)
    # The enrollment (workflow ID + run ID) that created this row: retries find it again.
    enrollment_key: str = Field(unique=True, max_length=120)
    password_hash: str = Field(max_length=200)
    trust_answer_hash: str = Field(max_length=200)
    updated_at: datetime = Field(default_factory=utcnow)

    @classmethod
    def create(cls, new: NewSubscriber, subscriber_number: str) -> Subscriber:
        details = new.details
        return cls(
            subscriber_number=subscriber_number,
            enrollment_key=new.enrollment_key,
            email=new.email,
            password_hash=new.password_hash,
            trust_answer_hash=new.trust_answer_hash,
            civility=details.civility.value,
            last_name=details.last_name,
            first_name=details.first_name,
            company_foreign=details.company.foreign,
            company_identifier=details.company.identifier,
            company_name=new.company_name,
            trust_question=details.trust_question,
            terms_version=new.terms_version,
            terms_accepted_at=new.terms_accepted_at,
            activated_at=new.activated_at,
            **details.contact.model_dump(),
        )


class RecapDocument(SQLModel, table=True):
    __tablename__ = "recap_documents"

    subscriber_id: int = Field(foreign_key="subscribers.id", primary_key=True, ondelete="CASCADE")
    pdf: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    rendered_at: datetime = Field(default_factory=utcnow)


SESSION_ID_PATTERN = "^[A-Za-z0-9_-]{16}$"  # what new_session_id gives, for the OpenAPI document


def new_session_id() -> str:
    return secrets.token_urlsafe(12)


class SessionToken(SQLModel, table=True):
    __tablename__ = "session_tokens"

    token_digest: str = Field(primary_key=True, max_length=64)
    # What the subscriber sees and names to end a session: never the token nor its digest.
    session_id: str = Field(default_factory=new_session_id, unique=True, max_length=24)
    subscriber_id: int = Field(foreign_key="subscribers.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime = Field(default_factory=utcnow)
    user_agent: str = Field(default="", max_length=200)
    expires_at: datetime


class RetiredSubscriberNumber(SQLModel, table=True):
    """The number of a closed or erased space: kept so that it is never given again."""

    __tablename__ = "retired_subscriber_numbers"

    subscriber_number: str = Field(primary_key=True, max_length=12)
    retired_at: datetime = Field(default_factory=utcnow)


class AttemptCounter(SQLModel, table=True):
    """How often a key (an action and a keyed hash of an identifier or address) was tried.

    Kept in the database so that every API process counts together.
    """

    __tablename__ = "attempt_counters"

    key: str = Field(primary_key=True, max_length=100)
    count: int = 0
    window_started_at: datetime
    blocked_until: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow, index=True)


class Adhesion(SQLModel, table=True):
    """One company a subscriber's space asked to reach (SPEC §7).

    `open_siren` holds the SIREN while the request is pending or active and is NULL otherwise:
    the unique (subscriber, open_siren) pair allows one open request per SIREN per space in
    SQLite and PostgreSQL alike (NULLs never collide), and closed ones stay for the record.
    The company's name and registered address are copied from the registry at request time:
    every letter of this request goes to the same address.
    """

    __tablename__ = "adhesions"
    __table_args__ = (UniqueConstraint("subscriber_id", "open_siren"),)

    id: str = Field(primary_key=True, max_length=32)  # random, opaque: the API's adhesion_id
    subscriber_id: int = Field(foreign_key="subscribers.id", index=True, ondelete="CASCADE")
    siren: str = Field(max_length=9)
    open_siren: str | None = Field(default=None, max_length=9)
    company_name: str = Field(max_length=200)
    company_address: str = Field(max_length=400)  # the address lines, one per line
    status: str = Field(max_length=12)
    requested_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    activated_at: datetime | None = None
    ended_at: datetime | None = None  # expired, revoked or withdrawn
    letters_sent: int = 0
    workflow_id: str = Field(max_length=100)
    run_id: str = Field(default="", max_length=64)


class CodeDelivery(SQLModel, table=True):
    """One code delivery: a process (workflow ID + run ID) and the code's generation.

    Written `sending` before the channel is asked and `sent` once it accepted the message, so a
    retried delivery knows whether to send again. Neither the code nor the recipient is kept:
    the code is derived again from the key, the recipient travels in the (encrypted) request.
    """

    __tablename__ = "code_deliveries"

    process_id: str = Field(primary_key=True, max_length=120)
    run_id: str = Field(primary_key=True, max_length=64)
    generation: int = Field(primary_key=True)
    purpose: str = Field(max_length=30)
    channel: str = Field(max_length=20)
    state: str = Field(max_length=10)
    message_id: str = Field(max_length=200)
    # How many times a delivery attempt found this record (1 = never retried).
    attempts: int = 1
    created_at: datetime = Field(default_factory=utcnow, index=True)
    sent_at: datetime | None = None


class IdempotentRequest(SQLModel, table=True):
    """A POST sent with an `Idempotency-Key` header, and its first answer, for 24 hours.

    The key is stored as a digest scoped to its client; the request body only as a fingerprint
    (a hash: bodies carry passwords). An answer holding a session token is not kept.
    """

    __tablename__ = "idempotent_requests"

    key_digest: str = Field(primary_key=True, max_length=64)
    fingerprint: str = Field(max_length=64)
    # in_flight until the first answer is known; done once it is stored.
    state: str = Field(max_length=10)
    status: int | None = None
    headers: str = Field(default="[]", max_length=2000)  # JSON list of [name, value]
    body: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    body_kept: bool = True
    expires_at: datetime = Field(index=True)
