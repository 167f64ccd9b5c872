"""How stored values read on a page: labels for codes, grouped digits, upper-case names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import phonenumbers

from domain.models import Details
from domain.reference import FRANCE, STREET_TYPES, TRUST_QUESTIONS, Civility, country_label
from domain.rules import display_company_identifier
from mail.activation import french_datetime
from storage.tables import Subscriber


def full_name(civility: str, last_name: str, first_name: str) -> str:
    """« Madame ROSEMONDE Lila », as the sheet addresses the user."""
    return f"{Civility(civility).label} {last_name.upper()} {first_name}"


def phone(e164: str, country: str) -> str:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if country == FRANCE and number.country_code == 33
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


@dataclass(frozen=True, slots=True)
class RecapView:
    """Every value of an enrollment or a subscriber, ready to be read."""

    civility: str
    last_name: str
    first_name: str
    foreign: bool
    company_identifier: str
    company_name: str | None
    phone: str
    email: str
    street_number: str
    street_type: str
    street_name: str
    address_complement: str
    postal_code: str
    city: str
    country: str
    trust_question: str

    @property
    def name(self) -> str:
        return f"{self.civility} {self.last_name.upper()} {self.first_name}"


def recap_of_details(details: Details, email: str, company_name: str | None) -> RecapView:
    c = details.contact
    return RecapView(
        civility=details.civility.label,
        last_name=details.last_name,
        first_name=details.first_name,
        foreign=details.company.foreign,
        company_identifier=display_company_identifier(
            details.company.foreign, details.company.identifier
        ),
        company_name=company_name,
        phone=phone(c.phone, c.country),
        email=email,
        street_number=c.street_number,
        street_type=STREET_TYPES.get(c.street_type, c.street_type),
        street_name=c.street_name,
        address_complement=c.address_complement,
        postal_code=c.postal_code,
        city=c.city,
        country=country_label(c.country),
        trust_question=TRUST_QUESTIONS.get(details.trust_question, details.trust_question),
    )


def recap_of_subscriber(s: Subscriber) -> RecapView:
    return RecapView(
        civility=Civility(s.civility).label,
        last_name=s.last_name,
        first_name=s.first_name,
        foreign=s.company_foreign,
        company_identifier=display_company_identifier(s.company_foreign, s.company_identifier),
        company_name=s.company_name,
        phone=phone(s.phone, s.country),
        email=s.email,
        street_number=s.street_number,
        street_type=STREET_TYPES.get(s.street_type, s.street_type),
        street_name=s.street_name,
        address_complement=s.address_complement,
        postal_code=s.postal_code,
        city=s.city,
        country=country_label(s.country),
        trust_question=TRUST_QUESTIONS.get(s.trust_question, s.trust_question),
    )


def details_values(details: Details) -> dict[str, str]:
    """Saved details as form values, to edit them again (« Étape précédente »)."""
    values = {
        "civility": details.civility.value,
        "last_name": details.last_name,
        "first_name": details.first_name,
        "company.identifier": display_company_identifier(
            details.company.foreign, details.company.identifier
        ),
        "trust.question": details.trust_question,
    }
    if details.company.foreign:
        values["company.foreign"] = "on"
    contact = details.contact.model_dump()
    contact["phone"] = phone(details.contact.phone, details.contact.country)
    values.update({f"contact.{name}": str(value) for name, value in contact.items()})
    return values


def moment(value: datetime) -> str:
    """« 29 novembre 2026 à 14 h 05 (heure de Paris) »; SQLite hands back naive UTC times."""
    return french_datetime(value if value.tzinfo else value.replace(tzinfo=UTC))
