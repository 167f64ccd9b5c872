"""Keyed hashes (HMAC-SHA256) that stand in for personal data and secrets outside the database.

The workflow ID is derived from the identifier, and the activation code travels only as a digest,
so neither the e-mail address nor the code appears in Temporal's history or visibility store.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterator
from itertools import count

from pydantic import SecretStr

from domain.codes import CodePurpose, code_from_bytes, digits_from_bytes

WORKFLOW_ID_PREFIX = "enrollment-"
_DIGEST_LENGTH = 32  # hex characters: 128 bits
_DIGEST, _DRAFT_KEY = "[0-9a-f]{32}", "[A-Za-z0-9_-]{22}"
_ENROLLMENT_ID = re.compile(rf"^({_DIGEST})\.({_DRAFT_KEY})$")
# What an enrollment ID looks like, as the OpenAPI document states it (ECMA-262 reads it alike).
ENROLLMENT_ID_PATTERN = rf"^{_DIGEST}\.{_DRAFT_KEY}$"


class KeyedHasher:
    def __init__(self, key: SecretStr) -> None:
        self._key = key.get_secret_value().encode()

    def _digest(self, purpose: str, *parts: str) -> str:
        message = "\x1f".join((purpose, *parts)).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def identifier_digest(self, normalised_email: str) -> str:
        return self._digest("identifier", normalised_email)[:_DIGEST_LENGTH]

    def subscriber_digest(self, subscriber_number: str) -> str:
        """Stands for a subscriber in the IDs of their processes (e.g. the e-mail change); from
        the subscriber number, which is never given twice (unlike a database row ID)."""
        return self._digest("subscriber", subscriber_number)[:_DIGEST_LENGTH]

    def workflow_id(self, normalised_email: str) -> str:
        return WORKFLOW_ID_PREFIX + self.identifier_digest(normalised_email)

    def adhesion_workflow_id(self, subscriber_id: int, siren: str) -> str:
        """`adhesion-<HMAC of subscriber + SIREN>`: one running request per company per space."""
        return "adhesion-" + self._digest("adhesion", str(subscriber_id), siren)[:_DIGEST_LENGTH]

    def address_digest(self, client_address: str) -> str:
        """A client's network address, for rate limits (an address is personal data too)."""
        return self._digest("address", client_address)[:_DIGEST_LENGTH]

    def service_key_digest(self, key: str) -> str:
        """What is kept of a service client's key: its keyed digest (the key has 256 random
        bits; the HMAC key keeps a stolen table of digests useless without the settings)."""
        return self._digest("service-key", key)

    def webhook_subject_digest(self, subject_id: str) -> str:
        """Stands for an enrollment in its webhook delivery process's ID."""
        return self._digest("webhook-subject", subject_id)[:_DIGEST_LENGTH]

    def webhook_delivery_id(self, *parts: str) -> str:
        """A delivery's `webhook-id`, the same for the same parts (a retried publish)."""
        return "msg_" + self._digest("webhook-delivery", *parts)[:_DIGEST_LENGTH]

    def code_digest(self, purpose: CodePurpose, process_id: str, code: str) -> str:
        """What a workflow keeps of a code: its keyed digest, bound to the process."""
        return self._digest(f"{purpose.value}-code", process_id, code)

    def activation_code_digest(self, workflow_id: str, code: str) -> str:
        return self.code_digest(CodePurpose.ACTIVATION, workflow_id, code)

    def derive_code(self, purpose: CodePurpose, *parts: str) -> str:
        """The code of one (process, run, generation): the same parts give the same code, so a
        retried delivery can never send a second one. HMAC-SHA256 in counter mode supplies the
        uniform bytes; `code_from_bytes` maps them onto the alphabet without bias."""
        stream = self._stream(f"{purpose.value}-code-derivation", *parts)
        # The sign-in's second step e-mails 6 digits; every other purpose 12 characters.
        shape = digits_from_bytes if purpose is CodePurpose.SIGN_IN else code_from_bytes
        code = shape(stream)
        assert code is not None  # the stream is endless
        return code

    def secret_digest(self, purpose: str, owner: str, secret: str) -> str:
        """A random, high-entropy secret of `owner` (a recovery code, a device token, a
        challenge ID), as stored: a keyed digest, so that no argon2id work is spent on it and a
        stolen table reveals nothing."""
        return self._digest(f"{purpose}-secret", owner, secret)

    def delivery_reference(self, purpose: CodePurpose, *parts: str) -> str:
        """A stable, non-secret reference of one delivery (the Message-ID's local part)."""
        return f"{purpose.value}.{self._digest('delivery-reference', *parts)[:_DIGEST_LENGTH]}"

    def _stream(self, purpose: str, *parts: str) -> Iterator[int]:
        message = "\x1f".join((purpose, *parts)).encode()
        for block in count():
            yield from hmac.new(self._key, message + block.to_bytes(4), hashlib.sha256).digest()


def new_draft_key() -> str:
    """The secret half of an enrollment ID: whoever holds it may edit that draft."""
    return secrets.token_urlsafe(16)


def draft_key_digest(draft_key: str) -> str:
    # The draft key has 128 random bits, so a plain hash cannot be reversed by guessing.
    return hashlib.sha256(draft_key.encode()).hexdigest()


def make_enrollment_id(identifier_digest: str, draft_key: str) -> str:
    return f"{identifier_digest}.{draft_key}"


def parse_enrollment_id(enrollment_id: str) -> tuple[str, str] | None:
    """Split an enrollment ID into (workflow ID, draft key), or None if it is malformed."""
    match = _ENROLLMENT_ID.match(enrollment_id)
    if not match:
        return None
    return WORKFLOW_ID_PREFIX + match.group(1), match.group(2)


def digests_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
