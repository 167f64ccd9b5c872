"""The e-mail-change workflow's contract (« Modifier mon adresse électronique »): one typed model
per input, update and result. The code arrives only as its keyed digest."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel

from domain.client_description import NO_CLIENT, ClientDescription

WORKFLOW_ID_PREFIX = "email-change-"


class EmailChangeStatus(StrEnum):
    AWAITING_CODE = "awaiting_code"
    CHANGED = "changed"
    EXPIRED = "expired"
    TAKEN = "taken"  # another subscriber got the address first
    WITHDRAWN = "withdrawn"  # the space closed meanwhile


class EmailChangeParams(BaseModel):
    subscriber_id: int
    validity: timedelta
    max_attempts: int = 5


class RequestEmailChange(BaseModel):
    """A new address (the code goes there); replaces a pending request and voids its code."""

    old_email: str
    new_email: str


class EmailChangeRequested(BaseModel):
    new_email: str
    expires_at: datetime


class ConfirmEmailChange(BaseModel):
    code_digest: str
    # The session that confirms stays open; every other one ends.
    keep_session: str | None = None
    # Who confirmed (browser name, network): for the account's activity.
    client: ClientDescription = NO_CLIENT


class ConfirmOutcome(StrEnum):
    CHANGED = "changed"
    INVALID_CODE = "invalid_code"
    EXPIRED = "expired"
    VOID = "void"
    TAKEN = "taken"


class ConfirmResult(BaseModel):
    outcome: ConfirmOutcome
    new_email: str | None = None


class EmailChangeOutcome(BaseModel):
    status: EmailChangeStatus


class EmailChangeRejection(StrEnum):
    NOT_PENDING = "not_pending"
