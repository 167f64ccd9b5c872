"""Run the real API (uvicorn, HTTP on loopback), or its services, and a real worker in a test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from app import Overrides, create_app
from devstack.mail_sink import MailSink
from mail.sender import MailSender
from security.keyed_hash import KeyedHasher
from security.passwords import SecretHasher
from services.enrollments import EnrollmentService
from services.throttle import Clock
from settings import Settings
from storage.subscribers import SubscriberRepository
from tests.loopback import served
from tests.support import code_from, identifiers
from worker import build_worker


@dataclass
class LiveApp:
    base_url: str
    http: httpx.AsyncClient


# Starts the app with some settings changed (the integration tests' `app_with` fixture).
LiveFactory = Callable[..., AbstractAsyncContextManager[LiveApp]]


@asynccontextmanager
async def live_app(
    client: Client,
    settings: Settings,
    engine: Engine,
    clock: Clock | None = None,
    keep: list[httpx.Response] | None = None,
) -> AsyncIterator[LiveApp]:
    """The app and its worker; every response read in full and added to `keep`, if given."""
    app = create_app(settings, Overrides(client=client, engine=engine, clock=clock))
    config = uvicorn.Config(app, log_level="warning", lifespan="on", proxy_headers=False)
    worker = build_worker(client, settings, repository=SubscriberRepository(engine))
    async with worker, served(config) as port:
        base_url = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
            if keep is not None:
                http.event_hooks["response"].append(_keeper(keep))
            yield LiveApp(base_url, http)


def _keeper(kept: list[httpx.Response]) -> Callable[[httpx.Response], Awaitable[None]]:
    async def keep(response: httpx.Response) -> None:
        await response.aread()
        kept.append(response)

    return keep


async def pre_register(
    http: httpx.AsyncClient, email: str, password: str, details: dict[str, Any]
) -> str:
    """Steps 1 and 2 over HTTP; returns the enrollment ID."""
    created = await http.post("/api/v1/enrollments", json=identifiers(email, password))
    assert created.status_code == 201, created.text
    enrollment_id: str = created.json()["enrollment_id"]
    recap = await http.put(f"/api/v1/enrollments/{enrollment_id}/details", json=details)
    assert recap.status_code == 200, recap.text
    return enrollment_id


async def pre_register_and_confirm(
    http: httpx.AsyncClient, sink: MailSink, email: str, password: str, details: dict[str, Any]
) -> tuple[str, str]:
    """Steps 1 to 3 over HTTP; returns the enrollment ID and the code read from the e-mail."""
    enrollment_id = await pre_register(http, email, password, details)
    sent_before = sink.count_to(email)
    confirmed = await http.post(f"/api/v1/enrollments/{enrollment_id}/confirm")
    assert confirmed.status_code == 202, confirmed.text
    return enrollment_id, code_from(await sink.message_to(email, sent_before + 1))


@asynccontextmanager
async def worker_running(
    client: Client, settings: Settings, engine: Engine
) -> AsyncIterator[SubscriberRepository]:
    """A real worker, mail to the settings' SMTP server; yields the repository it writes to."""
    repository = SubscriberRepository(engine)
    worker = build_worker(
        client, settings, sender=MailSender.from_settings(settings), repository=repository
    )
    async with worker:
        yield repository


@asynccontextmanager
async def enrollment_service(
    env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[EnrollmentService]:
    """The service the API uses, over a real worker."""
    async with worker_running(env.client, settings, engine) as repository:
        yield new_enrollment_service(env.client, settings, repository)


def new_enrollment_service(
    client: Client, settings: Settings, repository: SubscriberRepository
) -> EnrollmentService:
    """The enrollment service as the API builds it; the workers are the caller's business."""
    return EnrollmentService(
        client,
        settings,
        repository,
        SecretHasher(settings),
        KeyedHasher(settings.identifier_hash_key),
    )
