"""The retention purge's contract: how long each table keeps its spent rows, and the counts."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel

from domain.retention import EVENTS_KEPT, SPENT_KEPT, RetentionTable

# Each followed by the task queue; a schedule's runs also by their start time.
WORKFLOW_ID = "retention-purge"
SCHEDULE_ID = "retention-purge"


class RetentionParams(BaseModel):
    """SPEC §9: 30 days for spent codes (sign-in challenges among them), idempotent answers,
    ended sessions and forgotten devices; 12 months for the security events."""

    code_deliveries: timedelta = SPENT_KEPT
    idempotent_requests: timedelta = SPENT_KEPT
    session_tokens: timedelta = SPENT_KEPT
    devices: timedelta = SPENT_KEPT
    security_events: timedelta = EVENTS_KEPT
    sign_in_challenges: timedelta = SPENT_KEPT
    # A device not seen this long is no longer recognised (the settings' `device_lifetime`).
    device_lifetime: timedelta = timedelta(days=30)
    batch_size: int = 500

    def keep(self, table: RetentionTable) -> timedelta:
        kept: timedelta = getattr(self, table.value)
        return kept


class RetentionReport(BaseModel):
    ran_at: datetime
    deleted: dict[RetentionTable, int]
