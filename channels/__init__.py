"""Delivery channels for codes: adapters behind one interface (SMTP now, letters next).

A channel is given the code, the message's identifier and the dates; it must either hand the
message over for good or raise. Sending twice with the same `message_id` must be harmless: a
retried delivery re-sends the same code under the same identifier when it cannot know whether
the first attempt went through.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from domain.codes import CodePurpose


@dataclass(frozen=True, slots=True)
class OutgoingCode:
    """One code to hand over, as the code delivery activity prepared it."""

    purpose: CodePurpose
    # E-mail: the address; letter: the adhésion's random ID (the channel reads the rest).
    recipient: str
    # Which code of the challenge this is (1 for the first, then one more per resend).
    generation: int
    code: str
    message_id: str
    sent_at: datetime
    deadline: datetime
    # Purpose-specific wording for the message (e.g. the trust question's label); no secrets.
    extra: Mapping[str, str] = field(default_factory=dict)


class CodeChannel(Protocol):
    def message_id(self, reference: str) -> str:
        """The channel's identifier for a delivery (e-mail: a Message-ID header)."""
        ...

    async def deliver(self, outgoing: OutgoingCode) -> None:
        """Hand the message over (returns once the channel accepted it), or raise."""
        ...
