"""The e-mail channel: one plain-text message per code purpose, sent over SMTP."""

from __future__ import annotations

from email.message import EmailMessage

from channels import OutgoingCode
from domain.codes import CodePurpose
from mail.account_codes import email_change_message, password_reset_message
from mail.activation import activation_message
from mail.sender import MailSender
from mail.support import DEFAULT_SUPPORT, SupportChannel


class EmailCodeChannel:
    def __init__(
        self, sender: MailSender, mail_from: str, support: SupportChannel = DEFAULT_SUPPORT
    ) -> None:
        self._sender = sender
        self._mail_from = mail_from
        # Every e-mail says whom to call if the user did not ask for it.
        self._support = support

    def message_id(self, reference: str) -> str:
        domain = self._mail_from.rpartition("@")[2] or "localhost"
        return f"<{reference}@{domain}>"

    async def deliver(self, outgoing: OutgoingCode) -> None:
        await self._sender.send(self.message(outgoing))

    def message(self, outgoing: OutgoingCode) -> EmailMessage:
        """The text is chosen by the code's purpose (each purpose adds its own case here)."""
        request = outgoing.request
        match request.purpose:
            case CodePurpose.ACTIVATION:
                return activation_message(
                    sender=self._mail_from,
                    recipient=request.recipient,
                    code=outgoing.code,
                    sent_at=outgoing.sent_at,
                    deadline=outgoing.deadline,
                    message_id=outgoing.message_id,
                    support=self._support,
                )
            case CodePurpose.ADHESION:
                # SPEC §7: a company's code goes by post (channels.letter), never by e-mail.
                raise ValueError("an adhésion code is never e-mailed")
            case CodePurpose.PASSWORD_RESET:
                return password_reset_message(
                    sender=self._mail_from,
                    recipient=request.recipient,
                    code=outgoing.code,
                    sent_at=outgoing.sent_at,
                    deadline=outgoing.deadline,
                    message_id=outgoing.message_id,
                    question_label=request.extra.get("question_label", ""),
                    support=self._support,
                )
            case CodePurpose.EMAIL_CHANGE:
                return email_change_message(
                    sender=self._mail_from,
                    recipient=request.recipient,
                    code=outgoing.code,
                    sent_at=outgoing.sent_at,
                    deadline=outgoing.deadline,
                    message_id=outgoing.message_id,
                )
