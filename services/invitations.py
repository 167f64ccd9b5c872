"""Invitations (SPEC §8): a backend service starts an enrollment for a person, who ends it.

The invitation is the enrollment workflow started in state `invited` (workflows/enrollment.py):
same workflow ID (the keyed hash of the identifier, so an invitation and a public enrollment for
one address exclude each other), same code challenge, same activation. The service never
handles a secret: the person's password and trust answer are hashed here, from the person's own
request, before anything reaches Temporal. The `invitations` table keeps only what the service
may read back (its reference, the status, the outcome).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from temporalio.client import Client
from temporalio.service import RPCError

from domain.codes import CodePurpose, is_code_shaped
from domain.errors import FieldError, InvalidFields
from domain.models import (
    AcceptanceForm,
    ContactForm,
    EnrollmentStatus,
    InvitationForm,
    InvitationStatus,
)
from domain.problems import ProblemCode
from domain.rules import MESSAGES, check_acceptance, check_contact, check_invitation
from domain.rules import normalise_email as normalise
from security.keyed_hash import (
    KeyedHasher,
    draft_key_digest,
    make_enrollment_id,
    new_draft_key,
)
from security.passwords import SecretHasher
from services.enrollments import (
    CODE_VOID,
    Activated,
    activated_by,
    count_code_email,
    enrollment_params,
    parse_draft,
)
from services.errors import (
    Conflict,
    Expired,
    InvalidCode,
    NotFound,
    ServiceError,
    TooManyAttempts,
    Unavailable,
)
from services.throttle import Action, Throttle, count_in_thread
from services.workflow_calls import calls_by_code, start_or_join
from settings import Settings
from storage.invitations import InvitationRepository, ReferenceTaken, new_invitation_id
from storage.subscribers import SubscriberRepository
from storage.tables import Invitation
from workflows.enrollment import EnrollmentWorkflow
from workflows.enrollment_messages import (
    AcceptInvitation,
    ActivationResult,
    DraftRef,
    FillInvitation,
    InvitationAnswers,
    InvitationView,
    Invite,
    InvitedBy,
    OpenInvitation,
    OpenOutcome,
    Withdraw,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

_STATUS = {
    EnrollmentStatus.INVITED: InvitationStatus.INVITED,
    EnrollmentStatus.ACTIVATED: InvitationStatus.ACTIVATED,
    EnrollmentStatus.WITHDRAWN: InvitationStatus.WITHDRAWN,
    EnrollmentStatus.EXPIRED: InvitationStatus.EXPIRED,
    EnrollmentStatus.ABANDONED: InvitationStatus.EXPIRED,
}
_CONFLICTS = {
    ProblemCode.ALREADY_SUBSCRIBED: "Cet identifiant est déjà celui d'un espace abonné.",
    ProblemCode.ACTIVATION_PENDING: (
        "Une invitation ou une inscription pour cet identifiant est en cours."
    ),
    ProblemCode.INVITATION_CLOSED: "Cette invitation est close : elle ne peut plus être retirée.",
    ProblemCode.DETAILS_MISSING: "Complétez les étapes précédentes avant de confirmer.",
    ProblemCode.CONFLICT: "Cette étape n'est plus possible pour cette invitation.",
}
WRONG_CODE = "Identifiant ou code d'invitation incorrect."
EXPIRED = (
    "Le délai de l'invitation est dépassé : elle a été supprimée. Demandez au service qui vous "
    "a invité de recommencer, ou inscrivez-vous vous-même."
)
NOT_FOUND = "Invitation introuvable."


@dataclass(frozen=True, slots=True)
class Caller:
    """The service client calling (from the service-key dependency): never its key."""

    client_id: str
    name: str


@dataclass(frozen=True, slots=True)
class InvitationInfo:
    """What a service reads of its invitation."""

    invitation_id: str
    external_reference: str
    status: InvitationStatus
    expires_at: datetime | None
    activated_at: datetime | None
    subscriber_number: str | None
    email: str | None = None  # only in the answer to the request that made it


@dataclass(frozen=True, slots=True)
class InvitationMade:
    info: InvitationInfo
    created: bool  # False: the same reference again, answered with the invitation made


class InvitationService:
    _call = calls_by_code(NOT_FOUND, _CONFLICTS)

    def __init__(
        self,
        client: Client,
        settings: Settings,
        subscribers: SubscriberRepository,
        invitations: InvitationRepository,
        hasher: SecretHasher,
        keyed: KeyedHasher,
        throttle: Throttle | None = None,
    ) -> None:
        self._client = client
        self._settings = settings
        self._subscribers = subscribers
        self._invitations = invitations
        self._hasher = hasher
        self._keyed = keyed
        self._throttle = throttle

    # -- the service's side -------------------------------------------------------------------

    async def invite(self, caller: Caller, form: InvitationForm) -> InvitationMade:
        """Start an invitation, or answer with the one this client made under the same
        reference. Nothing is left behind when the enrollment cannot start."""
        checked = check_invitation(form)
        existing = await asyncio.to_thread(
            self._invitations.by_reference, caller.client_id, checked.external_reference
        )
        if existing is not None and _orphaned(existing):
            await asyncio.to_thread(self._invitations.release, existing.id)
        elif existing is not None:
            return InvitationMade(await self._info(existing), created=False)
        if await asyncio.to_thread(self._subscribers.email_exists, checked.email):
            raise Conflict(
                _CONFLICTS[ProblemCode.ALREADY_SUBSCRIBED], code=ProblemCode.ALREADY_SUBSCRIBED
            )
        workflow_id = self._keyed.workflow_id(checked.email)
        await count_code_email(self._throttle, workflow_id)
        row = Invitation(
            id=new_invitation_id(),
            client_id=caller.client_id,
            external_reference=checked.external_reference,
            workflow_id=workflow_id,
            status=InvitationStatus.INVITED.value,
        )
        try:
            await asyncio.to_thread(self._invitations.reserve, row)
        except ReferenceTaken:
            # The same reference at the same moment: the other request made it.
            again = await asyncio.to_thread(
                self._invitations.by_reference, caller.client_id, checked.external_reference
            )
            if again is None:
                raise Unavailable() from None
            return InvitationMade(await self._info(again), created=False)
        start = start_or_join(
            EnrollmentWorkflow.run,
            enrollment_params(self._settings, invited=True),
            workflow_id,
            self._settings,
        )
        request = Invite(
            invitation_id=row.id,
            external_reference=checked.external_reference,
            invited_by=InvitedBy(client_id=caller.client_id, client_name=caller.name),
            email=checked.email,
            details=checked.details,
        )
        try:
            invited = await self._call(
                self._client.execute_update_with_start_workflow(
                    EnrollmentWorkflow.invite, request, start_workflow_operation=start
                )
            )
        except BaseException:
            await asyncio.to_thread(self._invitations.release, row.id)
            raise
        log.info(
            "invitation started",
            extra={"workflow_id": workflow_id, "client_id": caller.client_id},
        )
        info = InvitationInfo(
            invitation_id=row.id,
            external_reference=row.external_reference,
            status=InvitationStatus.INVITED,
            expires_at=invited.expires_at,
            activated_at=None,
            subscriber_number=None,
            email=checked.email,
        )
        return InvitationMade(info, created=True)

    async def get(self, caller: Caller, invitation_id: str) -> InvitationInfo:
        row = await asyncio.to_thread(self._invitations.get, caller.client_id, invitation_id)
        if row is None:
            raise NotFound(NOT_FOUND)
        return await self._info(row)

    async def find(self, caller: Caller, external_reference: str) -> list[InvitationInfo]:
        row = await asyncio.to_thread(
            self._invitations.by_reference, caller.client_id, external_reference.strip()
        )
        return [] if row is None else [await self._info(row)]

    async def withdraw(self, caller: Caller, invitation_id: str) -> None:
        row = await asyncio.to_thread(self._invitations.get, caller.client_id, invitation_id)
        if row is None:
            raise NotFound(NOT_FOUND)
        closed = Conflict(
            _CONFLICTS[ProblemCode.INVITATION_CLOSED], code=ProblemCode.INVITATION_CLOSED
        )
        if row.status != InvitationStatus.INVITED:
            raise closed
        handle = self._client.get_workflow_handle_for(EnrollmentWorkflow.run, row.workflow_id)
        try:
            await self._call(
                handle.execute_update(EnrollmentWorkflow.withdraw, Withdraw(invitation_id=row.id))
            )
        except NotFound:
            raise closed from None  # its enrollment is over (and a new one may have begun)
        log.info("invitation withdrawn", extra={"workflow_id": row.workflow_id})

    async def _info(self, row: Invitation) -> InvitationInfo:
        """The row as the workflow last recorded it; while it says invited, the workflow's own
        state (a resend moved the deadline; the end may not be recorded yet)."""
        status = InvitationStatus(row.status)
        expires_at = row.expires_at
        activated_at, subscriber_number = row.activated_at, row.subscriber_number
        if status is InvitationStatus.INVITED:
            handle = self._client.get_workflow_handle_for(EnrollmentWorkflow.run, row.workflow_id)
            try:
                state = await handle.query(EnrollmentWorkflow.invitation_state)
            except RPCError:
                state = None  # gone: the row holds the last word
            if state is not None and state.invitation_id == row.id:
                status = _STATUS.get(state.status, status)
                expires_at = state.expires_at or expires_at
                activated_at, subscriber_number = state.activated_at, state.subscriber_number
        return InvitationInfo(
            invitation_id=row.id,
            external_reference=row.external_reference,
            status=status,
            expires_at=expires_at,
            activated_at=activated_at,
            subscriber_number=subscriber_number,
        )

    # -- the person's side: in one call (the API) ---------------------------------------------

    async def accept(
        self, email: str, code: str, form: AcceptanceForm, *, client_address: str | None = None
    ) -> Activated:
        """The fields are judged first (every error at once, no try spent), then the code."""
        checked = check_acceptance(form, required={"email": email, "code": code})
        normalised = normalise(email)
        await self._count(Action.ACTIVATION, normalised, client_address)
        if not is_code_shaped(code.strip()):
            raise InvalidCode(WRONG_CODE)
        password_hash = await self._hasher.hash(form.password)
        answer_hash = await self._hasher.hash(checked.trust_answer)
        workflow_id = self._keyed.workflow_id(normalised)
        request = AcceptInvitation(
            code_digest=self._code_digest(workflow_id, code.strip()),
            answers=InvitationAnswers(
                terms_version=self._settings.terms_version,
                terms_accepted_at=datetime.now(UTC),
                password_hash=password_hash,
                trust_question=checked.trust_question,
                trust_answer_hash=answer_hash,
                contact=checked.contact,
            ),
        )
        return await self._accept(workflow_id, normalised, request)

    # -- the person's side: screen by screen (the pages) --------------------------------------

    async def open(self, email: str, code: str, *, client_address: str | None = None) -> str:
        """The first screen: a right code opens the invitation for this browser. Returns the
        key the browser keeps (in its encrypted cookie) for the next screens."""
        errors = [
            FieldError(name, "required", MESSAGES["required"])
            for name, value in (("email", email), ("code", code))
            if not value.strip()
        ]
        if errors:
            raise InvalidFields(errors)
        normalised = normalise(email)
        await self._count(Action.ACTIVATION, normalised, client_address)
        if not is_code_shaped(code.strip()):
            raise InvalidCode(WRONG_CODE)
        workflow_id = self._keyed.workflow_id(normalised)
        key = new_draft_key()
        request = OpenInvitation(
            code_digest=self._code_digest(workflow_id, code.strip()),
            draft_key_digest=draft_key_digest(key),
        )
        handle = self._client.get_workflow_handle_for(EnrollmentWorkflow.run, workflow_id)
        try:
            outcome = await self._call(
                handle.execute_update(EnrollmentWorkflow.open_invitation, request)
            )
        except NotFound:
            raise await self._not_found(workflow_id) from None
        if outcome is OpenOutcome.CODE_VOID:
            raise TooManyAttempts(CODE_VOID, retry_after=60)
        if outcome is OpenOutcome.INVALID_CODE:
            raise InvalidCode(WRONG_CODE)
        return make_enrollment_id(self._keyed.identifier_digest(normalised), key)

    async def view(self, key: str) -> InvitationView:
        workflow_id, ref = self._parse(key)
        handle = self._client.get_workflow_handle_for(EnrollmentWorkflow.run, workflow_id)
        view = await self._call(handle.query(EnrollmentWorkflow.invitation_view, ref))
        if not view.found:
            raise NotFound(NOT_FOUND)
        return view

    async def accept_terms(self, key: str) -> InvitationView:
        return await self._fill(
            key,
            InvitationAnswers(
                terms_version=self._settings.terms_version, terms_accepted_at=datetime.now(UTC)
            ),
        )

    async def give_secrets(self, key: str, form: AcceptanceForm) -> InvitationView:
        """The password (twice) and the trust question and answer, hashed here."""
        await self.view(key)  # 404 before 422, and before the slow hashes
        checked = check_acceptance(form, terms=False)
        return await self._fill(
            key,
            InvitationAnswers(
                password_hash=await self._hasher.hash(form.password),
                trust_question=checked.trust_question,
                trust_answer_hash=await self._hasher.hash(checked.trust_answer),
            ),
        )

    async def confirm(self, key: str, contact: ContactForm) -> Activated:
        """« Confirmer » on the recap: the contact as corrected (§2 rules), then the space."""
        workflow_id, ref = self._parse(key)
        view = await self.view(key)  # 404 before 422
        checked = check_contact(contact)
        request = AcceptInvitation(
            draft_key_digest=ref.draft_key_digest, answers=InvitationAnswers(contact=checked)
        )
        return await self._accept(workflow_id, view.email, request)

    # -- helpers ------------------------------------------------------------------------------

    async def _fill(self, key: str, answers: InvitationAnswers) -> InvitationView:
        workflow_id, ref = self._parse(key)
        handle = self._client.get_workflow_handle_for(EnrollmentWorkflow.run, workflow_id)
        request = FillInvitation(draft_key_digest=ref.draft_key_digest, answers=answers)
        return await self._call(handle.execute_update(EnrollmentWorkflow.fill_invitation, request))

    async def _accept(self, workflow_id: str, email: str, request: AcceptInvitation) -> Activated:
        handle = self._client.get_workflow_handle_for(EnrollmentWorkflow.run, workflow_id)
        try:
            result: ActivationResult = await self._call(
                handle.execute_update(EnrollmentWorkflow.accept_invitation, request)
            )
        except NotFound:
            raise await self._not_found(workflow_id) from None
        activated = activated_by(result, email, WRONG_CODE)
        log.info("invitation accepted", extra={"workflow_id": workflow_id})
        return activated

    async def _not_found(self, workflow_id: str) -> ServiceError:
        """No invitation awaits this code: past its deadline (410), else a wrong identifier or
        code (422), not told apart."""
        handle = self._client.get_workflow_handle_for(EnrollmentWorkflow.run, workflow_id)
        try:
            status = await handle.query(EnrollmentWorkflow.status)
        except RPCError:
            return InvalidCode(WRONG_CODE)
        if status is EnrollmentStatus.EXPIRED or (
            status is EnrollmentStatus.INVITED and await self._past_deadline(workflow_id)
        ):
            return Expired(EXPIRED)
        return InvalidCode(WRONG_CODE)

    async def _past_deadline(self, workflow_id: str) -> bool:
        handle = self._client.get_workflow_handle_for(EnrollmentWorkflow.run, workflow_id)
        try:
            state = await handle.query(EnrollmentWorkflow.invitation_state)
        except RPCError:
            return False
        return state.expires_at is not None and state.expires_at <= datetime.now(UTC)

    def _code_digest(self, workflow_id: str, code: str) -> str:
        return self._keyed.code_digest(CodePurpose.INVITATION, workflow_id, code)

    async def _count(self, action: Action, identifier: str, client_address: str | None) -> None:
        await count_in_thread(self._throttle, action, identifier, client_address)

    def _parse(self, key: str) -> tuple[str, DraftRef]:
        return parse_draft(key, NOT_FOUND)


# The workflow records its invitation (with the deadline) within a second or so of the row.
_RECORD_GRACE = timedelta(minutes=1)


def _orphaned(row: Invitation) -> bool:
    """A row whose enrollment never started (the API process died between the two): no
    deadline recorded long after it was written. Its reference is free again."""
    return (
        row.status == InvitationStatus.INVITED
        and row.expires_at is None
        and row.created_at < datetime.now(UTC) - _RECORD_GRACE
    )
