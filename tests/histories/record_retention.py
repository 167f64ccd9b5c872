"""Record the history of a retention purge (SPEC §9): `uv run python -m
tests.histories.record_retention`.

Like tests.histories.record_account: the time-skipping server with the real worker and a
throw-away SQLite database holding a session ended 40 days before and an event 13 months old,
so that the purge deletes something; `retention_purge.json` is written beside this file for
tests/workflows/test_replay.py.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

from domain.security_events import EventType
from services.security_events import EventRecorder
from storage.subscribers import SessionRepository
from tests.accounts import make_subscriber
from tests.histories.recording import record_all, recording
from workflows.retention import RetentionWorkflow
from workflows.retention_messages import RetentionParams

EMAIL = "replay.purge@exemple.fr"  # fictitious


async def record(name: str, _: None, directory: Path) -> Path:
    async with recording(name, directory) as on:
        subscriber = make_subscriber(on.engine, on.settings, EMAIL)
        assert subscriber.id is not None
        now = await on.env.get_current_time()
        SessionRepository(on.engine).add("replay-session", subscriber.id, now - timedelta(days=40))
        EventRecorder(on.engine).record(
            subscriber.id, EventType.SIGN_IN, at=now - timedelta(days=400)
        )
        workflow_id = f"retention-purge-replay-{uuid.uuid4().hex[:8]}"
        with on.env.auto_time_skipping_disabled():
            await on.env.client.start_workflow(
                RetentionWorkflow.run,
                RetentionParams(),
                id=workflow_id,
                task_queue=on.settings.temporal_task_queue,
            )
            return await on.keep(workflow_id)


if __name__ == "__main__":
    record_all({"retention_purge": None}, record)
