"""Record the adhésion workflow's histories: `uv run python -m tests.histories.record_adhesion`.

Runs each scenario in Temporal's time-skipping server with the real worker, the real letter
channel (into a throw-away folder) and a throw-away SQLite database, then writes
`adhesion_<scenario>.json` beside this file, replayed by tests/workflows/test_replay.py. Record
again (keeping the old files while such runs may still be open) whenever the workflow changes on
purpose.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from orchestration.client import codec_from_settings, data_converter, register_search_attributes
from services.adhesions import AdhesionService
from services.errors import InvalidCode
from settings import Settings
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.tables import Adhesion, Subscriber
from tests.histories import HISTORIES, REPLAY_CODEC_KEYS, REPLAY_IDENTIFIER_KEY
from tests.letters import adhesion_service, code_in, delivered, letter, new_subscriber
from tests.support import make_settings

SIREN = "732829320"  # a fictitious company of the embedded registry
Scenario = Callable[
    [AdhesionService, Subscriber, Settings, WorkflowEnvironment], Awaitable[Adhesion]
]


async def activated(
    service: AdhesionService, subscriber: Subscriber, settings: Settings, _: WorkflowEnvironment
) -> Adhesion:
    """A letter, a wrong code, a new letter, then its code: the adhésion is active."""
    folder = settings.data_dir / "courrier"
    adhesion = await service.request(subscriber, SIREN)
    first = code_in(await letter(folder, adhesion.id))
    with contextlib.suppress(InvalidCode):  # refused, as it should be
        await service.activate(subscriber, adhesion.id, first[::-1])
    await service.resend(subscriber, adhesion.id)
    await service.activate(subscriber, adhesion.id, code_in(await letter(folder, adhesion.id, 2)))
    return adhesion


async def expired(
    service: AdhesionService, subscriber: Subscriber, settings: Settings, env: WorkflowEnvironment
) -> Adhesion:
    """A letter, then the 60 days pass: the request expires."""
    adhesion = await service.request(subscriber, SIREN)
    await letter(settings.data_dir / "courrier", adhesion.id)
    await delivered(env.client, adhesion)
    await env.sleep(timedelta(days=61))
    return adhesion


SCENARIOS: dict[str, Scenario] = {"adhesion_activated": activated, "adhesion_expired": expired}


async def record(name: str, scenario: Scenario, directory: Path) -> Path:
    settings = make_settings(
        directory,
        1025,  # no mail goes out: the code travels by letter
        identifier_hash_key=REPLAY_IDENTIFIER_KEY,
        payload_codec_keys=REPLAY_CODEC_KEYS,
        database_url=f"sqlite:///{directory / f'{name}.db'}",
    )
    upgrade(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=shutil.which("temporal-test-server"),
        data_converter=data_converter(codec_from_settings(settings)),
    )
    try:
        await register_search_attributes(env.client)
        subscriber = new_subscriber(engine, settings, last_name="Replay")
        async with adhesion_service(env, settings, engine) as service:
            adhesion = await scenario(service, subscriber, settings, env)
            handle = env.client.get_workflow_handle(adhesion.workflow_id)
            await handle.result()
            history = await handle.fetch_history()
        path = HISTORIES / f"{name}.json"
        path.write_text(history.to_json() + "\n")
        return path
    finally:
        await env.shutdown()
        engine.dispose()


async def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        for name, scenario in SCENARIOS.items():
            path = await record(name, scenario, Path(scratch))
            print(f"recorded {path.relative_to(HISTORIES.parent.parent)}")  # noqa: T201


if __name__ == "__main__":
    asyncio.run(main())
