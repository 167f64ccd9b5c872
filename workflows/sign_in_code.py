"""The second step at sign-in by e-mail (SPEC §9): a 6-digit code, 10 minutes, 5 tries.

A thin process around the shared code challenge (workflows.code_challenge), like the password
reset: each sign-in from a browser not recognised issues a new code (the previous one is void at
once), the challenge delivers it, judges the tries and expires it on a durable timer. One run per
subscriber at a time (the workflow ID is a keyed hash of the subscriber number): a killed API
process or worker loses nothing, the code's state is here. The service opens the session once a
code is passed; the workflow then ends.
"""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.codes import CodePurpose
    from workflows.code_challenge import ChallengeRules, CodeChallenge, Verdict
    from workflows.sign_in_code_messages import (
        JudgeSignInCode,
        RequestSignInCode,
        SignInCodeJudged,
        SignInCodeOutcome,
        SignInCodeParams,
        SignInCodeRejection,
        SignInCodeRequested,
        SignInCodeStatus,
        SignInVerdict,
    )

_VERDICTS = {
    Verdict.ACCEPTED: SignInVerdict.PASSED,
    Verdict.WRONG: SignInVerdict.WRONG,
    Verdict.VOID: SignInVerdict.VOID,
    Verdict.EXPIRED: SignInVerdict.EXPIRED,
    Verdict.NONE: SignInVerdict.NONE,
}


@workflow.defn
class SignInCodeWorkflow:
    @workflow.init
    def __init__(self, params: SignInCodeParams) -> None:
        self._code = CodeChallenge(
            CodePurpose.SIGN_IN,
            ChallengeRules(
                validity=params.validity,
                max_attempts=params.max_attempts,
                max_resends=params.max_resends,
            ),
        )
        self._status = SignInCodeStatus.AWAITING_CODE

    @workflow.run
    async def run(self, params: SignInCodeParams) -> SignInCodeOutcome:
        await workflow.wait_condition(lambda: self._code.generation > 0)
        served = await self._code.serve(
            params.email, done=lambda: self._status is not SignInCodeStatus.AWAITING_CODE
        )
        if not served and self._status is SignInCodeStatus.AWAITING_CODE:
            self._status = SignInCodeStatus.EXPIRED
        await workflow.wait_condition(workflow.all_handlers_finished)
        return SignInCodeOutcome(status=self._status)

    @workflow.update
    def request_code(self, request: RequestSignInCode) -> SignInCodeRequested:
        """A new code; the previous one is void from now on. The run loop delivers it."""
        expires_at = self._code.resend() if request.resend else self._code.issue()
        if expires_at is None:
            raise ApplicationError(
                "no more codes", type=SignInCodeRejection.RESEND_LIMIT, non_retryable=True
            )
        return SignInCodeRequested(expires_at=expires_at)

    @request_code.validator
    def _validate_request_code(self, request: RequestSignInCode) -> None:
        self._check_pending()
        if request.resend and not self._code.can_resend:
            raise ApplicationError(
                "no more codes", type=SignInCodeRejection.RESEND_LIMIT, non_retryable=True
            )

    @workflow.update
    async def judge(self, request: JudgeSignInCode) -> SignInCodeJudged:
        verdict = _VERDICTS[await self._code.judge(request.code_digest)]
        if verdict is SignInVerdict.PASSED:
            self._status = SignInCodeStatus.PASSED
        return SignInCodeJudged(verdict=verdict)

    @judge.validator
    def _validate_judge(self, request: JudgeSignInCode) -> None:
        self._check_pending()

    @workflow.query
    def status(self) -> SignInCodeStatus:
        """For ops: the status alone, no personal data."""
        return self._status

    def _check_pending(self) -> None:
        if self._status is not SignInCodeStatus.AWAITING_CODE:
            raise ApplicationError(
                "no code is pending", type=SignInCodeRejection.NOT_PENDING, non_retryable=True
            )
