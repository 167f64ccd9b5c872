"""Activities of the webhooks (SPEC §8): publish an event to a client's endpoints, send one
delivery (Standard Webhooks signature), give a delivery up.

`publish_service_event` is the producers' entry point: a workflow that makes an event (the
enrollment: invited, activated, expired, withdrawn) runs it; it writes one delivery row per
subscribed endpoint, its `webhook-id` fixed there, and hands each to the delivery workflow of
its (endpoint, subject). docs/services.md shows how to call it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import ParamSpec, TypeVar

import httpx
from standardwebhooks import Webhook
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.inputs import (
    DeliveryOutcome,
    GiveUpInput,
    SendWebhookInput,
    SendWebhookResult,
    ServiceEventInput,
)
from activities.webhook_dispatch import WebhookDispatch
from domain.webhook_delivery import DeliverySchedule
from domain.webhooks import DeliveryStatus, RetrySchedule, UrlPolicy, UrlRefused
from security.endpoint_urls import check_endpoint_url
from security.keyed_hash import KeyedHasher
from security.secret_box import SecretBox
from storage.tables import WebhookDelivery
from storage.webhooks import Attempt, WebhookRepository

WEBHOOK_DELIVERED = "webhook_deliveries_delivered"
WEBHOOK_ATTEMPTS_FAILED = "webhook_attempts_failed"
WEBHOOK_DELIVERIES_FAILED = "webhook_deliveries_failed"
URL_REFUSED = "UrlRefused"


class WebhookActivities:
    def __init__(
        self,
        repository: WebhookRepository,
        box: SecretBox,
        keyed: KeyedHasher,
        dispatch: WebhookDispatch,
        policy: UrlPolicy,
    ) -> None:
        self._repository = repository
        self._box = box
        self._keyed = keyed
        self._dispatch = dispatch
        self._policy = policy

    @activity.defn
    async def publish_service_event(self, event: ServiceEventInput) -> list[str]:
        """Write the event once per subscribed endpoint and start (or signal) their delivery
        processes; returns the deliveries' IDs. A retry finds the same IDs (derived from the
        calling activity) and writes nothing twice."""
        info = activity.info()
        occurred_at = event.occurred_at or datetime.now(UTC)
        body = json.dumps(
            {
                "type": event.event_type.value,
                "timestamp": occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                "data": event.data,
            },
            separators=(",", ":"),
        )
        endpoints = await _db(self._repository.subscribed, event.client_id, event.event_type.value)
        made = [
            WebhookDelivery(
                id=self._keyed.webhook_delivery_id(
                    info.workflow_id or "",
                    info.workflow_run_id or "",
                    info.activity_id,
                    event.event_type.value,
                    event.subject_id,
                    e.id,
                ),
                endpoint_id=e.id,
                subject_id=event.subject_id,
                event_type=event.event_type.value,
                payload=body,
                status=DeliveryStatus.PENDING.value,
            )
            for e in endpoints
        ]
        new = [d for d in made if await _db(self._repository.delivery, d.id) is None]
        await _db(self._repository.add_deliveries, new)
        for delivery in made:
            await self._dispatch.enqueue(delivery.endpoint_id, event.subject_id, delivery.id)
        return [d.id for d in made]

    @activity.defn
    async def send_webhook(self, request: SendWebhookInput) -> SendWebhookResult:
        """One POST, signed; raises on a failure so that the retry policy tries again."""
        delivery = await _db(self._repository.delivery, request.delivery_id)
        if delivery is None:
            return SendWebhookResult(outcome=DeliveryOutcome.DROPPED)
        if delivery.status == DeliveryStatus.DELIVERED:
            return SendWebhookResult(outcome=DeliveryOutcome.DELIVERED)  # a repeated signal
        endpoint = await _db(self._repository.endpoint, delivery.endpoint_id)
        if endpoint is None or not endpoint.enabled:
            await self._failed(delivery, None, counted=False)
            return SendWebhookResult(outcome=DeliveryOutcome.DROPPED)
        meter = activity.metric_meter()
        labels = {"client_id": endpoint.client_id}
        try:
            vetted = await check_endpoint_url(endpoint.url, self._policy)
        except UrlRefused:
            await self._failed(delivery, None, counted=False)
            meter.create_counter(WEBHOOK_DELIVERIES_FAILED).add(1, labels)
            # The host now resolves to a forbidden address: no retry will change that.
            raise ApplicationError(
                "endpoint URL refused", type=URL_REFUSED, non_retryable=True
            ) from None
        secret = self._box.open(endpoint.sealed_secret.decode("ascii"), endpoint.id)
        sent_at = datetime.now(UTC)
        signature = Webhook(secret).sign(delivery.id, sent_at, delivery.payload)
        headers = {
            "content-type": "application/json",
            "webhook-id": delivery.id,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": signature,
        }
        status_code: int | None = None
        try:
            async with httpx.AsyncClient(
                timeout=request.schedule.timeout.total_seconds(), follow_redirects=False
            ) as http:
                # To the address just checked, under the endpoint's own name (Host header, and
                # the name TLS verifies the certificate against).
                answer = await http.post(
                    vetted.pinned,
                    content=delivery.payload,
                    headers={**headers, "host": vetted.host},
                    extensions={"sni_hostname": vetted.server_name},
                )
            status_code = answer.status_code
        except httpx.HTTPError as error:
            failure = type(error).__name__  # never the URL or the body
        else:
            if 200 <= status_code < 300:
                delivered = Attempt(DeliveryStatus.DELIVERED, status_code, None, datetime.now(UTC))
                await _db(self._repository.record, delivery.id, delivered)
                meter.create_counter(WEBHOOK_DELIVERED).add(1, labels)
                return SendWebhookResult(outcome=DeliveryOutcome.DELIVERED)
            if status_code == 410:
                await self._failed(delivery, status_code, counted=True)
                await _db(self._repository.disable_endpoint, endpoint.id, datetime.now(UTC))
                meter.create_counter(WEBHOOK_DELIVERIES_FAILED).add(1, labels)
                activity.logger.info("webhook endpoint %s answered 410: disabled", endpoint.id)
                return SendWebhookResult(outcome=DeliveryOutcome.GONE)
            failure = f"HTTP {status_code}"
        meter.create_counter(WEBHOOK_ATTEMPTS_FAILED).add(1, labels)
        attempt = activity.info().attempt
        schedule = _schedule(request.schedule)
        last = attempt >= schedule.attempts
        next_at = None if last else datetime.now(UTC) + schedule.interval_after(attempt)
        status = DeliveryStatus.FAILED if last else DeliveryStatus.PENDING
        await _db(self._repository.record, delivery.id, Attempt(status, status_code, next_at))
        if last:
            meter.create_counter(WEBHOOK_DELIVERIES_FAILED).add(1, labels)
        raise ApplicationError(f"webhook delivery failed: {failure}", type="DeliveryFailed")

    @activity.defn
    async def give_up_deliveries(self, request: GiveUpInput) -> None:
        """Mark deliveries failed that will not be tried again (retries exhausted, the endpoint
        gone); a delivery marked failed already stays as it is."""
        for delivery_id in request.delivery_ids:
            delivery = await _db(self._repository.delivery, delivery_id)
            if delivery is not None and delivery.status == DeliveryStatus.PENDING:
                given_up = Attempt(DeliveryStatus.FAILED, delivery.last_status_code, None)
                await _db(self._repository.record, delivery_id, given_up, count=False)

    async def _failed(
        self, delivery: WebhookDelivery, status_code: int | None, *, counted: bool
    ) -> None:
        failed = Attempt(DeliveryStatus.FAILED, status_code, None)
        await _db(self._repository.record, delivery.id, failed, count=counted)


P = ParamSpec("P")
R = TypeVar("R")


async def _db(call: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """A blocking database call off the worker's event loop (these activities are async)."""
    return await asyncio.to_thread(call, *args, **kwargs)


def _schedule(schedule: DeliverySchedule) -> RetrySchedule:
    return RetrySchedule(
        schedule.initial, schedule.coefficient, schedule.maximum, schedule.attempts
    )
