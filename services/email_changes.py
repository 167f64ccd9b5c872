"""« Modifier mon adresse électronique » as services (SPEC §6): the API and the pages both call
these. The signed-in subscriber gives their secrets and the new address twice; a code goes to the
new address; once it is entered the identifier changes, and with it everything keyed on it (the
sign-in lock, a pending password reset)."""

from __future__ import annotations

import asyncio
import logging

from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from domain.account_forms import EmailChangeCodeForm, EmailChangeForm
from domain.client_description import NO_CLIENT, ClientDescription
from domain.codes import CodePurpose
from domain.problems import ProblemCode
from domain.rules import check_new_email
from security.keyed_hash import KeyedHasher
from services.account import AccountService
from services.errors import Conflict, Expired, InvalidCode, NotFound, TooManyAttempts, Unavailable
from services.password_resets import PasswordResetService
from services.subscribers import SignedIn
from services.throttle import Action, Throttle
from services.workflow_calls import WorkflowCalls, start_or_join
from settings import Settings
from storage.subscribers import SubscriberRepository
from storage.tables import Subscriber
from workflows.email_change import EmailChangeWorkflow
from workflows.email_change_messages import (
    WORKFLOW_ID_PREFIX,
    ConfirmEmailChange,
    ConfirmOutcome,
    EmailChangeParams,
    EmailChangeRequested,
    EmailChangeStatus,
    RequestEmailChange,
)
from workflows.enrollment import EnrollmentWorkflow

log = logging.getLogger(__name__)

EMAIL_TAKEN = "Cette adresse électronique est déjà utilisée : choisissez-en une autre."
NOT_PENDING = "Aucune modification d'adresse électronique n'est en attente."


class EmailChangeService:
    _call = WorkflowCalls(
        refused=lambda _: NotFound(NOT_PENDING), gone=lambda: NotFound(NOT_PENDING)
    )

    def __init__(
        self,
        client: Client,
        settings: Settings,
        subscribers: SubscriberRepository,
        keyed: KeyedHasher,
        throttle: Throttle,
        account: AccountService,
        resets: PasswordResetService,
    ) -> None:
        self._client = client
        self._settings = settings
        self._subscribers = subscribers
        self._keyed = keyed
        self._throttle = throttle
        self._account = account
        self._resets = resets

    def workflow_id(self, subscriber: Subscriber) -> str:
        return WORKFLOW_ID_PREFIX + self._keyed.subscriber_digest(subscriber.subscriber_number)

    async def request(
        self, signed_in: SignedIn, form: EmailChangeForm, *, client_address: str | None = None
    ) -> EmailChangeRequested:
        """The new address's rules (422), the secrets (403), a free address (409); then the
        code goes to the new address. A new request replaces a pending one."""
        subscriber = signed_in.subscriber
        empty = tuple(
            name
            for name, value in (("password", form.password), ("trust_answer", form.trust_answer))
            if not value
        )
        new_email = check_new_email(form.new_email, form.new_email_confirmation, required=empty)
        await asyncio.to_thread(
            self._throttle.count, Action.EMAIL_CHANGE, subscriber.email, client_address
        )
        await self._account.check_secrets(subscriber, form.password, form.trust_answer)
        if await self.taken(new_email):
            raise Conflict(EMAIL_TAKEN, code=ProblemCode.EMAIL_TAKEN)
        # Code e-mails to one recipient are limited whatever process asks for them.
        await asyncio.to_thread(self._throttle.count, Action.CODE_EMAIL, new_email, None)
        assert subscriber.id is not None
        params = EmailChangeParams(
            subscriber_id=subscriber.id,
            validity=self._settings.email_change_window,
            max_attempts=self._settings.max_code_attempts,
        )
        start = start_or_join(
            EmailChangeWorkflow.run, params, self.workflow_id(subscriber), self._settings
        )
        requested = await self._call(
            self._client.execute_update_with_start_workflow(
                EmailChangeWorkflow.request,
                RequestEmailChange(old_email=subscriber.email, new_email=new_email),
                start_workflow_operation=start,
            )
        )
        log.info("e-mail change requested", extra={"workflow_id": self.workflow_id(subscriber)})
        return requested

    async def taken(self, email: str) -> bool:
        """A subscriber's identifier, or the identifier of an enrollment still in progress."""
        if await asyncio.to_thread(self._subscribers.email_exists, email):
            return True
        return await self._enrolling(email)

    async def _enrolling(self, email: str) -> bool:
        handle = self._client.get_workflow_handle_for(
            EnrollmentWorkflow.run, self._keyed.workflow_id(email)
        )
        try:
            description = await handle.describe()
        except RPCError as error:
            if error.status is RPCStatusCode.NOT_FOUND:
                return False
            raise Unavailable() from None
        return description.status is WorkflowExecutionStatus.RUNNING

    async def confirm(
        self,
        signed_in: SignedIn,
        form: EmailChangeCodeForm,
        client: ClientDescription = NO_CLIENT,
    ) -> Subscriber:
        """The code: the identifier changes, the old address is told, other sessions end."""
        subscriber = signed_in.subscriber
        workflow_id = self.workflow_id(subscriber)
        request = ConfirmEmailChange(
            code_digest=self._keyed.code_digest(
                CodePurpose.EMAIL_CHANGE, workflow_id, form.code.strip()
            ),
            keep_session=signed_in.session_id,
            client=client,
        )
        handle = self._client.get_workflow_handle_for(EmailChangeWorkflow.run, workflow_id)
        # An enrollment for the new address may have started since the request: it keeps it.
        pending = await self._pending_address(workflow_id)
        if pending is not None and await self._enrolling(pending):
            raise Conflict(EMAIL_TAKEN, code=ProblemCode.EMAIL_TAKEN)
        try:
            result = await self._call(handle.execute_update(EmailChangeWorkflow.confirm, request))
        except NotFound:
            if await self._status(workflow_id) is EmailChangeStatus.EXPIRED:
                raise Expired(
                    "Le délai de 24 heures est dépassé : demandez un nouveau code."
                ) from None
            raise
        match result.outcome:
            case ConfirmOutcome.INVALID_CODE:
                raise InvalidCode("Le code saisi est incorrect.")
            case ConfirmOutcome.EXPIRED:
                raise Expired(
                    "Le délai de validité du code est dépassé : demandez un nouveau code."
                )
            case ConfirmOutcome.VOID:
                raise TooManyAttempts(
                    "Ce code n'est plus valable après trop d'essais : demandez un nouveau code.",
                    retry_after=60,
                )
            case ConfirmOutcome.TAKEN:
                raise Conflict(EMAIL_TAKEN, code=ProblemCode.EMAIL_TAKEN)
        old_email = subscriber.email
        assert result.new_email is not None and subscriber.id is not None
        # Everything keyed on the old identifier follows or ends.
        await asyncio.to_thread(self._throttle.carry_lockout, old_email, result.new_email)
        await self._resets.withdraw(old_email)
        log.info("e-mail changed", extra={"workflow_id": workflow_id})
        updated = await asyncio.to_thread(self._subscribers.get, subscriber.id)
        assert updated is not None
        return updated

    async def _pending_address(self, workflow_id: str) -> str | None:
        handle = self._client.get_workflow_handle_for(EmailChangeWorkflow.run, workflow_id)
        try:
            return await handle.query(EmailChangeWorkflow.pending_address)
        except RPCError:
            return None  # none pending: the update says so

    async def _status(self, workflow_id: str) -> EmailChangeStatus | None:
        handle = self._client.get_workflow_handle_for(EmailChangeWorkflow.run, workflow_id)
        try:
            return await handle.query(EmailChangeWorkflow.status)
        except RPCError:
            return None
