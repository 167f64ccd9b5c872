"""SIGTERM to the worker process: the activity in flight (an e-mail being sent) finishes within
the grace period instead of being cancelled and sent again by a retry."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from temporalio.testing import WorkflowEnvironment

from domain.models import DetailsForm, IdentifiersForm
from settings import Settings
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.subscribers import SubscriberRepository
from tests.integration.worker_process import (
    HoldingSink,
    running,
    start_worker,
    stop,
    worker_environment,
)
from tests.live import new_enrollment_service, worker_running
from tests.support import details, identifiers, unique_email


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


@pytest.fixture
async def sink() -> AsyncIterator[HeldMailSink]:
    async with running(HeldMailSink()) as sink:
        yield sink


async def test_sigterm_lets_the_email_in_flight_finish(
    dev_env: WorkflowEnvironment, settings: Settings, sink: HeldMailSink, tmp_path: Path
) -> None:
    settings = settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'db.sqlite'}", "smtp_port": sink.port}
    )
    upgrade(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    service = new_enrollment_service(dev_env.client, settings, SubscriberRepository(engine))
    worker = await start_worker(
        worker_environment(dev_env, settings, sink.port), b"Beginning worker shutdown"
    )
    try:
        email = unique_email()
        started = await service.start(IdentifiersForm(**identifiers(email)))
        await service.submit_details(started.enrollment_id, DetailsForm(**details()))
        confirming = asyncio.create_task(service.confirm(started.enrollment_id))
        async with asyncio.timeout(20):
            await sink.holding.wait()  # the e-mail is being sent

            worker.process.send_signal(signal.SIGTERM)
            await worker.seen.wait()  # without a grace period the send is cancelled here
            sink.release.set()
            assert await worker.process.wait() == 0

        # Another worker takes over the enrollment where the stopped one left it.
        async with worker_running(dev_env.client, settings, engine), asyncio.timeout(30):
            confirmed = await confirming
        assert confirmed.status == "awaiting_activation"
        # Sent once and kept: the send was neither cancelled midway nor repeated by a retry.
        assert sink.deliveries == 1 and sink.count_to(email) == 1
    finally:
        await stop(worker)
        engine.dispose()
