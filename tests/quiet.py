"""Waiting for a workflow to have nothing in flight, before a test checks that nothing more
happened (no second e-mail, no second letter): the quiet condition read from its history,
rather than a pause long enough on a good day."""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowHandle

from security.keyed_hash import KeyedHasher
from settings import Settings

# Generous: on a loaded machine a retried activity may take a while; the test waits for the
# condition, this only bounds a test that would otherwise hang.
QUIET_WITHIN = 60.0

_ACTIVITY_CLOSED = {
    EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
    EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
    EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
    EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
}
_CHILD_CLOSED = {
    EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED,
    EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED,
    EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED,
    EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED,
    EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT,
    EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED,
}
_WORKFLOW_TASK = {
    EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
}


def is_quiet(events: list[HistoryEvent]) -> bool:
    """Every activity and child workflow the history started has ended, and the last workflow
    task completed: whatever the workflow does next waits for a message or a timer."""
    open_activities = {
        e.event_id for e in events if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    }
    open_children = {
        e.event_id
        for e in events
        if e.event_type == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED
    }
    last_task: HistoryEvent | None = None
    for event in events:
        if event.event_type in _ACTIVITY_CLOSED:
            attributes = _attributes(event)
            open_activities.discard(attributes.scheduled_event_id)
        elif event.event_type in _CHILD_CLOSED:
            open_children.discard(_attributes(event).initiated_event_id)
        elif event.event_type in _WORKFLOW_TASK:
            last_task = event
    task_done = (
        last_task is not None
        and last_task.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
    )
    return task_done and not open_activities and not open_children


async def quiet(handle: WorkflowHandle[Any, Any], within: float = QUIET_WITHIN) -> None:
    """Wait until the workflow behind `handle` has nothing in flight (see `is_quiet`)."""
    # Polled: a history read as it grows cannot tell a quiet moment from the middle of a batch
    # of events written together (a task's completion and the activity it schedules).
    async with asyncio.timeout(within):
        while not is_quiet(list((await handle.fetch_history()).events)):  # noqa: ASYNC110
            await asyncio.sleep(0.05)


async def quiet_enrollment(client: Client, settings: Settings, email: str) -> None:
    """Wait until the enrollment of `email` has nothing in flight."""
    workflow_id = KeyedHasher(settings.identifier_hash_key).workflow_id(email)
    await quiet(client.get_workflow_handle(workflow_id))


def _attributes(event: HistoryEvent) -> Any:
    """The one `…_event_attributes` field an event carries."""
    return getattr(event, event.WhichOneof("attributes") or "")
