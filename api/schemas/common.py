"""What several resources answer alike: a subscriber's company, contact and trust question, and
the profile they make up."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from domain.reference import Civility
from domain.subscriber_number import format_subscriber_number
from domain.subscriber_view import SubscriberView
from storage.tables import SubscriberBase


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
