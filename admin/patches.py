"""Which running workflows have not recorded a patch's marker (docs/workflows.md, « Retiring a
patch »).

A run records the marker of `workflow.patched(ID)` (or `workflow.deprecate_patch(ID)`) the first
time its code asks; a run that got past that point without the marker took the old path, and
replays only while the old path is in the code. Before the old branch goes, this lists every
running run of the type whose history holds no marker of the patch: none left that got past the
patch point means the branch can go.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHistory

from orchestration.search_attributes import ADHESION_STATUS, ENROLLMENT_STATUS

# The SDK core's marker for `workflow.patched` and `workflow.deprecate_patch`; its data (plain
# JSON, never through the codec) is {"id": <patch ID>, "deprecated": <bool>}.
PATCH_MARKER = "core_patch"
_PATCH_DATA = "patch-data"
# A workflow type is a class name: nothing else may reach the visibility query.
_TYPE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")


@dataclass(frozen=True, slots=True)
class UnpatchedRun:
    workflow_id: str
    run_id: str
    started_at: datetime
    # The process's own status search attribute (EnrollmentStatus, AdhesionStatus), if any: it
    # tells whether the run got past the patch point (an enrollment still drafting did not).
    status: str | None

    def as_json(self) -> dict[str, str | None]:
        return {
            "workflow_id": self.workflow_id,
            "run_id": self.run_id,
            "started_at": self.started_at.isoformat(),
            "status": self.status,
        }


def patch_ids(history: WorkflowHistory) -> set[str]:
    """The patches whose marker the history holds."""
    found: set[str] = set()
    for event in history.events:
        if event.event_type != EventType.EVENT_TYPE_MARKER_RECORDED:
            continue
        marker = event.marker_recorded_event_attributes
        if marker.marker_name != PATCH_MARKER or _PATCH_DATA not in marker.details:
            continue
        for payload in marker.details[_PATCH_DATA].payloads:
            found.add(str(json.loads(payload.data)["id"]))
    return found


async def unpatched_runs(
    client: Client, workflow_type: str, patch_id: str, started_before: datetime | None = None
) -> list[UnpatchedRun]:
    """The running runs of `workflow_type` (started before `started_before`, if given) whose
    history holds no marker of `patch_id`, oldest first."""
    if not _TYPE_NAME.fullmatch(workflow_type):
        raise ValueError(f"not a workflow type: {workflow_type!r}")
    query = f"WorkflowType = '{workflow_type}' AND ExecutionStatus = 'Running'"
    if started_before is not None:
        query += f" AND StartTime < '{started_before.isoformat()}'"
    runs: list[UnpatchedRun] = []
    async for execution in client.list_workflows(query):
        handle = client.get_workflow_handle(execution.id, run_id=execution.run_id)
        if patch_id in patch_ids(await handle.fetch_history()):
            continue
        attributes = execution.typed_search_attributes
        status = attributes.get(ENROLLMENT_STATUS) or attributes.get(ADHESION_STATUS)
        runs.append(UnpatchedRun(execution.id, execution.run_id, execution.start_time, status))
    return sorted(runs, key=lambda run: run.started_at)
