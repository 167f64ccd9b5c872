"""One adhésion request: a company's code sent by post, then 60 days to type it.

The workflow owns the request's clock and its code through the one code mechanism
(`workflows.code_challenge`), delivered by the letter channel (`channels.letter`): each letter
is one generation of the challenge, a new letter voids the previous code, five wrong tries void
the current one, and past the deadline the request expires. Every transition is mirrored into
the adhésions table by an activity, which is what « Mes adhésions » reads.

Nothing personal is held here: the adhésion's random ID stands for the subscriber and the
company (the letter channel reads their name and address from the database when it prints), and
the code comes back from the delivery only as a keyed digest.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.adhesions import AdhesionActivities
    from activities.inputs import RecordAdhesion
    from domain.client_description import NO_CLIENT, ClientDescription
    from domain.codes import ChannelKind, CodePurpose
    from domain.models import AdhesionStatus
    from orchestration.search_attributes import ACTIVATION_DEADLINE, ADHESION_STATUS
    from security.keyed_hash import digests_equal
    from workflows.adhesion_messages import (
        ActivateAdhesion,
        AdhesionActivation,
        AdhesionActivationOutcome,
        AdhesionOutcome,
        AdhesionParams,
        AdhesionState,
        LetterResult,
    )
    from workflows.code_challenge import ChallengeRules, CodeChallenge, Verdict

NOT_PENDING = "not_pending"
_DB_RETRY = RetryPolicy(initial_interval=timedelta(milliseconds=500), maximum_attempts=10)
_VERDICTS = {
    Verdict.WRONG: AdhesionActivationOutcome.INVALID_CODE,
    # No code to judge: none has gone out yet, or it was used. Any code is wrong then.
    Verdict.NONE: AdhesionActivationOutcome.INVALID_CODE,
    Verdict.VOID: AdhesionActivationOutcome.CODE_VOID,
    Verdict.EXPIRED: AdhesionActivationOutcome.EXPIRED,
}


@workflow.defn
class AdhesionWorkflow:
    @workflow.init
    def __init__(self, params: AdhesionParams) -> None:
        self._params = params
        self._status = AdhesionStatus.PENDING
        self._code = CodeChallenge(
            CodePurpose.ADHESION,
            ChallengeRules(
                validity=params.window,
                max_attempts=params.max_code_attempts,
                max_resends=params.max_resends,
            ),
            channel=ChannelKind.LETTER,
        )
        # True while an accepted code is being recorded: the deadline waits for it.
        self._busy = False
        # The digest of the accepted code: the same activation sent again (a double click, a
        # client retrying after a timeout) gets the same answer instead of a refusal.
        self._accepted: str | None = None
        self._activated_at: datetime | None = None

    @workflow.run
    async def run(self, params: AdhesionParams) -> AdhesionOutcome:
        self._set_status(AdhesionStatus.PENDING)
        self._code.issue()  # the first letter
        served = await self._code.serve(
            params.adhesion_id,
            done=lambda: self._status is not AdhesionStatus.PENDING,
            hold=lambda: self._busy,
            on_delivered=lambda deadline: workflow.upsert_search_attributes(
                [ACTIVATION_DEADLINE.value_set(deadline)]
            ),
        )
        if not served and self._status is AdhesionStatus.PENDING:
            # Past the deadline (or no letter could be handed over for that long).
            self._set_status(AdhesionStatus.EXPIRED)
            self._code.void()
            await self._record(AdhesionStatus.EXPIRED)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return AdhesionOutcome(status=self._status)

    # -- « Activer une adhésion » -------------------------------------------------------------

    @workflow.update
    async def activate(self, request: ActivateAdhesion) -> AdhesionActivation:
        if self._accepted is not None and digests_equal(request.code_digest, self._accepted):
            await workflow.wait_condition(lambda: not self._busy)
            if self._status is AdhesionStatus.ACTIVE:
                return self._activated()
        if self._status is not AdhesionStatus.PENDING or self._busy:
            return AdhesionActivation(outcome=AdhesionActivationOutcome.NOT_PENDING)
        verdict = await self._code.judge(request.code_digest)
        if verdict is not Verdict.ACCEPTED:
            return AdhesionActivation(outcome=_VERDICTS[verdict])
        self._busy = True
        self._accepted = request.code_digest
        try:
            await self._record(AdhesionStatus.ACTIVE, request.client)
        except BaseException:
            self._accepted = None
            self._code.restore(request.code_digest)  # nothing changed: the code stays good
            raise
        finally:
            self._busy = False
        self._activated_at = workflow.now()
        self._set_status(AdhesionStatus.ACTIVE)
        return self._activated()

    def _activated(self) -> AdhesionActivation:
        return AdhesionActivation(
            outcome=AdhesionActivationOutcome.ACTIVATED, activated_at=self._activated_at
        )

    # -- a new letter -------------------------------------------------------------------------

    @workflow.update
    def new_letter(self) -> LetterResult:
        """Void the current code and post a new one (the run loop delivers it); limited."""
        earliest = self._code.resend()
        return LetterResult(
            sent=earliest is not None,
            expires_at=self._code.expires_at,
            letters_sent=self._code.generation,
        )

    @new_letter.validator
    def _validate_new_letter(self) -> None:
        self._check_pending()

    # -- withdraw -----------------------------------------------------------------------------

    @workflow.update
    async def withdraw(self) -> AdhesionOutcome:
        """The subscriber takes the request back: the code dies with it."""
        self._set_status(AdhesionStatus.WITHDRAWN)
        self._code.void()
        await self._record(AdhesionStatus.WITHDRAWN)
        return AdhesionOutcome(status=self._status)

    @withdraw.validator
    def _validate_withdraw(self) -> None:
        self._check_pending()

    # -- queries ------------------------------------------------------------------------------

    @workflow.query
    def state(self) -> AdhesionState:
        """For ops and tests: no personal data."""
        return AdhesionState(
            status=self._status,
            letters_sent=self._code.generation,
            letter_delivered=self._code.delivered,
            expires_at=self._code.expires_at if self._status is AdhesionStatus.PENDING else None,
        )

    # -- helpers ------------------------------------------------------------------------------

    def _check_pending(self) -> None:
        if self._status is not AdhesionStatus.PENDING or self._busy:
            raise ApplicationError("the request awaits no code", type=NOT_PENDING)

    async def _record(self, status: AdhesionStatus, client: ClientDescription = NO_CLIENT) -> None:
        await workflow.execute_activity_method(
            AdhesionActivities.record_adhesion,
            RecordAdhesion(
                adhesion_id=self._params.adhesion_id,
                status=status,
                at=workflow.now(),
                client=client,
            ),
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=_DB_RETRY,
        )

    def _set_status(self, status: AdhesionStatus) -> None:
        self._status = status
        workflow.upsert_search_attributes([ADHESION_STATUS.value_set(status.value)])
