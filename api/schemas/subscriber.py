"""Bodies of sign-in and of the session it opens."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from api.schemas.declared import Body, Email, Secret


class SessionIn(Body):
    email: Email = ""
    password: Secret = ""


class SessionOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_at: datetime
