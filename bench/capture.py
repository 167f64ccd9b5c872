"""The benchmark's SMTP capture server: real SMTP delivery, the activation code handed back.

Unlike the dev stack's sink it keeps nothing: each awaited recipient gets a future that the
arriving message resolves with its code and arrival time, so thousands of mails cost nothing.
"""

from __future__ import annotations

import asyncio
import re
import time
from email import message_from_bytes, policy
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from devstack.mail_sink import text_of

# The code stands alone on its line in the activation e-mail.
_CODE_LINE = re.compile(r"^([A-Za-z0-9]{12})\r?$", re.MULTILINE)


class CodeCapture:
    def __init__(self) -> None:
        self._waiting: dict[str, asyncio.Future[tuple[str, float]]] = {}
        self._server: asyncio.base_events.Server | None = None
        self.received = 0

    async def start(self) -> int:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: SMTP(self, hostname="bench-capture.localhost", loop=loop), "127.0.0.1", 0
        )
        return int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._server:
            self._server.close()
            await self._server.wait_closed()

    def expect(self, recipient: str) -> asyncio.Future[tuple[str, float]]:
        """A future resolved with (code, arrival time) when mail for `recipient` arrives."""
        future: asyncio.Future[tuple[str, float]] = asyncio.get_running_loop().create_future()
        self._waiting[recipient.lower()] = future
        return future

    def forget(self, recipient: str) -> None:
        self._waiting.pop(recipient.lower(), None)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        arrived = time.perf_counter()
        self.received += 1
        for recipient in envelope.rcpt_tos:
            future = self._waiting.pop(recipient.lower(), None)
            if future is None or future.done():
                continue
            raw = envelope.original_content or b""
            message: Any = message_from_bytes(raw, policy=policy.default)
            match = _CODE_LINE.search(text_of(message))
            if match:
                future.set_result((match.group(1), arrived))
            else:
                future.set_exception(ValueError("no activation code in the e-mail"))
        return "250 Message accepted for delivery"
