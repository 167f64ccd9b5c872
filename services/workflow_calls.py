"""A call to a running workflow (update, query), its failures turned into the service's errors.

Each service words the two cases that belong to its process (the workflow refused the update; no
workflow runs under that ID any more) and they all share the third: Temporal did not answer.
A process is started the one way too: joined when one already runs under its key.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from temporalio.client import WithStartWorkflowOperation, WorkflowUpdateFailedError
from temporalio.common import TypedSearchAttributes, WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.types import MethodAsyncSingleParam, ParamType, ReturnType, SelfType

from domain.problems import ProblemCode
from services.errors import Conflict, NotFound, Unavailable
from settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")

# The workflow is closed (FAILED_PRECONDITION) or was never there (NOT_FOUND).
_GONE = (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION)


@dataclass(frozen=True, slots=True)
class WorkflowCalls:
    """A service's wording of its workflow's failures; awaiting a call through it raises them."""

    # The error for an update the workflow rejected, given the rejection (its ApplicationError).
    refused: Callable[[BaseException | None], Exception]
    # The error when no workflow runs under that ID.
    gone: Callable[[], Exception]

    async def __call__(self, call: Awaitable[T]) -> T:
        try:
            return await call
        except WorkflowUpdateFailedError as error:
            raise self.refused(error.cause) from None
        except RPCError as error:
            if error.status in _GONE:
                raise self.gone() from None
            log.warning("temporal call failed: %s", error.status.name if error.status else "?")
            raise Unavailable() from None


def calls_by_code(not_found: str, conflicts: Mapping[ProblemCode, str]) -> WorkflowCalls:
    """For a workflow whose rejections are typed by a ProblemCode (the enrollment's, an
    invitation's): not found (refused so, or no workflow any more), one of the process's
    conflicts in its own words, else unavailable."""

    def refused(cause: BaseException | None) -> Exception:
        reason = cause.type if isinstance(cause, ApplicationError) else None
        if reason == ProblemCode.NOT_FOUND:
            return NotFound(not_found)
        if reason is not None and reason in conflicts:
            code = ProblemCode(reason)
            return Conflict(conflicts[code], code=code)
        log.warning("update failed: %s", type(cause).__name__)
        return Unavailable()

    return WorkflowCalls(refused=refused, gone=lambda: NotFound(not_found))


def start_or_join(
    workflow: MethodAsyncSingleParam[SelfType, ParamType, ReturnType],
    params: ParamType,
    workflow_id: str,
    settings: Settings,
    search_attributes: TypedSearchAttributes | None = None,
) -> WithStartWorkflowOperation[SelfType, ReturnType]:
    """The start half of an update-with-start: the process under `workflow_id` is started on the
    app's task queue unless one already runs there, which then receives the update (one process
    per key, never two). `search_attributes` are indexed with the start (a process joined keeps
    its own)."""
    return WithStartWorkflowOperation(
        workflow,
        params,
        id=workflow_id,
        task_queue=settings.temporal_task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        search_attributes=search_attributes,
    )
