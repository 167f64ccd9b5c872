"""SIGTERM to the worker process: the activity in flight (an e-mail being sent) finishes within
the grace period instead of being cancelled and sent again by a retry."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session
from temporalio.testing import WorkflowEnvironment

from settings import Settings
from tests.integration.worker_process import (
    HoldingSink,
    isolated,
    sink_fixture,
    start_worker,
    stop,
)
from tests.live import worker_running
from tests.support import unique_email


class HeldMailSink(HoldingSink):
    """An SMTP server that holds each message until released: the send stays in flight."""

    def __init__(self) -> None:
        super().__init__()
        self.deliveries = 0  # messages received, whether or not the client stayed to the end

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.deliveries += 1
        self.holding.set()
        await self.release.wait()
        return await super().handle_DATA(server, session, envelope)


sink = sink_fixture(HeldMailSink)


async def test_sigterm_lets_the_email_in_flight_finish(
    dev_env: WorkflowEnvironment, settings: Settings, sink: HeldMailSink, tmp_path: Path
) -> None:
    own = isolated(dev_env, settings, tmp_path, sink.port)
    worker = await start_worker(own.environment(), b"Beginning worker shutdown")
    try:
        email = unique_email()
        enrollment_id = await own.awaiting_confirmation(email)
        confirming = asyncio.create_task(own.service.confirm(enrollment_id))
        async with asyncio.timeout(20):
            await sink.holding.wait()  # the e-mail is being sent

            worker.process.send_signal(signal.SIGTERM)
            await worker.seen.wait()  # without a grace period the send is cancelled here
            sink.release.set()
            assert await worker.process.wait() == 0

        # Another worker takes over the enrollment where the stopped one left it.
        async with worker_running(dev_env.client, own.settings, own.engine), asyncio.timeout(30):
            confirmed = await confirming
        assert confirmed.status == "awaiting_activation"
        # Sent once and kept: the send was neither cancelled midway nor repeated by a retry.
        assert sink.deliveries == 1 and sink.count_to(email) == 1
    finally:
        await stop(worker)
        own.engine.dispose()
