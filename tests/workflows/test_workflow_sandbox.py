"""Which runner the worker gives its workflows: the SDK's sandbox unless told otherwise, and in
the tests' own settings, since the tests are where the sandbox's refusals are met."""

from __future__ import annotations

from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from settings import Settings
from storage.subscribers import SubscriberRepository
from worker import build_worker


async def test_workflows_run_in_the_sandbox_unless_told_otherwise(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    assert Settings.model_fields["worker_workflow_sandbox"].default is True
    # The tests' own settings keep it on, whatever the environment says (tests/support.py).
    assert settings.worker_workflow_sandbox is True
    worker = build_worker(time_env.client, settings, repository=SubscriberRepository(engine))
    assert isinstance(worker.config()["workflow_runner"], SandboxedWorkflowRunner)


async def test_a_worker_told_so_runs_them_as_plain_python(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    plain = settings.model_copy(update={"worker_workflow_sandbox": False})
    worker = build_worker(time_env.client, plain, repository=SubscriberRepository(engine))
    assert isinstance(worker.config()["workflow_runner"], UnsandboxedWorkflowRunner)
