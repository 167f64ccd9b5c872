"""One typed input and result per activity."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from domain.models import Details


class SendActivationCode(BaseModel):
    workflow_id: str
    email: str
    deadline: datetime


class SentCode(BaseModel):
    code_digest: str


class LookupCompany(BaseModel):
    identifier: str
    foreign: bool


class CompanyFound(BaseModel):
    name: str | None


class CreateSubscriber(BaseModel):
    enrollment_key: str
    email: str
    password_hash: str
    details: Details
    company_name: str | None
    trust_answer_hash: str
    terms_version: str
    terms_accepted_at: datetime
    activated_at: datetime


class SubscriberCreated(BaseModel):
    subscriber_id: int
    subscriber_number: str


class RenderRecap(BaseModel):
    subscriber_id: int
