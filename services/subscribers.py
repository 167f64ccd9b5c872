"""Signed-in life of a subscriber: sessions, profile, recap print-out."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from temporalio.client import Client, WorkflowFailureError
from temporalio.service import RPCError

from documents.recap_pdf import render_recap_pdf
from domain.client_description import ClientDescription
from domain.problems import ProblemCode
from domain.rules import normalise_email
from domain.security_events import EventType
from security.passwords import SecretHasher
from security.tokens import new_token, token_digest
from services.errors import Unauthorized
from services.security_events import EventRecorder
from services.throttle import Action, Throttle
from settings import SecondFactor, Settings
from storage.devices import DeviceRepository
from storage.security_events import new_event
from storage.subscribers import SessionRepository, SubscriberRepository
from storage.tables import Subscriber

RECAP_WAIT_SECONDS = 10


@dataclass(frozen=True, slots=True)
class IssuedSession:
    access_token: str
    expires_at: datetime
    # The recognised device's token (SPEC §9): the one the client showed, or a new one once a
    # second step or an activation proved the browser; None when no device is involved.
    device_token: str | None = None


@dataclass(frozen=True, slots=True)
class SecondStepDue:
    """The password is right, but the browser is not recognised (or SECOND_FACTOR=always): no
    session yet, a second step first (services.second_step)."""

    subscriber: Subscriber


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The subscriber behind a bearer token, and which of their sessions the token is."""

    subscriber: Subscriber
    session_id: str
    token_digest: str


class SubscriberService:
    def __init__(
        self,
        settings: Settings,
        subscribers: SubscriberRepository,
        sessions: SessionRepository,
        hasher: SecretHasher,
        throttle: Throttle | None = None,
        client: Client | None = None,
        events: EventRecorder | None = None,
        devices: DeviceRepository | None = None,
    ) -> None:
        self._settings = settings
        # Sign-ins, refusals and locks go to the account's activity (none when None: tools).
        self._events = events
        self._client = client
        self._subscribers = subscribers
        self._sessions = sessions
        self._hasher = hasher
        # Rate limit per address and lockout per identifier (the app always passes one).
        self._throttle = throttle
        # The recognised browsers (SPEC §9); without them every browser is unknown.
        self._devices = devices

    def open_session(
        self, subscriber_id: int, user_agent: str = "", client_address: str | None = None
    ) -> IssuedSession:
        """A new session; `user_agent` names the browser in the subscriber's list of sessions.
        With `client_address` it is a sign-in: recorded in the activity, in the same write."""
        token = new_token()
        expires_at = datetime.now(UTC) + self._settings.session_lifetime
        event = None
        if client_address is not None and self._events is not None:
            client = ClientDescription.of(user_agent, client_address)
            event = new_event(subscriber_id, EventType.SIGN_IN, client=client)
        self._sessions.add(token_digest(token), subscriber_id, expires_at, user_agent, event)
        return IssuedSession(token, expires_at)

    def open_session_on_new_device(
        self, subscriber_id: int, user_agent: str = "", client_address: str | None = None
    ) -> IssuedSession:
        """A session from a browser that just proved itself (activation, a second step): the
        browser is recognised from now on, by the device token returned with the session. With
        `client_address` it is a sign-in, recorded as in `open_session`."""
        session = self.open_session(subscriber_id, user_agent, client_address)
        if self._devices is None:
            return session
        device_token = new_token()
        self._devices.add(token_digest(device_token), subscriber_id, user_agent, datetime.now(UTC))
        return IssuedSession(session.access_token, session.expires_at, device_token)

    async def sign_in(
        self,
        email: str,
        password: str,
        *,
        client_address: str | None = None,
        user_agent: str = "",
        device_token: str | None = None,
    ) -> IssuedSession | SecondStepDue:
        """The same answer, at the same cost, for an unknown identifier and a wrong password.

        A locked identifier is refused (429) before its password is even checked, whether or not
        it belongs to a subscriber. A right password from a browser not recognised (no live
        `device_token` of this subscriber) gives SecondStepDue instead of a session, unless
        SECOND_FACTOR=off; the lockout is then left as it is until the second step is passed.
        One argon2id verification either way.
        """
        # The whole sign-in in one thread hop: the reads, the argon2id verification (it
        # releases the GIL, so sign-ins still verify on every core) and the writes. Each hop and
        # each write transaction costs the API CPU on the busiest request it serves.
        return await asyncio.to_thread(
            self._sign_in,
            normalise_email(email),
            password,
            client_address,
            user_agent,
            device_token,
        )

    def _sign_in(
        self,
        identifier: str,
        password: str,
        client_address: str | None,
        user_agent: str,
        device_token: str | None,
    ) -> IssuedSession | SecondStepDue:
        subscriber, had_failures = self._before_verify(identifier, client_address)
        hashed = subscriber.password_hash if subscriber else None
        if not self._hasher.verify_sync(hashed, password) or subscriber is None:
            self._refused(identifier, subscriber, ClientDescription.of(user_agent, client_address))
            raise Unauthorized(
                "Identifiant ou mot de passe incorrect.", code=ProblemCode.INVALID_CREDENTIALS
            )
        assert subscriber.id is not None
        session = self._after_verify(
            identifier, subscriber.id, had_failures, user_agent, client_address, device_token
        )
        return session or SecondStepDue(subscriber)

    def _refused(
        self, identifier: str, subscriber: Subscriber | None, client: ClientDescription
    ) -> None:
        """Count the failure; a subscriber's activity tells it (an unknown identifier has no
        activity), and tells the lock this failure set."""
        locked = self._throttle.sign_in_failed(identifier) if self._throttle is not None else False
        if subscriber is None or subscriber.id is None or self._events is None:
            return
        self._events.record(subscriber.id, EventType.SIGN_IN_REFUSED, client=client)
        if locked:
            self._events.record(subscriber.id, EventType.SIGN_IN_LOCKED, client=client)

    def _before_verify(
        self, identifier: str, client_address: str | None
    ) -> tuple[Subscriber | None, bool]:
        had_failures = False
        if self._throttle is not None:
            self._throttle.count(Action.SIGN_IN, identifier, client_address)
            had_failures = self._throttle.check_lockout(identifier)
        return self._subscribers.by_email(identifier), had_failures

    def _after_verify(
        self,
        identifier: str,
        subscriber_id: int,
        had_failures: bool,
        user_agent: str,
        client_address: str | None,
        device_token: str | None,
    ) -> IssuedSession | None:
        """The session, or None when a second step is due."""
        mode = self._settings.second_factor
        known = device_token is not None and self.recognises(subscriber_id, device_token)
        if mode == SecondFactor.ALWAYS or (mode == SecondFactor.NEW_DEVICE and not known):
            return None
        if had_failures and self._throttle is not None:
            self._throttle.sign_in_succeeded(identifier)
        # "" rather than None: a sign-in without a known address is still a sign-in.
        session = self.open_session(subscriber_id, user_agent, client_address or "")
        return IssuedSession(
            session.access_token, session.expires_at, device_token if known else None
        )

    def recognises(self, subscriber_id: int, device_token: str) -> bool:
        """Whether the token is a live device of this subscriber (it is then seen now)."""
        if self._devices is None:
            return False
        return self._devices.recognise(
            token_digest(device_token),
            subscriber_id,
            datetime.now(UTC),
            self._settings.device_lifetime,
        )

    def authenticate(self, token: str) -> Subscriber:
        return self.authenticate_session(token).subscriber

    def authenticate_session(self, token: str) -> SignedIn:
        digest = token_digest(token)
        session = self._sessions.session_for(digest, datetime.now(UTC))
        subscriber = self._subscribers.get(session.subscriber_id) if session else None
        if session is None or subscriber is None:
            raise Unauthorized("Session absente ou expirée : identifiez-vous.")
        return SignedIn(subscriber, session.session_id, digest)

    def sign_out(self, token: str) -> None:
        self._sessions.revoke(token_digest(token))

    async def recap_pdf(self, subscriber: Subscriber) -> bytes:
        """The stored recap. Asked for right after activation, it may still be on its way:
        wait for the enrollment to finish rendering it rather than render it twice."""
        assert subscriber.id is not None
        pdf = await asyncio.to_thread(self._subscribers.recap, subscriber.id)
        if pdf is None and self._client is not None:
            await self._enrollment_finished(subscriber.enrollment_key)
            pdf = await asyncio.to_thread(self._subscribers.recap, subscriber.id)
        if pdf is None:  # rendering failed in the worker: render it here and keep it
            pdf = await asyncio.to_thread(
                render_recap_pdf, subscriber.view(), printed_at=datetime.now(UTC)
            )
            await asyncio.to_thread(self._subscribers.save_recap, subscriber.id, pdf)
        return pdf

    async def _enrollment_finished(self, enrollment_key: str) -> None:
        assert self._client is not None
        workflow_id, _, run_id = enrollment_key.partition("/")
        handle = self._client.get_workflow_handle(workflow_id, run_id=run_id or None)
        try:
            await asyncio.wait_for(handle.result(), RECAP_WAIT_SECONDS)
        except (TimeoutError, RPCError, WorkflowFailureError):
            return  # gone, failed or slow: the caller renders the recap itself
