"""The retention purge's Temporal Schedule (SPEC §9), created by the worker at start-up.

Creating it is idempotent: a worker that finds it already there leaves it as it is (ops may have
paused it, or triggered it by hand). One schedule per task queue, so that deployments sharing a
namespace keep their own. Daily at 02:30 UTC, a quiet hour; a run still going when the next is
due makes the next one skip (the purge of one table is the same whichever run does it).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
)
from temporalio.service import RPCError

from settings import Settings
from workflows.retention import RetentionWorkflow
from workflows.retention_messages import SCHEDULE_ID, WORKFLOW_ID, RetentionParams

log = logging.getLogger(__name__)


def schedule_id(task_queue: str) -> str:
    return f"{SCHEDULE_ID}-{task_queue}"


def retention_params(settings: Settings) -> RetentionParams:
    return RetentionParams(device_lifetime=settings.device_lifetime)


def retention_schedule(settings: Settings) -> Schedule:
    task_queue = settings.temporal_task_queue
    return Schedule(
        action=ScheduleActionStartWorkflow(
            RetentionWorkflow.run,
            retention_params(settings),
            id=f"{WORKFLOW_ID}-{task_queue}",
            task_queue=task_queue,
            execution_timeout=timedelta(hours=12),
        ),
        spec=ScheduleSpec(
            calendars=[ScheduleCalendarSpec(hour=[ScheduleRange(2)], minute=[ScheduleRange(30)])]
        ),
        policy=SchedulePolicy(
            overlap=ScheduleOverlapPolicy.SKIP, catchup_window=timedelta(hours=12)
        ),
    )


async def ensure_retention_schedule(client: Client, settings: Settings) -> bool:
    """Create the schedule unless it exists; True when this call created it."""
    identifier = schedule_id(settings.temporal_task_queue)
    try:
        await client.create_schedule(identifier, retention_schedule(settings))
    except ScheduleAlreadyRunningError:
        log.info("retention schedule already there", extra={"schedule_id": identifier})
        return False
    except RPCError as error:
        # The worker still serves every process; the purge waits for the next start-up.
        log.error(
            "retention schedule not created: %s",
            error.status.name if error.status else "?",
            extra={"schedule_id": identifier},
        )
        return False
    log.info("retention schedule created", extra={"schedule_id": identifier})
    return True
