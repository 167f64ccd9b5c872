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
    # An enrollment a backend service started for the person (SPEC §8): the code is on its way
    # and the person completes the rest; a pending one may be withdrawn by its service.
    INVITED = "invited"
    WITHDRAWN = "withdrawn"
    ACTIVATED = "activated"
    EXPIRED = "expired"
    ABANDONED = "abandoned"


class InvitationStatus(StrEnum):
    """An invitation as its service sees it (API.md): the enrollment's end, in four words."""

    INVITED = "invited"
    ACTIVATED = "activated"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class AdhesionStatus(StrEnum):
    """An adhésion's life (SPEC §7). `withdrawn` (a pending request taken back by the
    subscriber) is kept for the record but no longer listed."""

    PENDING = "pending"
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return _ADHESION_LABELS[self]


_ADHESION_LABELS = {
    AdhesionStatus.PENDING: "En attente du code",
    AdhesionStatus.ACTIVE: "Active",
    AdhesionStatus.EXPIRED: "Expirée",
    AdhesionStatus.REVOKED: "Résiliée",
    AdhesionStatus.WITHDRAWN: "Retirée",
}
# A request holds its SIREN, and counts toward the space's limit, while it is one of these.
OPEN_ADHESION = frozenset({AdhesionStatus.PENDING, AdhesionStatus.ACTIVE})


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


class InvitationForm(_Form):
    """What a backend service knows of the person it invites: no password, no trust question."""

    external_reference: str = ""
    email: str = ""
    civility: str = ""
    last_name: str = ""
    first_name: str = ""
    company: CompanyForm = Field(default_factory=CompanyForm)
    contact: ContactForm = Field(default_factory=ContactForm)


class AcceptanceForm(_Form):
    """What the invited person adds: the terms, the password twice, the trust question and
    answer, and optionally a corrected contact (None keeps the invited one)."""

    terms_accepted: bool = False
    password: str = Field(default="", repr=False)
    password_confirmation: str = Field(default="", repr=False)
    trust: TrustForm = Field(default_factory=TrustForm)
    contact: ContactForm | None = None


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
