"""Record the enrollment workflow's histories: `uv run python -m tests.histories.record`.

Runs each scenario in Temporal's time-skipping server with the real worker, a real SMTP server
and a throw-away SQLite database, then writes `<scenario>.json` beside this file. Record again
(and keep the old files as long as such runs may still be open in production) whenever the
workflow changes on purpose; see docs/workflows.md, "Changing a workflow".
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from services.enrollments import EnrollmentService
from services.errors import InvalidCode
from tests.histories.recording import record_all, recording
from tests.workflow_env import awaiting_activation

EMAIL = "replay.lila@exemple.fr"  # fictitious
Scenario = Callable[[EnrollmentService, MailSink, WorkflowEnvironment], Awaitable[None]]


async def activated(service: EnrollmentService, sink: MailSink, _: WorkflowEnvironment) -> None:
    """Pre-registration, a wrong code, then the right one: the subscriber is created."""
    code = (await awaiting_activation(service, sink, EMAIL)).code
    with contextlib.suppress(InvalidCode):  # refused, as it should be
        await service.activate(EMAIL, code[::-1])
    await service.activate(EMAIL, code)


async def expired(service: EnrollmentService, sink: MailSink, env: WorkflowEnvironment) -> None:
    """Pre-registration, a resend, then the 48 hours pass: the draft is dropped."""
    await awaiting_activation(service, sink, EMAIL)
    await service.resend(EMAIL)
    await sink.message_to(EMAIL, 2)
    await env.sleep(timedelta(hours=49))


SCENARIOS: dict[str, Scenario] = {"enrollment_activated": activated, "enrollment_expired": expired}


async def record(name: str, scenario: Scenario, directory: Path) -> Path:
    async with recording(name, directory) as on:
        await scenario(on.services.enrollments, on.sink, on.env)
        return await on.keep(on.services.keyed.workflow_id(EMAIL))


if __name__ == "__main__":
    record_all(SCENARIOS, record)
