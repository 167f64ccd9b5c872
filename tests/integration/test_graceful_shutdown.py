"""SIGTERM to the worker process: the activity in flight (an e-mail being sent) finishes within
the grace period instead of being cancelled and sent again by a retry."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from domain.models import DetailsForm, IdentifiersForm
from mail.sender import MailSender
from security.keyed_hash import KeyedHasher
from security.passwords import SecretHasher
from services.enrollments import EnrollmentService
from settings import Settings
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.subscribers import SubscriberRepository
from tests.support import details, free_port, identifiers, unique_email
from worker import build_worker

ROOT = Path(__file__).resolve().parents[2]


class HeldMailSink(MailSink):
    """An SMTP server that holds each message until released: the send stays in flight."""

    def __init__(self) -> None:
        super().__init__()
        self.holding = asyncio.Event()
        self.release = asyncio.Event()
        self.deliveries = 0  # messages received, whether or not the client stayed to the end

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.deliveries += 1
        self.holding.set()
        await self.release.wait()
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
async def sink() -> AsyncIterator[HeldMailSink]:
    sink = HeldMailSink()
    await sink.start()
    yield sink
    sink.release.set()
    await sink.stop()


def _worker_environment(env: WorkflowEnvironment, settings: Settings, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "APP_ENV": "test",
        "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
        "TEMPORAL_NAMESPACE": env.client.namespace,
        "TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
        "WORKER_METRICS_ADDRESS": f"127.0.0.1:{free_port()}",
        "DATABASE_URL": settings.resolved_database_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "IDENTIFIER_HASH_KEY": settings.identifier_hash_key.get_secret_value(),
        "PAYLOAD_CODEC_KEYS": settings.payload_codec_keys.get_secret_value(),
        "CODEC_AUTH_TOKEN": settings.codec_auth_token.get_secret_value(),
        "SESSION_SECRET": settings.session_secret.get_secret_value(),
    }


async def test_sigterm_lets_the_email_in_flight_finish(
    dev_env: WorkflowEnvironment, settings: Settings, sink: HeldMailSink, tmp_path: Path
) -> None:
    settings = settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'db.sqlite'}", "smtp_port": sink.port}
    )
    upgrade(settings.resolved_database_url)
    repository = SubscriberRepository(make_engine(settings.resolved_database_url))
    service = EnrollmentService(
        dev_env.client,
        settings,
        repository,
        SecretHasher(settings),
        KeyedHasher(settings.identifier_hash_key),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "worker.py",
        cwd=ROOT,
        env=_worker_environment(dev_env, settings, sink.port),
        stderr=asyncio.subprocess.PIPE,
    )
    shutdown_began = asyncio.Event()

    async def watch_logs() -> None:
        assert process.stderr is not None
        async for line in process.stderr:
            if b"Beginning worker shutdown" in line:
                shutdown_began.set()

    watching = asyncio.create_task(watch_logs())
    try:
        email = unique_email()
        started = await service.start(IdentifiersForm(**identifiers(email)))
        await service.submit_details(started.enrollment_id, DetailsForm(**details()))
        confirming = asyncio.create_task(service.confirm(started.enrollment_id))
        async with asyncio.timeout(20):
            await sink.holding.wait()  # the e-mail is being sent

            process.send_signal(signal.SIGTERM)
            await shutdown_began.wait()  # without a grace period the send is cancelled here
            sink.release.set()
            assert await process.wait() == 0

        # Another worker takes over the enrollment where the stopped one left it.
        worker = build_worker(
            dev_env.client,
            settings,
            sender=MailSender.from_settings(settings),
            repository=repository,
        )
        async with worker, asyncio.timeout(30):
            confirmed = await confirming
        assert confirmed.status == "awaiting_activation"
        # Sent once and kept: the send was neither cancelled midway nor repeated by a retry.
        assert sink.deliveries == 1 and sink.count_to(email) == 1
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        watching.cancel()
