"""The benchmark's SMTP capture server: real SMTP delivery, the code of each e-mail handed back.

Unlike the dev stack's sink it keeps nothing: each awaited recipient gets a future that the
arriving message resolves with its code and arrival time, so thousands of mails cost nothing.
A message that carries no code (a notice, « connexion depuis un nouveau navigateur ») leaves
the future waiting and is only counted: it may reach a subscriber who is signing in again.
"""

from __future__ import annotations

import asyncio
import re
import time
from email import message_from_bytes, policy
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from devstack.mail_sink import text_of

# The code stands alone on its line: 12 letters and digits (activation, invitation) or the
# sign-in's second step, 6 digits.
_CODE_LINE = re.compile(r"^([A-Za-z0-9]{12}|[0-9]{6})\r?$", re.MULTILINE)


class CodeCapture:
    def __init__(self) -> None:
        self._waiting: dict[str, asyncio.Future[tuple[str, float]]] = {}
        self._server: asyncio.base_events.Server | None = None
        self.received = 0
        self.without_code = 0

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
        raw = envelope.original_content or b""
        message: Any = message_from_bytes(raw, policy=policy.default)
        match = _CODE_LINE.search(text_of(message))
        if match is None:
            self.without_code += 1
            return "250 Message accepted for delivery"
        for recipient in envelope.rcpt_tos:
            future = self._waiting.pop(recipient.lower(), None)
            if future is not None and not future.done():
                future.set_result((match.group(1), arrived))
        return "250 Message accepted for delivery"
