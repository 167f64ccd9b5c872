"""Response bodies of the Account section of the JSON API (API.md, SPEC §6)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from domain.security_events import EventType


class SessionItem(BaseModel):
    session_id: str
    created_at: datetime
    last_used_at: datetime
    user_agent: str
    current: bool


class EmailChangeOut(BaseModel):
    new_email: str
    expires_at: datetime


class ActivityItem(BaseModel):
    """One security event of the space (API.md, « Account security »)."""

    type: EventType
    at: datetime
    browser: str  # a short description of the browser, never the raw User-Agent
    network: str  # the client address cut to its network (/24, /48); "" when none
