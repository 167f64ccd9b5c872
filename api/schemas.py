"""Response bodies of the JSON API (API.md). Requests use the domain's forms."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from domain.models import EnrollmentStatus, IdentifiersForm
from domain.reference import Civility
from domain.subscriber_number import format_subscriber_number
from domain.subscriber_view import SubscriberView
from storage.tables import SubscriberBase
from workflows.enrollment_messages import EmailDelivery, Recap


class EnrollmentStart(IdentifiersForm):
    """Step 1's body; `replaces` names the draft being edited (« Étape précédente »)."""

    replaces: str | None = None


class EnrollmentCreated(BaseModel):
    enrollment_id: str
    status: EnrollmentStatus
    email: str


class CompanyOut(BaseModel):
    foreign: bool
    identifier: str
    name: str | None


class ContactOut(BaseModel):
    phone: str
    email: str
    street_number: str
    street_type: str
    street_name: str
    address_complement: str
    postal_code: str
    city: str
    country: str


class TrustOut(BaseModel):
    question: str
    question_label: str


def subscriber_fields(view: SubscriberView) -> dict[str, Any]:
    """Identity, company, contact and trust question: codes as stored, with their labels."""
    details = view.details
    return {
        "civility": details.civility,
        "last_name": details.last_name,
        "first_name": details.first_name,
        "company": CompanyOut(
            foreign=details.company.foreign,
            identifier=view.company_identifier,
            name=view.company_name,
        ),
        "contact": ContactOut(email=view.email, **details.contact.model_dump()),
        "trust": TrustOut(
            question=details.trust_question, question_label=view.trust_question_label
        ),
    }


class EnrollmentOut(BaseModel):
    enrollment_id: str
    status: EnrollmentStatus
    email: str
    civility: Civility | None = None
    last_name: str | None = None
    first_name: str | None = None
    company: CompanyOut | None = None
    contact: ContactOut | None = None
    trust: TrustOut | None = None
    activation_deadline: datetime | None = None
    # Once confirmed: "pending" while the activation e-mail is on its way, then "sent".
    email_delivery: EmailDelivery | None = None

    @classmethod
    def from_recap(cls, enrollment_id: str, recap: Recap) -> EnrollmentOut:
        # The recap's state as it is; its details, once given, spelled out with their labels.
        state = recap.model_dump(exclude={"details", "company_name"})
        subscriber: dict[str, Any] = {}
        if recap.details is not None:
            view = SubscriberView(recap.email, recap.details, recap.company_name)
            subscriber = subscriber_fields(view)
        return cls(enrollment_id=enrollment_id, **state, **subscriber)


class ConfirmOut(BaseModel):
    status: EnrollmentStatus
    activation_deadline: datetime
    email_delivery: EmailDelivery


class ActivationIn(BaseModel):
    email: str = ""
    code: str = ""


class ResendIn(BaseModel):
    email: str = ""


class ActivationOut(BaseModel):
    subscriber_number: str
    subscriber_number_formatted: str
    email: str
    recap_pdf_url: str
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_at: datetime
    # This client proved the address: it is recognised at sign-in (SPEC §9).
    device_token: str | None = None


# A token from security.tokens.new_token (32 random bytes, URL-safe base64, no padding).
TOKEN_SHAPE = r"^[A-Za-z0-9_-]{43}$"  # noqa: S105 - a shape, not a token


class SessionIn(BaseModel):
    email: str = ""
    password: str = ""
    # The device token a previous second step (or the activation) gave: a recognised client
    # skips the second step (SPEC §9).
    device_token: str | None = Field(default=None, pattern=TOKEN_SHAPE, repr=False)


class SessionOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_at: datetime
    # The recognised device's token; null only when SECOND_FACTOR=off and none was given.
    device_token: str | None = None


class ProfileOut(BaseModel):
    subscriber_number: str
    subscriber_number_formatted: str
    email: str
    civility: Civility
    last_name: str
    first_name: str
    company: CompanyOut
    contact: ContactOut
    trust: TrustOut
    activated_at: datetime

    @classmethod
    def from_subscriber(cls, subscriber: SubscriberBase) -> ProfileOut:
        return cls(
            subscriber_number=subscriber.subscriber_number,
            subscriber_number_formatted=format_subscriber_number(subscriber.subscriber_number),
            email=subscriber.email,
            activated_at=subscriber.activated_at,
            **subscriber_fields(subscriber.view()),
        )


class Choice(BaseModel):
    code: str
    label: str
