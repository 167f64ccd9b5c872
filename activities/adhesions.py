"""Activity: mirror an adhésion workflow's transitions into the adhésions table."""

from __future__ import annotations

import asyncio

from temporalio import activity

from activities.inputs import RecordAdhesion
from domain.models import AdhesionStatus
from domain.security_events import EventType
from storage.adhesions import AdhesionRepository
from storage.security_events import NewEvent, new_event


class AdhesionActivities:
    def __init__(self, adhesions: AdhesionRepository) -> None:
        self._adhesions = adhesions

    @activity.defn
    async def record_adhesion(self, request: RecordAdhesion) -> bool:
        """Idempotent: a retried call finds the row already moved. False when the row is gone
        (the space was closed) or was moved otherwise meanwhile."""
        info = activity.info()
        kind = (
            EventType.ADHESION_ACTIVATED
            if request.status is AdhesionStatus.ACTIVE
            else EventType.ADHESION_ENDED
        )

        def event(subscriber_id: int) -> NewEvent:
            return new_event(
                subscriber_id,
                kind,
                client=request.client,
                at=request.at,
                dedup_key=f"{info.workflow_id}/{info.workflow_run_id}/{request.status.value}",
            )

        moved = await asyncio.to_thread(
            self._adhesions.transition,
            request.adhesion_id,
            request.status,
            request.at,
            from_=AdhesionStatus.PENDING,
            event=event,
        )
        if not moved:
            activity.logger.info("adhesion row not moved to %s", request.status.value)
        return moved
