"""Bodies of the space's activity (API.md « Account security »)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, WithJsonSchema

from domain.security_events import EventType

# Inline, under a name of its own: the webhooks' event types are the document's `EventType`.
SecurityEventType = Annotated[
    EventType,
    WithJsonSchema(
        {"type": "string", "title": "SecurityEventType", "enum": [e.value for e in EventType]}
    ),
]


class ActivityItemOut(BaseModel):
    """One security event of the space (API.md, « Account security »)."""

    type: SecurityEventType
    at: datetime
    browser: str  # a short description of the browser, never the raw User-Agent
    network: str  # the client address cut to its network (/24, /48); "" when none
