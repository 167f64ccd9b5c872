"""The enrollment workflow's contract: one typed model per input, update, query and result.

Nothing here holds a secret in clear: passwords and trust answers arrive hashed (argon2id), the
draft key and the activation code as digests.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel

from domain.models import Details, EnrollmentStatus


class EnrollmentParams(BaseModel):
    """Fixed at start: the timings and limits this enrollment runs under."""

    activation_window: timedelta
    idle_timeout: timedelta
    max_code_attempts: int = 5
    max_resends: int = 3


class DraftDetails(BaseModel):
    """The details of a draft as the workflow keeps them."""

    details: Details
    trust_answer_hash: str
    company_name: str | None = None


class SetIdentifiers(BaseModel):
    """Step 1, sent with update-with-start: creates the draft or replaces an unconfirmed one.

    « Étape précédente » keeps the details already typed: `keep_details_of` names the current
    draft of the same identifier, `carried` brings them over from a draft of another identifier.
    """

    draft_key_digest: str
    email: str
    password_hash: str
    terms_version: str
    terms_accepted_at: datetime
    keep_details_of: str | None = None
    carried: DraftDetails | None = None


class DraftRef(BaseModel):
    draft_key_digest: str


class SubmitDetails(BaseModel):
    draft_key_digest: str
    details: Details
    # None keeps the answer given before (same question, answer left blank when editing).
    trust_answer_hash: str | None


class EmailDelivery(StrEnum):
    """Where the activation e-mail stands once the enrollment is confirmed."""

    PENDING = "pending"  # on its way: the workflow keeps sending while SMTP refuses it
    SENT = "sent"  # the SMTP server accepted it


class Recap(BaseModel):
    status: EnrollmentStatus
    email: str
    details: Details | None = None
    company_name: str | None = None
    activation_deadline: datetime | None = None
    email_delivery: EmailDelivery | None = None


class EnrollmentView(BaseModel):
    """What the status query answers: the recap if the draft key matches, else found=False."""

    found: bool
    status: EnrollmentStatus | None = None
    recap: Recap | None = None


class Confirmed(BaseModel):
    status: EnrollmentStatus
    # The earliest deadline: 48 h from the confirmation. The window runs from the e-mail's
    # sending, so a delayed e-mail moves the real deadline later, never earlier.
    activation_deadline: datetime
    email_delivery: EmailDelivery = EmailDelivery.SENT


class Activate(BaseModel):
    code_digest: str


class EnrollmentActivationOutcome(StrEnum):
    ACTIVATED = "activated"
    INVALID_CODE = "invalid_code"
    CODE_VOID = "code_void"


class ActivationResult(BaseModel):
    outcome: EnrollmentActivationOutcome
    subscriber_id: int | None = None
    subscriber_number: str | None = None


class ResendResult(BaseModel):
    sent: bool
    activation_deadline: datetime | None = None


class EnrollmentOutcome(BaseModel):
    """The workflow's result: how it ended, without personal data."""

    status: EnrollmentStatus
    subscriber_id: int | None = None
