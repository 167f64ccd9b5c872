"""What the history recorders share: each scenario runs in Temporal's time-skipping server with
the services over one real worker, a real SMTP server and a throw-away SQLite database, and the
history of the workflow it names is written as `<scenario>.json` beside this file."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from settings import Settings
from storage.engine import make_engine
from storage.migrate import upgrade
from tests.accounts import AccountServices, account_services
from tests.histories import HISTORIES, REPLAY_CODEC_KEYS, REPLAY_IDENTIFIER_KEY
from tests.support import make_settings
from tests.workflow_env import time_skipping

Scenario = TypeVar("Scenario")


@dataclass
class Recording:
    name: str
    settings: Settings
    engine: Engine
    sink: MailSink
    env: WorkflowEnvironment
    services: AccountServices

    async def keep(self, workflow_id: str) -> Path:
        """Wait for the workflow to end, then write its history."""
        handle = self.env.client.get_workflow_handle(workflow_id)
        await handle.result()
        history = await handle.fetch_history()
        path = HISTORIES / f"{self.name}.json"
        path.write_text(history.to_json() + "\n")
        return path


@asynccontextmanager
async def recording(name: str, directory: Path) -> AsyncIterator[Recording]:
    """The histories are encrypted with the keys kept for them; a fresh database per scenario,
    so the same address enrolls every time."""
    sink = MailSink()
    port = await sink.start()
    settings = make_settings(
        directory,
        port,
        identifier_hash_key=REPLAY_IDENTIFIER_KEY,
        payload_codec_keys=REPLAY_CODEC_KEYS,
        database_url=f"sqlite:///{directory / f'{name}.db'}",
    )
    upgrade(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    try:
        async with (
            time_skipping(settings) as env,
            account_services(env, settings, engine) as services,
        ):
            yield Recording(name, settings, engine, sink, env, services)
    finally:
        engine.dispose()
        await sink.stop()


def record_all(
    scenarios: Mapping[str, Scenario],
    record: Callable[[str, Scenario, Path], Awaitable[Path]],
) -> None:
    """Record every scenario, in a scratch folder removed afterwards."""

    async def each() -> None:
        with tempfile.TemporaryDirectory() as scratch:
            for name, scenario in scenarios.items():
                path = await record(name, scenario, Path(scratch))
                print(f"recorded {path.relative_to(HISTORIES.parent.parent)}")  # noqa: T201

    asyncio.run(each())
