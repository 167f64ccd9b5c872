"""Delivery channels for codes: adapters behind one interface (SMTP now, letters next).

A channel is given the code, the message's identifier and the dates; it must either hand the
message over for good or raise. Sending twice with the same `message_id` must be harmless: a
retried delivery re-sends the same code under the same identifier when it cannot know whether
the first attempt went through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from activities.inputs import DeliverCode


@dataclass(frozen=True, slots=True)
class OutgoingCode:
    request: DeliverCode
    code: str
    message_id: str
    sent_at: datetime
    deadline: datetime


class CodeChannel(Protocol):
    def message_id(self, reference: str) -> str:
        """The channel's identifier for a delivery (e-mail: a Message-ID header)."""
        ...

    async def deliver(self, outgoing: OutgoingCode) -> None:
        """Hand the message over (returns once the channel accepted it), or raise."""
        ...
