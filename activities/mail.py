"""Activity: generate an activation code, e-mail it, and hand back only its keyed digest."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio import activity

from activities.inputs import SendActivationCode, SentCode
from mail.activation import activation_message
from mail.sender import MailSender
from security.keyed_hash import KeyedHasher, new_activation_code


class MailActivities:
    def __init__(self, sender: MailSender, hasher: KeyedHasher, mail_from: str) -> None:
        self._sender = sender
        self._hasher = hasher
        self._mail_from = mail_from

    @activity.defn
    async def send_activation_code(self, request: SendActivationCode) -> SentCode:
        # A fresh code on every attempt: if a try fails after the server took the message, the
        # next mail supersedes it, and only the digest of the code that last went out counts.
        code = new_activation_code()
        digest = self._hasher.activation_code_digest(request.workflow_id, code)
        message = activation_message(
            sender=self._mail_from,
            recipient=request.email,
            code=code,
            sent_at=datetime.now(UTC),
            deadline=request.deadline,
            message_key=digest,
        )
        await self._sender.send(message)
        return SentCode(code_digest=digest)
