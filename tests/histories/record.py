"""Record the enrollment workflow's histories: `uv run python -m tests.histories.record`.

Runs each scenario in Temporal's time-skipping server with the real worker, a real SMTP server
and a throw-away SQLite database, then writes `<scenario>.json` beside this file. Record again
(and keep the old files as long as such runs may still be open in production) whenever the
workflow changes on purpose; see docs/workflows.md, "Changing a workflow".
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from domain.models import DetailsForm, IdentifiersForm
from orchestration.client import codec_from_settings, data_converter, register_search_attributes
from security.keyed_hash import KeyedHasher
from security.passwords import SecretHasher
from services.enrollments import EnrollmentService
from services.errors import InvalidCode
from settings import Settings
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.subscribers import SubscriberRepository
from tests.histories import HISTORIES, REPLAY_CODEC_KEYS, REPLAY_IDENTIFIER_KEY
from tests.support import binary, code_from, details, identifiers, make_settings
from worker import build_worker

EMAIL = "replay.lila@exemple.fr"  # fictitious
Scenario = Callable[[EnrollmentService, MailSink, WorkflowEnvironment], Awaitable[None]]


async def _pre_register(service: EnrollmentService) -> str:
    started = await service.start(IdentifiersForm(**identifiers(EMAIL)))
    await service.submit_details(started.enrollment_id, DetailsForm(**details()))
    return started.enrollment_id


async def activated(service: EnrollmentService, sink: MailSink, _: WorkflowEnvironment) -> None:
    """Pre-registration, a wrong code, then the right one: the subscriber is created."""
    enrollment_id = await _pre_register(service)
    await service.confirm(enrollment_id)
    code = code_from(await sink.message_to(EMAIL))
    with contextlib.suppress(InvalidCode):  # refused, as it should be
        await service.activate(EMAIL, code[::-1])
    await service.activate(EMAIL, code)


async def expired(service: EnrollmentService, sink: MailSink, env: WorkflowEnvironment) -> None:
    """Pre-registration, a resend, then the 48 hours pass: the draft is dropped."""
    enrollment_id = await _pre_register(service)
    await service.confirm(enrollment_id)
    await sink.message_to(EMAIL)
    await service.resend(EMAIL)
    await sink.message_to(EMAIL, 2)
    await env.sleep(timedelta(hours=49))


SCENARIOS: dict[str, Scenario] = {"enrollment_activated": activated, "enrollment_expired": expired}


async def record(name: str, scenario: Scenario, directory: Path) -> Path:
    sink = MailSink()
    port = await sink.start()
    settings: Settings = make_settings(
        directory,
        port,
        identifier_hash_key=REPLAY_IDENTIFIER_KEY,
        payload_codec_keys=REPLAY_CODEC_KEYS,
        # A fresh database per scenario, so the same address enrolls every time.
        database_url=f"sqlite:///{directory / f'{name}.db'}",
    )
    upgrade(settings.resolved_database_url)
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=data_converter(codec_from_settings(settings)),
    )
    try:
        await register_search_attributes(env.client)
        keyed = KeyedHasher(settings.identifier_hash_key)
        repository = SubscriberRepository(make_engine(settings.resolved_database_url))
        service = EnrollmentService(env.client, settings, repository, SecretHasher(settings), keyed)
        async with build_worker(env.client, settings, repository=repository):
            await scenario(service, sink, env)
            handle = env.client.get_workflow_handle(keyed.workflow_id(EMAIL))
            await handle.result()
            history = await handle.fetch_history()
        path = HISTORIES / f"{name}.json"
        path.write_text(history.to_json() + "\n")
        return path
    finally:
        await env.shutdown()
        await sink.stop()


async def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        for name, scenario in SCENARIOS.items():
            path = await record(name, scenario, Path(scratch))
            print(f"recorded {path.relative_to(HISTORIES.parent.parent)}")  # noqa: T201


if __name__ == "__main__":
    asyncio.run(main())
