"""The code challenge every process with a code embeds: issue, deliver, judge, expire, resend.

Deterministic workflow code (no I/O): the code is derived and sent by the delivery activity
(activities.code_delivery), and only its keyed digest comes back. One code per generation by
construction: a retried delivery derives the same code from the same (process, run, generation).
See docs/code-challenge.md.

    challenge = CodeChallenge(CodePurpose.ACTIVATION, ChallengeRules(validity=timedelta(hours=48)))
    challenge.issue()                                  # in an update: generation 1, pending
    ended = await challenge.serve(recipient, done=...)  # in the run loop: deliver, then the clock
    verdict = await challenge.judge(code_digest)        # in an update: accepted, wrong, void …
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, Field
from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.code_delivery import CodeDeliveryActivities
    from activities.inputs import DeliverCode
    from domain.codes import ChannelKind, CodePurpose
    from security.keyed_hash import digests_equal

# A worker that dies mid-delivery is noticed after the heartbeat timeout and the attempt goes to
# another worker; an attempt that hangs (a mute SMTP server) ends at the start-to-close timeout.
DELIVERY_HEARTBEAT_TIMEOUT = timedelta(seconds=3)
DELIVERY_ATTEMPT_TIMEOUT = timedelta(seconds=30)
# Retried with backoff for as long as the code could be used (the schedule-to-close timeout is
# the code's validity): a channel down for an hour delays the code, it does not lose it.
DELIVERY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=0,
)
# A code typed while its delivery is still being recorded waits for the record this long.
JUDGE_WAIT = timedelta(seconds=10)


class Verdict(StrEnum):
    ACCEPTED = "accepted"  # right code: it is now used up
    WRONG = "wrong"  # counted towards the attempt limit
    VOID = "void"  # too many wrong attempts: only a new code helps
    EXPIRED = "expired"  # past the deadline
    NONE = "none"  # no code to judge (none issued, used up, or not delivered yet)


class ChallengeRules(BaseModel):
    validity: timedelta
    max_attempts: int = Field(default=5, ge=1)
    max_resends: int = Field(default=3, ge=0)


class CodeChallenge:
    """State and rules of one process's code; embed one per code in a workflow instance."""

    def __init__(
        self,
        purpose: CodePurpose,
        rules: ChallengeRules,
        channel: ChannelKind = ChannelKind.EMAIL,
    ) -> None:
        self.purpose = purpose
        self.rules = rules
        self.channel = channel
        self.generation = 0
        self.attempts = 0
        self.resends = 0
        self.issued_at: datetime | None = None
        self.sent_at: datetime | None = None
        self.delivery_failed = False
        self._digest: str | None = None

    # -- state ----------------------------------------------------------------------------------

    @property
    def pending(self) -> bool:
        """Issued, and not delivered yet (the delivery activity is at work)."""
        return self.generation > 0 and self.sent_at is None and not self.delivery_failed

    @property
    def delivered(self) -> bool:
        return self.sent_at is not None

    @property
    def expires_at(self) -> datetime | None:
        """The deadline: validity from the sending. While the code is on its way, the earliest
        it can be (validity from the issue); it only ever moves later."""
        start = self.sent_at or self.issued_at
        return None if start is None else start + self.rules.validity

    def expired(self) -> bool:
        deadline = self.expires_at
        return deadline is not None and workflow.now() >= deadline

    @property
    def can_resend(self) -> bool:
        return self.resends < self.rules.max_resends

    # -- issue ----------------------------------------------------------------------------------

    def issue(self) -> datetime:
        """A new generation: the previous code is void at once, the new one awaits delivery.
        Returns the earliest deadline (validity from now)."""
        self.generation += 1
        self._digest = None
        self.attempts = 0
        self.sent_at = None
        self.delivery_failed = False
        self.issued_at = workflow.now()
        return self.issued_at + self.rules.validity

    def resend(self) -> datetime | None:
        """A new code if the resend limit allows it (None otherwise)."""
        if not self.can_resend:
            return None
        self.resends += 1
        return self.issue()

    def void(self) -> None:
        self._digest = None

    # -- delivery -------------------------------------------------------------------------------

    async def deliver(self, recipient: str, extra: dict[str, str] | None = None) -> bool:
        """Run the delivery activity for the current generation. True once delivered; False if
        a newer generation superseded it meanwhile, or the channel failed for the code's whole
        validity (`delivery_failed`)."""
        generation = self.generation
        assert self.issued_at is not None, "issue() first"
        info = workflow.info()
        try:
            delivered = await workflow.execute_activity_method(
                CodeDeliveryActivities.deliver_code,
                DeliverCode(
                    purpose=self.purpose,
                    channel=self.channel,
                    process_id=info.workflow_id,
                    run_id=info.run_id,
                    generation=generation,
                    recipient=recipient,
                    validity=self.rules.validity,
                    not_before=self.issued_at,
                    extra=extra or {},
                ),
                schedule_to_close_timeout=self.rules.validity,
                start_to_close_timeout=DELIVERY_ATTEMPT_TIMEOUT,
                heartbeat_timeout=DELIVERY_HEARTBEAT_TIMEOUT,
                retry_policy=DELIVERY_RETRY,
            )
        except ActivityError:
            workflow.logger.warning("code delivery gave up after the code's validity")
            if generation == self.generation:
                self.delivery_failed = True
            return False
        if generation != self.generation:
            return False  # a newer code was issued while this one was sent
        self._digest = delivered.code_digest
        self.sent_at = delivered.sent_at
        return True

    async def serve(
        self,
        recipient: str,
        done: Callable[[], bool],
        *,
        hold: Callable[[], bool] = lambda: False,
        on_delivered: Callable[[datetime], None] | None = None,
        extra: dict[str, str] | None = None,
    ) -> bool:
        """The owner's main loop while the code can be used: deliver each new generation, then
        wait until `done()`, a new generation, or the deadline. True when `done()`; False when
        the code expired or could not be delivered. While `hold()` (an accepted code is being
        acted on) the deadline waits for it."""
        while not done():
            if self.pending:
                if await self.deliver(recipient, extra):
                    if on_delivered is not None and self.expires_at is not None:
                        on_delivered(self.expires_at)
                elif self.delivery_failed:
                    return False
                continue
            generation = self.generation
            deadline = self.expires_at
            assert deadline is not None, "issue() first"
            remaining = deadline - workflow.now()

            def new_code_or_done(seen: int = generation) -> bool:
                return self.generation != seen or done()

            try:
                if remaining <= timedelta(0):
                    raise TimeoutError
                await workflow.wait_condition(new_code_or_done, timeout=remaining)
            except TimeoutError:
                if hold():
                    await workflow.wait_condition(lambda: not hold())
                elif self.generation == generation and not done():
                    return False
        return True

    # -- judging --------------------------------------------------------------------------------

    async def settled(self, wait: timedelta = JUDGE_WAIT) -> bool:
        """Wait (at most `wait`) for a pending delivery to be recorded; True if none is pending.

        A code can reach its holder a moment before the workflow learns of it (and longer if a
        worker died after the channel took the message): judging or replacing it waits for the
        record rather than refuse the right code or void a code that just went out."""
        if not self.pending:
            return True
        try:
            await workflow.wait_condition(lambda: not self.pending, timeout=wait)
        except TimeoutError:
            return False
        return True

    async def judge(self, code_digest: str) -> Verdict:
        """Judge one attempt, in constant time. A right code is used up (single use)."""
        if not await self.settled():
            return Verdict.NONE
        if self._digest is None:
            return Verdict.NONE
        if self.attempts >= self.rules.max_attempts:
            return Verdict.VOID
        if self.expired():
            return Verdict.EXPIRED
        if not digests_equal(code_digest, self._digest):
            self.attempts += 1
            return Verdict.WRONG
        self._digest = None
        return Verdict.ACCEPTED

    def restore(self, code_digest: str) -> None:
        """An accepted code whose effect failed (nothing was created) is good again."""
        self._digest = code_digest
