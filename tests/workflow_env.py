"""What the workflow tests and the history recorders share: Temporal's servers (the time-skipping
test server, the dev server) set up as production sets up its server, the enrollment's first
steps through its service, and what the adhésion tests watch behind the service."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from temporalio.client import WorkflowHandle
from temporalio.runtime import Runtime
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from domain.models import DetailsForm, IdentifiersForm
from orchestration.client import codec_from_settings, data_converter, register_search_attributes
from orchestration.search_attributes import dev_server_flags
from services.enrollments import EnrollmentService
from settings import Settings
from storage.adhesions import AdhesionRepository
from storage.tables import Adhesion
from tests.letters import code_in, delivered, letter
from tests.support import binary, code_from, details, identifiers
from workflows.adhesion import AdhesionWorkflow
from workflows.adhesion_messages import AdhesionOutcome, AdhesionState

# The SDK gives a server 5 s to answer. On a loaded 2-core machine (a browser and other servers
# starting beside it) the dev server has been seen to need more; waiting longer costs nothing
# when it is quick.
SERVER_STARTUP = timedelta(seconds=60)


async def dev_server(settings: Settings, *, ui_port: int | None = None) -> WorkflowEnvironment:
    """A dev server whose client encrypts with the settings' codec keys, with the search
    attributes registered at start-up; its web UI on `ui_port` if given."""
    extra = dev_server_flags()
    if ui_port is not None:
        extra = [*extra, "--ui-disable-news-fetch"]
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        data_converter=data_converter(codec_from_settings(settings)),
        dev_server_extra_args=extra,
        dev_server_startup_timeout=SERVER_STARTUP,
        ui=ui_port is not None,
        ui_port=ui_port,
    )


@asynccontextmanager
async def time_skipping(
    settings: Settings, runtime: Runtime | None = None
) -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server whose client encrypts with the settings' codec keys, with the
    search attributes the workflows set."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=data_converter(codec_from_settings(settings)),
        runtime=runtime,
        test_server_startup_timeout=SERVER_STARTUP,
    )
    try:
        await register_search_attributes(env.client)
        yield env
    finally:
        await env.shutdown()


async def pre_register(
    service: EnrollmentService,
    email: str,
    password: str | None = None,
    details_form: DetailsForm | None = None,
) -> str:
    """Steps 1 and 2 (identifiers, then details); returns the enrollment ID. Without a password
    or details, the samples of tests.support."""
    typed = identifiers(email) if password is None else identifiers(email, password)
    started = await service.start(IdentifiersForm(**typed))
    await service.submit_details(started.enrollment_id, details_form or DetailsForm(**details()))
    return started.enrollment_id


async def confirmed_code(
    service: EnrollmentService, sink: MailSink, enrollment_id: str, email: str
) -> str:
    """Step 3: confirm, and return the code read from the e-mail that confirmation sent."""
    sent_before = sink.count_to(email)
    await service.confirm(enrollment_id)
    return code_from(await sink.message_to(email, sent_before + 1))


@dataclass
class Awaiting:
    """An enrollment at its last step: confirmed, its code in the mailbox."""

    email: str
    enrollment_id: str
    code: str


async def awaiting_activation(service: EnrollmentService, sink: MailSink, email: str) -> Awaiting:
    """Steps 1 to 3 with the samples."""
    enrollment_id = await pre_register(service, email)
    return Awaiting(email, enrollment_id, await confirmed_code(service, sink, enrollment_id, email))


def wrong_code(code: str) -> str:
    """A code of the right form that differs from `code` by its last character only."""
    return code[:-1] + ("A" if code[-1] != "A" else "B")


@dataclass
class Backstage:
    """What an adhésion test watches and the subscriber never sees: the letters in the
    print-and-post folder (read as the company would), the database rows, the workflows and
    their server's clock."""

    env: WorkflowEnvironment
    folder: Path
    engine: Engine

    async def letter(self, adhesion: Adhesion, number: int = 1) -> str:
        """The readable copy of the adhésion's `number`-th letter (from 1), once it is there."""
        return await letter(self.folder, adhesion.id, number)

    async def code(self, adhesion: Adhesion, number: int = 1) -> str:
        """The code the adhésion's `number`-th letter brings."""
        return code_in(await self.letter(adhesion, number))

    async def delivered(self, adhesion: Adhesion, number: int = 1) -> AdhesionState:
        """The workflow's state once it knows its `number`-th letter was handed over."""
        return await delivered(self.env.client, adhesion, number)

    def row(self, adhesion_id: str) -> Adhesion:
        found = AdhesionRepository(self.engine).get(adhesion_id)
        assert found is not None
        return found

    def process(self, adhesion: Adhesion) -> WorkflowHandle[AdhesionWorkflow, AdhesionOutcome]:
        return self.env.client.get_workflow_handle_for(AdhesionWorkflow.run, adhesion.workflow_id)

    async def outcome(self, adhesion: Adhesion) -> AdhesionOutcome:
        """How the adhésion's workflow ended, once it has."""
        return await self.process(adhesion).result()


async def result_skipping_time(env: WorkflowEnvironment, workflow_id: str) -> Any:
    """A workflow's result, time skipping meanwhile. Only the handles that `start_workflow`
    returns skip time while awaited; this one was started elsewhere (a signal-with-start in an
    activity), so the server's time skipping is unlocked for the wait, as those handles do."""
    unlocked: Callable[[], AbstractAsyncContextManager[None]] = env.time_skipping_unlocked  # type: ignore[attr-defined]
    async with unlocked():
        return await env.client.get_workflow_handle(workflow_id).result()
