"""A worker process killed (SIGKILL) in the middle of a code's delivery — the activation code,
a password reset's code, an adhésion's letter: the retry on another worker delivers the same
code once more (same Message-ID) or not at all (the letter already posted), exactly one code is
ever valid, and it works. And killed in the middle of an activation: one subscriber, and the
answer reaches the person who typed the code."""

from __future__ import annotations

import asyncio
import signal
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import Connection, text
from temporalio.testing import WorkflowEnvironment

from security.keyed_hash import KeyedHasher
from security.passwords import SecretHasher
from settings import Settings
from storage.code_deliveries import CodeDeliveryRepository
from storage.subscribers import SubscriberRepository
from tests.accounts import NEW_PASSWORD, make_subscriber, reset_form, services_over
from tests.databases import POSTGRES_ENV, postgres_base_url, postgres_schema
from tests.integration.worker_process import (
    HoldingSink,
    WorkerProcess,
    isolated,
    sink_fixture,
    start_worker,
    stop,
)
from tests.letters import code_in, letter_folder, letters_of
from tests.letters import new_subscriber as letters_subscriber
from tests.quiet import quiet, quiet_enrollment
from tests.support import code_from, unique_email
from workflows.adhesion import AdhesionWorkflow
from workflows.enrollment_messages import EmailDelivery
from workflows.password_reset_messages import PasswordResetStatus

POLLING = b"worker polling"  # the worker's log line once it takes tasks
# Bounds for a hung test only, generous for a loaded machine: a worker process starts in
# seconds; a killed worker's delivery is retried once its heartbeat times out (3 s), or at
# worst once the attempt's 30 s are over.
STARTS_WITHIN = 90
RETRIED_WITHIN = 90
LETTER_WITHIN = 60


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
        async with asyncio.timeout(STARTS_WITHIN):
            await first.seen.wait()
        email = unique_email()
        enrollment_id = await own.awaiting_confirmation(email)
        confirmed = await own.service.confirm(enrollment_id)
        # Answered while SMTP holds the e-mail (released only at the end): still on its way.
        assert confirmed.email_delivery is EmailDelivery.PENDING
        async with asyncio.timeout(STARTS_WITHIN):
            await sink.holding.wait()  # the first worker is sending; SMTP took the message
            # The second worker starts now, so the first one surely runs the send.
            second = await start_worker(own.environment(), POLLING)
            await second.seen.wait()
        first.process.send_signal(signal.SIGKILL)
        await first.process.wait()

        # The second worker retries once the heartbeat times out and sends the same code again.
        resent = await sink.message_to(email, 2, within=RETRIED_WITHIN)
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


async def test_a_worker_killed_mid_letter_posts_one_letter_whose_code_works(
    dev_env: WorkflowEnvironment, settings: Settings, sink: AcceptThenHangSink, tmp_path: Path
) -> None:
    """SIGKILL as soon as the adhésion's letter shows in the print-and-post folder (the
    delivery still running, or just over): the next worker finishes the delivery, and the folder
    holds one letter, whose code activates."""
    own = isolated(dev_env, settings, tmp_path, sink.port)
    services = services_over(own.temporal, own.settings, own.engine)
    folder = letter_folder(own.settings)
    first = await start_worker(own.environment(), POLLING)
    second: WorkerProcess | None = None
    try:
        async with asyncio.timeout(STARTS_WITHIN):
            await first.seen.wait()
        subscriber = letters_subscriber(own.engine, own.settings)
        adhesion = await services.adhesions.request(subscriber, "732829320")
        async with asyncio.timeout(LETTER_WITHIN):
            while not letters_of(folder, adhesion.id):  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        first.process.send_signal(signal.SIGKILL)
        await first.process.wait()
        second = await start_worker(own.environment(), POLLING)

        # Once nothing is in flight, the workflow knows its one letter went out.
        process = own.temporal.client.get_workflow_handle_for(
            AdhesionWorkflow.run, adhesion.workflow_id
        )
        await quiet(process, within=STARTS_WITHIN + RETRIED_WITHIN)
        state = await process.query(AdhesionWorkflow.state)
        assert state.letters_sent == 1 and state.letter_delivered
        [copy] = letters_of(folder, adhesion.id)  # one letter, not two
        [text] = [
            path
            for path in folder.glob("*.txt")
            if f"\nAdhésion : {adhesion.id}\n" in path.read_text(encoding="utf-8")
        ]
        assert text.with_suffix(".pdf").is_file()  # the letter itself, beside its copy
        (record,) = CodeDeliveryRepository(own.engine).for_process(adhesion.workflow_id)
        assert record.state == "sent" and record.generation == 1
        active = await services.adhesions.activate(subscriber, adhesion.id, code_in(copy))
        assert active.status == "active"
        assert sink.count_to(subscriber.email) == 0  # by post only
    finally:
        await stop(first)
        await stop(second)
        own.engine.dispose()


async def test_a_worker_killed_mid_send_of_a_reset_code_leaves_one_valid_code(
    dev_env: WorkflowEnvironment, settings: Settings, sink: AcceptThenHangSink, tmp_path: Path
) -> None:
    """« Mot de passe oublié ? »: the worker killed once SMTP took the code's e-mail and before
    the sending was recorded; the next worker sends the same code again (same Message-ID), and
    that code resets the password."""
    own = isolated(dev_env, settings, tmp_path, sink.port)
    services = services_over(own.temporal, own.settings, own.engine)
    first = await start_worker(own.environment(), POLLING)
    second: WorkerProcess | None = None
    try:
        async with asyncio.timeout(STARTS_WITHIN):
            await first.seen.wait()
        subscriber = make_subscriber(own.engine, own.settings, unique_email("reprise"))
        await services.resets.request(subscriber.email)
        async with asyncio.timeout(STARTS_WITHIN):
            await sink.holding.wait()  # SMTP took the message and holds its answer
            # The second worker starts now, so the first one surely runs the send.
            second = await start_worker(own.environment(), POLLING)
            await second.seen.wait()
        first.process.send_signal(signal.SIGKILL)
        await first.process.wait()

        resent = await sink.message_to(subscriber.email, 2, within=RETRIED_WITHIN)
        original = sink.messages_to(subscriber.email)[0]
        code = code_from(original)
        assert code_from(resent) == code
        assert str(resent["Message-ID"]).strip() == str(original["Message-ID"]).strip()

        await services.resets.complete(reset_form(subscriber.email, code))
        outcome = await services.reset_process(subscriber.email).result()
        assert outcome.status is PasswordResetStatus.RESET
        stored = services.repository.by_email(subscriber.email)
        assert stored is not None
        assert SecretHasher(own.settings).verify_sync(stored.password_hash, NEW_PASSWORD)
        (record,) = CodeDeliveryRepository(own.engine).for_process(
            services.reset_process(subscriber.email).id
        )
        assert record.state == "sent" and record.attempts == 2
    finally:
        sink.release.set()
        await stop(first)
        await stop(second)
        own.engine.dispose()


mail = sink_fixture(HoldingSink)


async def test_a_worker_killed_mid_activation_creates_one_subscriber_and_answers(
    dev_env: WorkflowEnvironment, settings: Settings, mail: HoldingSink, tmp_path: Path
) -> None:
    """A worker killed while the subscriber's write waits: the attempt times out, another
    worker runs it again, and the person who typed the code gets the answer (no error), with
    one subscriber behind it.

    PostgreSQL only: the test holds the subscribers table so that the write waits, and sees
    the worker's INSERT waiting for it (pg_stat_activity) before killing the worker."""
    base = postgres_base_url()
    if base is None:
        pytest.skip(f"PostgreSQL: {POSTGRES_ENV} is not set")
    with postgres_schema(base) as url:
        own = isolated(dev_env, settings, tmp_path, mail.port, database_url=url)
        first = await start_worker(own.environment(), POLLING)
        second: WorkerProcess | None = None
        holder = own.engine.connect()
        # Its own connection, out of any transaction: each read of pg_stat_activity is fresh.
        watcher = own.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            async with asyncio.timeout(STARTS_WITHIN):
                await first.seen.wait()
            email = unique_email()
            await own.service.confirm(await own.awaiting_confirmation(email))
            code = code_from(await mail.message_to(email, within=RETRIED_WITHIN))

            holder.execute(text("LOCK TABLE subscribers IN EXCLUSIVE MODE"))  # reads go on
            activation = asyncio.create_task(own.service.activate(email, code))
            async with asyncio.timeout(RETRIED_WITHIN):
                await _insert_waiting(watcher)
                second = await start_worker(own.environment(), POLLING)
                await second.seen.wait()
            first.process.send_signal(signal.SIGKILL)
            await first.process.wait()
            holder.commit()  # the lock goes; the killed worker's transaction never committed

            async with asyncio.timeout(RETRIED_WITHIN):
                activated = await activation
            assert activated.email == email
            created = SubscriberRepository(own.engine).by_email(email)
            assert created is not None
            assert created.subscriber_number == activated.subscriber_number
        finally:
            holder.close()
            watcher.close()
            await stop(first)
            await stop(second)
            own.engine.dispose()


async def _insert_waiting(connection: Connection) -> None:
    """Until another session's INSERT into subscribers waits for a lock (the worker's)."""
    while True:
        waiting = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                " AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO subscribers%'"
            )
        ).scalar_one()
        if waiting:
            return
        await asyncio.sleep(0.05)
