"""The enrollment procedure as services: the JSON API and the web pages both call these.

Rules are checked here (domain.rules) before anything reaches Temporal; secrets are hashed here
(argon2id, HMAC) so that the workflow only ever holds digests.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError

from domain.codes import is_code_shaped
from domain.models import DetailsForm, EnrollmentStatus, IdentifiersForm
from domain.problems import ProblemCode
from domain.rules import (
    check_details,
    check_identifiers,
    normalise_email,
    normalise_trust_answer,
)
from security.keyed_hash import (
    WORKFLOW_ID_PREFIX,
    KeyedHasher,
    draft_key_digest,
    make_enrollment_id,
    new_draft_key,
    parse_enrollment_id,
)
from security.passwords import SecretHasher
from services.errors import (
    Conflict,
    Expired,
    InvalidCode,
    NotFound,
    ServiceError,
    TooManyAttempts,
)
from services.throttle import Action, Throttle, count_in_thread
from services.workflow_calls import calls_by_code, start_or_join
from settings import Settings
from storage.subscribers import SubscriberRepository
from workflows.enrollment import EnrollmentWorkflow, starting_search_attributes
from workflows.enrollment_messages import (
    Activate,
    ActivationResult,
    Confirmed,
    DraftDetails,
    DraftRef,
    EnrollmentActivationOutcome,
    EnrollmentParams,
    Recap,
    SetIdentifiers,
    SubmitDetails,
)

log = logging.getLogger(__name__)

NOT_FOUND = "Inscription introuvable."
WRONG_CODE = "Identifiant ou code d'activation incorrect."
CODE_VOID = "Ce code n'est plus valable après trop d'essais : demandez un nouveau code."
# What each refusal of the procedure tells the user (409).
_CONFLICTS = {
    ProblemCode.ALREADY_SUBSCRIBED: "Cet identifiant est déjà celui d'un espace abonné.",
    ProblemCode.ACTIVATION_PENDING: (
        "Une inscription pour cet identifiant attend son activation : utilisez le code "
        "reçu par courriel ou demandez-en un nouveau."
    ),
    ProblemCode.DETAILS_MISSING: "Renseignez vos informations avant de confirmer.",
    ProblemCode.CONFLICT: "Cette étape n'est plus possible pour cette inscription.",
}


@dataclass(frozen=True, slots=True)
class StartedEnrollment:
    enrollment_id: str
    status: EnrollmentStatus
    email: str


@dataclass(frozen=True, slots=True)
class Activated:
    subscriber_id: int
    subscriber_number: str
    email: str


class EnrollmentService:
    _call = calls_by_code(NOT_FOUND, _CONFLICTS)

    def __init__(
        self,
        client: Client,
        settings: Settings,
        subscribers: SubscriberRepository,
        hasher: SecretHasher,
        keyed: KeyedHasher,
        throttle: Throttle | None = None,
    ) -> None:
        self._client = client
        # Rate limits on activation attempts and resends (the app always passes one).
        self._throttle = throttle
        self._settings = settings
        self._subscribers = subscribers
        self._hasher = hasher
        self._keyed = keyed

    # -- step 1 -------------------------------------------------------------------------------

    async def start(
        self,
        form: IdentifiersForm,
        replaces: str | None = None,
        *,
        client_address: str | None = None,
    ) -> StartedEnrollment:
        """Step 1. `replaces` is the enrollment ID of the draft being edited (« Étape
        précédente »): its details are kept, even when the identifier changes.

        Limited per client address: each try costs an argon2id hash."""
        await self._count(Action.ENROLLMENT_START, "", client_address)
        email = check_identifiers(form)
        if await asyncio.to_thread(self._subscribers.email_exists, email):
            raise Conflict(
                _CONFLICTS[ProblemCode.ALREADY_SUBSCRIBED], code=ProblemCode.ALREADY_SUBSCRIBED
            )
        password_hash = await self._hasher.hash(form.password)
        draft_key = new_draft_key()
        workflow_id = self._keyed.workflow_id(email)
        request = SetIdentifiers(
            draft_key_digest=draft_key_digest(draft_key),
            email=email,
            password_hash=password_hash,
            terms_version=self._settings.terms_version,
            terms_accepted_at=datetime.now(UTC),
        )
        previous = parse_enrollment_id(replaces) if replaces else None
        previous_ref: DraftRef | None = None
        if previous is not None:
            previous_workflow_id, previous_key = previous
            previous_ref = DraftRef(draft_key_digest=draft_key_digest(previous_key))
            if previous_workflow_id == workflow_id:
                request.keep_details_of = previous_ref.draft_key_digest
            else:
                request.carried = await self._draft_details(previous_workflow_id, previous_ref)
        start = start_or_join(
            EnrollmentWorkflow.run,
            enrollment_params(self._settings),
            workflow_id,
            self._settings,
            search_attributes=starting_search_attributes(request),
        )
        recap = await self._call(
            self._client.execute_update_with_start_workflow(
                EnrollmentWorkflow.set_identifiers, request, start_workflow_operation=start
            )
        )
        log.info("enrollment started", extra={"workflow_id": workflow_id})
        if previous is not None and previous_ref is not None and previous[0] != workflow_id:
            await self._abandon_quietly(previous[0], previous_ref)
        return StartedEnrollment(
            enrollment_id=make_enrollment_id(self._keyed.identifier_digest(email), draft_key),
            status=recap.status,
            email=email,
        )

    # -- step 2 -------------------------------------------------------------------------------

    async def submit_details(self, enrollment_id: str, form: DetailsForm) -> Recap:
        workflow_id, ref = self._parse(enrollment_id)
        # 404 before 422, and before the slow hash. A new answer needs nothing of the draft: a
        # look at the run (the server alone answers it) does. A blank one may keep the answer
        # given before, to the same question: the draft's holder asks the draft for it.
        previous_question = None
        if normalise_trust_answer(form.trust.answer):
            await self._running(workflow_id)
        else:
            current = await self.view(enrollment_id)
            previous_question = current.details.trust_question if current.details else None
        checked = check_details(form, previous_question)
        answer_hash = (
            await self._hasher.hash(checked.trust_answer) if checked.trust_answer else None
        )
        request = SubmitDetails(
            draft_key_digest=ref.draft_key_digest,
            details=checked.details,
            trust_answer_hash=answer_hash,
        )
        handle = self._client.get_workflow_handle_for(EnrollmentWorkflow.run, workflow_id)
        return await self._call(handle.execute_update(EnrollmentWorkflow.submit_details, request))

    async def _running(self, workflow_id: str) -> None:
        """An enrollment runs under this ID (the draft key is checked by the update itself)."""
        handle = self._client.get_workflow_handle(workflow_id)
        description = await self._call(handle.describe())
        if description.status is not WorkflowExecutionStatus.RUNNING:
            raise NotFound(NOT_FOUND)

    async def view(self, enrollment_id: str) -> Recap:
        workflow_id, ref = self._parse(enrollment_id)
        handle = self._client.get_workflow_handle_for(EnrollmentWorkflow.run, workflow_id)
        view = await self._call(handle.query(EnrollmentWorkflow.view, ref))
        if not view.found or view.recap is None:
            raise NotFound(NOT_FOUND)
        return view.recap

    # -- step 3 -------------------------------------------------------------------------------

    async def confirm(self, enrollment_id: str, *, client_address: str | None = None) -> Confirmed:
        """Limited per client address, and per recipient across enrollments: each confirmation
        sends an e-mail to an address nobody has verified yet."""
        try:
            workflow_id, ref = self._parse(enrollment_id)
        except NotFound:
            await self._count(Action.CONFIRM, "", client_address)  # counted all the same
            raise
        await asyncio.to_thread(self._count_confirmation, workflow_id, client_address)
        handle = self._client.get_workflow_handle_for(EnrollmentWorkflow.run, workflow_id)
        confirmed = await self._call(handle.execute_update(EnrollmentWorkflow.confirm, ref))
        log.info("enrollment confirmed, code sent", extra={"workflow_id": workflow_id})
        return confirmed

    async def abandon(self, enrollment_id: str) -> None:
        workflow_id, ref = self._parse(enrollment_id)
        handle = self._client.get_workflow_handle_for(EnrollmentWorkflow.run, workflow_id)
        await self._call(handle.execute_update(EnrollmentWorkflow.abandon, ref))
        log.info("enrollment abandoned by its holder", extra={"workflow_id": workflow_id})

    # -- activation ---------------------------------------------------------------------------

    async def activate(
        self, email: str, code: str, *, client_address: str | None = None
    ) -> Activated:
        normalised = normalise_email(email)
        await self._count(Action.ACTIVATION, normalised, client_address)
        if not normalised or not is_code_shaped(code):
            raise InvalidCode(WRONG_CODE)
        workflow_id = self._keyed.workflow_id(normalised)
        request = Activate(code_digest=self._keyed.activation_code_digest(workflow_id, code))
        handle = self._client.get_workflow_handle_for(EnrollmentWorkflow.run, workflow_id)
        try:
            result: ActivationResult = await self._call(
                handle.execute_update(EnrollmentWorkflow.activate, request)
            )
        except NotFound:
            if await self._expired(workflow_id):
                raise Expired(
                    "Le délai d'activation est dépassé : votre pré-inscription a été supprimée. "
                    "Veuillez recommencer la procédure."
                ) from None
            raise InvalidCode(WRONG_CODE) from None
        activated = activated_by(result, normalised, WRONG_CODE)
        log.info("enrollment activated", extra={"workflow_id": workflow_id})
        return activated

    async def resend(self, email: str, *, client_address: str | None = None) -> None:
        """Send a new code if an enrollment awaits activation; silent either way."""
        normalised = normalise_email(email)
        await self._count(Action.RESEND, normalised, client_address)
        if not normalised:
            return
        await self._count(Action.CODE_EMAIL, normalised, None)
        workflow_id = self._keyed.workflow_id(normalised)
        handle = self._client.get_workflow_handle_for(EnrollmentWorkflow.run, workflow_id)
        try:
            await self._call(handle.execute_update(EnrollmentWorkflow.resend_code))
        except NotFound:
            return

    async def _draft_details(self, workflow_id: str, ref: DraftRef) -> DraftDetails | None:
        handle = self._client.get_workflow_handle_for(EnrollmentWorkflow.run, workflow_id)
        try:
            return await handle.query(EnrollmentWorkflow.draft_details, ref)
        except RPCError:
            return None  # gone or unknown: nothing to carry over

    async def _abandon_quietly(self, workflow_id: str, ref: DraftRef) -> None:
        """The edited draft moved to another identifier: the old one is dropped."""
        try:
            await self._call(
                self._client.get_workflow_handle_for(
                    EnrollmentWorkflow.run, workflow_id
                ).execute_update(EnrollmentWorkflow.abandon, ref)
            )
        except ServiceError:
            log.info("previous draft already gone", extra={"workflow_id": workflow_id})

    async def _expired(self, workflow_id: str) -> bool:
        handle = self._client.get_workflow_handle_for(EnrollmentWorkflow.run, workflow_id)
        try:
            status = await handle.query(EnrollmentWorkflow.status)
        except RPCError:
            return False
        return status is EnrollmentStatus.EXPIRED

    # -- helpers ------------------------------------------------------------------------------

    async def _count(self, action: Action, identifier: str, client_address: str | None) -> None:
        await count_in_thread(self._throttle, action, identifier, client_address)

    def _count_confirmation(self, workflow_id: str, client_address: str | None) -> None:
        """Per address, then per recipient (the enrollment ID carries the identifier's keyed
        hash, never the address): both counts in one thread hop."""
        if self._throttle is not None:
            self._throttle.count(Action.CONFIRM, "", client_address)
            self._throttle.count_digest(Action.CODE_EMAIL, _recipient_digest(workflow_id))

    def _parse(self, enrollment_id: str) -> tuple[str, DraftRef]:
        return parse_draft(enrollment_id, NOT_FOUND)


def enrollment_params(settings: Settings, *, invited: bool = False) -> EnrollmentParams:
    """The enrollment workflow's durations and limits from the settings: an enrollment's and an
    invitation's (one workflow, two ways in)."""
    return EnrollmentParams(
        activation_window=settings.activation_window,
        idle_timeout=settings.draft_idle_timeout,
        max_code_attempts=settings.max_code_attempts,
        max_resends=settings.max_resends,
        invited=invited,
    )


async def count_code_email(throttle: Throttle | None, workflow_id: str) -> None:
    """One more code e-mail to an enrollment's (or invitation's) recipient, known by the digest
    its workflow ID holds: the per-recipient limit holds whoever asks (it guards the inbox)."""
    if throttle is not None:
        digest = _recipient_digest(workflow_id)
        await asyncio.to_thread(throttle.count_digest, Action.CODE_EMAIL, digest)


def _recipient_digest(workflow_id: str) -> str:
    """The keyed hash of the recipient's identifier an enrollment's workflow ID holds."""
    return workflow_id.removeprefix(WORKFLOW_ID_PREFIX)


def activated_by(result: ActivationResult, email: str, wrong_code: str) -> Activated:
    """The enrollment workflow's answer to a code (an activation's, an invitation's): the space
    it made, or the code refused, in the process's words (void after too many tries: 429)."""
    if result.outcome is EnrollmentActivationOutcome.CODE_VOID:
        raise TooManyAttempts(CODE_VOID, retry_after=60)
    if result.outcome is EnrollmentActivationOutcome.INVALID_CODE:
        raise InvalidCode(wrong_code)
    assert result.subscriber_id is not None and result.subscriber_number is not None
    return Activated(result.subscriber_id, result.subscriber_number, email)


def parse_draft(key: str, not_found: str) -> tuple[str, DraftRef]:
    """The workflow ID and the draft's reference an enrollment's (or invitation's) key holds;
    NotFound in the process's words when it holds none."""
    parsed = parse_enrollment_id(key)
    if parsed is None:
        raise NotFound(not_found)
    workflow_id, draft_key = parsed
    return workflow_id, DraftRef(draft_key_digest=draft_key_digest(draft_key))
