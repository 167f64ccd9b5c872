"""The retention purge workflow on the time-skipping server, with its real activity on a
database of its own: a session that expired yesterday stays until 30 days have passed since,
an event stays 12 months; the time is the server's, skipped. Its raw history holds nothing
personal and every payload is encrypted."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from domain.client_description import ClientDescription
from domain.retention import RetentionTable
from domain.security_events import EventType
from services.retention_schedule import ensure_retention_schedule
from services.security_events import EventRecorder
from settings import Settings
from storage.subscribers import SessionRepository, SubscriberRepository
from tests.accounts import make_subscriber
from tests.privacy import assert_nothing_in_clear
from tests.support import unique_email
from worker import build_worker
from workflows.retention import RetentionWorkflow
from workflows.retention_messages import RetentionParams, RetentionReport

DAY = timedelta(days=1)
AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


async def purge(env: WorkflowEnvironment, settings: Settings) -> tuple[str, RetentionReport]:
    workflow_id = f"retention-purge-test-{uuid.uuid4().hex[:8]}"
    # The clock moves by the test's sleeps only: while the activity runs in its thread, the
    # server would otherwise skip ahead to the next timeout it knows of.
    with env.auto_time_skipping_disabled():
        report = await env.client.execute_workflow(
            RetentionWorkflow.run,
            RetentionParams(batch_size=2),
            id=workflow_id,
            task_queue=settings.temporal_task_queue,
        )
    return workflow_id, report


def counts(report: RetentionReport) -> dict[str, int]:
    return {table.value: n for table, n in report.deleted.items()}


async def test_thirty_days_after_the_end_then_twelve_months(
    time_env: WorkflowEnvironment, settings: Settings, own_db: Engine
) -> None:
    email = unique_email("purge")
    subscriber = make_subscriber(own_db, settings, email)
    assert subscriber.id is not None
    start = await time_env.get_current_time()
    sessions = SessionRepository(own_db)
    sessions.add("digest-yesterday", subscriber.id, start - DAY, AGENT)
    sessions.add("digest-live", subscriber.id, start + 400 * DAY, AGENT)
    recorder = EventRecorder(own_db)
    client = ClientDescription.of(AGENT, "203.0.113.77")
    recorder.record(subscriber.id, EventType.SIGN_IN, client=client, at=start)
    nothing = dict.fromkeys((t.value for t in RetentionTable), 0)

    async with build_worker(time_env.client, settings, repository=SubscriberRepository(own_db)):
        workflow_id, first = await purge(time_env, settings)
        assert counts(first) == nothing
        assert first.ran_at >= start

        await time_env.sleep(28 * DAY)  # 29 days since the session's end: it stays
        _, second = await purge(time_env, settings)
        assert counts(second) == nothing

        await time_env.sleep(2 * DAY)  # 31 days since: it goes, the live one stays
        _, third = await purge(time_env, settings)
        assert counts(third) == nothing | {"session_tokens": 1}
        live = sessions.list_for(subscriber.id, start)
        assert [s.token_digest for s in live] == ["digest-live"]

        await time_env.sleep(333 * DAY)  # 363 days after the event: it stays
        _, fourth = await purge(time_env, settings)
        assert counts(fourth) == nothing
        assert len(recorder.activity(subscriber.id, now=start)) == 1

        await time_env.sleep(3 * DAY)  # 366 days after: it goes
        _, fifth = await purge(time_env, settings)
        assert counts(fifth) == nothing | {"security_events": 1}
        assert recorder.activity(subscriber.id, now=start) == []

    await assert_nothing_in_clear(
        time_env,
        workflow_id,
        [email, "203.0.113", "Firefox", subscriber.subscriber_number, "digest-yesterday"],
        events=10,
        payloads=10,
    )


async def test_a_server_without_schedules_leaves_the_worker_serving(
    time_env: WorkflowEnvironment, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """The time-skipping server has no schedule API: the start-up says so in the log and goes
    on (the worker's processes matter more than tonight's purge)."""
    caplog.set_level(logging.ERROR, logger="services.retention_schedule")
    assert await ensure_retention_schedule(time_env.client, settings) is False
    assert [r.getMessage() for r in caplog.records] == [
        "retention schedule not created: UNIMPLEMENTED"
    ]
