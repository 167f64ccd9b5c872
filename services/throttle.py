"""Rate limits and sign-in lockout, shared by the API and the pages through the services.

Counters live in the database (storage.attempts), so several API processes count together.
Keys never hold an identifier or an address in clear: only their keyed hashes (HMAC).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from security.keyed_hash import KeyedHasher
from services.errors import TooManyAttempts
from settings import Settings
from storage.attempts import AttemptRepository

Clock = Callable[[], datetime]

_QUOTA_WINDOW = timedelta(minutes=1)

TOO_MANY = "Trop de tentatives : veuillez réessayer plus tard."


def utc_now() -> datetime:
    return datetime.now(UTC)


class Action(StrEnum):
    ACTIVATION = "activation"
    RESEND = "resend"
    SIGN_IN = "sign-in"
    CODEC_SESSION = "codec-session"  # CODEC_AUTH_TOKEN given on the codec's session page
    RESET_REQUEST = "password-reset"  # « Mot de passe oublié ? »: a code asked for
    RESET_ATTEMPT = "password-reset-attempt"  # code + answer + new password tried
    EMAIL_CHANGE = "email-change"  # a code sent to a new address
    ENROLLMENT_START = "enrollment-start"
    CONFIRM = "confirm"
    CODE_EMAIL = "code-email"  # per recipient: confirm and resend each send one


@dataclass(frozen=True, slots=True)
class Lockout:
    failures: int  # sign-in failures on record (they are forgotten after a success)
    locked_until: datetime | None  # None: not locked now


@dataclass(frozen=True, slots=True)
class Limits:
    per_identifier: int | None  # None: the identifier is guarded otherwise (sign-in lockout)
    per_address: int | None  # None: counted per identifier only
    window: timedelta | None = None  # None: the settings' rate_limit_window


class Throttle:
    def __init__(
        self,
        settings: Settings,
        attempts: AttemptRepository,
        keyed: KeyedHasher,
        clock: Clock = utc_now,
    ) -> None:
        self._settings = settings
        self._attempts = attempts
        self._keyed = keyed
        self._clock = clock
        self._limits = {
            Action.ACTIVATION: Limits(
                settings.activation_attempts_per_identifier,
                settings.activation_attempts_per_address,
            ),
            Action.RESEND: Limits(settings.resends_per_identifier, settings.resends_per_address),
            Action.SIGN_IN: Limits(None, settings.sign_ins_per_address),
            Action.CODEC_SESSION: Limits(None, settings.codec_sessions_per_address),
            Action.RESET_REQUEST: Limits(
                settings.password_resets_per_identifier, settings.password_resets_per_address
            ),
            Action.RESET_ATTEMPT: Limits(
                settings.reset_attempts_per_identifier, settings.reset_attempts_per_address
            ),
            Action.EMAIL_CHANGE: Limits(
                settings.email_changes_per_identifier, settings.email_changes_per_address
            ),
            Action.ENROLLMENT_START: Limits(None, settings.enrollments_per_address),
            Action.CONFIRM: Limits(None, settings.confirms_per_address),
            Action.CODE_EMAIL: Limits(
                settings.code_emails_per_recipient, None, settings.code_email_window
            ),
        }

    def count(self, action: Action, identifier: str, address: str | None) -> None:
        """Count one attempt; refuse it (429) once the identifier or the address is over its limit.

        Counted whether or not the identifier exists, so the answer tells nothing about it.
        """
        limits = self._limits[action]
        if address and limits.per_address is not None:
            self._hit(self._address_key(action, address), limits.per_address, limits.window)
        if limits.per_identifier is not None:
            self.count_digest(action, self._keyed.identifier_digest(identifier))

    def count_digest(self, action: Action, identifier_digest: str) -> None:
        """Count one attempt for the identifier whose keyed hash is given (confirm knows only
        that hash: the enrollment ID carries it, never the address)."""
        limits = self._limits[action]
        if limits.per_identifier is not None:
            key = f"{action}:id:{identifier_digest}"
            self._hit(key, limits.per_identifier, limits.window)

    def count_service_call(self, client_id: str, per_minute: int) -> None:
        """Count one call of a service client against its own quota (SPEC §8), in the same
        database counters as the public limits, so every API process shares it."""
        key = f"service-quota:{client_id}"
        counted = self._attempts.hit(key, self._clock(), _QUOTA_WINDOW)
        if counted.count > per_minute:
            wait = _seconds(counted.window_started_at + _QUOTA_WINDOW - self._clock())
            raise TooManyAttempts(
                f"Quota de requêtes de ce service dépassé ({per_minute} par minute) : "
                f"réessayez dans {wait}\u00a0s.",
                retry_after=wait,
            )

    # -- sign-in lockout ----------------------------------------------------------------------

    def check_lockout(self, identifier: str) -> bool:
        """Refuse a locked identifier; True when it has failures on record (a reset is due on
        success), so that a clean sign-in writes nothing here."""
        found = self._attempts.get(self._lockout_key(identifier))
        now = self._clock()
        if found and found.blocked_until and found.blocked_until > now:
            raise TooManyAttempts(TOO_MANY, retry_after=_seconds(found.blocked_until - now))
        return found is not None

    def sign_in_failed(self, identifier: str) -> bool:
        """After `sign_in_lockout_after` failures, lock for a delay that doubles each time.
        True when this failure locked the identifier (the activity page tells it)."""
        s = self._settings
        key = self._lockout_key(identifier)
        now = self._clock()
        failures = self._attempts.hit(key, now, s.sign_in_failure_memory).count
        if failures >= s.sign_in_lockout_after:
            doublings = min(failures - s.sign_in_lockout_after, 30)
            delay = min(s.sign_in_lockout_delay * 2**doublings, s.sign_in_lockout_max)
            self._attempts.block(key, now + delay)
            return True
        return False

    def sign_in_succeeded(self, identifier: str) -> None:
        self._attempts.reset(self._lockout_key(identifier))

    def lockout(self, identifier: str) -> Lockout:
        """The identifier's failures on record and, while it is locked, until when (support)."""
        found = self._attempts.get(self._lockout_key(identifier))
        if found is None:
            return Lockout(0, None)
        until = found.blocked_until
        return Lockout(found.count, until if until is not None and until > self._clock() else None)

    def unlock(self, identifier: str) -> Lockout:
        """Forget the failures and any lock (the assistance desk, once the caller is known);
        returns the state before."""
        before = self.lockout(identifier)
        self._attempts.reset(self._lockout_key(identifier))
        return before

    def carry_lockout(self, old_identifier: str, new_identifier: str) -> None:
        """The identifier changed: a lock on it follows it; the old key is dropped."""
        old_key = self._lockout_key(old_identifier)
        found = self._attempts.get(old_key)
        if found is not None and found.blocked_until is not None:
            new_key = self._lockout_key(new_identifier)
            self._attempts.hit(new_key, self._clock(), self._settings.sign_in_failure_memory)
            self._attempts.block(new_key, found.blocked_until)
        self._attempts.reset(old_key)

    # -- helpers ------------------------------------------------------------------------------

    def _hit(self, key: str, limit: int, window: timedelta | None = None) -> None:
        now = self._clock()
        window = window or self._settings.rate_limit_window
        counted = self._attempts.hit(key, now, window)
        if counted.count > limit:
            raise TooManyAttempts(
                TOO_MANY, retry_after=_seconds(counted.window_started_at + window - now)
            )

    def _address_key(self, action: Action, address: str) -> str:
        return f"{action}:ip:{self._keyed.address_digest(address)}"

    def _lockout_key(self, identifier: str) -> str:
        return f"lockout:id:{self._keyed.identifier_digest(identifier)}"


async def count_in_thread(
    throttle: Throttle | None, action: Action, identifier: str, address: str | None
) -> None:
    """`Throttle.count` from a request handler (its writes off the event loop); nothing without
    a throttle (a tool builds services without one)."""
    if throttle is not None:
        await asyncio.to_thread(throttle.count, action, identifier, address)


def _seconds(delay: timedelta) -> int:
    return max(1, math.ceil(delay.total_seconds()))
