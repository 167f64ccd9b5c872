"""Bodies of the subscriber's own changes (API.md « Account », SPEC §6)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel

from api.schemas.declared import Body, Code, Email, Password, Secret, french_contact_rules, path_id
from api.schemas.enrollments import ContactIn
from domain.account_forms import (
    EmailChangeCodeForm,
    EmailChangeForm,
    PasswordChangeForm,
    SecretsForm,
)
from storage.tables import SESSION_ID_PATTERN

SessionId = Annotated[str, path_id(SESSION_ID_PATTERN, "Le `session_id` d'une session listée.")]


class PasswordChangeIn(Body, PasswordChangeForm):
    current_password: Secret = ""
    trust_answer: Secret = ""
    new_password: Password = ""
    new_password_confirmation: Password = ""


class EmailChangeIn(Body, EmailChangeForm):
    password: Secret = ""
    trust_answer: Secret = ""
    new_email: Email = ""
    new_email_confirmation: Email = ""


class EmailChangeCodeIn(Body, EmailChangeCodeForm):
    code: Code = ""


class ContactChangeIn(ContactIn):
    """« Mes coordonnées »: only the members sent change, each under the enrollment's rules."""

    partial: ClassVar[bool] = True
    declared_rules: ClassVar[dict[str, Any]] = french_contact_rules(partial=True)


class SecretsIn(Body, SecretsForm):
    password: Secret = ""
    trust_answer: Secret = ""


class SessionItemOut(BaseModel):
    session_id: str
    created_at: datetime
    last_used_at: datetime
    user_agent: str
    current: bool


class EmailChangeOut(BaseModel):
    new_email: str
    expires_at: datetime
