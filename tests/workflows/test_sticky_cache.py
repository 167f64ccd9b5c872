"""A worker that keeps no run in memory (`WORKER_MAX_CACHED_WORKFLOWS=0`): every task of an
enrollment replays it from its history, as a run evicted from a full sticky cache is replayed at
its next task. Each step must find the run as the last one left it, in the SDK's sandbox and out
of it (`WORKER_WORKFLOW_SANDBOX=false`), where every run shares the workflow modules."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from domain.models import EnrollmentStatus
from settings import Settings
from storage.subscribers import SubscriberRepository
from tests.live import enrollment_service
from tests.support import unique_email
from tests.workflow_env import confirmed_code, pre_register
from worker import build_worker
from workflows.enrollment import EnrollmentWorkflow


async def test_the_worker_caches_as_many_runs_as_the_setting_says(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    repository = SubscriberRepository(engine)
    for cached in (1000, 250):
        configured = settings.model_copy(update={"worker_max_cached_workflows": cached})
        worker = build_worker(
            time_env.client, configured, task_queue=f"cache-{cached}", repository=repository
        )
        assert worker.config()["max_cached_workflows"] == cached
    assert settings.worker_max_cached_workflows == 1000  # the SDK's own default


@pytest.mark.parametrize("sandboxed", [True, False], ids=["sandboxed", "unsandboxed"])
async def test_enrollments_interleaved_with_no_run_cached(
    time_env: WorkflowEnvironment,
    settings: Settings,
    engine: Engine,
    mail_sink: MailSink,
    sandboxed: bool,
) -> None:
    uncached = settings.model_copy(
        update={"worker_max_cached_workflows": 0, "worker_workflow_sandbox": sandboxed}
    )
    async with enrollment_service(time_env, uncached, engine) as enrollments:
        emails = [unique_email(), unique_email()]
        # Each step of one between two steps of the other: no run's state outlives its task.
        ids = [await pre_register(enrollments, email) for email in emails]
        codes = [
            await confirmed_code(enrollments, mail_sink, enrollment_id, email)
            for enrollment_id, email in zip(ids, emails, strict=True)
        ]
        activated = [
            await enrollments.activate(email, code)
            for email, code in zip(emails, codes, strict=True)
        ]

        repository = SubscriberRepository(engine)
        for email, subscriber in zip(emails, activated, strict=True):
            handle = time_env.client.get_workflow_handle_for(
                EnrollmentWorkflow.run, enrollments._keyed.workflow_id(email)
            )
            assert (await handle.result()).status is EnrollmentStatus.ACTIVATED
            stored = repository.by_email(email)
            assert stored is not None and stored.subscriber_number == subscriber.subscriber_number
            assert repository.recap(subscriber.subscriber_id) is not None
