"""One typed input and result per activity, every activity's in this one module.

The workflows build these and the activities receive them; the channels that deliver a code do
not see them (channels.OutgoingCode is theirs)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from domain.changes import Change
from domain.client_description import NO_CLIENT, ClientDescription
from domain.codes import ChannelKind, CodePurpose
from domain.models import AdhesionStatus, InvitationStatus, NewSubscriber
from domain.retention import RetentionTable
from domain.webhook_delivery import DeliverySchedule
from domain.webhooks import EventType


class LookupCompany(BaseModel):
    identifier: str
    foreign: bool


class CompanyFound(BaseModel):
    name: str | None


class CreateSubscriber(NewSubscriber):
    """The subscriber the repository creates, as it is (its fields are in workflow histories)."""


class SubscriberCreated(BaseModel):
    subscriber_id: int
    subscriber_number: str


class RenderRecap(BaseModel):
    subscriber_id: int


class DeliverCode(BaseModel):
    """Deliver the code of one generation of a process's code challenge.

    The code itself is not in here: the activity derives it from the server's key and
    (process_id, run_id, generation), so every attempt of this delivery sends the same code.
    """

    purpose: CodePurpose
    channel: ChannelKind
    process_id: str
    run_id: str
    generation: int
    recipient: str
    # The code is valid this long from its sending; the message states the resulting deadline.
    validity: timedelta
    # The issuing instant on the workflow's clock: the sending is never dated earlier.
    not_before: datetime
    # Purpose-specific wording for the message (e.g. the trust question's label); no secrets.
    extra: dict[str, str] = {}


class CodeDelivered(BaseModel):
    """Only the keyed digest of the code goes back to the workflow, with when it went out."""

    code_digest: str
    sent_at: datetime
    message_id: str


class ApplyPasswordReset(BaseModel):
    subscriber_id: int
    # The identifier the reset was asked for: if it changed since, the reset no longer applies.
    email: str
    password_hash: str
    client: ClientDescription = NO_CLIENT  # who completed it, for the account's activity


class ApplyEmailChange(BaseModel):
    subscriber_id: int
    old_email: str
    new_email: str
    changed_at: datetime
    # The session that confirmed the change stays open; every other one ends.
    keep_session: str | None = None
    client: ClientDescription = NO_CLIENT  # who confirmed it, for the account's activity


class SendNotification(BaseModel):
    email: str
    change: Change
    changed_at: datetime
    # Stable across retries (the process that asks for the notice): one Message-ID per notice.
    message_key: str
    new_email: str | None = None


class RecordAdhesion(BaseModel):
    """The activity that mirrors the workflow's transitions in the adhésions table."""

    adhesion_id: str
    status: AdhesionStatus
    at: datetime
    client: ClientDescription = NO_CLIENT  # who acted (the account's activity); none: a timer


class PurgeTable(BaseModel):
    """One table to purge as of `now` (the workflow's time, so that a retry deletes the same)."""

    table: RetentionTable
    now: datetime
    keep: timedelta
    device_lifetime: timedelta
    batch_size: int


class PurgeCount(BaseModel):
    table: RetentionTable
    deleted: int


class RecordInvitation(BaseModel):
    """Where an invitation stands, for its service's table and webhooks (no personal data)."""

    invitation_id: str
    client_id: str
    external_reference: str
    status: InvitationStatus
    at: datetime
    expires_at: datetime | None = None
    subscriber_number: str | None = None
    activated_at: datetime | None = None


# Webhooks (activities/webhooks.py).


class ServiceEventInput(BaseModel):
    """One event for a service client's endpoints. `data` is the body's `data`: IDs, the
    `external_reference`, status and times — never a name, an address or a secret."""

    client_id: str
    subject_id: str  # the enrollment (invitation) the event is about: its events stay in order
    event_type: EventType
    data: dict[str, Any]
    occurred_at: datetime | None = None  # the body's `timestamp`; now when not given


class SendWebhookInput(BaseModel):
    delivery_id: str
    schedule: DeliverySchedule


class DeliveryOutcome(StrEnum):
    DELIVERED = "delivered"
    GONE = "gone"  # 410: the endpoint is disabled
    DROPPED = "dropped"  # the endpoint was deleted or disabled meanwhile


class SendWebhookResult(BaseModel):
    outcome: DeliveryOutcome


class GiveUpInput(BaseModel):
    delivery_ids: list[str]
