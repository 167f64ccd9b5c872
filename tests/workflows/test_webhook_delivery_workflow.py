"""Webhook deliveries on the time-skipping server, to a real HTTP receiver on loopback: signed
(verified with `standardwebhooks`), the same `webhook-id` on every attempt, retried for more
than 24 hours, one enrollment's events in order, 410 disables the endpoint, a slow receiver
times out and is tried again, the URL checked again before sending, nothing secret in the
history."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine
from standardwebhooks import Webhook
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment

from activities.inputs import ServiceEventInput
from activities.webhook_dispatch import WebhookDispatch
from activities.webhooks import WebhookActivities
from domain.webhooks import EventType, UrlPolicy
from orchestration.client import metrics_runtime
from security.keyed_hash import KeyedHasher
from security.secret_box import SecretBox
from services.service_clients import Scope, ServiceClients
from services.webhook_endpoints import RegisteredEndpoint, WebhookEndpoints
from settings import Settings
from storage.service_clients import ServiceClientRepository
from storage.subscribers import SubscriberRepository
from storage.tables import WebhookDelivery
from storage.webhooks import WebhookRepository
from tests.privacy import assert_nothing_in_clear
from tests.support import free_port
from tests.webhook_receiver import (
    Received,
    Receiver,
    always,
    receiving,
    self_signed,
    unused_url,
)
from tests.workflow_env import result_skipping_time, time_skipping
from worker import build_worker

ALL_TYPES = list(EventType)


@dataclass
class Hooks:
    env: WorkflowEnvironment
    settings: Settings
    engine: Engine
    client_id: str

    @property
    def keyed(self) -> KeyedHasher:
        return KeyedHasher(self.settings.identifier_hash_key)

    def dispatch(self) -> WebhookDispatch:
        return WebhookDispatch(self.env.client, self.settings, self.keyed)

    def endpoints(self) -> WebhookEndpoints:
        return WebhookEndpoints(
            WebhookRepository(self.engine),
            SecretBox.from_settings(self.settings),
            self.dispatch(),
            UrlPolicy(allow_local=True),
        )

    async def endpoint(self, url: str, types: list[EventType] = ALL_TYPES) -> RegisteredEndpoint:
        return await self.endpoints().register(self.client_id, url, types)

    async def publish(self, subject: str, event_type: EventType, **data: Any) -> list[str]:
        """What a producing workflow does: run the publishing activity (here in the SDK's
        activity environment, with the real client, database and dispatch)."""
        activities = WebhookActivities(
            WebhookRepository(self.engine),
            SecretBox.from_settings(self.settings),
            self.keyed,
            self.dispatch(),
            UrlPolicy(allow_local=True),
        )
        event = ServiceEventInput(
            client_id=self.client_id,
            subject_id=subject,
            event_type=event_type,
            data={"invitation_id": subject, "status": event_type.value.split(".")[1], **data},
        )
        ids: list[str] = await ActivityEnvironment(client=self.env.client).run(
            activities.publish_service_event, event
        )
        return ids

    async def finished(self, endpoint_id: str, subject: str) -> None:
        """Wait for the subject's delivery process to end (time skips meanwhile)."""
        workflow_id = self.dispatch().workflow_id(endpoint_id, subject)
        await result_skipping_time(self.env, workflow_id)

    def delivery(self, delivery_id: str) -> WebhookDelivery:
        found = WebhookRepository(self.engine).delivery(delivery_id)
        assert found is not None
        return found

    async def now(self) -> datetime:
        return await self.env.get_current_time()


@pytest.fixture
async def hooks(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[Hooks]:
    clients = ServiceClients(
        ServiceClientRepository(engine), KeyedHasher(settings.identifier_hash_key)
    )
    issued = clients.create("Portail partenaire", frozenset({Scope.EVENTS}), 600)
    repository = SubscriberRepository(engine)
    async with build_worker(time_env.client, settings, repository=repository):
        yield Hooks(time_env, settings, engine, issued.client_id)


def verified(received: Received, secret: str) -> dict[str, Any]:
    """The body, once `standardwebhooks` accepts its signature (it raises otherwise)."""
    payload: dict[str, Any] = Webhook(secret).verify(received.body, received.headers)
    return payload


def subject() -> str:
    return "inv_" + secrets.token_hex(8)


async def test_a_delivery_is_signed_and_carries_the_event(hooks: Hooks) -> None:
    async with receiving(Receiver(hooks.now)) as receiver:
        registered = await hooks.endpoint(receiver.url)
        invitation = subject()
        [delivery_id] = await hooks.publish(
            invitation, EventType.ACTIVATED, external_reference="crm-42", subscriber_number="X"
        )
        await hooks.finished(registered.endpoint.id, invitation)

    [got] = receiver.received
    assert got.headers["webhook-id"] == delivery_id
    assert got.headers["content-type"] == "application/json"
    assert got.headers["webhook-signature"].startswith("v1,")
    body = verified(got, registered.secret)
    assert set(body) == {"type", "timestamp", "data"}
    assert body["type"] == "enrollment.activated"
    assert body["data"]["external_reference"] == "crm-42"
    assert registered.secret not in got.body.decode()
    row = hooks.delivery(delivery_id)
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 1, 204)
    # Another secret does not verify it: the signature is the endpoint's.
    with pytest.raises(Exception):  # noqa: B017 - the library's own verification error
        verified(got, (await hooks.endpoint(receiver.url)).secret)


async def test_a_receiver_down_for_an_hour_loses_nothing(hooks: Hooks) -> None:
    async def down_for_an_hour(receiver: Receiver, got: Received) -> int:
        return 503 if got.at < receiver.received[0].at + timedelta(hours=1) else 200

    async with receiving(Receiver(hooks.now, down_for_an_hour)) as receiver:
        registered = await hooks.endpoint(receiver.url)
        invitation = subject()
        [delivery_id] = await hooks.publish(invitation, EventType.INVITED)
        await hooks.finished(registered.endpoint.id, invitation)

    assert len(receiver.received) >= 3
    # The same webhook-id on every attempt, each one signed.
    assert set(receiver.ids()) == {delivery_id}
    for got in receiver.received:
        assert verified(got, registered.secret)["type"] == "enrollment.invited"
    assert receiver.received[-1].at - receiver.received[0].at >= timedelta(hours=1)
    row = hooks.delivery(delivery_id)
    assert row.status == "delivered"
    assert row.attempts == len(receiver.received)
    assert row.last_status_code == 200


async def test_a_receiver_that_stays_down_is_tried_for_more_than_24_hours(hooks: Hooks) -> None:
    async with receiving(Receiver(hooks.now, always(500))) as receiver:
        registered = await hooks.endpoint(receiver.url)
        invitation = subject()
        [delivery_id] = await hooks.publish(invitation, EventType.EXPIRED)
        await hooks.finished(registered.endpoint.id, invitation)

    span = receiver.received[-1].at - receiver.received[0].at
    assert span >= timedelta(hours=24)
    assert set(receiver.ids()) == {delivery_id}
    row = hooks.delivery(delivery_id)
    assert (row.status, row.last_status_code, row.next_attempt_at) == ("failed", 500, None)
    assert row.attempts == len(receiver.received)


async def test_an_unreachable_receiver_ends_failed(hooks: Hooks) -> None:
    registered = await hooks.endpoint(unused_url())
    invitation = subject()
    started = await hooks.now()
    [delivery_id] = await hooks.publish(invitation, EventType.INVITED)
    await hooks.finished(registered.endpoint.id, invitation)

    assert await hooks.now() - started >= timedelta(hours=24)
    row = hooks.delivery(delivery_id)
    assert row.status == "failed"
    assert row.last_status_code is None
    assert row.attempts >= 9


async def test_events_of_one_enrollment_arrive_in_order(hooks: Hooks) -> None:
    async def first_attempts_fail(receiver: Receiver, got: Received) -> int:
        return 500 if len(receiver.received) <= 3 else 204

    async with receiving(Receiver(hooks.now, first_attempts_fail)) as receiver:
        registered = await hooks.endpoint(receiver.url)
        invitation = subject()
        invited = await hooks.publish(invitation, EventType.INVITED)
        activated = await hooks.publish(invitation, EventType.ACTIVATED)
        await hooks.finished(registered.endpoint.id, invitation)

    # The second event waits until the first one is through, retries included.
    assert receiver.ids() == invited * 4 + activated
    types = [json.loads(r.body)["type"] for r in receiver.received]
    assert types[-2:] == ["enrollment.invited", "enrollment.activated"]


async def test_410_disables_the_endpoint(hooks: Hooks) -> None:
    async with receiving(Receiver(hooks.now, always(410))) as receiver:
        registered = await hooks.endpoint(receiver.url)
        invitation = subject()
        [first] = await hooks.publish(invitation, EventType.INVITED)
        await hooks.finished(registered.endpoint.id, invitation)
        # Disabled: a later event is not even written for it.
        assert await hooks.publish(subject(), EventType.INVITED) == []

    assert receiver.ids() == [first]
    row = hooks.delivery(first)
    assert (row.status, row.attempts, row.last_status_code) == ("failed", 1, 410)
    endpoint = WebhookRepository(hooks.engine).endpoint(registered.endpoint.id)
    assert endpoint is not None and endpoint.enabled is False


async def test_a_slow_receiver_times_out_and_is_tried_again(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    settings = settings.model_copy(update={"webhook_timeout": timedelta(seconds=1)})
    clients = ServiceClients(
        ServiceClientRepository(engine), KeyedHasher(settings.identifier_hash_key)
    )
    hooks = Hooks(
        time_env, settings, engine, clients.create("Lent", frozenset({Scope.EVENTS}), 60).client_id
    )
    release = asyncio.Event()

    async def slow_first(receiver: Receiver, __: Received) -> int:
        if len(receiver.received) == 1:
            # Held past the 1 s timeout; let go once the retry arrived.
            await asyncio.wait_for(release.wait(), timeout=60)
        else:
            release.set()
        return 204

    async with (
        build_worker(time_env.client, settings, repository=SubscriberRepository(engine)),
        receiving(Receiver(hooks.now, slow_first)) as receiver,
    ):
        registered = await hooks.endpoint(receiver.url)
        invitation = subject()
        [delivery_id] = await hooks.publish(invitation, EventType.INVITED)
        await hooks.finished(registered.endpoint.id, invitation)

    assert receiver.ids() == [delivery_id, delivery_id]
    row = hooks.delivery(delivery_id)
    assert (row.status, row.attempts) == ("delivered", 2)


async def test_the_url_is_checked_again_before_sending(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    """Registered while loopback was allowed; the worker's rules refuse it now: nothing is
    sent, the delivery fails at once."""
    strict = settings.model_copy(update={"webhook_allow_local_urls": False})
    clients = ServiceClients(
        ServiceClientRepository(engine), KeyedHasher(strict.identifier_hash_key)
    )
    hooks = Hooks(
        time_env, strict, engine, clients.create("Strict", frozenset({Scope.EVENTS}), 60).client_id
    )
    async with (
        build_worker(time_env.client, strict, repository=SubscriberRepository(engine)),
        receiving(Receiver(hooks.now)) as receiver,
    ):
        registered = await hooks.endpoint(receiver.url)  # the registration allowed loopback
        invitation = subject()
        [delivery_id] = await hooks.publish(invitation, EventType.INVITED)
        await hooks.finished(registered.endpoint.id, invitation)

    assert receiver.received == []
    row = hooks.delivery(delivery_id)
    assert (row.status, row.attempts) == ("failed", 0)


async def test_manual_retry_sends_the_same_webhook_id_again(hooks: Hooks) -> None:
    async with receiving(Receiver(hooks.now)) as receiver:
        registered = await hooks.endpoint(receiver.url)
        invitation = subject()
        [delivery_id] = await hooks.publish(invitation, EventType.ACTIVATED)
        await hooks.finished(registered.endpoint.id, invitation)
        await hooks.endpoints().retry(hooks.client_id, registered.endpoint.id, delivery_id)
        await hooks.finished(registered.endpoint.id, invitation)

    assert receiver.ids() == [delivery_id, delivery_id]
    row = hooks.delivery(delivery_id)
    assert (row.status, row.attempts) == ("delivered", 2)


async def test_no_secret_in_the_delivery_history(hooks: Hooks) -> None:
    async with receiving(Receiver(hooks.now)) as receiver:
        registered = await hooks.endpoint(receiver.url)
        invitation = subject()
        await hooks.publish(invitation, EventType.ACTIVATED, external_reference="crm-secret-77")
        await hooks.finished(registered.endpoint.id, invitation)

    workflow_id = hooks.dispatch().workflow_id(registered.endpoint.id, invitation)
    secret_body = registered.secret.removeprefix("whsec_")
    await assert_nothing_in_clear(
        hooks.env,
        workflow_id,
        [registered.secret, secret_body, invitation, "crm-secret-77"],
        events=5,
        payloads=2,
    )
    assert len(receiver.received) == 1


async def test_deliveries_that_keep_failing_show_in_the_metrics(
    settings: Settings, engine: Engine
) -> None:
    """The worker's Prometheus endpoint: failed attempts and given-up deliveries by client ID
    (ops alert on them), delivered ones too; never a URL or a secret."""
    address = f"127.0.0.1:{free_port()}"
    async with time_skipping(settings, runtime=metrics_runtime(address)) as env:
        clients = ServiceClients(
            ServiceClientRepository(engine), KeyedHasher(settings.identifier_hash_key)
        )
        client_id = clients.create("Compté", frozenset({Scope.EVENTS}), 60).client_id
        hooks = Hooks(env, settings, engine, client_id)

        async with (
            build_worker(env.client, settings, repository=SubscriberRepository(engine)),
            receiving(Receiver(hooks.now, always(500))) as failing,
            receiving(Receiver(hooks.now)) as working,
        ):
            broken = await hooks.endpoint(failing.url)
            invitation = subject()
            await hooks.publish(invitation, EventType.INVITED)
            await hooks.finished(broken.endpoint.id, invitation)
            await hooks.endpoints().delete(client_id, broken.endpoint.id)
            fine = await hooks.endpoint(working.url)
            await hooks.publish(invitation, EventType.ACTIVATED)
            await hooks.finished(fine.endpoint.id, invitation)

        async with httpx.AsyncClient() as http:
            text = (await http.get(f"http://{address}/metrics")).text
    counts = {
        sample.name: sample
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name.startswith("webhook_")
    }
    assert counts["webhook_attempts_failed_total"].value == len(failing.received) >= 9
    assert counts["webhook_deliveries_failed_total"].value == 1
    assert counts["webhook_deliveries_failed_total"].labels["client_id"] == client_id
    assert counts["webhook_deliveries_delivered_total"].value == 1
    assert broken.secret not in text and failing.url not in text


async def test_the_post_goes_to_the_checked_address_under_the_endpoints_name(
    hooks: Hooks,
) -> None:
    """The name is resolved once, for the check, and the connection made to that address (no
    second resolution to steer elsewhere); the receiver still sees its own name."""
    async with receiving(Receiver(hooks.now)) as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        registered = await hooks.endpoint(f"http://localhost:{port}/hook")
        invitation = subject()
        [delivery_id] = await hooks.publish(invitation, EventType.INVITED)
        await hooks.finished(registered.endpoint.id, invitation)

    [got] = receiver.received
    assert got.headers["host"] == f"localhost:{port}"
    assert verified(got, registered.secret)["type"] == "enrollment.invited"
    assert hooks.delivery(delivery_id).status == "delivered"


async def test_over_https_the_certificate_is_checked_against_the_endpoints_name(
    hooks: Hooks, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Connected to the checked address, the TLS handshake still names the endpoint's host: the
    receiver's certificate, for `localhost` only, is accepted."""
    tls = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(tls.certfile))
    async with receiving(Receiver(hooks.now), tls) as receiver:
        registered = await hooks.endpoint(receiver.url)
        invitation = subject()
        [delivery_id] = await hooks.publish(invitation, EventType.ACTIVATED)
        await hooks.finished(registered.endpoint.id, invitation)

    assert receiver.url.startswith("https://localhost:")
    assert receiver.ids() == [delivery_id]
    assert hooks.delivery(delivery_id).status == "delivered"
