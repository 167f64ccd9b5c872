"""Activity: e-mail the notice of a sensitive change (mail.notifications) to the subscriber."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio import activity

from activities.inputs import SendNotification
from domain.support import SupportChannel
from mail.notifications import notification_message
from mail.sender import MailSender
from observability.mail_counts import send_counted


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
