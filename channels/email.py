"""The e-mail channel: one plain-text message per code purpose, sent over SMTP."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage

from channels import OutgoingCode
from domain.codes import CodePurpose
from domain.support import DEFAULT_SUPPORT, SupportChannel
from mail.account_codes import email_change_message, password_reset_message
from mail.activation import activation_code_message
from mail.code_mail import CodeMail
from mail.invitation import invitation_code_message
from mail.sender import MailSender
from mail.sign_in_code import sign_in_code_message

# Each purpose's text. An adhésion code has none: it goes by post (SPEC §7, channels.letter),
# never by e-mail.
MESSAGES: dict[CodePurpose, Callable[[CodeMail], EmailMessage]] = {
    CodePurpose.ACTIVATION: activation_code_message,
    CodePurpose.INVITATION: invitation_code_message,
    CodePurpose.PASSWORD_RESET: password_reset_message,
    CodePurpose.EMAIL_CHANGE: email_change_message,
    CodePurpose.SIGN_IN: sign_in_code_message,
}


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
        """The text is chosen by the code's purpose (each purpose adds its own entry to
        MESSAGES)."""
        write = MESSAGES.get(outgoing.purpose)
        if write is None:
            raise ValueError(f"a code for {outgoing.purpose.value} is never e-mailed")
        mail = CodeMail(
            sender=self._mail_from,
            recipient=outgoing.recipient,
            code=outgoing.code,
            sent_at=outgoing.sent_at,
            deadline=outgoing.deadline,
            message_id=outgoing.message_id,
            support=self._support,
            extra=outgoing.extra,
        )
        return write(mail)
