"""Workflow runs share the process's JSON encoder (`orchestration/payloads.py`), and with it one
cache of pydantic adapters keyed by message type. In the SDK's sandbox each run imports the
workflow module again: its message types must come passed through, the same classes in every
run, or each run would add its own adapters to the cache and keep its copy of the modules
alive there. Checked on the hardest path: no run cached, so every task is a new sandbox."""

from __future__ import annotations

from sqlalchemy import Engine
from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from domain.models import EnrollmentStatus
from orchestration.payloads import SharedPydanticPayloadConverter
from services.enrollments import EnrollmentService
from settings import Settings
from tests.live import enrollment_service
from tests.support import unique_email
from tests.workflow_env import awaiting_activation
from workflows.enrollment import EnrollmentWorkflow


async def enroll(env: WorkflowEnvironment, enrollments: EnrollmentService, sink: MailSink) -> None:
    """One enrollment from step 1 to its run's end (the recap is rendered after activation)."""
    awaiting = await awaiting_activation(enrollments, sink, unique_email())
    await enrollments.activate(awaiting.email, awaiting.code)
    run = env.client.get_workflow_handle_for(
        EnrollmentWorkflow.run, enrollments._keyed.workflow_id(awaiting.email)
    )
    assert (await run.result()).status is EnrollmentStatus.ACTIVATED


async def test_a_new_run_adds_no_adapter_in_the_sandbox(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine, mail_sink: MailSink
) -> None:
    encoder = SharedPydanticPayloadConverter().converters[b"json/plain"]
    assert isinstance(encoder, PydanticJSONPlainPayloadConverter)
    adapters = encoder._type_adapter
    uncached = settings.model_copy(update={"worker_max_cached_workflows": 0})
    assert uncached.worker_workflow_sandbox

    async with enrollment_service(time_env, uncached, engine) as enrollments:
        await enroll(time_env, enrollments, mail_sink)
        after_first = adapters.cache_info()
        await enroll(time_env, enrollments, mail_sink)
        after_second = adapters.cache_info()

    assert after_second.currsize == after_first.currsize
    assert after_second.hits > after_first.hits
