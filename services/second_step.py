"""The second step at sign-in (SPEC §9), as services the API and the pages both call.

After the right password from a browser not recognised, a challenge replaces the session: a
6-digit code e-mailed through the sign-in code workflow (its state lives there: a killed API
process or worker loses nothing), or, for a subscriber with an authenticator app, the app's code
(judged here, the challenge's tries kept in the database). The challenge's ID is random and only
its digest is stored; a new sign-in replaces the subscriber's pending challenge, and with it voids
the previous code. Every wrong code counts toward the sign-in lockout. Once passed, the browser is
recognised (a device token comes with the session) and the subscriber is told by e-mail.

No argon2id work here: the password was checked once, before; codes and recovery codes are
compared through keyed digests.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from domain.changes import Change
from domain.client_description import NO_CLIENT, ClientDescription
from domain.codes import CodePurpose, is_sign_in_code_shaped
from domain.problems import ProblemCode
from domain.security_events import EventType
from security.keyed_hash import KeyedHasher
from security.tokens import new_token
from services.errors import Expired, InvalidCode, TooManyAttempts, Unavailable
from services.notifications import Notifier
from services.security_events import EventRecorder
from services.subscribers import IssuedSession, SecondStepDue, SubscriberService
from services.throttle import Action, Clock, Throttle, utc_now
from services.totp import TotpService
from services.workflow_calls import WorkflowCalls, start_or_join
from settings import Settings
from storage.second_factor import ChallengeRepository
from storage.subscribers import SubscriberRepository
from storage.tables import SignInChallenge, Subscriber
from workflows.sign_in_code import SignInCodeWorkflow
from workflows.sign_in_code_messages import (
    WORKFLOW_ID_PREFIX,
    JudgeSignInCode,
    RequestSignInCode,
    SignInCodeParams,
    SignInCodeRejection,
    SignInVerdict,
)

log = logging.getLogger(__name__)

INVALID_CODE = "Code de vérification incorrect\u00a0: vérifiez votre saisie."
CODE_EXPIRED = "Ce code de vérification a expiré\u00a0: identifiez-vous de nouveau."
CODE_VOID = (
    "Ce code n'est plus valable après trop d'essais\u00a0: identifiez-vous de nouveau pour en "
    "recevoir un autre."
)
NO_MORE_CODES = "Vous avez demandé trop de codes\u00a0: identifiez-vous de nouveau plus tard."
# A closing run is waited for this long before a new code is asked of its successor.
_CLOSING_WAIT = 5.0


class Method(StrEnum):
    EMAIL = "email"
    TOTP = "totp"


@dataclass(frozen=True, slots=True)
class ChallengeIssued:
    challenge_id: str
    method: Method
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Proof:
    """What the browser typed: the code (e-mailed or the app's), or a recovery code."""

    code: str = ""
    recovery_code: str = ""


class SecondStepService:
    def __init__(
        self,
        client: Client,
        settings: Settings,
        subscribers: SubscriberService,
        repository: SubscriberRepository,
        challenges: ChallengeRepository,
        totp: TotpService,
        keyed: KeyedHasher,
        throttle: Throttle,
        notifier: Notifier,
        events: EventRecorder,
        clock: Clock = utc_now,
    ) -> None:
        self._events = events
        self._client = client
        self._settings = settings
        self._subscribers = subscribers
        self._repository = repository
        self._challenges = challenges
        self._totp = totp
        self._keyed = keyed
        self._throttle = throttle
        self._notifier = notifier
        self._clock = clock
        self._call = WorkflowCalls(refused=_refused, gone=_gone)

    def workflow_id(self, subscriber: Subscriber) -> str:
        return WORKFLOW_ID_PREFIX + self._keyed.subscriber_digest(subscriber.subscriber_number)

    def _digest(self, challenge_id: str) -> str:
        return self._keyed.secret_digest("sign-in-challenge", "", challenge_id)

    # -- the password ---------------------------------------------------------------------------

    async def sign_in(
        self,
        email: str,
        password: str,
        *,
        client_address: str | None = None,
        user_agent: str = "",
        device_token: str | None = None,
    ) -> IssuedSession | ChallengeIssued:
        """A session (a recognised browser, or SECOND_FACTOR=off), or a challenge."""
        result = await self._subscribers.sign_in(
            email,
            password,
            client_address=client_address,
            user_agent=user_agent,
            device_token=device_token,
        )
        if isinstance(result, SecondStepDue):
            return await self.begin(result.subscriber, user_agent)
        return result

    async def begin(self, subscriber: Subscriber, user_agent: str) -> ChallengeIssued:
        """A new challenge for the subscriber (the previous one stops working)."""
        assert subscriber.id is not None
        now = self._clock()
        if await asyncio.to_thread(self._totp.is_enabled, subscriber.id):
            method = Method.TOTP
            expires_at = now + self._settings.sign_in_code_window
        else:
            method = Method.EMAIL
            # Code e-mails to one address are limited, whatever process asks for them.
            await asyncio.to_thread(self._throttle.count, Action.CODE_EMAIL, subscriber.email, None)
            expires_at = await self._request_code(subscriber, resend=False)
        challenge_id = new_token()
        await asyncio.to_thread(
            self._challenges.replace,
            subscriber.id,
            self._digest(challenge_id),
            method.value,
            user_agent,
            now,
            expires_at,
        )
        log.info("second step asked", extra={"method": method.value})
        return ChallengeIssued(challenge_id, method, expires_at)

    async def resend(self, challenge_id: str) -> ChallengeIssued:
        """« Recevoir un nouveau code »: a new e-mailed code, the previous one void."""
        challenge, subscriber = await self._find(challenge_id)
        if challenge.method != Method.EMAIL:
            raise InvalidCode(INVALID_CODE, code=ProblemCode.INVALID_CODE)
        await asyncio.to_thread(self._throttle.count, Action.CODE_EMAIL, subscriber.email, None)
        expires_at = await self._request_code(subscriber, resend=True)
        return ChallengeIssued(challenge_id, Method.EMAIL, expires_at)

    # -- the code -------------------------------------------------------------------------------

    def _refused(self, subscriber: Subscriber, identifier: str, client: ClientDescription) -> None:
        """A wrong second step after the right password: the activity tells it (someone has
        the password), and the lock it may set."""
        locked = self._throttle.sign_in_failed(identifier)
        assert subscriber.id is not None
        self._events.record(subscriber.id, EventType.SIGN_IN_REFUSED, client=client)
        if locked:
            self._events.record(subscriber.id, EventType.SIGN_IN_LOCKED, client=client)

    async def complete(
        self, challenge_id: str, proof: Proof, client: ClientDescription = NO_CLIENT
    ) -> IssuedSession:
        """The session, once the code (or a recovery code) is right; the browser is then
        recognised. 422 invalid_code (also for an unknown or replaced challenge), 410
        code_expired, 429 too_many_attempts (the code is void, or the identifier is locked)."""
        challenge, subscriber = await self._find(challenge_id)
        identifier = subscriber.email
        await asyncio.to_thread(self._throttle.check_lockout, identifier)
        recovery_used = False
        if proof.recovery_code:
            recovery_used = await self._recovery_ok(challenge, subscriber, proof.recovery_code)
            passed = recovery_used
        elif challenge.method == Method.TOTP:
            passed = await self._app_code_ok(challenge, proof.code)
        else:
            passed = await self._email_code_ok(subscriber, proof.code)
        if not passed:
            await asyncio.to_thread(self._refused, subscriber, identifier, client)
            raise InvalidCode(INVALID_CODE)
        if not await asyncio.to_thread(self._challenges.take, challenge.challenge_digest):
            raise InvalidCode(INVALID_CODE)  # another request passed it a moment ago
        now = self._clock()
        await self._notifier.notify(identifier, Change.NEW_DEVICE_SIGN_IN, now)
        if recovery_used:
            await self._notifier.notify(identifier, Change.RECOVERY_CODE_USED, now)
        assert subscriber.id is not None
        session = await asyncio.to_thread(
            self._after_passed,
            identifier,
            subscriber.id,
            challenge.user_agent,
            client,
            recovery_used,
        )
        log.info("second step passed", extra={"method": challenge.method})
        return session

    def _after_passed(
        self,
        identifier: str,
        subscriber_id: int,
        user_agent: str,
        client: ClientDescription,
        recovery_used: bool,
    ) -> IssuedSession:
        self._throttle.sign_in_succeeded(identifier)
        session = self._subscribers.open_session_on_new_device(subscriber_id, user_agent)
        if recovery_used:
            self._events.record(subscriber_id, EventType.RECOVERY_CODE_USED, client=client)
        self._events.record(subscriber_id, EventType.SECOND_STEP, client=client)
        return session

    async def _find(self, challenge_id: str) -> tuple[SignInChallenge, Subscriber]:
        challenge = await asyncio.to_thread(self._challenges.find, self._digest(challenge_id))
        subscriber = None
        if challenge is not None:
            subscriber = await asyncio.to_thread(self._repository.get, challenge.subscriber_id)
        if challenge is None or subscriber is None:
            raise InvalidCode(INVALID_CODE)
        return challenge, subscriber

    def _check_tries(self, challenge: SignInChallenge) -> None:
        """An app's challenge: its tries and its 10 minutes, counted here."""
        if challenge.attempts >= self._settings.max_code_attempts:
            raise TooManyAttempts(CODE_VOID, retry_after=60)
        if self._clock() >= challenge.expires_at:
            raise Expired(CODE_EXPIRED)

    async def _app_code_ok(self, challenge: SignInChallenge, code: str) -> bool:
        return await self._judged_here(
            challenge, lambda: self._totp.sign_in_code_ok(challenge.subscriber_id, code)
        )

    async def _recovery_ok(
        self, challenge: SignInChallenge, subscriber: Subscriber, typed: str
    ) -> bool:
        return await self._judged_here(
            challenge, lambda: self._totp.use_recovery_code(subscriber, typed)
        )

    async def _judged_here(
        self, challenge: SignInChallenge, judge: Callable[[], Awaitable[bool]]
    ) -> bool:
        """An app's code or a recovery code: judged once the challenge's tries and time allow
        it, a wrong one counted against the challenge."""
        self._check_tries(challenge)
        if await judge():
            return True
        await asyncio.to_thread(self._challenges.count_wrong, challenge.challenge_digest)
        return False

    async def _email_code_ok(self, subscriber: Subscriber, code: str) -> bool:
        code = code.strip()
        if not is_sign_in_code_shaped(code):
            code = ""  # judged all the same: it counts as a wrong try
        workflow_id = self.workflow_id(subscriber)
        request = JudgeSignInCode(
            code_digest=self._keyed.code_digest(CodePurpose.SIGN_IN, workflow_id, code)
        )
        handle = self._client.get_workflow_handle_for(SignInCodeWorkflow.run, workflow_id)
        try:
            judged = await self._call(handle.execute_update(SignInCodeWorkflow.judge, request))
        except _NotPending:
            raise Expired(CODE_EXPIRED) from None  # the run is over: its code expired
        if judged.verdict is SignInVerdict.VOID:
            raise TooManyAttempts(CODE_VOID, retry_after=60)
        if judged.verdict is SignInVerdict.EXPIRED:
            raise Expired(CODE_EXPIRED)
        return judged.verdict is SignInVerdict.PASSED

    # -- Temporal -------------------------------------------------------------------------------

    async def _request_code(self, subscriber: Subscriber, *, resend: bool) -> datetime:
        workflow_id = self.workflow_id(subscriber)
        params = SignInCodeParams(
            email=subscriber.email,
            validity=self._settings.sign_in_code_window,
            max_attempts=self._settings.max_code_attempts,
            max_resends=self._settings.max_resends,
        )
        request = RequestSignInCode(resend=resend)
        for _ in range(2):
            # A new operation each try: one is spent by the call that carries it.
            start = start_or_join(SignInCodeWorkflow.run, params, workflow_id, self._settings)
            try:
                requested = await self._call(
                    self._client.execute_update_with_start_workflow(
                        SignInCodeWorkflow.request_code, request, start_workflow_operation=start
                    )
                )
                return requested.expires_at
            except _NotPending as refused:
                if refused.reason is SignInCodeRejection.RESEND_LIMIT:
                    raise TooManyAttempts(NO_MORE_CODES, retry_after=60) from None
                if resend:
                    raise Expired(CODE_EXPIRED) from None
                # The previous run is ending (its code just passed or expired): wait for it.
                await self._closed(workflow_id)
        raise Unavailable()

    async def _closed(self, workflow_id: str) -> None:
        handle = self._client.get_workflow_handle(workflow_id)
        try:
            await asyncio.wait_for(handle.result(), _CLOSING_WAIT)
        except (TimeoutError, RPCError):
            log.warning("sign-in code run still open", extra={"workflow_id": workflow_id})
        except WorkflowFailureError:
            return  # a failed run is closed too: a new one may start


class _NotPending(Exception):
    """The process refused the update (`reason`), or none runs any more."""

    def __init__(self, reason: SignInCodeRejection) -> None:
        super().__init__(reason.value)
        self.reason = reason


def _refused(cause: BaseException | None) -> Exception:
    if isinstance(cause, ApplicationError) and cause.type in set(SignInCodeRejection):
        return _NotPending(SignInCodeRejection(cause.type))
    return _NotPending(SignInCodeRejection.NOT_PENDING)


def _gone() -> Exception:
    return _NotPending(SignInCodeRejection.NOT_PENDING)
