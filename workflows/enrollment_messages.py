"""The enrollment workflow's contract: one typed model per input, update, query and result.

Nothing here holds a secret in clear: passwords and trust answers arrive hashed (argon2id), the
draft key and the activation code as digests.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel

from domain.models import Contact, Details, EnrollmentStatus


class EnrollmentParams(BaseModel):
    """Fixed at start: the timings and limits this enrollment runs under."""

    activation_window: timedelta
    idle_timeout: timedelta
    max_code_attempts: int = 5
    max_resends: int = 3
    # Started for an invitation (SPEC §8): its code e-mail names the service that invited.
    invited: bool = False


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


# -- the invited path (SPEC §8): a backend service starts the enrollment, the person ends it --


class InvitedBy(BaseModel):
    """The service client that invited the person: its opaque ID (search attribute
    `ServiceClient`) and the name the code e-mail gives it."""

    client_id: str
    client_name: str


class Invite(BaseModel):
    """Sent with update-with-start: the enrollment begins invited, with the details the service
    knows (no trust question yet), and the code goes out at once."""

    invitation_id: str
    external_reference: str
    invited_by: InvitedBy
    email: str
    details: Details


class Invited(BaseModel):
    status: EnrollmentStatus
    # As for a confirmation: the e-mail's deadline once it went out, else the earliest one.
    expires_at: datetime
    email_delivery: EmailDelivery


class InvitationAnswers(BaseModel):
    """What the person adds, hashed by the API: all of it to accept at once, or piece by piece
    from the pages once the invitation is opened (None leaves a piece as it was)."""

    terms_version: str | None = None
    terms_accepted_at: datetime | None = None
    password_hash: str | None = None
    trust_question: str | None = None
    trust_answer_hash: str | None = None
    contact: Contact | None = None  # a corrected contact replaces the invited one


class OpenInvitation(BaseModel):
    """The pages' first screen: the code proves the address and is used up; the browser then
    holds a key of its own (as a draft's holder does) for the screens that follow."""

    code_digest: str
    draft_key_digest: str


class FillInvitation(BaseModel):
    draft_key_digest: str
    answers: InvitationAnswers


class AcceptInvitation(BaseModel):
    """The last step: with the code (the API, in one call) or with the key of an invitation the
    pages opened. Ends like an activation."""

    code_digest: str | None = None
    draft_key_digest: str | None = None
    answers: InvitationAnswers = InvitationAnswers()


class OpenOutcome(StrEnum):
    OPENED = "opened"
    INVALID_CODE = "invalid_code"
    CODE_VOID = "code_void"


class InvitationView(BaseModel):
    """What the pages show the holder of an opened invitation; found=False for anyone else."""

    found: bool
    status: EnrollmentStatus | None = None
    client_name: str = ""
    email: str = ""
    details: Details | None = None
    company_name: str | None = None
    expires_at: datetime | None = None
    terms_accepted: bool = False
    secrets_given: bool = False


class InvitationState(BaseModel):
    """What its service may read (no personal data): which invitation, and where it stands."""

    invitation_id: str | None = None
    status: EnrollmentStatus
    expires_at: datetime | None = None
    activated_at: datetime | None = None
    subscriber_number: str | None = None


class Withdraw(BaseModel):
    invitation_id: str
