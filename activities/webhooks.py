"""Activities of the webhooks (SPEC §8): publish an event to a client's endpoints, send one
delivery (Standard Webhooks signature), give a delivery up.

`publish_service_event` is the producers' entry point: a workflow that makes an event (the
enrollment: invited, activated, expired, withdrawn) runs it; it writes one delivery row per
subscribed endpoint, its `webhook-id` fixed there, and hands each to the delivery workflow of
its (endpoint, subject). docs/services.md shows how to call it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import httpx
from pydantic import BaseModel
from standardwebhooks import Webhook
from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain.webhooks import DeliveryStatus, EventType, RetrySchedule, UrlPolicy, UrlRefused
from security.keyed_hash import KeyedHasher
from security.secret_box import SecretBox
from services.webhook_dispatch import WebhookDispatch
from services.webhook_urls import check_endpoint_url
from storage.tables import WebhookDelivery
from storage.webhooks import Attempt, WebhookRepository
from workflows.webhook_delivery_messages import DeliverySchedule

WEBHOOK_DELIVERED = "webhook_deliveries_delivered"
WEBHOOK_ATTEMPTS_FAILED = "webhook_attempts_failed"
WEBHOOK_DELIVERIES_FAILED = "webhook_deliveries_failed"
URL_REFUSED = "UrlRefused"


class ServiceEventInput(BaseModel):
    """One event for a service client's endpoints. `data` is the body's `data`: IDs, the
    `external_reference`, status and times — never a name, an address or a secret."""

    client_id: str
    subject_id: str  # the enrollment (invitation) the event is about: its events stay in order
    event_type: EventType
    data: dict[str, Any]
    occurred_at: datetime | None = None  # the body's `timestamp`; now when not given


class SendWebhookInput(BaseModel):
    delivery_id: str
    schedule: DeliverySchedule


class DeliveryOutcome(StrEnum):
    DELIVERED = "delivered"
    GONE = "gone"  # 410: the endpoint is disabled
    DROPPED = "dropped"  # the endpoint was deleted or disabled meanwhile


class SendWebhookResult(BaseModel):
    outcome: DeliveryOutcome


class GiveUpInput(BaseModel):
    delivery_ids: list[str]


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
        endpoints = self._repository.subscribed(event.client_id, event.event_type.value)
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
        new = [d for d in made if self._repository.delivery(d.id) is None]
        self._repository.add_deliveries(new)
        for delivery in made:
            await self._dispatch.enqueue(delivery.endpoint_id, event.subject_id, delivery.id)
        return [d.id for d in made]

    @activity.defn
    async def send_webhook(self, request: SendWebhookInput) -> SendWebhookResult:
        """One POST, signed; raises on a failure so that the retry policy tries again."""
        delivery = self._repository.delivery(request.delivery_id)
        if delivery is None:
            return SendWebhookResult(outcome=DeliveryOutcome.DROPPED)
        if delivery.status == DeliveryStatus.DELIVERED:
            return SendWebhookResult(outcome=DeliveryOutcome.DELIVERED)  # a repeated signal
        endpoint = self._repository.endpoint(delivery.endpoint_id)
        if endpoint is None or not endpoint.enabled:
            self._failed(delivery, None, counted=False)
            return SendWebhookResult(outcome=DeliveryOutcome.DROPPED)
        meter = activity.metric_meter()
        labels = {"client_id": endpoint.client_id}
        try:
            await check_endpoint_url(endpoint.url, self._policy)
        except UrlRefused:
            self._failed(delivery, None, counted=False)
            meter.create_counter(WEBHOOK_DELIVERIES_FAILED).add(1, labels)
            # The host now resolves to a forbidden address: no retry will change that.
            raise ApplicationError(
                "endpoint URL refused", type=URL_REFUSED, non_retryable=True
            ) from None
        secret = self._box.open(endpoint.sealed_secret, endpoint.id)
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
                answer = await http.post(endpoint.url, content=delivery.payload, headers=headers)
            status_code = answer.status_code
        except httpx.HTTPError as error:
            failure = type(error).__name__  # never the URL or the body
        else:
            if 200 <= status_code < 300:
                self._repository.record(
                    delivery.id,
                    Attempt(DeliveryStatus.DELIVERED, status_code, None, datetime.now(UTC)),
                )
                meter.create_counter(WEBHOOK_DELIVERED).add(1, labels)
                return SendWebhookResult(outcome=DeliveryOutcome.DELIVERED)
            if status_code == 410:
                self._failed(delivery, status_code, counted=True)
                self._repository.disable_endpoint(endpoint.id, datetime.now(UTC))
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
        self._repository.record(delivery.id, Attempt(status, status_code, next_at))
        if last:
            meter.create_counter(WEBHOOK_DELIVERIES_FAILED).add(1, labels)
        raise ApplicationError(f"webhook delivery failed: {failure}", type="DeliveryFailed")

    @activity.defn
    async def give_up_deliveries(self, request: GiveUpInput) -> None:
        """Mark deliveries failed that will not be tried again (retries exhausted, the endpoint
        gone); a delivery marked failed already stays as it is."""
        for delivery_id in request.delivery_ids:
            delivery = self._repository.delivery(delivery_id)
            if delivery is not None and delivery.status == DeliveryStatus.PENDING:
                self._repository.record(
                    delivery_id,
                    Attempt(DeliveryStatus.FAILED, delivery.last_status_code, None),
                    count=False,
                )

    def _failed(self, delivery: WebhookDelivery, status_code: int | None, *, counted: bool) -> None:
        self._repository.record(
            delivery.id, Attempt(DeliveryStatus.FAILED, status_code, None), count=counted
        )


def _schedule(schedule: DeliverySchedule) -> RetrySchedule:
    return RetrySchedule(
        schedule.initial, schedule.coefficient, schedule.maximum, schedule.attempts
    )
