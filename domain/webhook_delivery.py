"""The webhook delivery workflow's contract: its input, its one signal, its ID.

In `domain/` rather than beside the workflow: the publishing activity starts the workflow
(signal-with-start), and activities sit below workflows (docs/conventions.md, « Layers »)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel

WORKFLOW_NAME = "WebhookDeliveryWorkflow"
WORKFLOW_ID_PREFIX = "webhook-delivery-"
DELIVER_SIGNAL = "deliver"


class DeliverySchedule(BaseModel):
    """The retry policy of one POST (settings `WEBHOOK_*`, fixed when the process starts)."""

    timeout: timedelta
    initial: timedelta
    coefficient: float
    maximum: timedelta
    attempts: int
    idle: timedelta


class DeliveryProcess(BaseModel):
    """One endpoint and one subject (an enrollment): their events, sent in order."""

    endpoint_id: str
    schedule: DeliverySchedule
    # Deliveries still to send, carried over a continue-as-new.
    pending: list[str] = []


class DeliverEvent(BaseModel):
    """Send this delivery (its row is written already; its ID is the `webhook-id`)."""

    delivery_id: str
