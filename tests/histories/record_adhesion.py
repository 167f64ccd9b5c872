"""Record the adhésion workflow's histories: `uv run python -m tests.histories.record_adhesion`.

Runs each scenario in Temporal's time-skipping server with the real worker, the real letter
channel (into a throw-away folder) and a throw-away SQLite database, then writes
`adhesion_<scenario>.json` beside this file, replayed by tests/workflows/test_replay.py. Record
again (keeping the old files while such runs may still be open) whenever the workflow changes on
purpose.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from services.adhesions import AdhesionService
from services.errors import InvalidCode
from settings import Settings
from storage.tables import Adhesion, Subscriber
from tests.histories.recording import record_all, recording
from tests.letters import code_in, delivered, letter, new_subscriber

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
    async with recording(name, directory) as on:
        subscriber = new_subscriber(on.engine, on.settings, last_name="Replay")
        adhesion = await scenario(on.services.adhesions, subscriber, on.settings, on.env)
        return await on.keep(adhesion.workflow_id)


if __name__ == "__main__":
    record_all(SCENARIOS, record)
