"""Bodies of the invitations (API.md « Services »).

The requests are the domain's lenient forms, so that the rules (domain/rules.py) report every
invalid field at once, in French. Their JSON Schema still declares what the rules enforce
(required members, lengths, patterns, enumerations) for the clients generated from the OpenAPI
document; where a rule goes further (a SIREN's check digit, a phone number valid for its
country, a confirmation equal to its field), the schema states the shape and the rules the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.declared import NOT_BLANK
from domain.models import (
    AcceptanceForm,
    CompanyForm,
    ContactForm,
    InvitationForm,
    InvitationStatus,
    TrustForm,
)
from domain.reference import STREET_TYPES, TRUST_QUESTIONS, Civility, country_codes
from domain.rules import (
    CITY_MAX,
    EMAIL_MAX,
    NAME_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    REFERENCE_MAX,
    REFERENCE_PATTERN,
    TEXT_MAX,
    TRUST_ANSWER_MAX,
)
from services.invitations import InvitationInfo

_NAME_PATTERN = r"^[A-Za-zÀ-ÖØ-öø-ÿ]+(?:[ '’-][A-Za-zÀ-ÖØ-öø-ÿ]+)*$"
_PASSWORD_PATTERN = f"^[A-Za-z0-9]{{{PASSWORD_MIN},{PASSWORD_MAX}}}$"


def _extra(**constraints: Any) -> Any:
    return constraints


def _schema(**constraints: Any) -> Any:
    """Constraints for the JSON Schema only: the rules, not the parser, refuse the value."""
    return Field(default="", json_schema_extra=constraints)


def _required(*names: str) -> Callable[[dict[str, Any]], None]:
    def extra(schema: dict[str, Any]) -> None:
        schema["required"] = list(names)
        for name in names:  # a required member has no default (nor one outside its enum)
            schema["properties"][name].pop("default", None)

    return extra


class InvitationCompanyIn(CompanyForm):
    model_config = ConfigDict(json_schema_extra=_required("identifier"))

    # A SIREN (9 digits, spaces allowed, Luhn-valid) or, for a foreign company, its identifier.
    identifier: str = _schema(
        minLength=1, maxLength=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9 .\-/]{1,39}$"
    )


class InvitationContactIn(ContactForm):
    model_config = ConfigDict(json_schema_extra=_required("phone", "city", "country"))

    phone: str = _schema(minLength=1, maxLength=30, pattern=r"^\+?[0-9 ().-]{6,30}$")
    street_number: str = _schema(maxLength=12, pattern=r"^(?:[0-9]{1,5}(?: ?[A-Za-z]{1,6})?)?$")
    street_type: str = _schema(enum=["", *STREET_TYPES])
    street_name: str = _schema(maxLength=TEXT_MAX)
    address_complement: str = _schema(maxLength=TEXT_MAX)
    postal_code: str = _schema(maxLength=12, pattern=r"^(?:[A-Za-z0-9][A-Za-z0-9 -]{1,11})?$")
    city: str = _schema(minLength=1, maxLength=CITY_MAX, pattern=NOT_BLANK)
    country: str = Field(default="FR", json_schema_extra=_extra(enum=sorted(country_codes())))


class InvitationIn(InvitationForm):
    """`POST /api/v1/invitations`: what the service knows of the person, never a secret."""

    model_config = ConfigDict(
        json_schema_extra=_required(
            "external_reference",
            "email",
            "civility",
            "last_name",
            "first_name",
            "company",
            "contact",
        )
    )

    external_reference: str = _schema(
        minLength=1, maxLength=REFERENCE_MAX, pattern=f"^{REFERENCE_PATTERN}$"
    )
    email: str = _schema(minLength=3, maxLength=EMAIL_MAX, format="email")
    civility: str = _schema(enum=[c.value for c in Civility])
    last_name: str = _schema(minLength=1, maxLength=NAME_MAX, pattern=_NAME_PATTERN)
    first_name: str = _schema(minLength=1, maxLength=NAME_MAX, pattern=_NAME_PATTERN)
    company: InvitationCompanyIn = Field(default_factory=InvitationCompanyIn)
    contact: InvitationContactIn = Field(default_factory=InvitationContactIn)


class AcceptanceTrustIn(TrustForm):
    model_config = ConfigDict(json_schema_extra=_required("question", "answer"))

    question: str = _schema(enum=list(TRUST_QUESTIONS))
    answer: str = Field(
        default="",
        repr=False,
        json_schema_extra={"minLength": 1, "maxLength": TRUST_ANSWER_MAX, "pattern": NOT_BLANK},
    )


class AcceptanceIn(AcceptanceForm):
    """`POST /api/v1/invitations/accept`: the invited person's identifier and code, and what
    only they may give."""

    model_config = ConfigDict(
        json_schema_extra=_required(
            "email",
            "code",
            "terms_accepted",
            "password",
            "password_confirmation",
            "trust",
        )
    )

    email: str = _schema(minLength=3, maxLength=EMAIL_MAX, format="email")
    code: str = _schema(pattern="^[A-Za-z0-9]{12}$")
    terms_accepted: bool = Field(default=False, json_schema_extra={"enum": [True]})
    password: str = Field(default="", repr=False, json_schema_extra={"pattern": _PASSWORD_PATTERN})
    password_confirmation: str = Field(
        default="", repr=False, json_schema_extra={"pattern": _PASSWORD_PATTERN}
    )
    trust: AcceptanceTrustIn = Field(default_factory=AcceptanceTrustIn)
    contact: InvitationContactIn | None = None


class InvitationOut(BaseModel):
    invitation_id: str
    external_reference: str
    status: InvitationStatus
    expires_at: datetime | None
    activated_at: datetime | None
    subscriber_number: str | None

    @classmethod
    def of(cls, info: InvitationInfo) -> InvitationOut:
        return cls(
            invitation_id=info.invitation_id,
            external_reference=info.external_reference,
            status=info.status,
            expires_at=info.expires_at,
            activated_at=info.activated_at,
            subscriber_number=info.subscriber_number,
        )


class InvitationCreatedOut(InvitationOut):
    """201 for a new invitation (with the identifier it was sent to); 200 with the invitation
    already made under the same reference (the identifier is not kept for it: null)."""

    email: str | None

    @classmethod
    def of(cls, info: InvitationInfo) -> InvitationCreatedOut:
        return cls(**InvitationOut.of(info).model_dump(), email=info.email)
