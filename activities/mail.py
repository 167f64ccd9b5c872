"""Activity of enrollments confirmed before the code challenge (workflows.code_challenge): kept
registered while such enrollments may still be running; new ones use activities.code_delivery.
"""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio import activity

from activities.inputs import SendActivationCode, SentCode
from domain.codes import CodePurpose
from domain.support import DEFAULT_SUPPORT, SupportChannel
from mail.activation import activation_message
from mail.sender import MailSender
from observability.mail_counts import send_counted
from security.keyed_hash import KeyedHasher


class MailActivities:
    def __init__(
        self,
        sender: MailSender,
        hasher: KeyedHasher,
        mail_from: str,
        support: SupportChannel = DEFAULT_SUPPORT,
    ) -> None:
        self._sender = sender
        self._hasher = hasher
        self._mail_from = mail_from
        self._support = support

    @activity.defn
    async def send_activation_code(self, request: SendActivationCode) -> SentCode:
        # Derived from the send (the workflow and this send's deadline): a retried attempt sends
        # the same code again, never a second one.
        code = self._hasher.derive_code(
            CodePurpose.ACTIVATION, request.workflow_id, request.deadline.isoformat()
        )
        digest = self._hasher.activation_code_digest(request.workflow_id, code)
        message = activation_message(
            sender=self._mail_from,
            recipient=request.email,
            code=code,
            sent_at=datetime.now(UTC),
            deadline=request.deadline,
            message_key=digest,
            support=self._support,
        )
        await send_counted(self._sender, message, "activation")
        activity.logger.info("activation e-mail sent")
        return SentCode(code_digest=digest)
