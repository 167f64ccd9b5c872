"""The retention purge's Temporal Schedule on the dev server (the time-skipping server has no
schedules): the worker's start-up creates it once and finds it the second time; triggered, it
starts the purge on the task queue, whose run reports a count per table with nothing personal in
its raw history; `admin purge --dry-run` names its next run."""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from temporalio.client import (
    ScheduleActionExecutionStartWorkflow,
    ScheduleActionStartWorkflow,
    ScheduleHandle,
    ScheduleRange,
)
from temporalio.testing import WorkflowEnvironment

from admin.cli import run
from services.retention_schedule import ensure_retention_schedule, schedule_id
from settings import Settings
from storage.subscribers import SubscriberRepository
from tests.privacy import assert_nothing_in_clear
from worker import build_worker
from workflows.retention_messages import RetentionReport


@pytest.fixture
async def schedule(
    dev_env: WorkflowEnvironment, settings: Settings
) -> AsyncIterator[ScheduleHandle]:
    handle = dev_env.client.get_schedule_handle(schedule_id(settings.temporal_task_queue))
    yield handle
    await handle.delete()


async def test_created_once_then_found_and_it_starts_the_purge(
    dev_env: WorkflowEnvironment, settings: Settings, own_db: Engine, schedule: ScheduleHandle
) -> None:
    assert await ensure_retention_schedule(dev_env.client, settings) is True
    assert await ensure_retention_schedule(dev_env.client, settings) is False  # a restart

    described = await schedule.describe()
    action = described.schedule.action
    assert isinstance(action, ScheduleActionStartWorkflow)
    assert action.workflow == "RetentionWorkflow"
    assert action.task_queue == settings.temporal_task_queue
    [calendar] = described.schedule.spec.calendars
    assert (tuple(calendar.hour), tuple(calendar.minute)) == (
        (ScheduleRange(2, 2),),
        (ScheduleRange(30, 30),),
    )
    upcoming = described.info.next_action_times[0]
    assert (upcoming.hour, upcoming.minute) == (2, 30) and upcoming > datetime.now(UTC)

    out = io.StringIO()
    assert (
        await run(["purge", "--dry-run"], settings, client=dev_env.client, engine=own_db, out=out)
        == 0
    )
    assert json.loads(out.getvalue())["next_run"] == upcoming.isoformat()

    async with build_worker(dev_env.client, settings, repository=SubscriberRepository(own_db)):
        await schedule.trigger()
        started = await _first_action(schedule)
        handle = dev_env.client.get_workflow_handle(
            started.workflow_id, run_id=started.first_execution_run_id, result_type=RetentionReport
        )
        report = await handle.result()

    assert {table.value for table in report.deleted} == {
        "code_deliveries",
        "idempotent_requests",
        "session_tokens",
        "devices",
        "security_events",
        "sign_in_challenges",
    }
    assert set(report.deleted.values()) == {0}  # a new database: nothing is old yet
    await assert_nothing_in_clear(
        dev_env, started.workflow_id, [settings.data_dir.name], events=10, payloads=10
    )


async def _first_action(schedule: ScheduleHandle) -> ScheduleActionExecutionStartWorkflow:
    """The run the trigger started (the schedule records it a moment after)."""
    deadline = time.monotonic() + 30
    while True:
        recent = (await schedule.describe()).info.recent_actions
        if recent:
            action = recent[0].action
            assert isinstance(action, ScheduleActionExecutionStartWorkflow)
            return action
        assert time.monotonic() < deadline, "the schedule started nothing"
        await asyncio.sleep(0.1)
