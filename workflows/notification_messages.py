"""The notification workflow's contract: one typed input."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from domain.changes import Change

WORKFLOW_ID_PREFIX = "notification-"


class NotifyParams(BaseModel):
    """Who is told, of what, and when it happened. The address travels only inside encrypted
    payloads; the workflow ID is random."""

    email: str
    change: Change
    changed_at: datetime
    new_email: str | None = None
