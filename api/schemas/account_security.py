"""Bodies of the account security (API.md, SPEC §9): the second step at sign-in, the devices,
the authenticator app. These requests' constraints are pydantic's own (the parser refuses them,
422 `invalid_format`, every field at once), so the OpenAPI document states them as they are."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.subscriber import TOKEN_SHAPE
from services.second_step import Method

SIX_DIGITS = r"^[0-9]{6}$"
# A recovery code as shown (« k7pqm-x3vtd »), in any case, with or without its hyphen.
RECOVERY_CODE_PATTERN = r"^[A-Za-z0-9]{5}-?[A-Za-z0-9]{5}$"


class ChallengeOut(BaseModel):
    """202 to `POST /api/v1/sessions`: the browser is not recognised, a second step is due."""

    challenge_id: str
    method: Method
    expires_at: datetime


def _one_of_code_or_recovery(schema: dict[str, Any]) -> None:
    # Exactly one of them given as a string (null counts as not given, as the route reads it):
    # not both, and not neither. Said with `not`, which generated clients leave aside (a
    # `oneOf` would make them split the body into two types).
    given = {name: {"type": "string"} for name in ("code", "recovery_code")}
    not_given = {name: {"not": {"type": "string"}} for name in given}
    schema["allOf"] = [
        {"not": {"required": list(given), "properties": given}},
        {"not": {"properties": not_given}},
    ]


class ChallengeIn(BaseModel):
    """The second step: the e-mailed or app code, or one of the app's recovery codes."""

    model_config = ConfigDict(json_schema_extra=_one_of_code_or_recovery)

    challenge_id: str = Field(pattern=TOKEN_SHAPE)
    code: str | None = Field(default=None, pattern=SIX_DIGITS, repr=False)
    recovery_code: str | None = Field(default=None, pattern=RECOVERY_CODE_PATTERN, repr=False)


class ChallengeResendIn(BaseModel):
    challenge_id: str = Field(pattern=TOKEN_SHAPE)


class DeviceItemOut(BaseModel):
    device_id: str
    browser: str
    first_seen: datetime
    last_seen: datetime


class TotpEnrolmentOut(BaseModel):
    secret: str
    otpauth_uri: str


class TotpConfirmIn(BaseModel):
    code: str = Field(pattern=SIX_DIGITS, repr=False)


class RecoveryCodesOut(BaseModel):
    recovery_codes: list[str] = Field(min_length=10, max_length=10)


class TotpDisableIn(BaseModel):
    password: str = Field(min_length=1, max_length=1000, repr=False)
    code: str = Field(pattern=SIX_DIGITS, repr=False)
