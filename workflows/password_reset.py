"""« Mot de passe oublié ? »: one request's code, its 30 minutes, and the new password.

A thin process around the shared code challenge (workflows.code_challenge): each request issues
a new code (the previous one is void at once), the challenge delivers it by e-mail with the trust
question's label, judges attempts (5), and expires it on a durable timer. Step 2 is judged as one
attempt: the code, and the service's verdict on the trust answer. On success the new password is
stored and every session ends (one activity), then the notice goes out (a child workflow that
outlives this one). Started only for a subscriber's address; the workflow ID is a keyed hash of
that address, never the address.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.account import SUBSCRIBER_GONE, AccountActivities
    from activities.inputs import ApplyPasswordReset
    from domain.changes import Change
    from domain.codes import CodePurpose
    from workflows.code_challenge import ChallengeRules, CodeChallenge, Verdict
    from workflows.notification import start_notice
    from workflows.notification_messages import NotifyParams
    from workflows.password_reset_messages import (
        CodeRequested,
        CompleteReset,
        PasswordResetOutcome,
        PasswordResetParams,
        PasswordResetStatus,
        ResetOutcome,
        ResetRejection,
        ResetResult,
    )

_DB_RETRY = RetryPolicy(initial_interval=timedelta(milliseconds=500), maximum_attempts=5)
# Judged in place of the code when the trust answer was wrong: it matches no digest, so the
# attempt counts as one wrong try, whatever the code.
_NO_MATCH = ""


@workflow.defn
class PasswordResetWorkflow:
    @workflow.init
    def __init__(self, params: PasswordResetParams) -> None:
        self._params = params
        self._code = CodeChallenge(
            CodePurpose.PASSWORD_RESET,
            ChallengeRules(validity=params.validity, max_attempts=params.max_attempts),
        )
        self._status = PasswordResetStatus.AWAITING_CODE
        self._reset_at: datetime | None = None
        # True while the accepted code's effect is being applied: the clock waits for it.
        self._busy = False

    @workflow.run
    async def run(self, params: PasswordResetParams) -> PasswordResetOutcome:
        await workflow.wait_condition(lambda: self._code.generation > 0)
        served = await self._code.serve(
            params.email,
            done=lambda: self._status is not PasswordResetStatus.AWAITING_CODE,
            hold=lambda: self._busy,
            extra={"question_label": params.question_label},
        )
        if not served and self._status is PasswordResetStatus.AWAITING_CODE:
            self._status = PasswordResetStatus.EXPIRED
        await workflow.wait_condition(lambda: not self._busy and workflow.all_handlers_finished())
        if self._status is PasswordResetStatus.RESET:
            assert self._reset_at is not None
            await start_notice(
                NotifyParams(
                    email=params.email, change=Change.PASSWORD_RESET, changed_at=self._reset_at
                )
            )
        return PasswordResetOutcome(status=self._status)

    # -- step 1: a code ---------------------------------------------------------------------

    @workflow.update
    def request_code(self) -> CodeRequested:
        """A new code; the previous one is void from now on. The run loop delivers it."""
        return CodeRequested(expires_at=self._code.issue())

    @request_code.validator
    def _validate_request_code(self) -> None:
        self._check_pending()

    # -- step 2: code + answer + new password -----------------------------------------------

    @workflow.update
    async def complete(self, request: CompleteReset) -> ResetResult:
        verdict = await self._code.judge(request.code_digest if request.answer_ok else _NO_MATCH)
        if verdict is Verdict.VOID:
            return ResetResult(outcome=ResetOutcome.VOID)
        if verdict is not Verdict.ACCEPTED:
            return ResetResult(outcome=ResetOutcome.INVALID)
        self._busy = True
        try:
            await workflow.execute_activity_method(
                AccountActivities.apply_password_reset,
                ApplyPasswordReset(
                    subscriber_id=self._params.subscriber_id,
                    email=self._params.email,
                    password_hash=request.password_hash,
                    client=request.client,
                ),
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=_DB_RETRY,
            )
        except ActivityError as error:
            self._busy = False
            if isinstance(error.cause, ApplicationError) and error.cause.type == SUBSCRIBER_GONE:
                self._status = PasswordResetStatus.WITHDRAWN
                return ResetResult(outcome=ResetOutcome.INVALID)
            self._code.restore(request.code_digest)  # nothing changed: the code stays good
            raise
        self._reset_at = workflow.now()
        self._status = PasswordResetStatus.RESET
        self._busy = False
        return ResetResult(outcome=ResetOutcome.RESET)

    @complete.validator
    def _validate_complete(self, request: CompleteReset) -> None:
        self._check_pending()

    # -- the identifier changed, or the space closed -----------------------------------------

    @workflow.signal
    def withdraw(self) -> None:
        """No answer is due: the code simply stops being good."""
        if self._status is PasswordResetStatus.AWAITING_CODE and not self._busy:
            self._status = PasswordResetStatus.WITHDRAWN

    @workflow.query
    def status(self) -> PasswordResetStatus:
        """For ops and the service: the status alone, no personal data."""
        return self._status

    def _check_pending(self) -> None:
        if self._status is not PasswordResetStatus.AWAITING_CODE or self._busy:
            raise ApplicationError(
                "no reset is pending", type=ResetRejection.NOT_PENDING, non_retryable=True
            )
