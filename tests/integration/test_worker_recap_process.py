"""The worker as production runs it (`python worker.py`) renders recaps in a process of its own
(`WORKER_RECAP_PROCESSES`, documents/recap_process.py): an activated enrollment's recap is stored
by it, and the process ends when the worker is killed outright."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from bench.procstat import tree
from settings import Settings
from storage.subscribers import SubscriberRepository
from tests.integration.worker_process import HoldingSink, isolated, sink_fixture, start_worker, stop
from tests.support import code_from, exited, unique_email
from tests.unit.test_recap_pdf import text_of

POLLING = b"worker polling"
WITHIN = 90  # seconds: bounds for a hung test only
RECAP_PROCESS = b"documents.recap_process"

mail = sink_fixture(HoldingSink)


def _is_recap_process(pid: int) -> bool:
    try:
        return RECAP_PROCESS in Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False


async def test_the_recap_is_rendered_beside_the_worker_and_its_process_ends_with_it(
    dev_env: WorkflowEnvironment, settings: Settings, mail: HoldingSink, tmp_path: Path
) -> None:
    own = isolated(dev_env, settings, tmp_path, mail.port)
    worker = await start_worker(own.environment() | {"WORKER_RECAP_PROCESSES": "1"}, POLLING)
    try:
        async with asyncio.timeout(WITHIN):
            await worker.seen.wait()
        # Started with the worker, before it polls: the first recap waits for no start-up.
        [renderer] = [pid for pid in tree(worker.process.pid) if _is_recap_process(pid)]

        email = unique_email()
        await own.service.confirm(await own.awaiting_confirmation(email))
        code = code_from(await mail.message_to(email, within=WITHIN))
        activated = await own.service.activate(email, code)
        repository = SubscriberRepository(own.engine)
        subscriber = repository.by_email(email)
        assert subscriber is not None and subscriber.id is not None
        workflow_id, _, run_id = subscriber.enrollment_key.partition("/")
        async with asyncio.timeout(WITHIN):  # the run ends once the recap is stored
            await dev_env.client.get_workflow_handle(workflow_id, run_id=run_id).result()
        pdf = repository.recap(subscriber.id)
        assert pdf is not None
        assert activated.subscriber_number.replace(" ", "") in text_of(pdf).replace(" ", "")
        assert not exited(renderer)

        worker.process.send_signal(signal.SIGKILL)
        await worker.process.wait()
        assert await asyncio.to_thread(exited, renderer, WITHIN)
    finally:
        await stop(worker)
        own.engine.dispose()
