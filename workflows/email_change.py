"""« Modifier mon adresse électronique »: a code to the new address, its 24 hours, the change.

A thin process around the shared code challenge (workflows.code_challenge). The old address stays
the identifier until the code is entered; then one activity changes the identifier (other sessions
end, the recap is rendered again), and the old address receives the notice (a child workflow that
outlives this one). A new request replaces a pending one and voids its code, also when it names
another address. One per subscriber: the workflow ID is a keyed hash of the subscriber, never an
address.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.account import EMAIL_TAKEN, SUBSCRIBER_GONE, AccountActivities
    from activities.inputs import ApplyEmailChange
    from domain.changes import Change
    from domain.codes import CodePurpose
    from workflows.code_challenge import ChallengeRules, CodeChallenge, Verdict
    from workflows.email_change_messages import (
        ConfirmEmailChange,
        ConfirmOutcome,
        ConfirmResult,
        EmailChangeOutcome,
        EmailChangeParams,
        EmailChangeRejection,
        EmailChangeRequested,
        EmailChangeStatus,
        RequestEmailChange,
    )
    from workflows.notification import start_notice
    from workflows.notification_messages import NotifyParams

_DB_RETRY = RetryPolicy(initial_interval=timedelta(milliseconds=500), maximum_attempts=5)

_VERDICTS = {
    Verdict.WRONG: ConfirmOutcome.INVALID_CODE,
    Verdict.NONE: ConfirmOutcome.INVALID_CODE,
    Verdict.EXPIRED: ConfirmOutcome.EXPIRED,
    Verdict.VOID: ConfirmOutcome.VOID,
}


@workflow.defn
class EmailChangeWorkflow:
    @workflow.init
    def __init__(self, params: EmailChangeParams) -> None:
        self._params = params
        self._code = CodeChallenge(
            CodePurpose.EMAIL_CHANGE,
            ChallengeRules(validity=params.validity, max_attempts=params.max_attempts),
        )
        self._status = EmailChangeStatus.AWAITING_CODE
        self._request: RequestEmailChange | None = None
        self._changed_at: datetime | None = None
        self._busy = False

    @workflow.run
    async def run(self, params: EmailChangeParams) -> EmailChangeOutcome:
        await workflow.wait_condition(lambda: self._request is not None)
        while self._status is EmailChangeStatus.AWAITING_CODE:
            assert self._request is not None
            recipient = self._request.new_email

            def done(serving: str = recipient) -> bool:
                # A request for another address ends this round: the next one serves that one.
                assert self._request is not None
                pending = self._status is EmailChangeStatus.AWAITING_CODE
                return not pending or self._request.new_email != serving

            served = await self._code.serve(recipient, done=done, hold=lambda: self._busy)
            if not served and self._status is EmailChangeStatus.AWAITING_CODE:
                self._status = EmailChangeStatus.EXPIRED
        await workflow.wait_condition(lambda: not self._busy and workflow.all_handlers_finished())
        if self._status is EmailChangeStatus.CHANGED:
            assert self._request is not None and self._changed_at is not None
            # The notice goes to the address that held the space until now.
            await start_notice(
                NotifyParams(
                    email=self._request.old_email,
                    change=Change.EMAIL_CHANGED,
                    changed_at=self._changed_at,
                    new_email=self._request.new_email,
                )
            )
        return EmailChangeOutcome(status=self._status)

    # -- the request ------------------------------------------------------------------------

    @workflow.update
    def request(self, request: RequestEmailChange) -> EmailChangeRequested:
        self._request = request
        return EmailChangeRequested(new_email=request.new_email, expires_at=self._code.issue())

    @request.validator
    def _validate_request(self, request: RequestEmailChange) -> None:
        self._check_pending()

    # -- the code ---------------------------------------------------------------------------

    @workflow.update
    async def confirm(self, request: ConfirmEmailChange) -> ConfirmResult:
        verdict = await self._code.judge(request.code_digest)
        if verdict is not Verdict.ACCEPTED:
            return ConfirmResult(outcome=_VERDICTS[verdict])
        assert self._request is not None
        self._busy = True
        now = workflow.now()
        try:
            await workflow.execute_activity_method(
                AccountActivities.apply_email_change,
                ApplyEmailChange(
                    subscriber_id=self._params.subscriber_id,
                    old_email=self._request.old_email,
                    new_email=self._request.new_email,
                    changed_at=now,
                    keep_session=request.keep_session,
                    client=request.client,
                ),
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=_DB_RETRY,
            )
        except ActivityError as error:
            self._busy = False
            cause = error.cause.type if isinstance(error.cause, ApplicationError) else None
            if cause == EMAIL_TAKEN:
                self._status = EmailChangeStatus.TAKEN
                return ConfirmResult(outcome=ConfirmOutcome.TAKEN)
            if cause == SUBSCRIBER_GONE:
                self._status = EmailChangeStatus.WITHDRAWN
                return ConfirmResult(outcome=ConfirmOutcome.INVALID_CODE)
            self._code.restore(request.code_digest)  # nothing changed: the code stays good
            raise
        self._changed_at = now
        self._status = EmailChangeStatus.CHANGED
        self._busy = False
        return ConfirmResult(outcome=ConfirmOutcome.CHANGED, new_email=self._request.new_email)

    @confirm.validator
    def _validate_confirm(self, request: ConfirmEmailChange) -> None:
        self._check_pending()

    @workflow.signal
    def withdraw(self) -> None:
        """The space closed: the pending change is dropped."""
        if self._status is EmailChangeStatus.AWAITING_CODE and not self._busy:
            self._status = EmailChangeStatus.WITHDRAWN

    @workflow.query
    def status(self) -> EmailChangeStatus:
        return self._status

    @workflow.query
    def pending_address(self) -> str | None:
        """The address awaiting its code (for the service, through the encrypted payload)."""
        if self._status is not EmailChangeStatus.AWAITING_CODE or self._request is None:
            return None
        return self._request.new_email

    def _check_pending(self) -> None:
        if self._status is not EmailChangeStatus.AWAITING_CODE or self._busy:
            raise ApplicationError(
                "no change is pending", type=EmailChangeRejection.NOT_PENDING, non_retryable=True
            )
