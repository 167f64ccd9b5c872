"""« Mot de passe oublié ? » as services (SPEC §6): the API and the pages both call these.

Both steps are public, so both answer the same whatever the identifier: a code is asked for with
202 every time; step 2 refuses a wrong code, a wrong answer, an expired code and an unknown
identifier with one answer, after the same slow hashing. Rate limits per identifier and per
client address come first.
"""

from __future__ import annotations

import asyncio
import logging

from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from domain.account_forms import PasswordResetForm
from domain.client_description import ClientDescription
from domain.codes import CodePurpose, is_code_shaped
from domain.reference import TRUST_QUESTIONS
from domain.rules import check_password, email_error, normalise_email
from security.keyed_hash import KeyedHasher
from security.passwords import SecretHasher
from services.account import AccountService
from services.errors import InvalidReset, TooManyAttempts, Unavailable
from services.throttle import Action, Throttle
from services.workflow_calls import WorkflowCalls, start_or_join
from settings import Settings
from storage.subscribers import SubscriberRepository
from workflows.password_reset import PasswordResetWorkflow
from workflows.password_reset_messages import (
    WORKFLOW_ID_PREFIX,
    CompleteReset,
    PasswordResetParams,
    ResetOutcome,
)

log = logging.getLogger(__name__)

INVALID_RESET = (
    "Identifiant, code ou réponse à la question de confiance incorrect, ou code expiré : "
    "vérifiez votre saisie ou demandez un nouveau code."
)
CODE_VOID = "Ce code n'est plus valable après trop d'essais : demandez un nouveau code."


class PasswordResetService:
    _call = WorkflowCalls(
        refused=lambda _: InvalidReset(INVALID_RESET), gone=lambda: InvalidReset(INVALID_RESET)
    )

    def __init__(
        self,
        client: Client,
        settings: Settings,
        subscribers: SubscriberRepository,
        hasher: SecretHasher,
        keyed: KeyedHasher,
        throttle: Throttle,
        account: AccountService,
    ) -> None:
        self._client = client
        self._settings = settings
        self._subscribers = subscribers
        self._hasher = hasher
        self._keyed = keyed
        self._throttle = throttle
        self._account = account
        # Requests answered before their code is asked of Temporal (kept referenced until done).
        self._background: set[asyncio.Task[None]] = set()

    def workflow_id(self, normalised_email: str) -> str:
        return WORKFLOW_ID_PREFIX + self._keyed.identifier_digest(normalised_email)

    # -- step 1 -------------------------------------------------------------------------------

    async def request(self, email: str, *, client_address: str | None = None) -> None:
        """Send a code if the identifier is a subscriber's; silent either way. A new request
        voids the previous code.

        Only the rate limits are answered here (429); the code itself is asked of Temporal in
        the background, so that the answer takes the same time for any identifier."""
        identifier = normalise_email(email)
        await asyncio.to_thread(
            self._throttle.count, Action.RESET_REQUEST, identifier, client_address
        )
        task = asyncio.create_task(self._send_code(identifier))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _send_code(self, identifier: str) -> None:
        if email_error(identifier):
            return
        subscriber = await asyncio.to_thread(self._subscribers.by_email, identifier)
        if subscriber is None or subscriber.id is None:
            return
        workflow_id = self.workflow_id(identifier)
        try:
            # Code e-mails to one recipient are limited whatever process asks for them.
            await asyncio.to_thread(self._throttle.count, Action.CODE_EMAIL, identifier, None)
        except TooManyAttempts:
            log.info("password reset code not sent: too many", extra={"workflow_id": workflow_id})
            return
        params = PasswordResetParams(
            subscriber_id=subscriber.id,
            email=identifier,
            question_label=TRUST_QUESTIONS.get(subscriber.trust_question, ""),
            validity=self._settings.password_reset_window,
            max_attempts=self._settings.max_code_attempts,
        )
        start = start_or_join(PasswordResetWorkflow.run, params, workflow_id, self._settings)
        try:
            await self._call(
                self._client.execute_update_with_start_workflow(
                    PasswordResetWorkflow.request_code, start_workflow_operation=start
                )
            )
        except InvalidReset:
            # The previous reset is finishing (just used, or withdrawn): nothing to send now.
            log.info("password reset not pending", extra={"workflow_id": workflow_id})
            return
        except Unavailable:
            log.warning("password reset code not requested", extra={"workflow_id": workflow_id})
            return
        log.info("password reset code requested", extra={"workflow_id": workflow_id})

    async def settled(self) -> None:
        """Wait for the codes asked for in the background (tests, and a graceful shutdown)."""
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    # -- step 2 -------------------------------------------------------------------------------

    async def complete(
        self,
        form: PasswordResetForm,
        *,
        client_address: str | None = None,
        user_agent: str = "",
    ) -> None:
        """The new password's rules first (422 invalid_fields); then code and answer together."""
        empty = tuple(
            name
            for name, value in (
                ("email", form.email),
                ("code", form.code),
                ("trust_answer", form.trust_answer),
            )
            if not value.strip()
        )
        check_password(
            form.new_password, form.new_password_confirmation, field="new_password", required=empty
        )
        identifier = normalise_email(form.email)
        await asyncio.to_thread(
            self._throttle.count, Action.RESET_ATTEMPT, identifier, client_address
        )
        subscriber = await asyncio.to_thread(self._subscribers.by_email, identifier)
        # Both slow hashes whoever asks: an unknown identifier costs what a known one does.
        answer_ok = await self._account.answer_matches(subscriber, form.trust_answer)
        password_hash = await self._hasher.hash(form.new_password)
        code = form.code.strip()
        if subscriber is None or not is_code_shaped(code):
            raise InvalidReset(INVALID_RESET)
        workflow_id = self.workflow_id(identifier)
        request = CompleteReset(
            code_digest=self._keyed.code_digest(CodePurpose.PASSWORD_RESET, workflow_id, code),
            answer_ok=answer_ok,
            password_hash=password_hash,
            client=ClientDescription.of(user_agent, client_address),
        )
        handle = self._client.get_workflow_handle_for(PasswordResetWorkflow.run, workflow_id)
        result = await self._call(handle.execute_update(PasswordResetWorkflow.complete, request))
        if result.outcome is ResetOutcome.VOID:
            raise TooManyAttempts(CODE_VOID, retry_after=60)
        if result.outcome is not ResetOutcome.RESET:
            raise InvalidReset(INVALID_RESET)
        # Code and answer proved who asks: a sign-in lock on the identifier is lifted.
        await asyncio.to_thread(self._throttle.sign_in_succeeded, identifier)
        log.info("password reset", extra={"workflow_id": workflow_id})

    # -- the identifier changed, or the space closed ------------------------------------------

    async def withdraw(self, normalised_email: str) -> None:
        """A pending reset for this address stops being good (best effort)."""
        workflow_id = self.workflow_id(normalised_email)
        handle = self._client.get_workflow_handle_for(PasswordResetWorkflow.run, workflow_id)
        try:
            await handle.signal(PasswordResetWorkflow.withdraw)
        except RPCError as error:
            if error.status is not RPCStatusCode.NOT_FOUND:
                log.warning("reset not withdrawn", extra={"workflow_id": workflow_id})
