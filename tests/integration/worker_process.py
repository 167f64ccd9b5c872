"""The worker as its own process (`python worker.py`), as in production, to be stopped or
killed mid-send; and an SMTP server that keeps a send in flight until the test releases it."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from domain.models import DetailsForm, IdentifiersForm
from services.enrollments import EnrollmentService
from settings import Settings
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.subscribers import SubscriberRepository
from tests.live import new_enrollment_service
from tests.support import details, free_port, identifiers, process_environment

ROOT = Path(__file__).resolve().parents[2]


class HoldingSink(MailSink):
    """A sink whose subclasses hold a send: `holding` once one is held, `release` to let go."""

    def __init__(self) -> None:
        super().__init__()
        self.holding = asyncio.Event()
        self.release = asyncio.Event()


Sink = TypeVar("Sink", bound=HoldingSink)


@asynccontextmanager
async def running(sink: Sink) -> AsyncIterator[Sink]:
    await sink.start()
    yield sink
    sink.release.set()  # a send still held would keep its connection, and stop(), waiting
    await sink.stop()


@dataclass
class Isolated:
    """A database file of the test's own, the enrollment service over it, and what a worker
    process needs to use both (its mail to the test's SMTP server)."""

    settings: Settings
    engine: Engine
    service: EnrollmentService
    temporal: WorkflowEnvironment
    smtp_port: int

    def environment(self) -> dict[str, str]:
        """A worker process's variables: each call its own metrics port, so that two run."""
        return worker_environment(self.temporal, self.settings, self.smtp_port)

    async def awaiting_confirmation(self, email: str) -> str:
        """Steps 1 and 2 of an enrollment; returns its ID."""
        started = await self.service.start(IdentifiersForm(**identifiers(email)))
        await self.service.submit_details(started.enrollment_id, DetailsForm(**details()))
        return started.enrollment_id


def isolated(
    env: WorkflowEnvironment,
    settings: Settings,
    folder: Path,
    smtp_port: int,
    database_url: str | None = None,
) -> Isolated:
    """The worker process opens the database by its URL: a file in `folder` unless another
    database is given, migrated here."""
    own = settings.model_copy(
        update={
            "database_url": database_url or f"sqlite:///{folder / 'db.sqlite'}",
            "smtp_port": smtp_port,
        }
    )
    upgrade(own.resolved_database_url)
    engine = make_engine(own.resolved_database_url)
    service = new_enrollment_service(env.client, own, SubscriberRepository(engine))
    return Isolated(own, engine, service, env, smtp_port)


def sink_fixture(kind: Callable[[], Sink]) -> Callable[[], AsyncIterator[Sink]]:
    """The module's `sink` fixture: a `kind` of holding sink, running for one test."""

    async def sink() -> AsyncIterator[Sink]:
        async with running(kind()) as sink:
            yield sink

    return pytest.fixture(sink)


def worker_environment(env: WorkflowEnvironment, settings: Settings, port: int) -> dict[str, str]:
    """The variables a worker process reads: these settings, mail to `port` on loopback."""
    return process_environment(
        settings,
        TEMPORAL_ADDRESS=env.client.service_client.config.target_host,
        TEMPORAL_NAMESPACE=env.client.namespace,
        TEMPORAL_TASK_QUEUE=settings.temporal_task_queue,
        WORKER_METRICS_ADDRESS=f"127.0.0.1:{free_port()}",
        DATABASE_URL=settings.resolved_database_url,
        DATA_DIR=str(settings.data_dir),  # where the letters land
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(port),
    )


@dataclass
class WorkerProcess:
    process: asyncio.subprocess.Process
    seen: asyncio.Event  # set once the awaited line was logged
    watching: asyncio.Task[None]


async def start_worker(env: dict[str, str], awaited: bytes) -> WorkerProcess:
    """A worker process whose log is read for the line `awaited` (the log goes to stderr)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "worker.py", cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE
    )
    seen = asyncio.Event()

    async def watch() -> None:
        assert process.stderr is not None
        async for line in process.stderr:
            if awaited in line:
                seen.set()

    return WorkerProcess(process, seen, asyncio.create_task(watch()))


async def stop(worker: WorkerProcess | None) -> None:
    """Kill the process if it still runs; idle, the log reader ends."""
    if worker is None:
        return
    if worker.process.returncode is None:
        worker.process.kill()
        await worker.process.wait()
    worker.watching.cancel()
