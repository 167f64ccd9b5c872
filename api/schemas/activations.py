"""Bodies of the activation (identifier + code) and of « renvoyer le code »."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from api.schemas.declared import Body, Code, Email


class ActivationIn(Body):
    email: Email = ""
    code: Code = ""


class ResendIn(Body):
    # Any value is answered alike (202), known or not: nothing more to declare.
    email: str = ""


class ActivationOut(BaseModel):
    subscriber_number: str
    subscriber_number_formatted: str
    email: str
    recap_pdf_url: str
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_at: datetime
    # This client proved the address: it is recognised at sign-in (SPEC §9).
    device_token: str | None = None
