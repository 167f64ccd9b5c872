"""Activity: purge one table's spent rows, a batch per transaction (storage.retention)."""

from __future__ import annotations

from temporalio import activity

from activities.inputs import PurgeCount, PurgeTable
from storage.retention import RetentionRepository


class RetentionActivities:
    """Synchronous (database work): the worker runs it in its thread pool."""

    def __init__(self, repository: RetentionRepository) -> None:
        self._repository = repository

    @activity.defn
    def purge_table(self, request: PurgeTable) -> PurgeCount:
        """Delete in batches until none is left. A retry after a crash goes on where the last
        committed batch stopped: the rule, as of the same `now`, finds only what is left."""
        deleted = 0
        while True:
            batch = self._repository.purge_batch(
                request.table,
                request.now,
                request.keep,
                request.device_lifetime,
                request.batch_size,
            )
            deleted += batch
            activity.heartbeat(deleted)
            if batch < request.batch_size:
                break
        activity.logger.info("purged %s: %d rows", request.table.value, deleted)
        return PurgeCount(table=request.table, deleted=deleted)
