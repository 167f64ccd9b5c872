"""The worker's Prometheus endpoint after real enrollments: the business counters moved, the
SDK's own metrics are there, and the JSON logs carry workflow IDs but no e-mail address."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from mail.sender import MailSender
from observability.logs import JsonFormatter
from orchestration.client import metrics_runtime
from security.keyed_hash import KeyedHasher
from security.passwords import SecretHasher
from services.enrollments import EnrollmentService
from settings import Settings
from storage.subscribers import SubscriberRepository
from tests.support import code_from, free_port, scrape, unique_email
from tests.workflow_env import pre_register, time_skipping
from worker import build_worker


@dataclass
class MeteredEnv:
    env: WorkflowEnvironment
    metrics_url: str

    @property
    def client(self) -> Client:
        return self.env.client

    def metrics(self) -> dict[str, float]:
        return scrape(httpx.get(self.metrics_url).text)


@pytest.fixture
async def metered(settings: Settings) -> AsyncIterator[MeteredEnv]:
    """A time-skipping server whose client runtime exports metrics, as the worker's does."""
    address = f"127.0.0.1:{free_port()}"
    async with time_skipping(settings, runtime=metrics_runtime(address)) as env:
        yield MeteredEnv(env, f"http://{address}/metrics")


def _service(client: Client, settings: Settings, engine: Engine) -> EnrollmentService:
    return EnrollmentService(
        client,
        settings,
        SubscriberRepository(engine),
        SecretHasher(settings),
        KeyedHasher(settings.identifier_hash_key),
    )


async def test_counters_move_with_enrollments(
    metered: MeteredEnv,
    settings: Settings,
    engine: Engine,
    mail_sink: MailSink,
    caplog: pytest.LogCaptureFixture,
) -> None:
    service = _service(metered.client, settings, engine)
    emails = [unique_email(name) for name in ("active", "late", "quitter")]
    caplog.set_level(logging.INFO)
    async with build_worker(metered.client, settings, repository=SubscriberRepository(engine)):
        active, late, quitter = [await pre_register(service, email) for email in emails]
        await service.abandon(quitter)
        await service.confirm(active)
        await service.activate(emails[0], code_from(await mail_sink.message_to(emails[0])))
        await service.confirm(late)
        await mail_sink.message_to(emails[1])  # the code goes out before the clock runs
        await metered.env.sleep(timedelta(hours=49))
        assert (await service.view(late)).status == "expired"

    counts = metered.metrics()
    assert counts["enrollments_started_total"] == 3
    assert counts["enrollments_confirmed_total"] == 2
    assert counts["enrollments_activated_total"] == 1
    assert counts["enrollments_expired_total"] == 1
    assert counts["enrollments_abandoned_total"] == 1
    assert counts["emails_sent_total"] == 2
    assert "emails_failed_total" not in counts
    assert counts["temporal_workflow_completed_total"] >= 2  # the SDK's own metrics

    # What the product logs (aiosmtpd, the test's SMTP server, logs the recipients: not ours).
    ours = [r for r in caplog.records if not r.name.startswith("mail.log")]
    lines = [JsonFormatter().format(record) for record in ours]
    assert not [line for line in lines for email in emails if email in line]
    workflow_id = KeyedHasher(settings.identifier_hash_key).workflow_id(emails[0])
    sent = [json.loads(line) for line in lines if "code delivered (email)" in line]
    assert sent[0]["workflow_id"] == workflow_id
    assert sent[0]["activity"] == "deliver_code"


async def test_failed_emails_are_counted(
    metered: MeteredEnv, settings: Settings, engine: Engine
) -> None:
    nobody_listens = settings.model_copy(update={"smtp_port": free_port()})
    service = _service(metered.client, settings, engine)
    worker = build_worker(
        metered.client,
        settings,
        sender=MailSender.from_settings(nobody_listens),
        repository=SubscriberRepository(engine),
    )
    async with worker:
        email = unique_email()
        enrollment_id = await pre_register(service, email)
        handle = metered.client.get_workflow_handle(service._keyed.workflow_id(email))
        confirming = asyncio.create_task(service.confirm(enrollment_id))
        try:
            # The first try fails at once (connection refused); the retries would take seconds.
            counts = await _wait_for(metered, lambda c: c.get("emails_failed_total", 0) >= 1)
        finally:
            await handle.terminate("test over")
            with contextlib.suppress(Exception):
                await confirming
    assert "emails_sent_total" not in counts


async def _wait_for(
    metered: MeteredEnv, done: Callable[[dict[str, float]], bool]
) -> dict[str, float]:
    deadline = time.monotonic() + 10
    while not done(counts := metered.metrics()):
        assert time.monotonic() < deadline, counts
        await asyncio.sleep(0.05)
    return counts
