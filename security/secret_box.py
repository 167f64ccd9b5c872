"""Secrets the product must read back, sealed at rest: an authenticator app's key, a webhook
endpoint's signing secret.

AES-GCM under a key derived (HKDF) from each PAYLOAD_CODEC_KEYS key, so the codec's keys and
their rotation serve here too without one key doing two jobs. The first key seals; every key
opens what names its ID. The owner (a subscriber, an endpoint) is bound in as associated data: a
sealed value copied onto another row does not open.

A sealed value is text, `<key ID>:<base64 of nonce + ciphertext>`: it fits a text column as it
is and a binary one as its ASCII bytes.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from settings import Settings, parse_codec_keys

_NONCE_SIZE = 12
_SEPARATOR = ":"


class SecretBox:
    def __init__(self, keys: Mapping[str, bytes]) -> None:
        if not keys:
            raise ValueError("at least one codec key is required")
        self._ciphers = {kid: AESGCM(_derive(key)) for kid, key in keys.items()}
        self._current = next(iter(keys))

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        return cls(parse_codec_keys(settings.payload_codec_keys.get_secret_value()))

    def seal(self, secret: str, owner: str) -> str:
        nonce = os.urandom(_NONCE_SIZE)
        body = self._ciphers[self._current].encrypt(nonce, secret.encode(), owner.encode())
        return f"{self._current}{_SEPARATOR}{base64.b64encode(nonce + body).decode()}"

    def open(self, sealed: str, owner: str) -> str:
        kid, _, encoded = sealed.partition(_SEPARATOR)
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise ValueError(f"unknown key ID {kid!r}")
        data = base64.b64decode(encoded)
        nonce, body = data[:_NONCE_SIZE], data[_NONCE_SIZE:]
        return cipher.decrypt(nonce, body, owner.encode()).decode()


def _derive(key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"sealed-secrets").derive(key)
