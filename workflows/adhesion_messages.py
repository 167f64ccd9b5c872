"""The adhésion workflow's contract: one typed model per input, update, query and result.

Nothing personal travels here: the workflow knows its adhésion by the row's random ID, the code
only as a keyed digest; the subscriber's name and the company's address are read from the
database by the letter channel when the letter is printed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel

from domain.client_description import NO_CLIENT, ClientDescription
from domain.models import AdhesionStatus


class AdhesionParams(BaseModel):
    """Fixed at start: which adhésion, and the timings and limits it runs under."""

    adhesion_id: str
    window: timedelta  # how long each letter's code stays valid (60 days)
    max_code_attempts: int = 5
    max_resends: int = 3  # new letters after the first


class ActivateAdhesion(BaseModel):
    code_digest: str
    # Who typed the code (browser name, network): for the account's activity.
    client: ClientDescription = NO_CLIENT


class AdhesionActivationOutcome(StrEnum):
    ACTIVATED = "activated"
    INVALID_CODE = "invalid_code"
    CODE_VOID = "code_void"  # too many wrong tries: a new letter is needed
    EXPIRED = "expired"
    NOT_PENDING = "not_pending"  # withdrawn, or no letter has gone yet


class AdhesionActivation(BaseModel):
    outcome: AdhesionActivationOutcome
    activated_at: datetime | None = None


class LetterResult(BaseModel):
    sent: bool  # False: the limit of new letters is reached
    expires_at: datetime | None = None
    letters_sent: int = 0


class AdhesionState(BaseModel):
    """What the status query answers: no personal data."""

    status: AdhesionStatus
    letters_sent: int  # letters issued, the last one possibly still on its way
    letter_delivered: bool = False  # the last one was handed to the print-and-post channel
    expires_at: datetime | None = None


class AdhesionOutcome(BaseModel):
    status: AdhesionStatus
