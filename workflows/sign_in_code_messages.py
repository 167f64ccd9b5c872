"""The sign-in code workflow's contract (SPEC §9, the second step by e-mail): one typed model
per input, update and result. The code arrives only as its keyed digest."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel

WORKFLOW_ID_PREFIX = "sign-in-code-"


class SignInCodeStatus(StrEnum):
    AWAITING_CODE = "awaiting_code"
    PASSED = "passed"
    EXPIRED = "expired"


class SignInCodeParams(BaseModel):
    """Fixed at start. The address travels only in encrypted payloads (the workflow ID is a keyed
    hash of the subscriber number)."""

    email: str
    validity: timedelta
    max_attempts: int = 5
    max_resends: int = 3


class RequestSignInCode(BaseModel):
    """A new code: for a new sign-in (`resend` False), or « Recevoir un nouveau code » on the
    code page (`resend` True, limited in number)."""

    resend: bool = False


class SignInCodeRequested(BaseModel):
    expires_at: datetime


class JudgeSignInCode(BaseModel):
    code_digest: str


class SignInVerdict(StrEnum):
    PASSED = "passed"
    WRONG = "wrong"  # counted towards the tries (and, by the service, the sign-in lockout)
    VOID = "void"  # too many wrong tries: only a new sign-in helps
    EXPIRED = "expired"
    NONE = "none"  # no code to judge (used up, or superseded)


class SignInCodeJudged(BaseModel):
    verdict: SignInVerdict


class SignInCodeOutcome(BaseModel):
    status: SignInCodeStatus


class SignInCodeRejection(StrEnum):
    NOT_PENDING = "not_pending"
    RESEND_LIMIT = "resend_limit"
