"""Bodies of the enrollment: step 1 (identifiers), step 2 (details), the recap, the confirmation.

The request bodies are the domain's lenient forms with what the rules enforce declared for the
OpenAPI document (`api/schemas/declared.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, Field

from api.schemas.common import CompanyOut, ContactOut, TrustOut, subscriber_fields
from api.schemas.declared import (
    FOREIGN_IDENTIFIER_PATTERN,
    SIREN_PATTERN,
    Body,
    City,
    Civility_,
    Country,
    Email,
    Flag,
    Name,
    Password,
    Phone,
    PostalCode,
    StreetNumber,
    StreetType,
    Text,
    TrustAnswer,
    TrustQuestion,
    declared,
    french_contact_rules,
    path_id,
)
from domain.models import (
    CompanyForm,
    ContactForm,
    DetailsForm,
    EnrollmentStatus,
    IdentifiersForm,
    TrustForm,
)
from domain.reference import FRANCE, Civility
from domain.subscriber_view import SubscriberView
from security.keyed_hash import ENROLLMENT_ID_PATTERN
from workflows.enrollment_messages import EmailDelivery, Recap

EnrollmentId = Annotated[
    str, path_id(ENROLLMENT_ID_PATTERN, "L'identifiant rendu par l'étape 1 (`enrollment_id`).")
]


class EnrollmentStartIn(Body, IdentifiersForm):
    """Step 1's body; `replaces` names the draft being edited (« Étape précédente »)."""

    terms_accepted: Annotated[Flag, declared(required=True, enum=[True])] = False
    email: Email = ""
    email_confirmation: Email = ""
    password: Password = ""
    password_confirmation: Password = ""
    replaces: Annotated[str | None, declared(pattern=ENROLLMENT_ID_PATTERN)] = None


class CompanyIn(Body, CompanyForm):
    """A SIREN when `foreign` is false, the foreign « équivalent » otherwise (docs/rules.md)."""

    foreign: Flag = False
    identifier: Annotated[
        str, declared(required=True, minLength=1, pattern=FOREIGN_IDENTIFIER_PATTERN)
    ] = ""

    declared_rules: ClassVar[dict[str, Any]] = {
        "if": {"properties": {"foreign": {"const": True}}, "required": ["foreign"]},
        "else": {"properties": {"identifier": {"pattern": SIREN_PATTERN}}},
    }


class ContactIn(Body, ContactForm):
    phone: Phone = ""
    street_number: StreetNumber = ""
    street_type: StreetType = ""
    street_name: Text = ""
    address_complement: Text = ""
    postal_code: PostalCode = ""
    city: City = ""
    country: Country = FRANCE

    declared_rules: ClassVar[dict[str, Any]] = french_contact_rules(partial=False)


class TrustIn(Body, TrustForm):
    question: TrustQuestion = ""
    answer: TrustAnswer = ""


class DetailsIn(Body, DetailsForm):
    civility: Civility_ = ""
    last_name: Name = ""
    first_name: Name = ""
    company: Annotated[CompanyIn, declared(required=True)] = Field(default_factory=CompanyIn)
    contact: Annotated[ContactIn, declared(required=True)] = Field(default_factory=ContactIn)
    trust: Annotated[TrustIn, declared(required=True)] = Field(default_factory=TrustIn)


class EnrollmentCreatedOut(BaseModel):
    enrollment_id: str
    status: EnrollmentStatus
    email: str


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
