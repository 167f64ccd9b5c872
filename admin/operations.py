"""What support and ops may do to enrollments and subscribers, without reading personal data.

Enrollments are reached by their workflow ID, which an e-mail address maps to through the same
keyed hash the API uses; what comes back is IDs, statuses and dates. Every action is logged with
the workflow ID and never with the address.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from domain.models import EnrollmentStatus
from domain.rules import normalise_email
from orchestration.search_attributes import ACTIVATION_DEADLINE, ENROLLMENT_STATUS
from security.keyed_hash import WORKFLOW_ID_PREFIX, KeyedHasher
from storage.subscribers import SubscriberRepository
from workflows.enrollment import EnrollmentWorkflow

log = logging.getLogger("admin")


@dataclass(frozen=True, slots=True)
class EnrollmentInfo:
    workflow_id: str
    run_id: str
    execution: str  # Temporal's view: running, completed, terminated, ...
    status: EnrollmentStatus | None
    activation_deadline: datetime | None


@dataclass(frozen=True, slots=True)
class Resent:
    sent: bool
    activation_deadline: datetime | None


@dataclass(frozen=True, slots=True)
class SubscriberErasure:
    subscriber_erased: bool
    runs_deleted: int


class Operations:
    def __init__(
        self,
        client: Client,
        keyed: KeyedHasher,
        task_queue: str,
        subscribers: SubscriberRepository | None = None,
    ) -> None:
        self._client = client
        self._keyed = keyed
        self._task_queue = task_queue
        self._subscribers = subscribers

    def workflow_id(self, target: str) -> str:
        """An enrollment's workflow ID, given either that ID or the identifier (e-mail)."""
        if target.startswith(WORKFLOW_ID_PREFIX):
            return target
        return self._keyed.workflow_id(normalise_email(target))

    async def find(self, target: str) -> EnrollmentInfo | None:
        """The latest enrollment of an identifier, as its search attributes describe it."""
        workflow_id = self.workflow_id(target)
        _audit("find", workflow_id)
        try:
            description = await self._client.get_workflow_handle(workflow_id).describe()
        except RPCError as error:
            if error.status is RPCStatusCode.NOT_FOUND:
                return None
            raise
        attributes = description.typed_search_attributes
        status = attributes.get(ENROLLMENT_STATUS)
        return EnrollmentInfo(
            workflow_id=workflow_id,
            run_id=description.run_id,
            execution=description.status.name.lower() if description.status else "unknown",
            status=EnrollmentStatus(status) if status else None,
            activation_deadline=attributes.get(ACTIVATION_DEADLINE),
        )

    async def status(self, target: str) -> EnrollmentInfo | None:
        """As `find`, but a running enrollment is asked directly (the `status` query)."""
        info = await self.find(target)
        if info is None or info.execution != "running":
            return info
        handle = self._client.get_workflow_handle_for(EnrollmentWorkflow.run, info.workflow_id)
        live = await handle.query(EnrollmentWorkflow.status)
        return EnrollmentInfo(
            info.workflow_id, info.run_id, info.execution, live, info.activation_deadline
        )

    async def resend(self, target: str) -> Resent | None:
        """A new code for an enrollment awaiting activation; None if there is none."""
        workflow_id = self.workflow_id(target)
        _audit("resend", workflow_id)
        handle = self._client.get_workflow_handle_for(EnrollmentWorkflow.run, workflow_id)
        try:
            result = await handle.execute_update(EnrollmentWorkflow.resend_code)
        except WorkflowUpdateFailedError:
            return None
        except RPCError as error:
            if error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
                return None
            raise
        return Resent(result.sent, result.activation_deadline)

    async def erase_enrollment(self, target: str) -> int:
        """Right to erasure: stop the enrollment and delete every run of it from Temporal.

        The server terminates a running run before deleting it, and deletes asynchronously.
        Returns how many runs were deleted.
        """
        workflow_id = self.workflow_id(target)
        runs = await self._run_ids(workflow_id)
        for run_id in runs:
            await self._client.workflow_service.delete_workflow_execution(
                DeleteWorkflowExecutionRequest(
                    namespace=self._client.namespace,
                    workflow_execution=WorkflowExecution(workflow_id=workflow_id, run_id=run_id),
                )
            )
        _audit("erase-enrollment", workflow_id, runs=len(runs))
        return len(runs)

    async def erase_subscriber(self, email: str) -> SubscriberErasure:
        """Delete the subscriber (sessions and recap with it) and every enrollment run."""
        assert self._subscribers is not None, "erasing a subscriber needs the database"
        subscriber = await asyncio.to_thread(self._subscribers.by_email, normalise_email(email))
        erased = await asyncio.to_thread(self._subscribers.erase, normalise_email(email))
        runs = await self.erase_enrollment(email)
        key = subscriber.enrollment_key if subscriber else ""
        enrolled_as, _, run_id = key.partition("/")
        if enrolled_as.startswith(WORKFLOW_ID_PREFIX) and enrolled_as != self.workflow_id(email):
            # The identifier changed since the enrollment: its run sits under the ID of the old
            # address, which may be enrolling someone else by now, so that run alone goes.
            await self._client.workflow_service.delete_workflow_execution(
                DeleteWorkflowExecutionRequest(
                    namespace=self._client.namespace,
                    workflow_execution=WorkflowExecution(workflow_id=enrolled_as, run_id=run_id),
                )
            )
            runs += 1
        _audit("erase-subscriber", self.workflow_id(email), subscriber_erased=erased)
        return SubscriberErasure(erased, runs)

    async def counts(self) -> dict[EnrollmentStatus, int]:
        """How many enrollments of this task queue are in each status (Temporal visibility)."""
        _audit("counts", None)
        base = f'WorkflowType = "EnrollmentWorkflow" AND TaskQueue = "{self._task_queue}"'
        counts: dict[EnrollmentStatus, int] = {}
        for status in EnrollmentStatus:
            query = f'{base} AND {ENROLLMENT_STATUS.name} = "{status.value}"'
            counts[status] = (await self._client.count_workflows(query)).count
        return counts

    async def _run_ids(self, workflow_id: str) -> set[str]:
        """Every run of a workflow ID that visibility knows, plus the latest one."""
        runs = {
            execution.run_id
            async for execution in self._client.list_workflows(f'WorkflowId = "{workflow_id}"')
        }
        try:
            # Visibility lags behind: the latest run is described directly.
            runs.add((await self._client.get_workflow_handle(workflow_id).describe()).run_id)
        except RPCError as error:
            if error.status is not RPCStatusCode.NOT_FOUND:
                raise
        return runs


def _audit(action: str, workflow_id: str | None, **details: object) -> None:
    """One JSON log line per action: the action, the workflow ID, counts; never an address."""
    extra: dict[str, object] = {"action": action}
    if workflow_id:
        extra["workflow_id"] = workflow_id
    message = " ".join([f"admin {action}", *(f"{k}={v}" for k, v in details.items())])
    log.info(message, extra=extra)
