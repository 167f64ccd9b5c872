"""Start the notice of a sensitive change (workflows.notification): durable once started."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from temporalio.client import Client
from temporalio.service import RPCError

from domain.changes import Change
from services.errors import Unavailable
from workflows.notification import NotificationWorkflow
from workflows.notification_messages import WORKFLOW_ID_PREFIX, NotifyParams

log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, client: Client, task_queue: str) -> None:
        self._client = client
        self._task_queue = task_queue

    async def notify(
        self, email: str, change: Change, changed_at: datetime, new_email: str | None = None
    ) -> str:
        """Start the notice; its workflow ID (random: nothing personal in it) is returned.

        Raises Unavailable when Temporal cannot take it: callers start the notice before they
        change anything, so that a change is never made without its notice."""
        workflow_id = WORKFLOW_ID_PREFIX + uuid.uuid4().hex
        params = NotifyParams(
            email=email, change=change, changed_at=changed_at, new_email=new_email
        )
        try:
            await self._client.start_workflow(
                NotificationWorkflow.run, params, id=workflow_id, task_queue=self._task_queue
            )
        except RPCError as error:
            log.warning("notice not started: %s", error.status.name if error.status else "?")
            raise Unavailable() from None
        log.info("notice started", extra={"workflow_id": workflow_id, "change": change.value})
        return workflow_id

    async def withdraw(self, workflow_id: str) -> None:
        """The change failed after its notice was started: stop the notice if it is not out."""
        try:
            await self._client.get_workflow_handle(workflow_id).terminate("change not made")
        except RPCError:
            log.warning("notice not withdrawn", extra={"workflow_id": workflow_id})
