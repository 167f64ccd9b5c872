"""One enrollment, from the identifiers to the activated subscriber (or its expiry).

The workflow holds the draft, answers the user's messages as Updates (the caller needs the
answer at once), and owns the two clocks of the procedure: the idle time before confirmation and
the activation window after the e-mail. It never sees a password, a trust answer or a code in
clear, and it does no I/O itself: every side effect is an activity.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import (
    RetryPolicy,
    SearchAttributePair,
    SearchAttributeUpdate,
    TypedSearchAttributes,
)
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.company import CompanyActivities
    from activities.inputs import (
        CreateSubscriber,
        LookupCompany,
        RecordInvitation,
        RenderRecap,
        ServiceEventInput,
    )
    from activities.invitations import InvitationActivities
    from activities.subscribers import SubscriberActivities
    from activities.webhooks import WebhookActivities
    from domain.codes import INVITING_SERVICE, CodePurpose
    from domain.models import Details, EnrollmentStatus, InvitationStatus
    from domain.problems import ProblemCode
    from domain.webhooks import EventType
    from observability.enrollment_metrics import EnrollmentEvent, enrollment_counter_name
    from orchestration.search_attributes import (
        ACTIVATION_DEADLINE,
        ENROLLMENT_STATUS,
        SERVICE_CLIENT,
    )
    from security.keyed_hash import digests_equal
    from workflows.code_challenge import ChallengeRules, CodeChallenge, Verdict
    from workflows.enrollment_messages import (
        AcceptInvitation,
        Activate,
        ActivationResult,
        Confirmed,
        DraftDetails,
        DraftRef,
        EmailDelivery,
        EnrollmentActivationOutcome,
        EnrollmentOutcome,
        EnrollmentParams,
        EnrollmentView,
        FillInvitation,
        InvitationAnswers,
        InvitationState,
        InvitationView,
        Invite,
        Invited,
        OpenInvitation,
        OpenOutcome,
        Recap,
        ResendResult,
        SetIdentifiers,
        SubmitDetails,
        Withdraw,
    )

# The activation answers as soon as the subscriber exists; the recap is rendered afterwards
# (and on demand by the API if someone asks for it first).
RECAP_AFTER_ANSWER = "recap-after-activation-answer"
# Confirm and resend answer at once; the run loop delivers the code through the code challenge
# (workflows.code_challenge), retrying for as long as the code could be used. Deprecated: no run
# from before it is left (the old path, the code sent inside the update, is gone), so every run
# takes this path; the marker is still written for runs that replay next to ones that recorded
# it, until the call goes too (docs/workflows.md, « Retiring a patch »).
CODE_CHALLENGE = "code-challenge"
# How long confirm waits for the e-mail to go out before answering "pending".
CONFIRM_WAIT = timedelta(seconds=1)
# A code's deadline is indexed (ActivationDeadline) when the code is issued; its delivery, which
# moves the deadline later by the time the e-mail took, indexes it again only when that took
# CONFIRM_WAIT or more. The search may then show a deadline up to a second early, and the run
# saves a workflow task that upserts (a visibility write on the server) per code delivered.
DEADLINE_INDEXED_ONCE = "deadline-indexed-once"

DRAFTING = (EnrollmentStatus.IDENTIFIERS_SET, EnrollmentStatus.AWAITING_CONFIRMATION)
_CONFIRMED = (EnrollmentStatus.AWAITING_ACTIVATION, EnrollmentStatus.ACTIVATED)
# A code that can be typed: the public enrollment's after confirmation, an invitation's.
_AWAITING_CODE = (EnrollmentStatus.AWAITING_ACTIVATION, EnrollmentStatus.INVITED)
# How an invited enrollment's end reads for its service (and its webhooks).
_INVITATION_STATUS = {
    EnrollmentStatus.INVITED: InvitationStatus.INVITED,
    EnrollmentStatus.ACTIVATED: InvitationStatus.ACTIVATED,
    EnrollmentStatus.WITHDRAWN: InvitationStatus.WITHDRAWN,
    # Ended without a subscriber: past the deadline, or the address became a subscriber's
    # meanwhile (an e-mail change) and the invitation could not be accepted.
    EnrollmentStatus.EXPIRED: InvitationStatus.EXPIRED,
    EnrollmentStatus.ABANDONED: InvitationStatus.EXPIRED,
}
# The service's webhook event for each status it learns of.
_EVENT_TYPES = {
    InvitationStatus.INVITED: EventType.INVITED,
    InvitationStatus.ACTIVATED: EventType.ACTIVATED,
    InvitationStatus.EXPIRED: EventType.EXPIRED,
    InvitationStatus.WITHDRAWN: EventType.WITHDRAWN,
}
_RECORD_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
)

# The look-up heartbeats: a dead worker's attempt moves to another worker within seconds.
_LOOKUP_RETRY = RetryPolicy(initial_interval=timedelta(milliseconds=200), maximum_attempts=3)
_LOOKUP_HEARTBEAT = timedelta(seconds=3)
_DB_RETRY = RetryPolicy(initial_interval=timedelta(milliseconds=500), maximum_attempts=10)

# The transitions ops count (observability.enrollment_metrics): entering each of these statuses.
_COUNTED = {
    EnrollmentStatus.AWAITING_ACTIVATION: EnrollmentEvent.CONFIRMED,
    EnrollmentStatus.ACTIVATED: EnrollmentEvent.ACTIVATED,
    EnrollmentStatus.EXPIRED: EnrollmentEvent.EXPIRED,
    EnrollmentStatus.ABANDONED: EnrollmentEvent.ABANDONED,
}


# The type create_subscriber failed with before the one ProblemCode: recorded histories hold it.
_RECORDED_ALREADY_SUBSCRIBED = "AlreadySubscribed"


def _drafting_status(details: DraftDetails | None) -> EnrollmentStatus:
    return EnrollmentStatus.AWAITING_CONFIRMATION if details else EnrollmentStatus.IDENTIFIERS_SET


def starting_search_attributes(request: SetIdentifiers) -> TypedSearchAttributes:
    """What a new enrollment is started with, when `request` starts it: the status its first
    `set_identifiers` gives it, indexed with the start instead of by an upsert of its own (a
    workflow task that upserts costs the server a visibility write)."""
    status = _drafting_status(request.carried)
    return TypedSearchAttributes([SearchAttributePair(ENROLLMENT_STATUS, status.value)])


def _reject(reason: ProblemCode, message: str) -> ApplicationError:
    return ApplicationError(message, type=reason.value, non_retryable=True)


@workflow.defn
class EnrollmentWorkflow:
    @workflow.init
    def __init__(self, params: EnrollmentParams) -> None:
        self._params = params
        self._status = EnrollmentStatus.IDENTIFIERS_SET
        self._draft_key_digest = ""
        self._identifiers: SetIdentifiers | None = None
        self._details: DraftDetails | None = None
        # An invitation's code says who invited the person (its own e-mail text and digest).
        self._code = CodeChallenge(
            CodePurpose.INVITATION if params.invited else CodePurpose.ACTIVATION,
            ChallengeRules(
                validity=params.activation_window,
                max_attempts=params.max_code_attempts,
                max_resends=params.max_resends,
            ),
        )
        # Confirmation asked for; the first answer to it, given again to a retried confirm.
        self._confirm_requested = False
        self._confirmed: Confirmed | None = None
        # The code being used to activate, and the answer: the same code sent again while the
        # activation runs gets the same answer.
        self._accepted_digest: str | None = None
        self._activation: ActivationResult | None = None
        self._subscriber_id: int | None = None
        self._activated_at: datetime | None = None
        # The code's deadline as last indexed, and whether a delivery within CONFIRM_WAIT of
        # it leaves it so (DEADLINE_INDEXED_ONCE; runs recorded before it index every one).
        self._indexed_deadline: datetime | None = None
        self._deadline_indexed_once = False
        # Bumped by every message that touches the draft: restarts the idle clock.
        self._touches = 0
        # True while an update runs activities (sending the code, creating the subscriber):
        # the clocks wait for it, and concurrent updates are refused.
        self._busy = False
        # The invited path (SPEC §8): who invited, and what the person added so far.
        self._invitation: Invite | None = None
        self._answers = InvitationAnswers()
        # The status the run was started with (starting_search_attributes), until another is
        # set: setting it again upserts nothing. None for a run started without one (an
        # invitation, or before the API gave it), which upserts every status it sets.
        self._status_from_start = workflow.info().typed_search_attributes.get(ENROLLMENT_STATUS)

    @workflow.run
    async def run(self, params: EnrollmentParams) -> EnrollmentOutcome:
        _count(EnrollmentEvent.STARTED)
        await self._wait_for_confirmation()
        if self._status is EnrollmentStatus.INVITED:
            # Only an `invite` leads here: no run recorded before invitations takes this path.
            await self._wait_for_acceptance()
        else:
            await self._wait_for_activation()
        if self._subscriber_id is not None and workflow.patched(RECAP_AFTER_ANSWER):
            await self._render_recap(self._subscriber_id)
        await workflow.wait_condition(lambda: not self._busy and workflow.all_handlers_finished())
        if self._status is not EnrollmentStatus.ACTIVATED:
            self._forget_draft()
        if self._invitation is not None:
            await self._record_invitation()
        return EnrollmentOutcome(status=self._status, subscriber_id=self._subscriber_id)

    async def _wait_for_confirmation(self) -> None:
        while self._status in DRAFTING:
            touches = self._touches

            def touched_or_done(seen: int = touches) -> bool:
                return self._touches != seen or self._status not in DRAFTING

            try:
                await workflow.wait_condition(touched_or_done, timeout=self._params.idle_timeout)
            except TimeoutError:
                if self._busy:
                    await workflow.wait_condition(lambda: not self._busy)
                elif self._status in DRAFTING:
                    self._set_status(EnrollmentStatus.ABANDONED)

    async def _wait_for_activation(self) -> None:
        if self._status is not EnrollmentStatus.AWAITING_ACTIVATION:
            return
        assert self._identifiers is not None
        served = await self._code.serve(
            self._identifiers.email,
            done=lambda: self._status is not EnrollmentStatus.AWAITING_ACTIVATION,
            hold=lambda: self._busy,
            on_delivered=self._code_sent,
        )
        if not served:
            self._set_status(EnrollmentStatus.EXPIRED)

    async def _wait_for_acceptance(self) -> None:
        """The invitation's code is served like an activation code: delivered at once, valid
        48 h from its sending, renewed by a resend; at the deadline the invitation expires."""
        assert self._invitation is not None
        served = await self._code.serve(
            self._invitation.email,
            done=lambda: self._status is not EnrollmentStatus.INVITED,
            hold=lambda: self._busy,
            on_delivered=self._code_sent,
            extra={INVITING_SERVICE: self._invitation.invited_by.client_name},
        )
        if not served:
            self._set_status(EnrollmentStatus.EXPIRED)

    def _code_sent(self, deadline: datetime) -> None:
        indexed = self._indexed_deadline
        if (
            self._deadline_indexed_once
            and indexed is not None
            and deadline - indexed < CONFIRM_WAIT
        ):
            return
        self._index_deadline(deadline)

    def _index_deadline(self, deadline: datetime, *also: SearchAttributeUpdate[Any]) -> None:
        """Upsert the deadline (with `also`, in the same command) and remember it."""
        self._indexed_deadline = deadline
        workflow.upsert_search_attributes([*also, ACTIVATION_DEADLINE.value_set(deadline)])

    # -- step 1: identifiers ------------------------------------------------------------------

    @workflow.update
    def set_identifiers(self, request: SetIdentifiers) -> Recap:
        """Create the draft, or replace an unconfirmed draft of the same identifier."""
        keep = request.keep_details_of is not None and digests_equal(
            request.keep_details_of, self._draft_key_digest
        )
        if not keep:
            self._details = request.carried
        self._draft_key_digest = request.draft_key_digest
        self._identifiers = request.model_copy(update={"carried": None, "keep_details_of": None})
        self._set_status(_drafting_status(self._details))
        self._touches += 1
        return self._recap()

    @set_identifiers.validator
    def _validate_set_identifiers(self, request: SetIdentifiers) -> None:
        if self._status in _AWAITING_CODE or self._invitation is not None:
            raise _reject(ProblemCode.ACTIVATION_PENDING, "an enrollment awaits activation")
        if self._status is EnrollmentStatus.ACTIVATED:
            raise _reject(ProblemCode.ALREADY_SUBSCRIBED, "the identifier is subscribed")
        if self._status not in DRAFTING or self._busy:
            raise _reject(ProblemCode.CONFLICT, "the enrollment cannot be replaced now")

    # -- step 2: details ----------------------------------------------------------------------

    @workflow.update
    async def submit_details(self, request: SubmitDetails) -> Recap:
        self._touches += 1
        company = request.details.company
        found = await workflow.execute_activity_method(
            CompanyActivities.lookup_company,
            LookupCompany(identifier=company.identifier, foreign=company.foreign),
            start_to_close_timeout=timedelta(seconds=10),
            heartbeat_timeout=_LOOKUP_HEARTBEAT,
            retry_policy=_LOOKUP_RETRY,
        )
        # The draft may have been replaced or confirmed while the look-up ran.
        self._check_draft(request.draft_key_digest, DRAFTING)
        answer_hash = request.trust_answer_hash or (
            self._details.trust_answer_hash if self._details else None
        )
        if answer_hash is None:
            raise _reject(ProblemCode.CONFLICT, "the trust answer is missing")
        self._details = DraftDetails(
            details=request.details, trust_answer_hash=answer_hash, company_name=found.name
        )
        self._set_status(EnrollmentStatus.AWAITING_CONFIRMATION)
        self._touches += 1
        return self._recap()

    @submit_details.validator
    def _validate_submit_details(self, request: SubmitDetails) -> None:
        self._check_draft(request.draft_key_digest, DRAFTING)

    # -- step 3: confirmation and the activation e-mail ---------------------------------------

    @workflow.update
    async def confirm(self, request: DraftRef) -> Confirmed:
        """Record the confirmation, let the run loop send the code, and answer within a second
        whatever SMTP does: "sent" with the e-mail's deadline when it went out by then, else
        "pending" with the earliest deadline. Every confirm of this enrollment (racing or
        retried) gets the first answer's deadline."""
        if not self._confirm_requested:
            self._confirm_requested = True
            workflow.deprecate_patch(CODE_CHALLENGE)
            self._touches += 1
            deadline = self._code.issue()
            # Asked here, in a workflow task that upserts anyway: the patch's own marker and
            # search attribute cost no visibility write of their own.
            self._deadline_indexed_once = workflow.patched(DEADLINE_INDEXED_ONCE)
            self._index_deadline(deadline)
            self._set_status(EnrollmentStatus.AWAITING_ACTIVATION)
        await self._code.settled(CONFIRM_WAIT)
        if self._confirmed is None:
            # The first confirm to get here fixes the answer; the others repeat it.
            expires_at = self._code.expires_at
            assert expires_at is not None
            self._confirmed = Confirmed(
                status=EnrollmentStatus.AWAITING_ACTIVATION,
                activation_deadline=expires_at,
                email_delivery=self._email_delivery(),
            )
        return self._confirmed.model_copy(update={"email_delivery": self._email_delivery()})

    @confirm.validator
    def _validate_confirm(self, request: DraftRef) -> None:
        if self._confirm_requested:
            # A retried (or racing) confirm: answered like the first one.
            self._check_draft(request.draft_key_digest, _CONFIRMED, allow_busy=True)
            return
        self._check_draft(request.draft_key_digest, DRAFTING)
        if self._details is None:
            raise _reject(ProblemCode.DETAILS_MISSING, "details are missing")

    @workflow.update
    async def resend_code(self) -> ResendResult:
        """A new code voids the previous one and restarts the window; resends are limited.
        While a code is still on its way (for longer than a moment), asking again sends nothing
        more: the code on its way is the one to use."""
        if not self._code.can_resend or not await self._code.settled(CONFIRM_WAIT):
            return ResendResult(sent=False, activation_deadline=self._code.expires_at)
        workflow.deprecate_patch(CODE_CHALLENGE)
        self._touches += 1
        new_deadline = self._code.resend()
        return ResendResult(sent=new_deadline is not None, activation_deadline=new_deadline)

    @resend_code.validator
    def _validate_resend_code(self) -> None:
        if self._status not in _AWAITING_CODE or self._busy:
            raise _reject(ProblemCode.NOT_FOUND, "no enrollment awaits activation")

    def _email_delivery(self) -> EmailDelivery:
        return EmailDelivery.PENDING if self._code.pending else EmailDelivery.SENT

    # -- activation ---------------------------------------------------------------------------

    @workflow.update
    async def activate(self, request: Activate) -> ActivationResult:
        if (answer := await self._answer_in_progress(request.code_digest)) is not None:
            return answer
        refused = await self._refused_code(request.code_digest, "the activation window")
        if refused is not None:
            return refused
        if self._busy or self._status is not EnrollmentStatus.AWAITING_ACTIVATION:
            # Another activation won while this one waited for the code's delivery record.
            return ActivationResult(outcome=EnrollmentActivationOutcome.INVALID_CODE)
        assert self._identifiers is not None and self._details is not None
        return await self._create_subscriber(
            request.code_digest,
            CreateSubscriber(
                enrollment_key=f"{workflow.info().workflow_id}/{workflow.info().run_id}",
                email=self._identifiers.email,
                password_hash=self._identifiers.password_hash,
                details=self._details.details,
                company_name=self._details.company_name,
                trust_answer_hash=self._details.trust_answer_hash,
                terms_version=self._identifiers.terms_version,
                terms_accepted_at=self._identifiers.terms_accepted_at,
                activated_at=workflow.now(),
            ),
        )

    async def _create_subscriber(
        self, accepted_digest: str, subscriber: CreateSubscriber, *, restore_code: bool = True
    ) -> ActivationResult:
        """The one activation path, after a right code: the subscriber is created (once), the
        enrollment is activated, the recap follows. `accepted_digest` is what a retry of the
        same activation presents while it runs (the code's digest, or an opened invitation's
        key); on a failure that created nothing the code is good again."""
        self._busy = True
        self._accepted_digest = accepted_digest
        try:
            created = await workflow.execute_activity_method(
                SubscriberActivities.create_subscriber,
                subscriber,
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=_DB_RETRY,
            )
        except ActivityError as error:
            self._busy = False
            self._accepted_digest = None
            if isinstance(error.cause, ApplicationError) and error.cause.type in (
                ProblemCode.ALREADY_SUBSCRIBED,
                _RECORDED_ALREADY_SUBSCRIBED,
            ):
                self._set_status(EnrollmentStatus.ABANDONED)
                raise _reject(
                    ProblemCode.ALREADY_SUBSCRIBED, "the identifier is subscribed"
                ) from None
            if restore_code:
                self._code.restore(accepted_digest)  # nothing was created: the code stays good
            raise
        self._subscriber_id = created.subscriber_id
        self._activated_at = subscriber.activated_at
        self._set_status(EnrollmentStatus.ACTIVATED)
        self._busy = False
        self._activation = ActivationResult(
            outcome=EnrollmentActivationOutcome.ACTIVATED,
            subscriber_id=created.subscriber_id,
            subscriber_number=created.subscriber_number,
        )
        if not workflow.patched(RECAP_AFTER_ANSWER):
            # Histories from before the patch rendered the recap before answering.
            await self._render_recap(created.subscriber_id)
        return self._activation

    async def _answer_in_progress(self, presented: str) -> ActivationResult | None:
        """The same code (or key) while its activation runs — a client retrying after a
        timeout, a double click: the answer of that activation, once it is known. Once it is
        over the code is spent (single use) and a retry is judged, and refused, like any used
        code."""
        if self._busy and self._is_accepted_code(presented):
            await workflow.wait_condition(lambda: not self._busy)
            return self._activation
        return None

    async def _refused_code(self, code_digest: str, window: str) -> ActivationResult | None:
        """The answer to a code that does not activate; None for the right one (used up)."""
        match await self._code.judge(code_digest):
            case Verdict.VOID:
                return ActivationResult(outcome=EnrollmentActivationOutcome.CODE_VOID)
            case Verdict.WRONG | Verdict.NONE:
                return ActivationResult(outcome=EnrollmentActivationOutcome.INVALID_CODE)
            case Verdict.EXPIRED:
                raise _reject(ProblemCode.NOT_FOUND, f"{window} is over")
        return None

    @activate.validator
    def _validate_activate(self, request: Activate) -> None:
        if self._busy and self._is_accepted_code(request.code_digest):
            return  # answered like the activation in progress
        if self._status is not EnrollmentStatus.AWAITING_ACTIVATION or self._busy:
            raise _reject(ProblemCode.NOT_FOUND, "no enrollment awaits activation")
        if self._code.expired():
            raise _reject(ProblemCode.NOT_FOUND, "the activation window is over")

    async def _render_recap(self, subscriber_id: int) -> None:
        try:
            await workflow.execute_activity_method(
                SubscriberActivities.render_recap,
                RenderRecap(subscriber_id=subscriber_id),
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=RetryPolicy(maximum_attempts=3),
            )
        except ActivityError:
            # The subscriber exists; the API renders the recap on demand if it is missing.
            workflow.logger.warning("recap rendering failed; it will be rendered on demand")

    # -- the invited path (SPEC §8) ------------------------------------------------------------

    @workflow.update
    async def invite(self, request: Invite) -> Invited:
        """A service's invitation, sent with update-with-start: the enrollment begins invited
        with the details the service knows, the code goes out at once (the run loop delivers
        it), and the answer waits a second for the e-mail as a confirmation does."""
        self._invitation = request
        self._details = DraftDetails(details=request.details, trust_answer_hash="")
        self._touches += 1
        self._code.issue()
        self._deadline_indexed_once = workflow.patched(DEADLINE_INDEXED_ONCE)
        self._index_deadline(
            self._issued_deadline(), SERVICE_CLIENT.value_set(request.invited_by.client_id)
        )
        self._set_status(EnrollmentStatus.INVITED)
        company = request.details.company
        try:
            found = await workflow.execute_activity_method(
                CompanyActivities.lookup_company,
                LookupCompany(identifier=company.identifier, foreign=company.foreign),
                start_to_close_timeout=timedelta(seconds=10),
                heartbeat_timeout=_LOOKUP_HEARTBEAT,
                retry_policy=_LOOKUP_RETRY,
            )
        except ActivityError:
            # SPEC §2: a failed look-up never blocks the enrollment (the name shows as unknown).
            workflow.logger.warning("company look-up failed for an invitation")
        else:
            self._details = self._details.model_copy(update={"company_name": found.name})
        # `invited` whatever came meanwhile (a withdrawal is recorded at the end, after this).
        await self._record_invitation(InvitationStatus.INVITED)
        await self._code.settled(CONFIRM_WAIT)
        return Invited(
            status=self._status,
            expires_at=self._issued_deadline(),
            email_delivery=self._email_delivery(),
        )

    @invite.validator
    def _validate_invite(self, request: Invite) -> None:
        # Update-with-start finds the running enrollment of this identifier, if any: a pending
        # invitation or enrollment, even an unconfirmed draft, keeps the invitation out.
        if self._status is EnrollmentStatus.ACTIVATED:
            raise _reject(ProblemCode.ALREADY_SUBSCRIBED, "the identifier is subscribed")
        if self._invitation is not None or self._identifiers is not None:
            raise _reject(ProblemCode.ACTIVATION_PENDING, "an enrollment is pending")
        if self._status is not EnrollmentStatus.IDENTIFIERS_SET:
            raise _reject(ProblemCode.CONFLICT, "the enrollment is over")

    @workflow.update
    async def open_invitation(self, request: OpenInvitation) -> OpenOutcome:
        """The pages' first screen: a right code is used up and the browser's key takes its
        place for the screens that follow (until the invitation's deadline)."""
        match await self._code.judge(request.code_digest):
            case Verdict.VOID:
                return OpenOutcome.CODE_VOID
            case Verdict.WRONG | Verdict.NONE:
                return OpenOutcome.INVALID_CODE
            case Verdict.EXPIRED:
                raise _reject(ProblemCode.NOT_FOUND, "the invitation's window is over")
        if self._status is not EnrollmentStatus.INVITED:
            return OpenOutcome.INVALID_CODE
        self._draft_key_digest = request.draft_key_digest
        self._touches += 1
        return OpenOutcome.OPENED

    @open_invitation.validator
    def _validate_open_invitation(self, request: OpenInvitation) -> None:
        self._check_invited()

    @workflow.update
    def fill_invitation(self, request: FillInvitation) -> InvitationView:
        """The pages keep each screen's answers here, as a draft keeps its details."""
        self._answers = _merged(self._answers, request.answers)
        self._touches += 1
        return self._invitation_view()

    @fill_invitation.validator
    def _validate_fill_invitation(self, request: FillInvitation) -> None:
        self._check_invited()
        self._check_draft(request.draft_key_digest, (EnrollmentStatus.INVITED,))

    @workflow.update
    async def accept_invitation(self, request: AcceptInvitation) -> ActivationResult:
        """The person's last step: the code (or the opened invitation's key) is judged, then
        the same activation path as a public enrollment's creates the subscriber."""
        presented = request.code_digest or request.draft_key_digest or ""
        if (answer := await self._answer_in_progress(presented)) is not None:
            return answer
        by_code = request.code_digest is not None
        if by_code:
            refused = await self._refused_code(presented, "the invitation's window")
            if refused is not None:
                return refused
        if self._busy or self._status is not EnrollmentStatus.INVITED:
            return ActivationResult(outcome=EnrollmentActivationOutcome.INVALID_CODE)
        answers = _merged(self._answers, request.answers)
        subscriber = self._invited_subscriber(answers)
        if subscriber is None:
            if by_code:
                self._code.restore(presented)  # nothing to create yet: no try spent
            raise _reject(ProblemCode.DETAILS_MISSING, "the person's answers are incomplete")
        self._answers = answers
        return await self._create_subscriber(presented, subscriber, restore_code=by_code)

    @accept_invitation.validator
    def _validate_accept_invitation(self, request: AcceptInvitation) -> None:
        presented = request.code_digest or request.draft_key_digest or ""
        if self._busy and self._is_accepted_code(presented):
            return  # answered like the acceptance in progress
        self._check_invited()
        if request.code_digest is None:
            self._check_draft(request.draft_key_digest or "", (EnrollmentStatus.INVITED,))

    @workflow.update
    def withdraw(self, request: Withdraw) -> EnrollmentStatus:
        """The service takes back a pending invitation: it ends as a deadline would."""
        self._set_status(EnrollmentStatus.WITHDRAWN)
        return self._status

    @withdraw.validator
    def _validate_withdraw(self, request: Withdraw) -> None:
        if self._invitation is None or self._invitation.invitation_id != request.invitation_id:
            raise _reject(ProblemCode.NOT_FOUND, "unknown invitation")
        if self._status is not EnrollmentStatus.INVITED or self._busy:
            raise _reject(ProblemCode.INVITATION_CLOSED, "the invitation is over")

    @workflow.query
    def invitation_view(self, request: DraftRef) -> InvitationView:
        """The opened invitation as its holder sees it; nothing for anyone else."""
        if (
            self._invitation is None
            or not self._draft_key_digest
            or not digests_equal(request.draft_key_digest, self._draft_key_digest)
        ):
            return InvitationView(found=False)
        return self._invitation_view()

    @workflow.query
    def invitation_state(self) -> InvitationState:
        """For the service that invited (the API checks it is theirs): no personal data."""
        return InvitationState(
            invitation_id=self._invitation.invitation_id if self._invitation else None,
            status=self._status,
            expires_at=self._code.expires_at if self._status is EnrollmentStatus.INVITED else None,
            activated_at=self._activated_at,
            subscriber_number=self._activation.subscriber_number if self._activation else None,
        )

    def _check_invited(self) -> None:
        if self._status is not EnrollmentStatus.INVITED or self._busy:
            raise _reject(ProblemCode.NOT_FOUND, "no invitation awaits acceptance")
        if self._code.expired():
            raise _reject(ProblemCode.NOT_FOUND, "the invitation's window is over")

    def _issued_deadline(self) -> datetime:
        expires_at = self._code.expires_at
        assert expires_at is not None
        return expires_at

    def _invitation_view(self) -> InvitationView:
        assert self._invitation is not None and self._details is not None
        details = self._details.details
        if self._answers.contact is not None:
            details = details.model_copy(update={"contact": self._answers.contact})
        if self._answers.trust_question is not None:
            details = details.model_copy(update={"trust_question": self._answers.trust_question})
        return InvitationView(
            found=True,
            status=self._status,
            client_name=self._invitation.invited_by.client_name,
            email=self._invitation.email,
            details=details,
            company_name=self._details.company_name,
            expires_at=self._code.expires_at,
            terms_accepted=self._answers.terms_version is not None,
            secrets_given=self._answers.password_hash is not None
            and self._answers.trust_answer_hash is not None,
        )

    def _invited_subscriber(self, answers: InvitationAnswers) -> CreateSubscriber | None:
        """The subscriber an invitation creates, once the person gave everything."""
        assert self._invitation is not None and self._details is not None
        if (
            answers.terms_version is None
            or answers.terms_accepted_at is None
            or answers.password_hash is None
            or answers.trust_question is None
            or answers.trust_answer_hash is None
        ):
            return None
        details: Details = self._details.details.model_copy(
            update={
                "trust_question": answers.trust_question,
                "contact": answers.contact or self._details.details.contact,
            }
        )
        return CreateSubscriber(
            enrollment_key=f"{workflow.info().workflow_id}/{workflow.info().run_id}",
            email=self._invitation.email,
            password_hash=answers.password_hash,
            details=details,
            company_name=self._details.company_name,
            trust_answer_hash=answers.trust_answer_hash,
            terms_version=answers.terms_version,
            terms_accepted_at=answers.terms_accepted_at,
            activated_at=workflow.now(),
        )

    async def _record_invitation(self, status: InvitationStatus | None = None) -> None:
        """Keep the service's view of the invitation in step (its table row), then publish the
        matching webhook event to the service's endpoints (each delivered in order, durably, by
        the webhook delivery workflow)."""
        assert self._invitation is not None
        status = status or _INVITATION_STATUS[self._status]
        now = workflow.now()
        record = RecordInvitation(
            invitation_id=self._invitation.invitation_id,
            client_id=self._invitation.invited_by.client_id,
            external_reference=self._invitation.external_reference,
            status=status,
            at=now,
            expires_at=self._code.expires_at,
            subscriber_number=self._activation.subscriber_number if self._activation else None,
            activated_at=self._activated_at,
        )
        await workflow.execute_activity_method(
            InvitationActivities.record_invitation,
            record,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=_RECORD_RETRY,
        )
        await workflow.execute_activity_method(
            WebhookActivities.publish_service_event,
            ServiceEventInput(
                client_id=record.client_id,
                subject_id=record.invitation_id,
                event_type=_EVENT_TYPES[status],
                data=_event_data(record),
                occurred_at=now,
            ),
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=_RECORD_RETRY,
        )

    # -- « Quitter » --------------------------------------------------------------------------

    @workflow.update
    def abandon(self, request: DraftRef) -> EnrollmentStatus:
        self._set_status(EnrollmentStatus.ABANDONED)
        return self._status

    @abandon.validator
    def _validate_abandon(self, request: DraftRef) -> None:
        self._check_draft(request.draft_key_digest, DRAFTING)

    # -- queries ------------------------------------------------------------------------------

    @workflow.query
    def view(self, request: DraftRef) -> EnrollmentView:
        """The draft as its holder sees it; nothing for anyone else."""
        if not self._draft_key_digest or not digests_equal(
            request.draft_key_digest, self._draft_key_digest
        ):
            return EnrollmentView(found=False)
        return EnrollmentView(found=True, status=self._status, recap=self._recap())

    @workflow.query
    def draft_details(self, request: DraftRef) -> DraftDetails | None:
        """The details of an unconfirmed draft, to carry them over to a new identifier."""
        if self._status not in DRAFTING or not self._draft_key_digest:
            return None
        if not digests_equal(request.draft_key_digest, self._draft_key_digest):
            return None
        return self._details

    @workflow.query
    def status(self) -> EnrollmentStatus:
        """For ops: the status alone, no personal data."""
        return self._status

    # -- helpers ------------------------------------------------------------------------------

    def _check_draft(
        self,
        draft_key_digest: str,
        allowed: tuple[EnrollmentStatus, ...],
        *,
        allow_busy: bool = False,
    ) -> None:
        if not self._draft_key_digest or not digests_equal(
            draft_key_digest, self._draft_key_digest
        ):
            raise _reject(ProblemCode.NOT_FOUND, "unknown enrollment")
        if self._status not in allowed or (self._busy and not allow_busy):
            raise _reject(ProblemCode.CONFLICT, f"not possible in status {self._status.value}")

    def _is_accepted_code(self, code_digest: str) -> bool:
        return self._accepted_digest is not None and digests_equal(
            code_digest, self._accepted_digest
        )

    def _recap(self) -> Recap:
        awaiting = self._status is EnrollmentStatus.AWAITING_ACTIVATION
        return Recap(
            status=self._status,
            email=self._identifiers.email if self._identifiers else "",
            details=self._details.details if self._details else None,
            company_name=self._details.company_name if self._details else None,
            activation_deadline=self._code.expires_at if awaiting else None,
            email_delivery=self._email_delivery() if awaiting else None,
        )

    def _set_status(self, status: EnrollmentStatus) -> None:
        if status is not self._status and status in _COUNTED:
            _count(_COUNTED[status])
        self._status = status
        if status.value == self._status_from_start:
            return  # indexed with the start already
        self._status_from_start = None
        workflow.upsert_search_attributes([ENROLLMENT_STATUS.value_set(status.value)])

    def _forget_draft(self) -> None:
        """Expired or abandoned: drop everything the pre-registration held."""
        self._identifiers = None
        self._details = None
        self._answers = InvitationAnswers()
        self._code.void()


def _event_data(record: RecordInvitation) -> dict[str, str | None]:
    """A webhook's `data` (API.md): IDs, the service's reference, the status and its times;
    never a name, an address or a secret."""
    data: dict[str, str | None] = {
        "invitation_id": record.invitation_id,
        "external_reference": record.external_reference,
        "status": record.status.value,
    }
    match record.status:
        case InvitationStatus.INVITED:
            data["expires_at"] = _rfc3339(record.expires_at)
        case InvitationStatus.ACTIVATED:
            data["subscriber_number"] = record.subscriber_number
            data["activated_at"] = _rfc3339(record.activated_at)
        case _:
            data["ended_at"] = _rfc3339(record.at)
    return data


def _rfc3339(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _merged(kept: InvitationAnswers, given: InvitationAnswers) -> InvitationAnswers:
    """The answers given now over the ones kept (a None leaves a kept answer as it was)."""
    return InvitationAnswers.model_validate(
        {**kept.model_dump(), **given.model_dump(exclude_none=True)}
    )


def _count(event: EnrollmentEvent) -> None:
    # The workflow's meter records nothing during replay: one count per real transition.
    workflow.metric_meter().create_counter(
        enrollment_counter_name(event), f"Enrollments {event.value}."
    ).add(1)
