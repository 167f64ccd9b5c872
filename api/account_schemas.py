"""Response bodies of the Account section of the JSON API (API.md, SPEC §6)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class SessionItem(BaseModel):
    session_id: str
    created_at: datetime
    last_used_at: datetime
    user_agent: str
    current: bool


class EmailChangeOut(BaseModel):
    new_email: str
    expires_at: datetime
