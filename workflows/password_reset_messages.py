"""The password-reset workflow's contract (« Mot de passe oublié ? »): one typed model per
input, update and result. Nothing here holds a secret in clear: the code arrives as its keyed
digest, the new password as its argon2id hash, the trust answer only as the service's verdict."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel

from domain.client_description import NO_CLIENT, ClientDescription

WORKFLOW_ID_PREFIX = "password-reset-"


class PasswordResetStatus(StrEnum):
    AWAITING_CODE = "awaiting_code"
    RESET = "reset"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"  # the identifier changed or the space closed meanwhile


class PasswordResetParams(BaseModel):
    """Fixed at start. The address and the question's label travel only in encrypted payloads
    (the workflow ID is a keyed hash of the address)."""

    subscriber_id: int
    email: str
    question_label: str
    validity: timedelta
    max_attempts: int = 5


class CodeRequested(BaseModel):
    expires_at: datetime


class CompleteReset(BaseModel):
    """Step 2. The trust answer was compared by the service (argon2id): only its verdict comes
    here, so that code and answer are judged together as one attempt."""

    code_digest: str
    answer_ok: bool
    password_hash: str
    # Who asked (browser name, network): for the account's activity, never a raw address.
    client: ClientDescription = NO_CLIENT


class ResetOutcome(StrEnum):
    RESET = "reset"
    INVALID = "invalid"  # wrong code, wrong answer, expired code: one answer for all
    VOID = "void"  # too many wrong tries: a new request is needed


class ResetResult(BaseModel):
    outcome: ResetOutcome


class PasswordResetOutcome(BaseModel):
    status: PasswordResetStatus


class ResetRejection(StrEnum):
    NOT_PENDING = "not_pending"
