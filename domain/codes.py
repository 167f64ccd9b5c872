"""The code spec every code challenge uses (activation, password reset, e-mail change,
adhésion letters): 12 characters from A-Z a-z 0-9, case-sensitive. The sign-in's second step
(SPEC §9) is the one exception: 6 digits, typed within minutes of being sent.

Codes are never drawn at random: the delivery activity derives each one from a server-side key
and the (process, run, generation) it belongs to (`security.keyed_hash.KeyedHasher.derive_code`),
so a retried delivery can only ever produce the same code.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from enum import StrEnum

CODE_LENGTH = 12
CODE_ALPHABET = string.ascii_letters + string.digits

# Bytes at or above this bound are skipped so that `byte % 62` is uniform (248 = 4 × 62).
_UNBIASED_BOUND = 256 - 256 % len(CODE_ALPHABET)
# fullmatch, not `$`: a trailing newline must not pass.
_CODE = re.compile(f"[A-Za-z0-9]{{{CODE_LENGTH}}}")

SIGN_IN_CODE_LENGTH = 6
_DIGITS_BOUND = 250  # 250 = 25 × 10: bytes at or above it are skipped (no bias)
_SIGN_IN_CODE = re.compile(f"[0-9]{{{SIGN_IN_CODE_LENGTH}}}")


class CodePurpose(StrEnum):
    """What a code is for: chooses the message's text and separates the keyed digests."""

    ACTIVATION = "activation"
    INVITATION = "invitation"  # an enrollment a backend service started (SPEC §8)
    ADHESION = "adhesion"  # a company's code, by post (SPEC §7)
    PASSWORD_RESET = "password-reset"  # noqa: S105 - a purpose, not a password
    EMAIL_CHANGE = "email-change"
    SIGN_IN = "sign-in"  # the second step from a browser not recognised (SPEC §9)


# The key of a code delivery's `extra` wording that names the service that invited (never a
# secret): the invitation e-mail says who asked for the space.
INVITING_SERVICE = "service"


class ChannelKind(StrEnum):
    """How a code reaches its holder."""

    EMAIL = "email"
    LETTER = "letter"  # print-and-post (channels.letter)


def is_code_shaped(value: str) -> bool:
    return bool(_CODE.fullmatch(value))


def is_sign_in_code_shaped(value: str) -> bool:
    """Six digits: the e-mailed sign-in code and an authenticator app's code alike."""
    return bool(_SIGN_IN_CODE.fullmatch(value))


def digits_from_bytes(stream: Iterable[int]) -> str | None:
    """Six decimal digits from a stream of uniform random bytes, without bias; None if the
    stream ran out first."""
    digits: list[str] = []
    for byte in stream:
        if byte < _DIGITS_BOUND:
            digits.append(str(byte % 10))
            if len(digits) == SIGN_IN_CODE_LENGTH:
                return "".join(digits)
    return None


def code_from_bytes(stream: Iterable[int]) -> str | None:
    """Map a stream of uniform random bytes onto the alphabet without bias (rejection
    sampling); None if the stream ran out before 12 characters."""
    characters: list[str] = []
    for byte in stream:
        if byte < _UNBIASED_BOUND:
            characters.append(CODE_ALPHABET[byte % len(CODE_ALPHABET)])
            if len(characters) == CODE_LENGTH:
                return "".join(characters)
    return None
