"""`python -m admin purge --dry-run`: what the next retention purge would delete, per table.

The counts are taken as of the schedule's next run (or now, when the schedule is not there),
with the same rules the purge applies (storage.retention); nothing is deleted.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from domain.retention import RetentionTable
from services.retention_schedule import retention_params, schedule_id
from settings import Settings
from storage.retention import RetentionRepository


async def next_run(client: Client, settings: Settings) -> datetime | None:
    """When the schedule starts its next purge; None when there is no schedule (or it is
    paused)."""
    handle = client.get_schedule_handle(schedule_id(settings.temporal_task_queue))
    try:
        description = await handle.describe()
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            return None
        raise
    if description.schedule.state.paused:
        return None
    upcoming = description.info.next_action_times
    return upcoming[0] if upcoming else None


async def dry_run(client: Client, settings: Settings, engine: Engine) -> dict[str, Any]:
    scheduled = await next_run(client, settings)
    at = scheduled or datetime.now(UTC)
    params = retention_params(settings)
    repository = RetentionRepository(engine)
    counts = {
        table.value: await asyncio.to_thread(
            repository.count, table, at, params.keep(table), params.device_lifetime
        )
        for table in RetentionTable
    }
    return {
        "next_run": scheduled.isoformat() if scheduled else None,
        "counted_as_of": at.isoformat(),
        "would_delete": counts,
    }
