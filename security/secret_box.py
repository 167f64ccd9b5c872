"""Secrets the product must read back (a webhook endpoint's signing secret), sealed at rest.

AES-GCM under a key derived (HKDF) from each PAYLOAD_CODEC_KEYS key, so the codec's keys and
their rotation serve here too without one key doing two jobs. The first key seals; every key
opens what names its ID. The row's own ID is bound as associated data: a sealed secret copied
onto another row does not open.
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from settings import Settings, parse_codec_keys

_NONCE_SIZE = 12
_SEPARATOR = b":"


class SecretBox:
    def __init__(self, keys: dict[str, bytes]) -> None:
        if not keys:
            raise ValueError("at least one codec key is required")
        self._ciphers = {kid: AESGCM(_derive(key)) for kid, key in keys.items()}
        self._current = next(iter(keys))

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        return cls(parse_codec_keys(settings.payload_codec_keys.get_secret_value()))

    def seal(self, secret: str, bound_to: str) -> bytes:
        nonce = os.urandom(_NONCE_SIZE)
        kid = self._current.encode()
        sealed = self._ciphers[self._current].encrypt(nonce, secret.encode(), bound_to.encode())
        return kid + _SEPARATOR + nonce + sealed

    def open(self, sealed: bytes, bound_to: str) -> str:
        kid, _, rest = sealed.partition(_SEPARATOR)
        cipher = self._ciphers.get(kid.decode())
        if cipher is None:
            raise ValueError(f"unknown key ID {kid.decode()!r}")
        nonce, body = rest[:_NONCE_SIZE], rest[_NONCE_SIZE:]
        return cipher.decrypt(nonce, body, bound_to.encode()).decode()


def _derive(key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"sealed-secrets").derive(key)
