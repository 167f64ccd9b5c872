"""Activity: mirror an adhésion workflow's transitions into the adhésions table."""

from __future__ import annotations

import asyncio

from temporalio import activity

from activities.inputs import RecordAdhesion
from domain.models import AdhesionStatus
from storage.adhesions import AdhesionRepository


class AdhesionActivities:
    def __init__(self, adhesions: AdhesionRepository) -> None:
        self._adhesions = adhesions

    @activity.defn
    async def record_adhesion(self, request: RecordAdhesion) -> bool:
        """Idempotent: a retried call finds the row already moved. False when the row is gone
        (the space was closed) or was moved otherwise meanwhile."""
        moved = await asyncio.to_thread(
            self._adhesions.transition,
            request.adhesion_id,
            request.status,
            request.at,
            from_=AdhesionStatus.PENDING,
        )
        if not moved:
            activity.logger.info("adhesion row not moved to %s", request.status.value)
        return moved
