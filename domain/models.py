"""What users type (forms) and what the rules make of it (normalised values).

The forms are deliberately lenient (plain strings, empty by default) so that the rules, not the
parser, decide what is wrong and report every field at once, in French.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.reference import FRANCE, Civility


class EnrollmentStatus(StrEnum):
    IDENTIFIERS_SET = "identifiers_set"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    AWAITING_ACTIVATION = "awaiting_activation"
    ACTIVATED = "activated"
    EXPIRED = "expired"
    ABANDONED = "abandoned"


class _Form(BaseModel):
    model_config = ConfigDict(extra="ignore", str_max_length=1000)


class IdentifiersForm(_Form):
    terms_accepted: bool = False
    email: str = ""
    email_confirmation: str = ""
    password: str = Field(default="", repr=False)
    password_confirmation: str = Field(default="", repr=False)


class CompanyForm(_Form):
    foreign: bool = False
    identifier: str = ""


class ContactForm(_Form):
    phone: str = ""
    street_number: str = ""
    street_type: str = ""
    street_name: str = ""
    address_complement: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = FRANCE


class TrustForm(_Form):
    question: str = ""
    answer: str = Field(default="", repr=False)


class DetailsForm(_Form):
    civility: str = ""
    last_name: str = ""
    first_name: str = ""
    company: CompanyForm = Field(default_factory=CompanyForm)
    contact: ContactForm = Field(default_factory=ContactForm)
    trust: TrustForm = Field(default_factory=TrustForm)


class Company(BaseModel):
    foreign: bool
    identifier: str  # compact: digits only for a SIREN, no spaces for a foreign identifier


class Contact(BaseModel):
    phone: str  # E.164
    street_number: str = ""
    street_type: str = ""
    street_name: str = ""
    address_complement: str = ""
    postal_code: str = ""
    city: str
    country: str


class Details(BaseModel):
    """Validated, normalised details: everything but the trust answer, which is only hashed."""

    civility: Civility
    last_name: str
    first_name: str
    company: Company
    contact: Contact
    trust_question: str


class NewSubscriber(BaseModel):
    """A subscriber to create at activation: the enrollment's details and hashed secrets."""

    enrollment_key: str  # workflow ID / run ID: a retried creation finds its row again
    email: str
    password_hash: str
    details: Details
    company_name: str | None
    trust_answer_hash: str
    terms_version: str
    terms_accepted_at: datetime
    activated_at: datetime
