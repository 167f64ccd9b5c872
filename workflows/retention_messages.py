"""The retention purge's contract: how long each table keeps its spent rows, and the counts."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel

from domain.retention import RetentionTable

WORKFLOW_ID = "retention-purge"  # the schedule's runs: retention-purge-<time>
SCHEDULE_ID = "retention-purge"

DAYS_30 = timedelta(days=30)


class RetentionParams(BaseModel):
    """SPEC §9: 30 days for spent codes, idempotent answers, ended sessions and forgotten
    devices; 12 months for the security events."""

    code_deliveries: timedelta = DAYS_30
    idempotent_requests: timedelta = DAYS_30
    session_tokens: timedelta = DAYS_30
    devices: timedelta = DAYS_30
    security_events: timedelta = timedelta(days=365)
    device_lifetime: timedelta = DAYS_30  # a device not seen this long is no longer recognised
    batch_size: int = 500

    def keep(self, table: RetentionTable) -> timedelta:
        kept: timedelta = getattr(self, table.value)
        return kept


class RetentionReport(BaseModel):
    ran_at: datetime
    deleted: dict[RetentionTable, int]
