"""The authenticator app (SPEC §9): enrolment, confirmation with a first code and 10 recovery
codes, turning it off, and judging its codes at sign-in. The API and the pages both call these.

The app's key is sealed at rest (security/secret_box.py); each accepted code's time-step is
recorded, so a code is good once. Recovery codes are random and stored as keyed digests:
checking one costs no argon2id work. Turning the app on or off is told by e-mail, the notice
started first."""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass

from domain.changes import Change
from domain.client_description import NO_CLIENT, ClientDescription
from domain.codes import is_sign_in_code_shaped
from domain.security_events import EventType
from security.keyed_hash import KeyedHasher
from security.passwords import SecretHasher
from security.secret_box import SecretBox
from security.totp import Clock, matching_step, new_secret, otpauth_uri, utc_now
from services.errors import Conflict, Forbidden, InvalidCode
from services.notifications import Notifier
from services.security_events import EventRecorder
from services.subscribers import SignedIn
from services.throttle import Throttle
from storage.second_factor import TotpRepository
from storage.tables import Subscriber

log = logging.getLogger(__name__)

RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
_RECOVERY_HALF = 5
INVALID_TOTP_CODE = "Code incorrect\u00a0: saisissez le code affiché par votre application."
INVALID_PASSWORD = "Mot de passe incorrect."  # noqa: S105 - a message
ALREADY_ON = "L'application d'authentification est déjà activée."
NOTHING_PENDING = "Aucune activation n'est en cours\u00a0: recommencez depuis le début."
NOT_ON = "Aucune application d'authentification n'est activée."


@dataclass(frozen=True, slots=True)
class TotpEnrolment:
    secret: str
    otpauth_uri: str


def new_recovery_code() -> str:
    """« k7pqm-x3vtd »: 10 characters (about 49 bits), in two halves."""
    chars = [secrets.choice(_RECOVERY_ALPHABET) for _ in range(2 * _RECOVERY_HALF)]
    return "".join(chars[:_RECOVERY_HALF]) + "-" + "".join(chars[_RECOVERY_HALF:])


def normalise_recovery_code(typed: str) -> str:
    """As typed: any case, with or without the hyphen and spaces."""
    plain = "".join(typed.split()).replace("-", "").lower()
    return plain[:_RECOVERY_HALF] + "-" + plain[_RECOVERY_HALF:]


class TotpService:
    def __init__(
        self,
        repository: TotpRepository,
        box: SecretBox,
        keyed: KeyedHasher,
        hasher: SecretHasher,
        throttle: Throttle,
        notifier: Notifier,
        events: EventRecorder,
        clock: Clock = utc_now,
    ) -> None:
        self._events = events
        self._repository = repository
        self._box = box
        self._keyed = keyed
        self._hasher = hasher
        self._throttle = throttle
        self._notifier = notifier
        self._clock = clock

    def is_enabled(self, subscriber_id: int) -> bool:
        return self._repository.is_enabled(subscriber_id)

    def recovery_codes_left(self, subscriber_id: int) -> int:
        return self._repository.recovery_codes_left(subscriber_id)

    # -- turning it on ------------------------------------------------------------------------

    async def start(self, me: SignedIn) -> TotpEnrolment:
        """A new key, pending until a first code confirms it (a new start replaces it)."""
        subscriber_id = _id(me.subscriber)
        secret = new_secret()
        sealed = self._box.seal(secret, _owner(subscriber_id))
        started = await asyncio.to_thread(
            self._repository.start, subscriber_id, sealed, self._clock()
        )
        if not started:
            raise Conflict(ALREADY_ON)
        return TotpEnrolment(secret, otpauth_uri(secret, me.subscriber.email))

    async def pending(self, me: SignedIn) -> TotpEnrolment | None:
        """The key awaiting its first code (the page shows it again after a wrong code)."""
        found = await asyncio.to_thread(self._repository.get, _id(me.subscriber))
        if found is None or found.confirmed_at is not None:
            return None
        secret = self._box.open(found.sealed_secret, _owner(_id(me.subscriber)))
        return TotpEnrolment(secret, otpauth_uri(secret, me.subscriber.email))

    async def confirm(
        self, me: SignedIn, code: str, client: ClientDescription = NO_CLIENT
    ) -> list[str]:
        """The first code proves the app holds the key: the app is on; the 10 recovery codes
        are returned, once (only their digests are kept)."""
        subscriber = me.subscriber
        subscriber_id = _id(subscriber)
        found = await asyncio.to_thread(self._repository.get, subscriber_id)
        if found is None or found.confirmed_at is not None:
            raise Conflict(ALREADY_ON if found is not None else NOTHING_PENDING)
        if not await self._code_ok(subscriber_id, found.sealed_secret, code):
            raise InvalidCode(INVALID_TOTP_CODE)
        codes = [new_recovery_code() for _ in range(RECOVERY_CODES)]
        digests = [self.recovery_digest(subscriber, code) for code in codes]
        now = self._clock()
        notice = await self._notifier.notify(subscriber.email, Change.TOTP_ENABLED, now)
        confirmed = await asyncio.to_thread(self._repository.confirm, subscriber_id, digests, now)
        if not confirmed:  # confirmed meanwhile by another request
            await self._notifier.withdraw(notice)
            raise Conflict(ALREADY_ON)
        await asyncio.to_thread(
            self._events.record, subscriber_id, EventType.TOTP_ENABLED, client=client
        )
        log.info("authenticator app enabled")
        return codes

    # -- turning it off -----------------------------------------------------------------------

    async def disable(
        self, me: SignedIn, password: str, code: str, client: ClientDescription = NO_CLIENT
    ) -> None:
        """The password (403, counted toward the lockout) and a current code (422)."""
        subscriber = me.subscriber
        subscriber_id = _id(subscriber)
        await asyncio.to_thread(self._throttle.check_lockout, subscriber.email)
        if not await self._hasher.verify(subscriber.password_hash, password):
            await asyncio.to_thread(self._throttle.sign_in_failed, subscriber.email)
            raise Forbidden(INVALID_PASSWORD)
        found = await asyncio.to_thread(self._repository.get, subscriber_id)
        if found is None or found.confirmed_at is None:
            raise Conflict(NOT_ON)
        if not await self._code_ok(subscriber_id, found.sealed_secret, code):
            raise InvalidCode(INVALID_TOTP_CODE)
        notice = await self._notifier.notify(subscriber.email, Change.TOTP_DISABLED, self._clock())
        try:
            await asyncio.to_thread(self._repository.remove, subscriber_id)
        except BaseException:
            await self._notifier.withdraw(notice)
            raise
        await asyncio.to_thread(
            self._events.record, subscriber_id, EventType.TOTP_DISABLED, client=client
        )
        log.info("authenticator app disabled")

    # -- at sign-in ---------------------------------------------------------------------------

    async def sign_in_code_ok(self, subscriber_id: int, code: str) -> bool:
        """A current code of the subscriber's confirmed app, not used before."""
        found = await asyncio.to_thread(self._repository.get, subscriber_id)
        if found is None or found.confirmed_at is None:
            return False
        return await self._code_ok(subscriber_id, found.sealed_secret, code)

    async def use_recovery_code(self, subscriber: Subscriber, typed: str) -> bool:
        digest = self.recovery_digest(subscriber, normalise_recovery_code(typed))
        return await asyncio.to_thread(
            self._repository.use_recovery_code, _id(subscriber), digest, self._clock()
        )

    def recovery_digest(self, subscriber: Subscriber, code: str) -> str:
        return self._keyed.secret_digest("recovery-code", subscriber.subscriber_number, code)

    async def _code_ok(self, subscriber_id: int, sealed: str, code: str) -> bool:
        code = code.strip().replace(" ", "")
        if not is_sign_in_code_shaped(code):
            return False
        secret = self._box.open(sealed, _owner(subscriber_id))
        step = matching_step(secret, code, self._clock())
        if step is None:
            return False
        # The same step twice is a replay (someone who saw the code): refused.
        return await asyncio.to_thread(self._repository.use_step, subscriber_id, step)


def _id(subscriber: Subscriber) -> int:
    assert subscriber.id is not None
    return subscriber.id


def _owner(subscriber_id: int) -> str:
    return f"totp:{subscriber_id}"
