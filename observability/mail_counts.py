"""The e-mail counters every activity that sends mail keeps (observability.enrollment_metrics)."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Protocol

from temporalio import activity

from observability.enrollment_metrics import EMAILS_FAILED, EMAILS_SENT


class MailSender(Protocol):
    """Whatever sends a message (mail.sender's SMTP sender): the counters need nothing else, so
    observability does not depend on the mail package."""

    async def send(self, message: EmailMessage) -> None: ...


def count_email(*, taken: bool) -> None:
    """One e-mail the SMTP server took, or one it did not."""
    meter = activity.metric_meter()
    if taken:
        meter.create_counter(EMAILS_SENT, "E-mails handed to the SMTP server.").add(1)
    else:
        meter.create_counter(EMAILS_FAILED, "E-mails the SMTP server did not take.").add(1)


async def send_counted(sender: MailSender, message: EmailMessage, kind: str) -> None:
    """Send from within an activity, counted (a failure is logged by its type only, never its
    text)."""
    try:
        await sender.send(message)
    except Exception as error:
        count_email(taken=False)
        activity.logger.warning("%s e-mail failed: %s", kind, type(error).__name__)
        raise
    count_email(taken=True)
