"""Response bodies of the JSON API (API.md). Requests use the domain's forms."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from domain.models import EnrollmentStatus, IdentifiersForm
from domain.reference import TRUST_QUESTIONS, Civility
from domain.rules import display_company_identifier
from domain.subscriber_number import format_subscriber_number
from storage.tables import Subscriber
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
        out = cls(
            enrollment_id=enrollment_id,
            status=recap.status,
            email=recap.email,
            activation_deadline=recap.activation_deadline,
            email_delivery=recap.email_delivery,
        )
        if (details := recap.details) is not None:
            company = details.company
            out.civility = details.civility
            out.last_name = details.last_name
            out.first_name = details.first_name
            out.company = CompanyOut(
                foreign=company.foreign,
                identifier=display_company_identifier(company.foreign, company.identifier),
                name=recap.company_name,
            )
            out.contact = ContactOut(email=recap.email, **details.contact.model_dump())
            out.trust = TrustOut(
                question=details.trust_question,
                question_label=TRUST_QUESTIONS[details.trust_question],
            )
        return out


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


class SessionIn(BaseModel):
    email: str = ""
    password: str = ""


class SessionOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_at: datetime


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
    def from_subscriber(cls, s: Subscriber) -> ProfileOut:
        return cls(
            subscriber_number=s.subscriber_number,
            subscriber_number_formatted=format_subscriber_number(s.subscriber_number),
            email=s.email,
            civility=Civility(s.civility),
            last_name=s.last_name,
            first_name=s.first_name,
            company=CompanyOut(
                foreign=s.company_foreign,
                identifier=display_company_identifier(s.company_foreign, s.company_identifier),
                name=s.company_name,
            ),
            contact=ContactOut(
                phone=s.phone,
                email=s.email,
                street_number=s.street_number,
                street_type=s.street_type,
                street_name=s.street_name,
                address_complement=s.address_complement,
                postal_code=s.postal_code,
                city=s.city,
                country=s.country,
            ),
            trust=TrustOut(
                question=s.trust_question,
                question_label=TRUST_QUESTIONS.get(s.trust_question, ""),
            ),
            activated_at=s.activated_at,
        )


class Choice(BaseModel):
    code: str
    label: str
