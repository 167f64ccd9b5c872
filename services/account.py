"""The signed-in subscriber's own changes (SPEC §6) that need no code: a new password, new
contact details, the sessions, closing the space. The API and the pages both call these.

Every sensitive change asks for the password and the trust answer (argon2id, like sign-in), and
a wrong pair counts toward the sign-in lockout. The notice e-mail is started before the change is
made (and withdrawn if the change then fails): a change never happens without its notice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from documents.recap_pdf import render_recap_pdf
from domain.account_forms import PasswordChangeForm, SecretsForm
from domain.changes import Change
from domain.client_description import NO_CLIENT, ClientDescription
from domain.models import ContactForm
from domain.rules import check_contact, check_password, normalise_trust_answer, require
from domain.security_events import EventType
from security.keyed_hash import WORKFLOW_ID_PREFIX, KeyedHasher
from security.passwords import SecretHasher
from services.errors import Forbidden, NotFound
from services.notifications import Notifier
from services.security_events import EventRecorder
from services.subscribers import SignedIn
from services.throttle import Throttle
from settings import Settings
from storage.security_events import new_event
from storage.subscribers import SessionRepository, SubscriberRepository
from storage.tables import Subscriber
from workflows.email_change_messages import WORKFLOW_ID_PREFIX as EMAIL_CHANGE_PREFIX
from workflows.password_reset_messages import WORKFLOW_ID_PREFIX as RESET_PREFIX
from workflows.sign_in_code_messages import WORKFLOW_ID_PREFIX as SIGN_IN_PREFIX

log = logging.getLogger(__name__)
T = TypeVar("T")

INVALID_SECRET = "Mot de passe ou réponse à la question de confiance incorrect."  # noqa: S105
CONTACT_FIELDS = (
    "phone",
    "street_number",
    "street_type",
    "street_name",
    "address_complement",
    "postal_code",
    "city",
    "country",
)


@dataclass(frozen=True, slots=True)
class SessionInfo:
    session_id: str
    created_at: datetime
    last_used_at: datetime
    user_agent: str
    current: bool


class AccountService:
    def __init__(
        self,
        settings: Settings,
        client: Client,
        subscribers: SubscriberRepository,
        sessions: SessionRepository,
        hasher: SecretHasher,
        keyed: KeyedHasher,
        throttle: Throttle,
        notifier: Notifier,
        before_closing: Callable[[Subscriber], Awaitable[object]] | None = None,
        events: EventRecorder | None = None,
    ) -> None:
        self._events = events
        # What other parts of the space must end before it closes (the pending adhésions:
        # no letter goes out for a space that no longer exists).
        self._before_closing = before_closing
        self._settings = settings
        self._client = client
        self._subscribers = subscribers
        self._sessions = sessions
        self._hasher = hasher
        self._keyed = keyed
        self._throttle = throttle
        self._notifier = notifier

    # -- the two secrets --------------------------------------------------------------------

    async def check_secrets(self, subscriber: Subscriber, password: str, trust_answer: str) -> None:
        """Both secrets or neither: one answer for either being wrong. Counts toward the
        sign-in lockout, and is refused while the identifier is locked."""
        identifier = subscriber.email
        await asyncio.to_thread(self._throttle.check_lockout, identifier)
        password_ok = await self._hasher.verify(subscriber.password_hash, password)
        answer_ok = await self.answer_matches(subscriber, trust_answer)
        if not (password_ok and answer_ok):
            locked = await asyncio.to_thread(self._throttle.sign_in_failed, identifier)
            if locked and self._events is not None and subscriber.id is not None:
                # Wrong secrets on a change count toward the lockout: a lock they set is told.
                await asyncio.to_thread(
                    self._events.record, subscriber.id, EventType.SIGN_IN_LOCKED
                )
            raise Forbidden(INVALID_SECRET)
        await asyncio.to_thread(self._throttle.sign_in_succeeded, identifier)

    async def answer_matches(self, subscriber: Subscriber | None, trust_answer: str) -> bool:
        """The trust answer, compared as at enrollment (case, accents and spaces ignored).
        An unknown subscriber costs the same slow hash and never matches."""
        hashed = subscriber.trust_answer_hash if subscriber else None
        return await self._hasher.verify(hashed, normalise_trust_answer(trust_answer))

    # -- « Modifier mon mot de passe » ------------------------------------------------------

    async def change_password(
        self, signed_in: SignedIn, form: PasswordChangeForm, client: ClientDescription = NO_CLIENT
    ) -> None:
        """The new password's rules first (422), then the secrets (403); other sessions end."""
        empty = tuple(
            name
            for name, value in (
                ("current_password", form.current_password),
                ("trust_answer", form.trust_answer),
            )
            if not value
        )
        check_password(
            form.new_password, form.new_password_confirmation, field="new_password", required=empty
        )
        subscriber = signed_in.subscriber
        await self.check_secrets(subscriber, form.current_password, form.trust_answer)
        password_hash = await self._hasher.hash(form.new_password)
        assert subscriber.id is not None
        await self._with_notice(
            subscriber.email,
            Change.PASSWORD_CHANGED,
            lambda: self._subscribers.set_password(
                subscriber.id or 0,
                password_hash,
                keep_session=signed_in.session_id,
                event=new_event(subscriber.id or 0, EventType.PASSWORD_CHANGED, client=client),
            ),
        )
        log.info("password changed")

    # -- « Mes coordonnées » -----------------------------------------------------------------

    async def change_contact(
        self,
        signed_in: SignedIn,
        form: ContactForm,
        given: set[str] | None = None,
        client: ClientDescription = NO_CLIENT,
    ) -> Subscriber:
        """Phone and postal address under the enrollment's rules. `given` names the fields the
        caller sent (a partial update keeps the others); None means all of them."""
        subscriber = signed_in.subscriber
        assert subscriber.id is not None
        current = {name: str(getattr(subscriber, name)) for name in CONTACT_FIELDS}
        sent = form.model_dump(include=given) if given is not None else form.model_dump()
        contact = check_contact(ContactForm(**(current | sent)))
        now = datetime.now(UTC)
        updated = await self._with_notice(
            subscriber.email,
            Change.CONTACT_CHANGED,
            lambda: self._subscribers.update_contact(
                subscriber.id or 0,
                contact.model_dump(),
                now,
                event=new_event(
                    subscriber.id or 0, EventType.CONTACT_CHANGED, client=client, at=now
                ),
            ),
            changed_at=now,
        )
        await self.render_recap(updated)
        log.info("contact details changed")
        return updated

    async def render_recap(self, subscriber: Subscriber) -> None:
        """Render the recap again after a change: the stored one no longer says the truth."""
        assert subscriber.id is not None
        try:
            pdf = await asyncio.to_thread(
                render_recap_pdf, subscriber.view(), printed_at=datetime.now(UTC)
            )
        except Exception:
            log.exception("recap rendering failed; it will be rendered on demand")
            await asyncio.to_thread(self._subscribers.drop_recap, subscriber.id)
            return
        await asyncio.to_thread(self._subscribers.save_recap, subscriber.id, pdf)

    # -- sessions ----------------------------------------------------------------------------

    def sessions(self, signed_in: SignedIn) -> list[SessionInfo]:
        assert signed_in.subscriber.id is not None
        return [
            SessionInfo(
                session_id=token.session_id,
                created_at=_aware(token.created_at),
                last_used_at=_aware(token.last_used_at),
                user_agent=token.user_agent,
                current=token.session_id == signed_in.session_id,
            )
            for token in self._sessions.list_for(signed_in.subscriber.id, datetime.now(UTC))
        ]

    def end_session(
        self, signed_in: SignedIn, session_id: str, client: ClientDescription = NO_CLIENT
    ) -> None:
        subscriber_id = signed_in.subscriber.id
        assert subscriber_id is not None
        event = new_event(subscriber_id, EventType.SESSION_ENDED, client=client)
        if not self._sessions.revoke_by_id(subscriber_id, session_id, event=event):
            raise NotFound("Session introuvable.")
        log.info("session ended by its subscriber")

    def end_other_sessions(self, signed_in: SignedIn, client: ClientDescription = NO_CLIENT) -> int:
        subscriber_id = signed_in.subscriber.id
        assert subscriber_id is not None
        event = new_event(subscriber_id, EventType.SESSION_ENDED, client=client)
        ended = self._sessions.revoke_all(subscriber_id, signed_in.session_id, event=event)
        log.info("other sessions ended: %d", ended)
        return ended

    # -- « Fermer mon espace » ---------------------------------------------------------------

    async def close(self, signed_in: SignedIn, form: SecretsForm) -> None:
        """Erase the subscriber as the ops command does (the number is retired, never given
        again), then the processes that held their data in Temporal; a last e-mail says so."""
        require({"password": form.password, "trust_answer": form.trust_answer})
        subscriber = signed_in.subscriber
        await self.check_secrets(subscriber, form.password, form.trust_answer)
        email = subscriber.email
        if self._before_closing is not None:
            await self._before_closing(subscriber)
        await self._with_notice(email, Change.SPACE_CLOSED, lambda: self._subscribers.erase(email))
        await self.forget_processes(subscriber)
        log.info("space closed by its subscriber")

    async def forget_processes(self, subscriber: Subscriber) -> None:
        """Delete the Temporal runs that hold the subscriber's data: their enrollment's run, and
        every run of their password resets and e-mail changes (a pending one is terminated by
        the deletion, so its code stops being good).

        Only the enrollment's own run (the enrollment key names it): the address, now free, may
        already be enrolling again under the same workflow ID. Best effort: the subscriber is
        already erased from the database; a run left behind is logged (by ID) for ops."""
        workflow_id, _, run_id = subscriber.enrollment_key.partition("/")
        if workflow_id.startswith(WORKFLOW_ID_PREFIX) and run_id:
            await self._delete_run(workflow_id, run_id)
        for process_id in (
            RESET_PREFIX + self._keyed.identifier_digest(subscriber.email),
            EMAIL_CHANGE_PREFIX + self._keyed.subscriber_digest(subscriber.subscriber_number),
            SIGN_IN_PREFIX + self._keyed.subscriber_digest(subscriber.subscriber_number),
        ):
            runs = {""}  # the latest run, which visibility may not list yet
            try:
                async for execution in self._client.list_workflows(f'WorkflowId = "{process_id}"'):
                    runs.add(execution.run_id)
            except RPCError:
                log.warning("runs not listed", extra={"workflow_id": process_id})
            for run in runs:
                await self._delete_run(process_id, run or None)

    async def _delete_run(self, workflow_id: str, run_id: str | None = None) -> None:
        """Delete one run (or the latest); the server terminates it first if it is running."""
        try:
            await self._client.workflow_service.delete_workflow_execution(
                DeleteWorkflowExecutionRequest(
                    namespace=self._client.namespace,
                    workflow_execution=WorkflowExecution(
                        workflow_id=workflow_id, run_id=run_id or ""
                    ),
                )
            )
        except RPCError as error:
            if error.status is not RPCStatusCode.NOT_FOUND:
                log.warning(
                    "run not erased: %s",
                    error.status.name if error.status else "?",
                    extra={"workflow_id": workflow_id},
                )

    # -- helpers -----------------------------------------------------------------------------

    async def _with_notice(
        self,
        email: str,
        change: Change,
        apply: Callable[[], T],
        changed_at: datetime | None = None,
    ) -> T:
        """Start the notice, then make the change; withdraw the notice if the change fails."""
        notice = await self._notifier.notify(email, change, changed_at or datetime.now(UTC))
        try:
            return await asyncio.to_thread(apply)
        except BaseException:
            await self._notifier.withdraw(notice)
            raise


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
