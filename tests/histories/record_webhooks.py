"""Record the histories of the webhook delivery workflow (SPEC §8):
`uv run python -m tests.histories.record_webhooks`.

Like tests.histories.record: each scenario runs in Temporal's time-skipping server with the real
worker, a throw-away SQLite database and a real receiver on loopback, then `<scenario>.json` is
written beside this file for tests/workflows/test_replay.py. Record again (keeping the old
files while such runs may still be open in production) whenever the workflow changes on purpose.
"""

from __future__ import annotations

from pathlib import Path

from temporalio.testing import ActivityEnvironment

from activities.inputs import ServiceEventInput
from activities.webhook_dispatch import WebhookDispatch
from activities.webhooks import WebhookActivities
from domain.webhooks import EventType, UrlPolicy
from security.keyed_hash import KeyedHasher
from security.secret_box import SecretBox
from services.service_clients import Scope, ServiceClients
from services.webhook_endpoints import WebhookEndpoints
from storage.service_clients import ServiceClientRepository
from storage.webhooks import WebhookRepository
from tests.histories import HISTORIES
from tests.histories.recording import Recording, record_all, recording
from tests.webhook_receiver import Received, Receiver, Script, always, receiving
from tests.workflow_env import result_skipping_time

SUBJECT = "inv_replay"


async def fails_twice(receiver: Receiver, _: Received) -> int:
    return 503 if len(receiver.received) <= 2 else 204


SCENARIOS: dict[str, Script] = {
    # Two events of one enrollment; the first is refused twice, then both go through in order.
    "webhook_delivered_after_retries": fails_twice,
    # The receiver answers 410: the endpoint is disabled, the event behind is given up.
    "webhook_endpoint_gone": always(410),
}


async def _deliver(on: Recording, script: Script) -> str:
    keyed = KeyedHasher(on.settings.identifier_hash_key)
    dispatch = WebhookDispatch(on.env.client, on.settings, keyed)
    box = SecretBox.from_settings(on.settings)
    clients = ServiceClients(ServiceClientRepository(on.engine), keyed)
    client_id = clients.create("Portail", frozenset({Scope.EVENTS}), 600).client_id
    endpoints = WebhookEndpoints(
        WebhookRepository(on.engine), box, dispatch, UrlPolicy(allow_local=True)
    )
    activities = WebhookActivities(
        WebhookRepository(on.engine), box, keyed, dispatch, UrlPolicy(allow_local=True)
    )
    async with receiving(Receiver(on.env.get_current_time, script)) as receiver:
        endpoint = (await endpoints.register(client_id, receiver.url, list(EventType))).endpoint
        for event_type in (EventType.INVITED, EventType.ACTIVATED):
            event = ServiceEventInput(
                client_id=client_id,
                subject_id=SUBJECT,
                event_type=event_type,
                data={"invitation_id": SUBJECT, "status": event_type.value.split(".")[1]},
            )
            await ActivityEnvironment(client=on.env.client).run(
                activities.publish_service_event, event
            )
        workflow_id = dispatch.workflow_id(endpoint.id, SUBJECT)
        await result_skipping_time(on.env, workflow_id)
    return workflow_id


async def record(name: str, script: Script, directory: Path) -> Path:
    async with recording(name, directory) as on:
        workflow_id = await _deliver(on, script)
        history = await on.env.client.get_workflow_handle(workflow_id).fetch_history()
        path = HISTORIES / f"{name}.json"
        path.write_text(history.to_json() + "\n")
        return path


if __name__ == "__main__":
    record_all(SCENARIOS, record)
