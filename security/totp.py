"""Authenticator-app codes (TOTP, RFC 6238: SHA-1, 6 digits, 30-second steps) with pyotp.

The clock is injected, so that tests judge codes at a fixed instant. A code is accepted in its
own step or the one before or after it (a phone's clock drifts); which step matched is returned,
so that the caller can refuse the same step twice (no replay)."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import UTC, datetime

import pyotp

ISSUER = "Espace abonné professionnel"
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_secret() -> str:
    """160 random bits, in base32 (what the apps take typed in)."""
    return pyotp.random_base32()


def otpauth_uri(secret: str, account: str) -> str:
    """What the QR code holds: the key, the account's name and who issued it."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """« ABCD EFGH … »: the key in groups of four, easier to type."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def matching_step(secret: str, code: str, now: datetime, window: int = 1) -> int | None:
    """The time-step whose code `code` is (within `window` steps of now), or None."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - window, current + window + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
