"""Faults the engine absorbs, on real parts: the SMTP server down then back (the API answers at
once, the e-mail arrives when SMTP returns), and the Temporal server killed and restarted on the
same database file (the enrollment goes on)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from chaos.parts import temporal_command
from devstack.mail_sink import MailSink
from domain.models import DetailsForm, EnrollmentStatus, IdentifiersForm
from orchestration.client import codec_from_settings, data_converter
from orchestration.search_attributes import ACTIVATION_DEADLINE
from security.keyed_hash import KeyedHasher
from services.errors import ServiceError
from settings import Settings
from storage.code_deliveries import CodeDeliveryRepository
from tests.live import enrollment_service, live_app
from tests.quiet import quiet_enrollment
from tests.support import code_from, details, free_port, identifiers, unique_email

API = "/api/v1"
# Well below the HTTP client's 30 s: an answer that waited for SMTP would never come.
ANSWERS_WITHIN = 20


async def refused_attempts(engine: Engine, settings: Settings, email: str, count: int) -> None:
    """Wait until the enrollment's code delivery has been tried `count` times (SMTP refusing)."""
    workflow_id = KeyedHasher(settings.identifier_hash_key).workflow_id(email)
    deliveries = CodeDeliveryRepository(engine)
    async with asyncio.timeout(60):
        while not any(d.attempts >= count for d in deliveries.for_process(workflow_id)):  # noqa: ASYNC110
            await asyncio.sleep(0.1)


async def test_smtp_down_then_back_the_mail_arrives_and_nothing_fails(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    port = free_port()  # nothing listens here yet: SMTP is down
    settings = settings.model_copy(update={"smtp_port": port})
    email = unique_email()
    sink = MailSink()
    async with live_app(dev_env.client, settings, engine) as app:
        created = await app.http.post(f"{API}/enrollments", json=identifiers(email))
        enrollment_id = created.json()["enrollment_id"]
        url = f"{API}/enrollments/{enrollment_id}"
        assert (await app.http.put(f"{url}/details", json=details())).status_code == 200

        # SMTP stays down until the test brings it back: an answer at all is an answer that
        # did not wait for SMTP; the bound only keeps a hanging request from hanging the test.
        async with asyncio.timeout(ANSWERS_WITHIN):
            confirmed = await app.http.post(f"{url}/confirm")
        assert confirmed.status_code == 202, confirmed.text
        assert confirmed.json()["email_delivery"] == "pending"
        status = (await app.http.get(url)).json()
        assert status["status"] == "awaiting_activation"
        assert status["email_delivery"] == "pending"
        # Resending while the first e-mail is on its way answers at once too, and adds nothing.
        async with asyncio.timeout(ANSWERS_WITHIN):
            resent = await app.http.post(f"{API}/activations/resend", json={"email": email})
        assert resent.status_code < 500, resent.text

        await refused_attempts(engine, settings, email, 2)
        await sink.start(port=port)  # SMTP is back
        try:
            code = code_from(await sink.message_to(email))
            for _ in range(100):  # the workflow records the sending a moment after SMTP
                final = (await app.http.get(url)).json()
                if final["email_delivery"] == "sent":
                    break
                await asyncio.sleep(0.1)
            assert final["email_delivery"] == "sent"
            # Sent long after the confirmation: the search shows the deadline it now runs to.
            workflow_id = KeyedHasher(settings.identifier_hash_key).workflow_id(email)
            described = await dev_env.client.get_workflow_handle(workflow_id).describe()
            indexed = described.typed_search_attributes.get(ACTIVATION_DEADLINE)
            sent_deadline = datetime.fromisoformat(final["activation_deadline"])
            assert indexed is not None and abs(indexed - sent_deadline) < timedelta(milliseconds=1)
            # The window runs from the sending: never earlier than the first answer said.
            assert final["activation_deadline"] >= confirmed.json()["activation_deadline"]
            again = await app.http.post(f"{url}/confirm")
            assert again.status_code == 202
            assert again.json()["activation_deadline"] == confirmed.json()["activation_deadline"]
            activated = await app.http.post(
                f"{API}/activations", json={"email": email, "code": code}
            )
            assert activated.status_code == 201, activated.text
            await quiet_enrollment(dev_env.client, settings, email)
            assert sink.count_to(email) == 1  # one code, one e-mail
        finally:
            await sink.stop()


# -- the Temporal server killed and restarted ---------------------------------------------------


class DevServer:
    """`temporal server start-dev` as a process of its own, on a fixed port and SQLite file."""

    def __init__(self, db_file: Path) -> None:
        self.db_file = db_file
        self.port = free_port()
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *temporal_command(self.port, self.db_file),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


@pytest.fixture
async def dev_server(tmp_path: Path) -> AsyncIterator[DevServer]:
    server = DevServer(tmp_path / "temporal.db")
    await server.start()
    yield server
    if server.process is not None and server.process.returncode is None:
        await server.kill()


async def _connect(server: DevServer, settings: Settings) -> Client:
    async with asyncio.timeout(30):
        while True:
            with contextlib.suppress(Exception):
                return await Client.connect(
                    server.address, data_converter=data_converter(codec_from_settings(settings))
                )
            await asyncio.sleep(0.2)


async def test_the_temporal_server_restarted_on_its_file_the_enrollment_goes_on(
    dev_server: DevServer, settings: Settings, engine: Engine, mail_sink: MailSink
) -> None:
    client = await _connect(dev_server, settings)
    env = WorkflowEnvironment.from_client(client)
    email = unique_email()
    async with enrollment_service(env, settings, engine) as service:
        started = await service.start(IdentifiersForm(**identifiers(email)))
        await service.submit_details(started.enrollment_id, DetailsForm(**details()))
        await service.confirm(started.enrollment_id)
        code = code_from(await mail_sink.message_to(email))

        await dev_server.kill()
        await asyncio.sleep(1)
        await dev_server.start()  # same port, same SQLite file

        # The client and the worker reconnect by themselves; the enrollment is still there.
        async with asyncio.timeout(30):
            while True:
                try:
                    view = await service.view(started.enrollment_id)
                    break
                except ServiceError:
                    await asyncio.sleep(0.3)
        assert view.status is EnrollmentStatus.AWAITING_ACTIVATION
        async with asyncio.timeout(30):
            while True:
                try:
                    activated = await service.activate(email, code)
                    break
                except ServiceError as error:
                    assert error.status >= 500, error  # unavailable while it restarts
                    await asyncio.sleep(0.3)
        assert activated.subscriber_number
        assert (await service.view(started.enrollment_id)).status is EnrollmentStatus.ACTIVATED
        await quiet_enrollment(client, settings, email)  # the worker still runs: all settled
    assert mail_sink.count_to(email) == 1
