"""The bench's webhook receiver over real loopback HTTP: a delivery signed with the endpoint's
secret (Standard Webhooks) reaches whoever waits for its invitation or its `webhook-id`; one
whose signature does not hold is refused and counted, and nobody is told it arrived."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from bench.receiver import WebhookReceiver

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
BODY = json.dumps(
    {
        "type": "enrollment.activated",
        "timestamp": "2026-12-06T10:00:00+00:00",
        "data": {"invitation_id": "5f1c0a", "external_reference": "crm-42", "status": "activated"},
    }
)


def signed(delivery_id: str, secret: str = SECRET) -> dict[str, str]:
    now = datetime.now(UTC)
    return {
        "content-type": "application/json",
        "webhook-id": delivery_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(delivery_id, now, BODY),
    }


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[WebhookReceiver, str]]:
    found = WebhookReceiver()
    port = await found.start()
    found.trust(SECRET)
    yield found, f"http://127.0.0.1:{port}/webhooks"
    await found.stop()


async def test_a_signed_delivery_reaches_its_invitation_and_its_id(
    receiver: tuple[WebhookReceiver, str],
) -> None:
    hooks, url = receiver
    invitation = hooks.expect_invitation("5f1c0a")
    again = hooks.expect_delivery("msg_1")
    async with httpx.AsyncClient() as http:
        answer = await http.post(url, content=BODY, headers=signed("msg_1"))
    assert answer.status_code == 204
    delivery_id, _ = await asyncio.wait_for(invitation, 5)
    assert delivery_id == "msg_1"
    await asyncio.wait_for(again, 5)
    assert (hooks.received, hooks.bad_signatures) == (1, 0)


async def test_a_delivery_signed_with_another_secret_is_refused(
    receiver: tuple[WebhookReceiver, str],
) -> None:
    hooks, url = receiver
    invitation = hooks.expect_invitation("5f1c0a")
    other = "whsec_" + base64.b64encode(b"another secret, 32 bytes long!!!").decode()
    async with httpx.AsyncClient() as http:
        # Two requests on one kept-alive connection: the second is read as well.
        first = await http.post(url, content=BODY, headers=signed("msg_2", other))
        second = await http.post(url, content=BODY, headers=signed("msg_3", other))
    assert (first.status_code, second.status_code) == (400, 400)
    assert (hooks.received, hooks.bad_signatures) == (2, 2)
    assert not invitation.done()
