"""A worker killed (SIGKILL) while it sends the activation code, with a second worker alive:
the retry on the other worker sends the same code (same Message-ID) within seconds, exactly one
code is ever valid, and the user's code works."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from temporalio.testing import WorkflowEnvironment

from domain.models import DetailsForm, IdentifiersForm
from security.keyed_hash import KeyedHasher
from settings import Settings
from storage.code_deliveries import CodeDeliveryRepository
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.subscribers import SubscriberRepository
from tests.integration.worker_process import (
    HoldingSink,
    WorkerProcess,
    running,
    start_worker,
    stop,
    worker_environment,
)
from tests.live import new_enrollment_service
from tests.support import code_from, details, identifiers, unique_email

POLLING = b"worker polling"  # the worker's log line once it takes tasks


class AcceptThenHangSink(HoldingSink):
    """Keeps the first message (the server took it) but holds its answer: the sending worker
    is killed in the window between SMTP's acceptance and the delivery record."""

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        answer = await super().handle_DATA(server, session, envelope)
        if not self.holding.is_set():
            self.holding.set()
            await self.release.wait()
        return answer


@pytest.fixture
async def sink() -> AsyncIterator[AcceptThenHangSink]:
    async with running(AcceptThenHangSink()) as sink:
        yield sink


async def test_a_worker_killed_mid_send_leaves_one_valid_code(
    dev_env: WorkflowEnvironment, settings: Settings, sink: AcceptThenHangSink, tmp_path: Path
) -> None:
    settings = settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'db.sqlite'}", "smtp_port": sink.port}
    )
    upgrade(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    service = new_enrollment_service(dev_env.client, settings, SubscriberRepository(engine))
    environment = worker_environment(dev_env, settings, sink.port)
    first = await start_worker(environment, POLLING)
    second: WorkerProcess | None = None
    try:
        async with asyncio.timeout(20):
            await first.seen.wait()
        email = unique_email()
        started = await service.start(IdentifiersForm(**identifiers(email)))
        await service.submit_details(started.enrollment_id, DetailsForm(**details()))
        began = time.monotonic()
        confirmed = await service.confirm(started.enrollment_id)
        assert time.monotonic() - began < 2  # answered while the e-mail hangs
        async with asyncio.timeout(20):
            await sink.holding.wait()  # the first worker is sending; SMTP took the message
            # The second worker starts now, so the first one surely runs the send.
            second = await start_worker(environment, POLLING)
            await second.seen.wait()
        first.process.send_signal(signal.SIGKILL)
        await first.process.wait()
        killed_at = time.monotonic()

        # The second worker retries after the heartbeat timeout and sends the same code again.
        resent = await sink.message_to(email, 2)
        assert time.monotonic() - killed_at < 10
        original = sink.messages_to(email)[0]
        code = code_from(original)
        assert code_from(resent) == code
        assert str(resent["Message-ID"]).strip() == str(original["Message-ID"]).strip()

        activated = await service.activate(email, code)
        assert activated.subscriber_number
        assert sink.count_to(email) == 2
        (record,) = CodeDeliveryRepository(engine).for_process(
            KeyedHasher(settings.identifier_hash_key).workflow_id(email)
        )
        assert record.state == "sent" and record.attempts == 2
        assert confirmed.activation_deadline is not None
    finally:
        sink.release.set()
        await stop(first)
        await stop(second)
        engine.dispose()
