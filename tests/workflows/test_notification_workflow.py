"""The notice of a change survives an SMTP outage: the notification workflow retries its one
activity until the mail server answers, then sends the notice once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink, text_of
from domain.changes import Change
from mail.sender import MailSender
from services.notifications import Notifier
from settings import Settings
from storage.subscribers import SubscriberRepository
from tests.support import free_port, unique_email
from worker import build_worker


async def test_the_notice_waits_for_the_mail_server_and_goes_out_once(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    port = free_port()  # nothing listens here yet: the mail server is down
    sender = MailSender(settings, "127.0.0.1", port)
    email = unique_email("notice")
    worker = build_worker(
        time_env.client, settings, sender=sender, repository=SubscriberRepository(engine)
    )
    async with worker:
        notifier = Notifier(time_env.client, settings.temporal_task_queue)
        workflow_id = await notifier.notify(email, Change.PASSWORD_CHANGED, datetime.now(UTC))
        handle = time_env.client.get_workflow_handle(workflow_id)

        # Some tries fail while the server is down; the workflow keeps going.
        await time_env.sleep(timedelta(minutes=2))
        description = await handle.describe()
        assert description.status is WorkflowExecutionStatus.RUNNING
        pending = description.raw_description.pending_activities
        assert pending and pending[0].attempt >= 2

        sink = MailSink()
        await sink.start(port=port)  # the server is back
        try:
            await time_env.sleep(timedelta(minutes=30))  # past the next try's back-off
            await handle.result()
            message = await sink.message_to(email)
        finally:
            await sink.stop()

    assert sink.count_to(email) == 1
    assert "mot de passe" in text_of(message)
    assert workflow_id.removeprefix("notification-") in str(message["Message-ID"])
    assert email not in workflow_id
