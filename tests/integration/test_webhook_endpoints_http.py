"""The webhook endpoints API over HTTP (API.md « Webhook endpoints »): the real API on loopback
with its worker on the dev server, a real receiver on loopback, the database of each kind."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import pytest
from sqlalchemy import Engine, text
from standardwebhooks import Webhook
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment

from activities.inputs import ServiceEventInput
from activities.webhook_dispatch import WebhookDispatch
from activities.webhooks import WebhookActivities
from domain.webhooks import EventType, UrlPolicy
from security.keyed_hash import KeyedHasher
from security.secret_box import SecretBox
from services.service_clients import Scope, ServiceClients
from settings import Settings
from storage.service_clients import ServiceClientRepository
from storage.webhooks import WebhookRepository
from tests.live import LiveApp, LiveFactory
from tests.webhook_receiver import Receiver, receiving

ENDPOINTS = "/api/v1/webhook-endpoints"
PUBLIC_URL = "https://93.184.216.34/webhooks"  # an address literal: no DNS needed


def new_client(settings: Settings, engine: Engine) -> tuple[dict[str, str], str]:
    """A client with the `events` scope: its authorization header, its ID."""
    keyed = KeyedHasher(settings.identifier_hash_key)
    issued = ServiceClients(ServiceClientRepository(engine), keyed).create(
        "Portail", frozenset({Scope.EVENTS}), 600
    )
    return {"Authorization": f"Bearer {issued.key}"}, issued.client_id


def new_key(settings: Settings, engine: Engine) -> dict[str, str]:
    return new_client(settings, engine)[0]


def invalid_url_fields(body: dict[str, Any]) -> list[str]:
    return [e["field"] for e in body["errors"] if e["code"] == "invalid_url"]


async def test_register_list_and_delete(app: LiveApp, settings: Settings, engine: Engine) -> None:
    key = new_key(settings, engine)
    created = await app.http.post(
        ENDPOINTS,
        json={"url": "http://127.0.0.1:9/hook", "event_types": ["enrollment.activated"]},
        headers=key,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert body["url"] == "http://127.0.0.1:9/hook"
    assert body["event_types"] == ["enrollment.activated"]
    assert body["enabled"] is True
    assert created.headers["location"] == f"{ENDPOINTS}/{body['endpoint_id']}"
    # Stored sealed: the secret is not in the row.
    row = WebhookRepository(engine).endpoint(body["endpoint_id"])
    assert row is not None and body["secret"].encode() not in row.sealed_secret
    assert body["secret"].removeprefix("whsec_").encode() not in row.sealed_secret

    listed = await app.http.get(ENDPOINTS, headers=key)
    assert listed.status_code == 200
    [only] = listed.json()
    assert only["endpoint_id"] == body["endpoint_id"]
    assert "secret" not in only and body["secret"] not in listed.text

    assert (
        await app.http.delete(f"{ENDPOINTS}/{body['endpoint_id']}", headers=key)
    ).status_code == 204
    assert (await app.http.get(ENDPOINTS, headers=key)).json() == []
    again = await app.http.delete(f"{ENDPOINTS}/{body['endpoint_id']}", headers=key)
    assert again.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/hook",
        "pas une adresse",
        "https://",
        "http://10.1.2.3/hook",  # private
        "https://192.168.1.10/hook",
        "https://169.254.169.254/latest",  # link-local (cloud metadata)
        "https://[fe80::1]/hook",
        "https://user:secret@93.184.216.34/hook",
        "https://nom-qui-n-existe-pas.invalid/hook",
        "https://93.184.216.34:99999/hook",
    ],
)
async def test_forbidden_urls_are_422_invalid_url(
    app: LiveApp, settings: Settings, engine: Engine, url: str
) -> None:
    key = new_key(settings, engine)
    answer = await app.http.post(
        ENDPOINTS, json={"url": url, "event_types": ["enrollment.invited"]}, headers=key
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "invalid_url"
    assert invalid_url_fields(answer.json()) == ["url"]
    assert (await app.http.get(ENDPOINTS, headers=key)).json() == []  # nothing half-made


async def test_outside_development_only_public_https(
    app_with: LiveFactory, settings: Settings, engine: Engine
) -> None:
    key = new_key(settings, engine)
    async with app_with(webhook_allow_local_urls=False) as app:
        for url in ("http://93.184.216.34/hook", "https://127.0.0.1/hook", "https://[::1]/hook"):
            answer = await app.http.post(
                ENDPOINTS, json={"url": url, "event_types": ["enrollment.invited"]}, headers=key
            )
            assert answer.status_code == 422, url
            assert answer.json()["code"] == "invalid_url"
        accepted = await app.http.post(
            ENDPOINTS, json={"url": PUBLIC_URL, "event_types": ["enrollment.invited"]}, headers=key
        )
        assert accepted.status_code == 201, accepted.text


async def test_every_invalid_field_at_once(
    app: LiveApp, settings: Settings, engine: Engine
) -> None:
    key = new_key(settings, engine)
    answer = await app.http.post(
        ENDPOINTS, json={"url": "", "event_types": ["enrollment.nope"]}, headers=key
    )
    assert answer.status_code == 422
    fields = sorted(e["field"] for e in answer.json()["errors"])
    assert fields == ["event_types.0", "url"]
    empty = await app.http.post(ENDPOINTS, json={"url": PUBLIC_URL, "event_types": []}, headers=key)
    assert empty.status_code == 422
    assert [e["field"] for e in empty.json()["errors"]] == ["event_types"]


async def test_another_clients_endpoint_is_404(
    app: LiveApp, settings: Settings, engine: Engine
) -> None:
    owner, stranger = new_key(settings, engine), new_key(settings, engine)
    created = await app.http.post(
        ENDPOINTS, json={"url": PUBLIC_URL, "event_types": ["enrollment.invited"]}, headers=owner
    )
    endpoint_id = created.json()["endpoint_id"]
    assert (await app.http.get(ENDPOINTS, headers=stranger)).json() == []
    for method, path in (
        ("GET", f"{ENDPOINTS}/{endpoint_id}/deliveries"),
        ("POST", f"{ENDPOINTS}/{endpoint_id}/deliveries/msg_x/retry"),
        ("DELETE", f"{ENDPOINTS}/{endpoint_id}"),
    ):
        answer = await app.http.request(method, path, headers=stranger)
        assert answer.status_code == 404, (method, path)
    assert (await app.http.get(f"{ENDPOINTS}/{endpoint_id}/deliveries", headers=owner)).json() == []


async def test_deliveries_listed_and_sent_again(
    app: LiveApp, dev_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    key, client_id = new_client(settings, engine)
    async with receiving(Receiver(dev_env.get_current_time)) as receiver:
        created = await app.http.post(
            ENDPOINTS,
            json={"url": receiver.url, "event_types": ["enrollment.activated"]},
            headers=key,
        )
        endpoint = created.json()
        # What the enrollment workflow does when a person accepts the invitation.
        keyed = KeyedHasher(settings.identifier_hash_key)
        activities = WebhookActivities(
            WebhookRepository(engine),
            SecretBox.from_settings(settings),
            keyed,
            WebhookDispatch(dev_env.client, settings, keyed),
            UrlPolicy(allow_local=True),
        )
        event = ServiceEventInput(
            client_id=client_id,
            subject_id="inv_42",
            event_type=EventType.ACTIVATED,
            data={"invitation_id": "inv_42", "external_reference": "crm-42", "status": "activated"},
        )
        [delivery_id] = await ActivityEnvironment(client=dev_env.client).run(
            activities.publish_service_event, event
        )
        # Not subscribed to `enrollment.invited`: nothing is written for it.
        invited = event.model_copy(update={"event_type": EventType.INVITED})
        assert (
            await ActivityEnvironment(client=dev_env.client).run(
                activities.publish_service_event, invited
            )
            == []
        )
        await asyncio.wait_for(receiver.arrived.wait(), timeout=60)
        path = f"{ENDPOINTS}/{endpoint['endpoint_id']}/deliveries"
        listed = await _until(app, path, key, lambda d: d and d[0]["status"] == "delivered")
        assert listed == [
            {
                "delivery_id": delivery_id,
                "event_type": "enrollment.activated",
                "status": "delivered",
                "attempts": 1,
                "last_status_code": 204,
                "next_attempt_at": None,
                "created_at": listed[0]["created_at"],
            }
        ]
        receiver.arrived.clear()
        retried = await app.http.post(f"{path}/{delivery_id}/retry", headers=key)
        assert retried.status_code == 202
        await asyncio.wait_for(receiver.arrived.wait(), timeout=60)
        again = await _until(app, path, key, lambda d: d[0]["attempts"] == 2)
        assert again[0]["status"] == "delivered"
        unknown = await app.http.post(f"{path}/msg_unknown/retry", headers=key)
        assert unknown.status_code == 404

    assert receiver.ids() == [delivery_id, delivery_id]
    for got in receiver.received:
        body = Webhook(endpoint["secret"]).verify(got.body, got.headers)
        assert body["data"]["external_reference"] == "crm-42"


async def _until(app: LiveApp, path: str, key: dict[str, str], done: Any) -> Any:
    """The deliveries list once `done(list)` holds (the worker records after it sends)."""
    for _ in range(600):
        listed = (await app.http.get(path, headers=key)).json()
        if done(listed):
            return listed
        await asyncio.sleep(0.05)
    raise AssertionError(f"deliveries never reached the expected state: {listed}")


async def test_the_secret_is_never_kept_for_an_idempotent_retry(
    app: LiveApp, settings: Settings, engine: Engine
) -> None:
    key = new_key(settings, engine)
    body = {"url": PUBLIC_URL, "event_types": ["enrollment.activated"]}
    retry_key = {"Idempotency-Key": "enregistrement-" + secrets.token_hex(8)}
    first = await app.http.post(ENDPOINTS, json=body, headers={**key, **retry_key})
    assert first.status_code == 201
    again = await app.http.post(ENDPOINTS, json=body, headers={**key, **retry_key})
    assert again.status_code == 409
    assert again.json()["code"] == "idempotent_answer_not_kept"
    with engine.connect() as connection:
        kept = repr(connection.execute(text("SELECT * FROM idempotent_requests")).all())
    assert first.json()["secret"] not in kept
    # Without a key, the same Idempotency-Key and another body: the route's 401 comes first.
    anonymous = await app.http.post(
        ENDPOINTS, json={**body, "url": PUBLIC_URL + "/2"}, headers=retry_key
    )
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "invalid_client"
