"""Database tables (SQLModel). The schema itself is managed by the Alembic migrations.

Every datetime column is SQLModel's UTCDateTime: it refuses naive values, stores UTC and reads
back aware UTC times, SQLite included, so no reader has to repair a naive time.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import Column, Enum, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.models import Company, Contact, Details, NewSubscriber
from domain.reference import Civility
from domain.security_events import EventType
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


def new_device_id() -> str:
    return secrets.token_urlsafe(12)


class Device(SQLModel, table=True):
    """A browser (or an API client) recognised for a subscriber (SPEC §9): it skips the second
    step while it was seen within the settings' `device_lifetime`. Only the keyed digest of its
    random token is kept; `device_id` is what the subscriber sees and names to forget it."""

    __tablename__ = "devices"

    token_digest: str = Field(primary_key=True, max_length=64)
    device_id: str = Field(default_factory=new_device_id, unique=True, max_length=24)
    subscriber_id: int = Field(foreign_key="subscribers.id", index=True, ondelete="CASCADE")
    user_agent: str = Field(default="", max_length=200)
    first_seen: datetime = Field(default_factory=utcnow)
    last_seen: datetime = Field(default_factory=utcnow, index=True)
    # Set when the subscriber forgets it: never recognised again; the row awaits the purge.
    forgotten_at: datetime | None = None


class TotpCredential(SQLModel, table=True):
    """A subscriber's authenticator app (RFC 6238). The secret is sealed
    (security/secret_box.py, bound to the subscriber); `confirmed_at` is NULL while the enrolment
    awaits its first code. `last_step` is the last time-step accepted: a code is good once."""

    __tablename__ = "totp_credentials"

    subscriber_id: int = Field(foreign_key="subscribers.id", primary_key=True, ondelete="CASCADE")
    sealed_secret: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    confirmed_at: datetime | None = None
    last_step: int | None = None


class RecoveryCode(SQLModel, table=True):
    """One single-use recovery code of an authenticator app, as its keyed digest."""

    __tablename__ = "recovery_codes"

    code_digest: str = Field(primary_key=True, max_length=64)
    subscriber_id: int = Field(foreign_key="subscribers.id", index=True, ondelete="CASCADE")
    used_at: datetime | None = None


class SignInChallenge(SQLModel, table=True):
    """The second step a sign-in awaits (one per subscriber: a new sign-in replaces it).

    The e-mailed code's own state (digest, tries, clock) lives in its workflow; an app's code is
    judged here, its wrong tries counted in `attempts`. Only the digest of the challenge ID is
    kept."""

    __tablename__ = "sign_in_challenges"

    subscriber_id: int = Field(foreign_key="subscribers.id", primary_key=True, ondelete="CASCADE")
    challenge_digest: str = Field(unique=True, max_length=64)
    method: str = Field(max_length=10)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    attempts: int = 0
    user_agent: str = Field(default="", max_length=200)


class SecurityEvent(SQLModel, table=True):
    """One thing that happened to a space (SPEC §9), appended and never updated.

    No secret and no raw client data: `browser` is a short description of the User-Agent and
    `network` the client address cut to its network. `operator` names the assistance desk's
    member for a support action and `action` which one; a support action that concerns no one
    space (an audit export) has no subscriber. `dedup_key` (NULL for most) is set by a workflow
    activity that may run twice: its retry finds the row already there and adds nothing.
    """

    __tablename__ = "security_events"
    __table_args__ = (Index("ix_security_events_subscriber_at", "subscriber_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int | None = Field(
        default=None, foreign_key="subscribers.id", ondelete="CASCADE"
    )
    type: EventType = Field(
        sa_column=Column(
            Enum(
                EventType,
                name="security_event_type",
                native_enum=False,
                create_constraint=True,
                length=30,
                values_callable=lambda kinds: [kind.value for kind in kinds],
                validate_strings=True,
            ),
            nullable=False,
        )
    )
    at: datetime = Field(default_factory=utcnow, index=True)
    browser: str = Field(default="", max_length=60)
    network: str = Field(default="", max_length=50)
    operator: str | None = Field(default=None, max_length=100)
    action: str | None = Field(default=None, max_length=30)
    dedup_key: str | None = Field(default=None, unique=True, index=True, max_length=200)


class ServiceClient(SQLModel, table=True):
    """A backend service that calls the API with a key of its own (SPEC §8)."""

    __tablename__ = "service_clients"

    id: str = Field(primary_key=True, max_length=40)  # opaque: the admin's and metrics' client ID
    name: str = Field(max_length=100)
    scopes: str = Field(max_length=100)  # comma-separated, e.g. "enrollments,events"
    quota_per_minute: int
    disabled: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class ServiceKey(SQLModel, table=True):
    """One key of a service client: only its keyed digest (HMAC) is kept, never the key."""

    __tablename__ = "service_keys"

    key_id: str = Field(primary_key=True, max_length=40)
    client_id: str = Field(
        foreign_key="service_clients.id", index=True, ondelete="CASCADE", max_length=40
    )
    key_digest: str = Field(unique=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None
    revoked_at: datetime | None = None


class Invitation(SQLModel, table=True):
    """An invitation as its service sees it (SPEC §8): the service's reference, where the
    enrollment stands, and its outcome. Nothing of the person: their address, details and
    secrets live in the enrollment workflow (encrypted payloads), then in the subscriber row.

    The unique (client, reference) pair is the natural idempotency of `POST /invitations`.
    The row is written by the API when the invitation starts and kept up to date by the
    enrollment workflow's `record_invitation` activity.
    """

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("client_id", "external_reference"),)

    id: str = Field(primary_key=True, max_length=32)  # random, opaque: the API's invitation_id
    client_id: str = Field(
        foreign_key="service_clients.id", index=True, ondelete="CASCADE", max_length=40
    )
    external_reference: str = Field(max_length=100)
    workflow_id: str = Field(max_length=100)  # enrollment-<keyed hash>: no address in clear
    status: str = Field(max_length=12)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None
    activated_at: datetime | None = None
    ended_at: datetime | None = None  # expired or withdrawn
    subscriber_number: str | None = Field(default=None, max_length=12)


class WebhookEndpoint(SQLModel, table=True):
    """A service client's webhook endpoint; its signing secret sealed (security/secret_box.py,
    bound to the endpoint's ID; the sealed text's ASCII bytes)."""

    __tablename__ = "webhook_endpoints"

    id: str = Field(primary_key=True, max_length=40)
    client_id: str = Field(
        foreign_key="service_clients.id", index=True, ondelete="CASCADE", max_length=40
    )
    url: str = Field(max_length=2000)
    event_types: str = Field(max_length=200)  # comma-separated
    sealed_secret: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    enabled: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    disabled_at: datetime | None = None


class WebhookDelivery(SQLModel, table=True):
    """One event for one endpoint. The ID is the `webhook-id` header, fixed before the first
    attempt; the payload is the JSON body, which holds no name, address or secret."""

    __tablename__ = "webhook_deliveries"

    id: str = Field(primary_key=True, max_length=40)
    endpoint_id: str = Field(
        foreign_key="webhook_endpoints.id", index=True, ondelete="CASCADE", max_length=40
    )
    subject_id: str = Field(max_length=100)
    event_type: str = Field(max_length=40)
    payload: str = Field(max_length=4000)
    status: str = Field(max_length=10)
    attempts: int = 0
    last_status_code: int | None = None
    next_attempt_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow, index=True)
    delivered_at: datetime | None = None
