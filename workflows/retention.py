"""The retention purge (SPEC §9): one run per day, started by a Temporal Schedule
(services/retention_schedule.py), one activity per table, the counts as its result.

Nothing personal passes here: table names, durations, counts.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.inputs import PurgeTable
    from activities.retention import RetentionActivities
    from domain.retention import RetentionTable
    from workflows.retention_messages import RetentionParams, RetentionReport

# The sign-in challenges joined the purge after runs had been recorded without them.
PURGE_SIGN_IN_CHALLENGES = "purge-sign-in-challenges"

_DB_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1)
)


@workflow.defn
class RetentionWorkflow:
    @workflow.run
    async def run(self, params: RetentionParams) -> RetentionReport:
        now = workflow.now()
        deleted: dict[RetentionTable, int] = {}
        for table in RetentionTable:
            if table is RetentionTable.SIGN_IN_CHALLENGES and not workflow.patched(
                PURGE_SIGN_IN_CHALLENGES
            ):
                continue
            counted = await workflow.execute_activity_method(
                RetentionActivities.purge_table,
                PurgeTable(
                    table=table,
                    now=now,
                    keep=params.keep(table),
                    device_lifetime=params.device_lifetime,
                    batch_size=params.batch_size,
                ),
                start_to_close_timeout=timedelta(minutes=30),
                heartbeat_timeout=timedelta(minutes=2),
                retry_policy=_DB_RETRY,
            )
            deleted[table] = counted.deleted
        return RetentionReport(ran_at=now, deleted=deleted)
