"""Where Temporal's work goes: history events per enrollment, by kind, product against floor.

At the end of a phase the bench lists, through the Temporal client, every workflow started in
the phase's time span (an enrollment may start others: e-mail delivery, notifications,
webhooks), fetches the histories of a sample of the completed ones of each type (of the running
ones, their history so far, for a type none of whose runs is over), and counts their events by
kind. Per enrollment, each type counts for its mean events times how many of
it were started per anchor workflow (the enrollment, or the floor's workflow). Queries leave no
event in a history and do not show here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowExecutionStatus

# The markers the Python SDK records, by name: what they stand for.
MARKERS = {"core_patch": "marker: patch", "core_local_activity": "marker: local activity"}
# The kinds the overhead is looked for in first; any other kind follows them.
LEADING = (
    "workflow task completed",
    "activity task scheduled",
    "marker: local activity",
    "marker: patch",
    "upsert workflow search attributes",
    "timer started",
    "timer fired",
    "timer canceled",
    "workflow execution update accepted",
    "workflow execution update completed",
    "workflow execution signaled",
)
SAMPLE = 20  # histories fetched per workflow type


def kind(event: HistoryEvent) -> str:
    """« timer started », « marker: patch »: the event's type in words, markers by name."""
    if event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED:
        name = event.marker_recorded_event_attributes.marker_name
        return MARKERS.get(name, f"marker: {name}")
    return EventType.Name(event.event_type).removeprefix("EVENT_TYPE_").lower().replace("_", " ")


def mean_counts(histories: Sequence[Iterable[HistoryEvent]]) -> dict[str, float]:
    """Mean number of events of each kind over the histories."""
    total: Counter[str] = Counter()
    for events in histories:
        total.update(kind(event) for event in events)
    return {name: count / len(histories) for name, count in total.items()} if histories else {}


def per_anchor(
    started: dict[str, int], means: dict[str, dict[str, float]], anchor: str
) -> dict[str, float]:
    """Events of each kind per anchor workflow: each type's mean counts weighted by how many of
    that type were started per anchor (`started`: executions by type in the same span)."""
    anchors = started.get(anchor, 0)
    if not anchors:
        return {}
    events: dict[str, float] = {}
    for workflow_type, counts in means.items():
        share = started.get(workflow_type, 0) / anchors
        for name, count in counts.items():
            events[name] = events.get(name, 0.0) + share * count
    return events


def ordered_kinds(*tables: dict[str, float]) -> list[str]:
    """The leading kinds first (those seen), then the others by their largest count."""
    seen = {name for table in tables for name in table}
    rest = sorted(seen - set(LEADING), key=lambda n: (-max(t.get(n, 0.0) for t in tables), n))
    return [name for name in LEADING if name in seen] + rest


def _query(since: datetime, until: datetime) -> str:
    def stamp(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    return f"StartTime >= '{stamp(since)}' AND StartTime <= '{stamp(until)}'"


async def count_phase(
    client: Client, since: datetime, until: datetime, anchor: str, sample: int = SAMPLE
) -> dict[str, Any]:
    """Workflows started between `since` and `until` (UTC) by type, and their events per anchor
    workflow by kind, from up to `sample` completed histories of each type."""
    started: Counter[str] = Counter()
    completed: dict[str, list[tuple[str, str]]] = {}
    running: dict[str, list[tuple[str, str]]] = {}
    async for execution in client.list_workflows(_query(since, until)):
        started[execution.workflow_type] += 1
        run = (execution.id, execution.run_id)
        if execution.status == WorkflowExecutionStatus.COMPLETED:
            completed.setdefault(execution.workflow_type, []).append(run)
        elif execution.status == WorkflowExecutionStatus.RUNNING:
            running.setdefault(execution.workflow_type, []).append(run)
    # A type none of whose runs is over yet (a webhook delivery process lingers for the next
    # event) is counted from its history so far: the work it did in the phase.
    sampled = completed | {t: runs for t, runs in running.items() if t not in completed}
    means: dict[str, dict[str, float]] = {}
    for workflow_type, runs in sampled.items():
        histories = [
            (await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()).events
            for workflow_id, run_id in runs[:sample]
        ]
        means[workflow_type] = mean_counts(histories)
    return {
        "anchor": anchor,
        "started": dict(started),
        "sampled": {t: min(len(runs), sample) for t, runs in sampled.items()},
        "still_running": sorted(set(sampled) - set(completed)),
        "events": per_anchor(dict(started), means, anchor),
    }
