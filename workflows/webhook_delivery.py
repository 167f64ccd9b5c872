"""Deliver one subject's webhook events to one endpoint, in order, at least once (SPEC §8).

One process per (endpoint, subject): `publish_service_event` (or a manual retry) signals it
with a delivery whose row, and `webhook-id`, exist already. Each POST is an activity whose
retry policy is the back-off schedule (32 hours by default), so a receiver down for a day loses
nothing and every attempt carries the same `webhook-id`. The next event waits until the one
before is delivered or given up. A 410 disables the endpoint and ends the process. With nothing
left to send, the process lingers a while for the subject's next event, then ends; a later event
starts it again.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.inputs import DeliveryOutcome, GiveUpInput, SendWebhookInput
    from activities.webhooks import URL_REFUSED, WebhookActivities
    from domain.webhook_delivery import (
        DELIVER_SIGNAL,
        DeliverEvent,
        DeliveryProcess,
        DeliverySchedule,
    )


RECORD_TIMEOUT = timedelta(seconds=30)


@workflow.defn
class WebhookDeliveryWorkflow:
    def __init__(self) -> None:
        self._queue: list[str] = []

    @workflow.signal(name=DELIVER_SIGNAL)
    def deliver(self, event: DeliverEvent) -> None:
        if event.delivery_id not in self._queue:
            self._queue.append(event.delivery_id)

    @workflow.run
    async def run(self, process: DeliveryProcess) -> None:
        for delivery_id in process.pending:
            self.deliver(DeliverEvent(delivery_id=delivery_id))
        schedule = process.schedule
        while True:
            if not await self._next_event(schedule):
                return
            delivery_id = self._queue[0]
            outcome = await self._send(delivery_id, schedule)
            self._queue.pop(0)
            if outcome is DeliveryOutcome.GONE:
                # The endpoint is disabled: what waits behind will not be sent either.
                await self._give_up(list(self._queue))
                self._queue.clear()
                return
            if workflow.info().is_continue_as_new_suggested():
                workflow.continue_as_new(
                    DeliveryProcess(
                        endpoint_id=process.endpoint_id, schedule=schedule, pending=self._queue
                    )
                )

    async def _next_event(self, schedule: DeliverySchedule) -> bool:
        if self._queue:
            return True
        try:
            await workflow.wait_condition(lambda: bool(self._queue), timeout=schedule.idle)
        except TimeoutError:
            return False
        return True

    async def _send(self, delivery_id: str, schedule: DeliverySchedule) -> DeliveryOutcome | None:
        try:
            result = await workflow.execute_activity_method(
                WebhookActivities.send_webhook,
                SendWebhookInput(delivery_id=delivery_id, schedule=schedule),
                # The POST's own timeout, plus room to sign and record.
                start_to_close_timeout=schedule.timeout * 2,
                retry_policy=RetryPolicy(
                    initial_interval=schedule.initial,
                    backoff_coefficient=schedule.coefficient,
                    maximum_interval=schedule.maximum,
                    maximum_attempts=schedule.attempts,
                    non_retryable_error_types=[URL_REFUSED],
                ),
            )
        except ActivityError:
            await self._give_up([delivery_id])  # every attempt failed
            return None
        return result.outcome

    async def _give_up(self, delivery_ids: list[str]) -> None:
        if delivery_ids:
            await workflow.execute_activity_method(
                WebhookActivities.give_up_deliveries,
                GiveUpInput(delivery_ids=delivery_ids),
                start_to_close_timeout=RECORD_TIMEOUT,
            )
