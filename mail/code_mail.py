"""What every code e-mail is written from, whatever its purpose, and its common headers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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

    @property
    def window_hours(self) -> int:
        """How long the code lasts, in whole hours (« 48 heures »)."""
        return round((self.deadline - self.sent_at).total_seconds() / 3600)

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


def numbered(steps: Iterable[str]) -> str:
    """The steps still ahead, one a line, numbered from 1."""
    return "\n".join(f"{n}. {step}" for n, step in enumerate(steps, 1))
