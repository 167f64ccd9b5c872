"""Sending e-mail over SMTP with aiosmtplib; the one interface every e-mail goes through."""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib

from settings import Settings


class MailSender:
    def __init__(self, settings: Settings, host: str, port: int) -> None:
        self._settings = settings
        self._host = host
        self._port = port

    @classmethod
    def from_settings(cls, settings: Settings) -> MailSender:
        # The dev stack points SMTP_HOST/SMTP_PORT at its own sink before starting the worker.
        if settings.uses_embedded_smtp:
            raise RuntimeError("SMTP_HOST and SMTP_PORT must be set")
        return cls(settings, settings.smtp_host, settings.smtp_port)

    @property
    def address(self) -> tuple[str, int]:
        return self._host, self._port

    async def send(self, message: EmailMessage) -> None:
        settings = self._settings
        await aiosmtplib.send(
            message,
            hostname=self._host,
            port=self._port,
            username=settings.smtp_username or None,
            password=settings.smtp_password.get_secret_value() or None,
            start_tls=settings.smtp_starttls,
            timeout=settings.smtp_timeout.total_seconds(),
        )

    async def ping(self) -> None:
        """Connect and say NOOP: is the server there and answering?"""
        smtp = aiosmtplib.SMTP(
            hostname=self._host,
            port=self._port,
            timeout=self._settings.smtp_timeout.total_seconds(),
        )
        await smtp.connect()
        try:
            await smtp.noop()
        finally:
            smtp.close()
