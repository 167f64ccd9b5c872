"""A worker killed (SIGKILL) while it sends the activation code, with a second worker alive:
the retry on the other worker sends the same code (same Message-ID) within seconds, exactly one
code is ever valid, and the user's code works."""

from __future__ import annotations

import asyncio
import signal
from datetime import timedelta
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session
from temporalio.testing import WorkflowEnvironment

from security.keyed_hash import KeyedHasher
from settings import Settings
from storage.code_deliveries import CodeDeliveryRepository
from tests.integration.worker_process import (
    HoldingSink,
    WorkerProcess,
    isolated,
    sink_fixture,
    start_worker,
    stop,
)
from tests.quiet import quiet_enrollment
from tests.support import code_from, unique_email
from workflows.enrollment_messages import EmailDelivery

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


sink = sink_fixture(AcceptThenHangSink)


async def test_a_worker_killed_mid_send_leaves_one_valid_code(
    dev_env: WorkflowEnvironment, settings: Settings, sink: AcceptThenHangSink, tmp_path: Path
) -> None:
    own = isolated(dev_env, settings, tmp_path, sink.port)
    first = await start_worker(own.environment(), POLLING)
    second: WorkerProcess | None = None
    try:
        async with asyncio.timeout(20):
            await first.seen.wait()
        email = unique_email()
        enrollment_id = await own.awaiting_confirmation(email)
        confirmed = await own.service.confirm(enrollment_id)
        # Answered while SMTP holds the e-mail (released only at the end): still on its way.
        assert confirmed.email_delivery is EmailDelivery.PENDING
        async with asyncio.timeout(20):
            await sink.holding.wait()  # the first worker is sending; SMTP took the message
            # The second worker starts now, so the first one surely runs the send.
            second = await start_worker(own.environment(), POLLING)
            await second.seen.wait()
        first.process.send_signal(signal.SIGKILL)
        await first.process.wait()

        # The second worker retries once the heartbeat times out (3 s) and sends the same code
        # again: well before the 30 s an attempt may last, which would also end the wait.
        resent = await sink.message_to(email, 2, within=25)
        original = sink.messages_to(email)[0]
        code = code_from(original)
        assert code_from(resent) == code
        assert str(resent["Message-ID"]).strip() == str(original["Message-ID"]).strip()

        await quiet_enrollment(own.temporal.client, own.settings, email)
        (record,) = CodeDeliveryRepository(own.engine).for_process(
            KeyedHasher(own.settings.identifier_hash_key).workflow_id(email)
        )
        assert record.state == "sent" and record.attempts == 2
        # SPEC §3: 48 hours from the sending (the retry's, the one recorded); never earlier
        # than the confirmation said.
        assert record.sent_at is not None
        deadline = (await own.service.view(enrollment_id)).activation_deadline
        assert deadline == record.sent_at + timedelta(hours=48)
        assert deadline >= confirmed.activation_deadline

        activated = await own.service.activate(email, code)
        assert activated.subscriber_number
        assert sink.count_to(email) == 2
    finally:
        sink.release.set()
        await stop(first)
        await stop(second)
        own.engine.dispose()
