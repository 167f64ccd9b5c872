"""Activity: e-mail the notice of a sensitive change (mail.notifications) to the subscriber."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage

from pydantic import BaseModel
from temporalio import activity

from mail.notifications import Change, notification_message
from mail.sender import MailSender
from mail.support import SupportChannel
from observability.enrollment_metrics import EMAILS_FAILED, EMAILS_SENT


class SendNotification(BaseModel):
    email: str
    change: Change
    changed_at: datetime
    # Stable across retries (the process that asks for the notice): one Message-ID per notice.
    message_key: str
    new_email: str | None = None


class NotificationActivities:
    def __init__(self, sender: MailSender, mail_from: str, support: SupportChannel) -> None:
        self._sender = sender
        self._mail_from = mail_from
        self._support = support

    @activity.defn
    async def send_notification(self, request: SendNotification) -> None:
        message = notification_message(
            sender=self._mail_from,
            recipient=request.email,
            change=request.change,
            changed_at=request.changed_at,
            sent_at=datetime.now(UTC),
            message_key=request.message_key,
            new_email=request.new_email,
            support=self._support,
        )
        await send_counted(self._sender, message, "notification")
        activity.logger.info("notification e-mail sent: %s", request.change.value)


async def send_counted(sender: MailSender, message: EmailMessage, kind: str) -> None:
    """Send from within an activity, counting the e-mails the SMTP server took and those it did
    not (a failure is logged by its type only, never its text)."""
    meter = activity.metric_meter()
    try:
        await sender.send(message)
    except Exception as error:
        meter.create_counter(EMAILS_FAILED, "E-mails the SMTP server did not take.").add(1)
        activity.logger.warning("%s e-mail failed: %s", kind, type(error).__name__)
        raise
    meter.create_counter(EMAILS_SENT, "E-mails handed to the SMTP server.").add(1)
