"""Bodies of sign-in and of the session it opens."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.schemas.declared import Body, Email, Secret

# A token from security.tokens.new_token (32 random bytes, URL-safe base64, no padding).
TOKEN_SHAPE = r"^[A-Za-z0-9_-]{43}$"  # noqa: S105 - a shape, not a token


class SessionIn(Body):
    email: Email = ""
    password: Secret = ""
    # The device token a previous second step (or the activation) gave: a recognised client
    # skips the second step (SPEC §9).
    device_token: str | None = Field(default=None, pattern=TOKEN_SHAPE, repr=False)


class SessionOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_at: datetime
    # The recognised device's token; null only when SECOND_FACTOR=off and none was given.
    device_token: str | None = None
