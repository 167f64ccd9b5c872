"""Tell a subscriber of a sensitive change by e-mail, however long the SMTP server is down.

A change made by an API request (a new password, new contact details, a closed space) is already
stored when the request answers; the notice must follow even if the mail server is unreachable
for hours. So the API starts this small workflow, whose only activity is retried until it
succeeds (or a week has passed). The password-reset and e-mail-change workflows start it as a
child they do not wait for (`start_notice`): they end at once, the notice follows.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from activities.inputs import SendNotification
    from activities.notifications import NotificationActivities
    from workflows.notification_messages import WORKFLOW_ID_PREFIX, NotifyParams

# Back off to one try every half hour; give up after a week (the change itself is long done).
NOTICE_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=5),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=30),
)
NOTICE_DEADLINE = timedelta(days=7)


async def send_notice(params: NotifyParams, message_key: str) -> None:
    """Run the notice activity from within a workflow (deterministic: no I/O here)."""
    await workflow.execute_activity_method(
        NotificationActivities.send_notification,
        SendNotification(
            email=params.email,
            change=params.change,
            changed_at=params.changed_at,
            message_key=message_key,
            new_email=params.new_email,
        ),
        start_to_close_timeout=timedelta(seconds=30),
        schedule_to_close_timeout=NOTICE_DEADLINE,
        retry_policy=NOTICE_RETRY,
    )


@workflow.defn
class NotificationWorkflow:
    @workflow.run
    async def run(self, params: NotifyParams) -> None:
        await send_notice(params, message_key=workflow.info().workflow_id)


async def start_notice(params: NotifyParams) -> None:
    """From within another workflow: start the notice as a child that outlives its parent.

    Its ID comes from the parent's run ID: unique, stable under replay, nothing personal."""
    await workflow.start_child_workflow(
        NotificationWorkflow.run,
        params,
        id=WORKFLOW_ID_PREFIX + workflow.info().run_id,
        parent_close_policy=ParentClosePolicy.ABANDON,
    )
