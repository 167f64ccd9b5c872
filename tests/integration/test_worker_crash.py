"""A worker killed (SIGKILL) while it sends the activation code, with a second worker alive:
the retry on the other worker sends the same code (same Message-ID) within seconds, exactly one
code is ever valid, and the user's code works."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from domain.models import DetailsForm, IdentifiersForm
from security.keyed_hash import KeyedHasher
from security.passwords import SecretHasher
from services.enrollments import EnrollmentService
from settings import Settings
from storage.code_deliveries import CodeDeliveryRepository
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.subscribers import SubscriberRepository
from tests.integration.test_graceful_shutdown import ROOT, _worker_environment
from tests.support import code_from, details, identifiers, unique_email


class AcceptThenHangSink(MailSink):
    """Keeps the first message (the server took it) but holds its answer: the sending worker
    is killed in the window between SMTP's acceptance and the delivery record."""

    def __init__(self) -> None:
        super().__init__()
        self.holding = asyncio.Event()
        self.release = asyncio.Event()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        answer = await super().handle_DATA(server, session, envelope)
        if not self.holding.is_set():
            self.holding.set()
            await self.release.wait()
        return answer


@pytest.fixture
async def sink() -> AsyncIterator[AcceptThenHangSink]:
    sink = AcceptThenHangSink()
    await sink.start()
    yield sink
    sink.release.set()
    await sink.stop()


async def _start_worker(env: dict[str, str]) -> tuple[asyncio.subprocess.Process, asyncio.Event]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "worker.py", cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE
    )
    polling = asyncio.Event()

    async def watch() -> None:
        assert process.stderr is not None
        async for line in process.stderr:
            if b"worker polling" in line:
                polling.set()

    asyncio.get_running_loop().create_task(watch())
    return process, polling


async def test_a_worker_killed_mid_send_leaves_one_valid_code(
    dev_env: WorkflowEnvironment, settings: Settings, sink: AcceptThenHangSink, tmp_path: Path
) -> None:
    settings = settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'db.sqlite'}", "smtp_port": sink.port}
    )
    upgrade(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    keyed = KeyedHasher(settings.identifier_hash_key)
    service = EnrollmentService(
        dev_env.client, settings, SubscriberRepository(engine), SecretHasher(settings), keyed
    )
    first, first_polling = await _start_worker(_worker_environment(dev_env, settings, sink.port))
    second: asyncio.subprocess.Process | None = None
    try:
        async with asyncio.timeout(20):
            await first_polling.wait()
        email = unique_email()
        started = await service.start(IdentifiersForm(**identifiers(email)))
        await service.submit_details(started.enrollment_id, DetailsForm(**details()))
        began = time.monotonic()
        confirmed = await service.confirm(started.enrollment_id)
        assert time.monotonic() - began < 2  # answered while the e-mail hangs
        async with asyncio.timeout(20):
            await sink.holding.wait()  # the first worker is sending; SMTP took the message
            # The second worker starts now, so the first one surely runs the send.
            second, second_polling = await _start_worker(
                _worker_environment(dev_env, settings, sink.port)
            )
            await second_polling.wait()
        first.send_signal(signal.SIGKILL)
        await first.wait()
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
        (record,) = CodeDeliveryRepository(engine).for_process(keyed.workflow_id(email))
        assert record.state == "sent" and record.attempts == 2
        assert confirmed.activation_deadline is not None
    finally:
        sink.release.set()
        for process in (first, second):
            if process is not None and process.returncode is None:
                process.kill()
                await process.wait()
        engine.dispose()
