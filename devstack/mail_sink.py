"""A local SMTP server (aiosmtpd) that keeps what it receives: the dev stack's inbox, the tests'.

Messages are kept in memory and, when a folder is given, written there as .eml files.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger(__name__)
# aiosmtpd logs every SMTP line it reads (recipients at INFO, the message itself at DEBUG):
# personal data that must stay out of the logs.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class MailSink:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self.messages: list[EmailMessage] = []
        self._arrived = asyncio.Condition()
        self._server: asyncio.base_events.Server | None = None
        self.port = 0

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: SMTP(self, hostname="mail-sink.localhost", loop=loop), host=host, port=port
        )
        self.port = self._server.sockets[0].getsockname()[1]
        if self.directory:
            self.directory.mkdir(parents=True, exist_ok=True)
        return self.port

    async def stop(self) -> None:
        if self._server:
            self._server.close()
            await self._server.wait_closed()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        message: Any = message_from_bytes(raw, policy=policy.default)
        if self.directory:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            path = self.directory / f"{stamp}.eml"
            path.write_bytes(raw)
            # A decoded copy beside the raw message, for reading without a mail client.
            path.with_suffix(".txt").write_text(
                f"To: {message['To']}\nSubject: {message['Subject']}\n\n{text_of(message)}",
                encoding="utf-8",
            )
            log.info("mail received: %s", path.with_suffix(".txt"))
        async with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    async def message_to(self, recipient: str, number: int = 1, within: float = 10) -> EmailMessage:
        """Wait for the `number`-th message (from 1) sent to `recipient`, and return it.

        Waits at most `within` seconds: the sender delivers at once or not at all (a caller
        waiting for a retry after a timeout says how long it may take)."""
        async with asyncio.timeout(within), self._arrived:
            while len(found := self.messages_to(recipient)) < number:
                await self._arrived.wait()
            return found[number - 1]

    def messages_to(self, recipient: str) -> list[EmailMessage]:
        return [m for m in self.messages if recipient.lower() in str(m["To"]).lower()]

    def count_to(self, recipient: str) -> int:
        return len(self.messages_to(recipient))


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return str(part.get_content()) if part else ""
