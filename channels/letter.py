"""The letter channel: the code printed in a letter to the company's head office, handed to the
print-and-post outbox (`letters.outbox`).

The delivery request names the adhésion (its random ID), not a person: the channel reads the
company's name and registered address, and the subscriber's name, from the database when it
prints, so none of them ever travels through Temporal. Once the outbox took the letter, the
adhésion records it (how many letters, and the deadline the letter states).
"""

from __future__ import annotations

import asyncio

from temporalio.exceptions import ApplicationError

from channels import OutgoingCode
from domain.formatting import full_name
from domain.reference import Civility
from domain.support import DEFAULT_SUPPORT, SupportChannel
from letters.adhesion_letter import posted_letter
from letters.letter_pdf import AdhesionLetter
from letters.outbox import LetterOutbox
from storage.adhesions import AdhesionRepository
from storage.subscribers import SubscriberRepository


class LetterCodeChannel:
    def __init__(
        self,
        outbox: LetterOutbox,
        adhesions: AdhesionRepository,
        subscribers: SubscriberRepository,
        support: SupportChannel = DEFAULT_SUPPORT,
    ) -> None:
        self._support = support
        self._outbox = outbox
        self._adhesions = adhesions
        self._subscribers = subscribers

    def message_id(self, reference: str) -> str:
        """The letter's key: its file name in the outbox, printed as its reference."""
        return f"courrier.{reference}"

    async def deliver(self, outgoing: OutgoingCode) -> None:
        await asyncio.to_thread(self._post, outgoing)

    def _post(self, outgoing: OutgoingCode) -> None:
        adhesion = self._adhesions.get(outgoing.recipient)
        subscriber = self._subscribers.get(adhesion.subscriber_id) if adhesion else None
        if adhesion is None or subscriber is None:
            # The space was closed meanwhile: there is nobody to write for any more.
            raise ApplicationError("no adhesion to write for", non_retryable=True)
        letter = AdhesionLetter(
            reference=outgoing.message_id,
            siren=adhesion.siren,
            company_name=adhesion.company_name,
            address_lines=tuple(adhesion.company_address.splitlines()),
            subscriber_name=full_name(
                Civility(subscriber.civility), subscriber.last_name, subscriber.first_name
            ),
            code=outgoing.code,
            deadline=outgoing.deadline,
            sent_at=outgoing.sent_at,
            number=outgoing.generation,
            assistance=self._support.mail_lines(),
            privacy=self._support.privacy_lines(),
        )
        self._outbox.post(posted_letter(outgoing.message_id, letter, adhesion_id=adhesion.id))
        self._adhesions.letter_sent(adhesion.id, outgoing.generation, outgoing.deadline)
