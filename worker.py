"""The worker: runs enrollment workflows and their activities against the configured Temporal."""

from __future__ import annotations

import asyncio
import logging
import signal
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from activities.account import AccountActivities
from activities.adhesions import AdhesionActivities
from activities.code_delivery import CodeDeliveryActivities
from activities.company import CompanyActivities
from activities.invitations import InvitationActivities
from activities.notifications import NotificationActivities
from activities.retention import RetentionActivities
from activities.subscribers import SubscriberActivities
from activities.webhook_dispatch import WebhookDispatch
from activities.webhooks import WebhookActivities
from channels.email import EmailCodeChannel
from channels.letter import LetterCodeChannel
from companies.registry import CompanyRegistry, registry_from_settings
from documents.recap_pdf import RecapRender, render_recap_pdf
from documents.recap_process import RecapRenderer
from documents.typeface import common_faces
from domain.codes import ChannelKind
from domain.support import SupportChannel
from domain.webhooks import UrlPolicy
from letters.outbox import FolderOutbox
from mail.sender import MailSender
from observability.logs import configure_logging
from orchestration.client import connect, metrics_runtime
from orchestration.heap import settle_heap
from security.keyed_hash import KeyedHasher
from security.secret_box import SecretBox
from services.retention_schedule import ensure_retention_schedule
from settings import Settings, get_settings
from storage.adhesions import AdhesionRepository
from storage.code_deliveries import CodeDeliveryRepository
from storage.engine import make_engine
from storage.invitations import InvitationRepository
from storage.retention import RetentionRepository
from storage.subscribers import SubscriberRepository
from storage.webhooks import WebhookRepository
from workflows.adhesion import AdhesionWorkflow
from workflows.email_change import EmailChangeWorkflow
from workflows.enrollment import EnrollmentWorkflow
from workflows.notification import NotificationWorkflow
from workflows.password_reset import PasswordResetWorkflow
from workflows.retention import RetentionWorkflow
from workflows.sign_in_code import SignInCodeWorkflow
from workflows.webhook_delivery import WebhookDeliveryWorkflow

log = logging.getLogger("worker")


def build_worker(
    client: Client,
    settings: Settings,
    *,
    task_queue: str | None = None,
    sender: MailSender | None = None,
    registry: CompanyRegistry | None = None,
    repository: SubscriberRepository | None = None,
    executor: ThreadPoolExecutor | None = None,
    render: RecapRender = render_recap_pdf,
) -> Worker:
    """The worker with every activity wired to its dependencies (tests pass their own).
    Recaps are rendered by `render`: in the worker's threads unless told otherwise (`main`
    hands in its recap processes)."""
    repository = repository or SubscriberRepository(make_engine(settings.resolved_database_url))
    sender = sender or MailSender.from_settings(settings)
    hasher = KeyedHasher(settings.identifier_hash_key)
    support = SupportChannel.from_settings(settings)
    adhesions = AdhesionRepository(repository.engine)
    letters = LetterCodeChannel(
        FolderOutbox.from_settings(settings), adhesions, repository, support
    )
    codes = CodeDeliveryActivities(
        {
            ChannelKind.EMAIL: EmailCodeChannel(sender, settings.mail_from, support),
            ChannelKind.LETTER: letters,
        },
        CodeDeliveryRepository(repository.engine),
        hasher,
    )
    notifications = NotificationActivities(sender, settings.mail_from, support)
    companies = CompanyActivities(registry or registry_from_settings(settings))
    subscribers = SubscriberActivities(repository, render)
    adhesion_records = AdhesionActivities(adhesions)
    account = AccountActivities(repository, render)
    retention = RetentionActivities(RetentionRepository(repository.engine))
    invitations = InvitationActivities(InvitationRepository(repository.engine))
    webhooks = WebhookActivities(
        WebhookRepository(repository.engine),
        SecretBox.from_settings(settings),
        hasher,
        WebhookDispatch(client, settings, hasher),
        UrlPolicy(allow_local=settings.webhooks_allow_local),
    )
    return Worker(
        client,
        task_queue=task_queue or settings.temporal_task_queue,
        workflows=[
            EnrollmentWorkflow,
            NotificationWorkflow,
            PasswordResetWorkflow,
            EmailChangeWorkflow,
            AdhesionWorkflow,
            SignInCodeWorkflow,
            RetentionWorkflow,
            WebhookDeliveryWorkflow,
        ],
        activities=[
            codes.deliver_code,
            companies.lookup_company,
            subscribers.create_subscriber,
            subscribers.render_recap,
            adhesion_records.record_adhesion,
            notifications.send_notification,
            account.apply_password_reset,
            account.apply_email_change,
            retention.purge_table,
            invitations.record_invitation,
            webhooks.publish_service_event,
            webhooks.send_webhook,
            webhooks.give_up_deliveries,
        ],
        max_cached_workflows=settings.worker_max_cached_workflows,
        workflow_runner=workflow_runner(settings),
        activity_executor=executor or ThreadPoolExecutor(max_workers=8),
        graceful_shutdown_timeout=timedelta(seconds=20),
    )


def workflow_runner(settings: Settings) -> WorkflowRunner:
    """The SDK's sandbox (its default), or the same workflow code run as plain Python."""
    if settings.worker_workflow_sandbox:
        return SandboxedWorkflowRunner()
    return UnsandboxedWorkflowRunner()


async def main() -> None:
    settings = get_settings()
    configure_logging()
    address = settings.worker_metrics_address
    client = await connect(settings, metrics_runtime(address) if address else None)
    recaps = (
        RecapRenderer(settings.worker_recap_processes) if settings.worker_recap_processes else None
    )
    try:
        await _serve(client, settings, recaps)
    finally:
        if recaps:
            recaps.close()


async def _serve(client: Client, settings: Settings, recaps: RecapRenderer | None) -> None:
    worker = build_worker(client, settings, render=recaps.render if recaps else render_recap_pdf)
    # The daily purge of spent rows (SPEC §9): created once, left alone when already there.
    await ensure_retention_schedule(client, settings)
    if recaps:
        await asyncio.to_thread(recaps.start)
    else:
        # The print-outs' fonts are parsed before the heap is settled, so that they are frozen
        # too.
        common_faces()
    settle_heap()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info(
        "worker polling task queue %s, workflow sandbox %s, recap processes %d, metrics at %s",
        settings.temporal_task_queue,
        "on" if settings.worker_workflow_sandbox else "off",
        settings.worker_recap_processes,
        settings.worker_metrics_address,
    )
    async with worker:
        await stop.wait()
        log.info("worker stopping: finishing in-flight activities")


if __name__ == "__main__":
    asyncio.run(main())
