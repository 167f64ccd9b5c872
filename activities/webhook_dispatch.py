"""Hand a delivery to its durable process: signal-with-start of the delivery workflow of its
(endpoint, subject), so the events of one enrollment go out one after the other, in order."""

from __future__ import annotations

from temporalio.client import Client

from domain.webhook_delivery import (
    DELIVER_SIGNAL,
    WORKFLOW_ID_PREFIX,
    WORKFLOW_NAME,
    DeliverEvent,
    DeliveryProcess,
    DeliverySchedule,
)
from security.keyed_hash import KeyedHasher
from settings import Settings


def schedule_from_settings(settings: Settings) -> DeliverySchedule:
    return DeliverySchedule(
        timeout=settings.webhook_timeout,
        initial=settings.webhook_retry_initial,
        coefficient=settings.webhook_retry_coefficient,
        maximum=settings.webhook_retry_maximum,
        attempts=settings.webhook_retry_attempts,
        idle=settings.webhook_idle,
    )


class WebhookDispatch:
    def __init__(self, client: Client, settings: Settings, keyed: KeyedHasher) -> None:
        self._client = client
        self._settings = settings
        self._keyed = keyed

    def workflow_id(self, endpoint_id: str, subject_id: str) -> str:
        # The subject's ID is hashed: the workflow ID stays short and says nothing about it.
        return f"{WORKFLOW_ID_PREFIX}{endpoint_id}-{self._keyed.webhook_subject_digest(subject_id)}"

    async def enqueue(self, endpoint_id: str, subject_id: str, delivery_id: str) -> None:
        await self._client.start_workflow(
            WORKFLOW_NAME,
            DeliveryProcess(
                endpoint_id=endpoint_id, schedule=schedule_from_settings(self._settings)
            ),
            id=self.workflow_id(endpoint_id, subject_id),
            task_queue=self._settings.temporal_task_queue,
            start_signal=DELIVER_SIGNAL,
            start_signal_args=[DeliverEvent(delivery_id=delivery_id)],
        )
