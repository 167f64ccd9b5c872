"""The bench's webhook receiver: a loopback HTTP server the stack's worker delivers to.

Like the capture server it keeps nothing: each delivery is checked against the endpoint's
signing secret (Standard Webhooks, the `standardwebhooks` package) and resolves the futures
waiting for its `webhook-id` or its invitation. It answers 204 to every well-formed delivery,
and counts the ones whose signature does not hold (answered 400, so the worker retries them).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

_MAX_HEAD = 16 * 1024


class WebhookReceiver:
    def __init__(self) -> None:
        self._server: asyncio.base_events.Server | None = None
        self._verifier: Webhook | None = None
        self._by_delivery: dict[str, asyncio.Future[float]] = {}
        self._by_invitation: dict[str, asyncio.Future[tuple[str, float]]] = {}
        self.received = 0
        self.bad_signatures = 0

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._server:
            self._server.close()
            await self._server.wait_closed()

    def trust(self, secret: str) -> None:
        """The endpoint's signing secret (`whsec_…`), as its registration returned it."""
        self._verifier = Webhook(secret)

    def expect_invitation(self, invitation_id: str) -> asyncio.Future[tuple[str, float]]:
        """Resolved with (`webhook-id`, arrival time) by the invitation's activation event."""
        future: asyncio.Future[tuple[str, float]] = asyncio.get_running_loop().create_future()
        self._by_invitation[invitation_id] = future
        return future

    def expect_delivery(self, delivery_id: str) -> asyncio.Future[float]:
        """Resolved with the arrival time of the next delivery carrying this `webhook-id`."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._by_delivery[delivery_id] = future
        return future

    def forget(self, invitation_id: str = "", delivery_id: str = "") -> None:
        self._by_invitation.pop(invitation_id, None)
        self._by_delivery.pop(delivery_id, None)

    def delivered(self, headers: dict[str, str], body: bytes, arrived: float) -> bool:
        """Check one delivery and hand it to whoever waits for it; False if its signature fails."""
        self.received += 1
        if self._verifier is None:
            return False
        try:
            payload: Any = self._verifier.verify(body, headers)
        except (WebhookVerificationError, ValueError):
            self.bad_signatures += 1
            return False
        delivery_id = headers.get("webhook-id", "")
        waiting = self._by_delivery.pop(delivery_id, None)
        if waiting and not waiting.done():
            waiting.set_result(arrived)
        data = payload.get("data", {}) if isinstance(payload, dict) else {}
        invited = self._by_invitation.pop(str(data.get("invitation_id", "")), None)
        if invited and not invited.done():
            invited.set_result((delivery_id, arrived))
        return True

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """HTTP/1.1 with keep-alive, bodies by Content-Length (what httpx sends for JSON)."""
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                arrived = time.perf_counter()
                if len(head) > _MAX_HEAD:
                    break
                lines = head.decode("latin-1").split("\r\n")
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name:
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                ok = lines[0].startswith("POST ") and self.delivered(headers, body, arrived)
                status = "204 No Content" if ok else "400 Bad Request"
                writer.write(f"HTTP/1.1 {status}\r\ncontent-length: 0\r\n\r\n".encode())
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()
