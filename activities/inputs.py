"""One typed input and result per activity."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from domain.models import NewSubscriber


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


class CreateSubscriber(NewSubscriber):
    """The subscriber the repository creates, as it is (its fields are in workflow histories)."""


class SubscriberCreated(BaseModel):
    subscriber_id: int
    subscriber_number: str


class RenderRecap(BaseModel):
    subscriber_id: int
