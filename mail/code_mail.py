"""What every code e-mail is written from, whatever its purpose, and its common headers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from domain.formatting import PARIS
from domain.support import DEFAULT_SUPPORT, SupportChannel


@dataclass(frozen=True, slots=True)
class CodeMail:
    sender: str
    recipient: str
    code: str
    sent_at: datetime
    deadline: datetime
    # Stable per code: a retried send is recognisable as the same message.
    message_id: str
    support: SupportChannel = DEFAULT_SUPPORT
    # Purpose-specific wording (e.g. the trust question's label); never a secret.
    extra: Mapping[str, str] = field(default_factory=dict)

    def message(self, subject: str, body: str) -> EmailMessage:
        """Plain text only: no link, no logo."""
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = self.sender
        message["To"] = self.recipient
        message["Date"] = format_datetime(self.sent_at.astimezone(PARIS))
        message["Message-ID"] = self.message_id
        message.set_content(body, charset="utf-8")
        return message
