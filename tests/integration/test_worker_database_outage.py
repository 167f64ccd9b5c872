"""The worker's activities while PostgreSQL is down: the code delivery records each attempt in
the database before sending, so with the database unreachable it sends nothing and is retried;
once the database is back the code goes out once and works. The outage is a loopback proxy cut
in front of the shared server (tests.tcp_proxy), which keeps serving the other tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, make_url, select
from sqlmodel import Session, col
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from security.keyed_hash import KeyedHasher
from settings import Settings
from storage.code_deliveries import CodeDeliveryRepository
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.tables import Subscriber
from tests.databases import POSTGRES_ENV, postgres_base_url, postgres_schema
from tests.live import enrollment_service
from tests.quiet import quiet
from tests.support import code_from, unique_email
from tests.tcp_proxy import CuttableProxy
from tests.workflow_env import pre_register
from workflows.enrollment_messages import EmailDelivery

# Bounds for a hung test only: the delivery's retries back off to 30 s between attempts.
RETRIED_WITHIN = 90


@dataclass
class Proxied:
    direct_url: str  # the test's own reads
    proxy_url: str  # the app's and the worker's connections, through the proxy
    proxy: CuttableProxy


@pytest.fixture
async def proxied() -> AsyncIterator[Proxied]:
    """A schema of its own on the shared server, migrated, reached through a cuttable proxy."""
    base = postgres_base_url()
    if base is None:
        pytest.skip(f"PostgreSQL: {POSTGRES_ENV} is not set")
    with postgres_schema(base) as direct:
        upgrade(direct)
        target = make_url(direct)
        proxy = CuttableProxy(target.host or "127.0.0.1", target.port or 5432)
        await proxy.start()
        proxy_url = target.set(host="127.0.0.1", port=proxy.port)
        try:
            yield Proxied(direct, proxy_url.render_as_string(hide_password=False), proxy)
        finally:
            await proxy.stop()


async def failed_attempts(handle: WorkflowHandle[Any, Any], count: int) -> None:
    """Wait until the workflow's pending activity has been tried `count` times."""
    async with asyncio.timeout(RETRIED_WITHIN):
        while True:
            pending = (await handle.describe()).raw_description.pending_activities
            if any(activity.attempt >= count for activity in pending):
                return
            await asyncio.sleep(0.2)


@pytest.mark.parametrize("kind", ["postgresql"])
async def test_a_code_delivery_waits_out_a_database_outage(
    kind: str,
    proxied: Proxied,
    dev_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
) -> None:
    own = settings.model_copy(update={"database_url": proxied.proxy_url})
    engine = make_engine(proxied.proxy_url)
    direct = make_engine(proxied.direct_url)
    email = unique_email("panne")
    workflow_id = KeyedHasher(own.identifier_hash_key).workflow_id(email)
    handle = dev_env.client.get_workflow_handle(workflow_id)
    try:
        async with enrollment_service(dev_env, own, engine) as service:
            enrollment_id = await pre_register(service, email)

            proxied.proxy.cut()
            confirmed = await service.confirm(enrollment_id)  # the workflow needs no database
            assert confirmed.email_delivery is EmailDelivery.PENDING
            await failed_attempts(handle, 2)
            assert mail_sink.count_to(email) == 0  # never sent without its record
            assert CodeDeliveryRepository(direct).for_process(workflow_id) == []

            proxied.proxy.restore()
            code = code_from(await mail_sink.message_to(email, within=RETRIED_WITHIN))
            await quiet(handle)
            assert mail_sink.count_to(email) == 1
            (record,) = CodeDeliveryRepository(direct).for_process(workflow_id)
            assert record.state == "sent" and record.generation == 1

            activated = await service.activate(email, code)
            assert activated.subscriber_number
        with Session(direct) as session:
            rows = session.execute(
                select(func.count()).where(col(Subscriber.email) == email)
            ).scalar_one()
        assert rows == 1
    finally:
        engine.dispose()
        direct.dispose()
