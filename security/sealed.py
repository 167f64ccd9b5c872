"""Secrets the product must read back (an authenticator app's key), sealed at rest.

AES-GCM under the payload codec's keys (PAYLOAD_CODEC_KEYS): the first key seals, any listed key
opens, so the codec's rotation covers these too. The owner is bound in as associated data: a
sealed value copied onto another subscriber's row does not open."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE_SIZE = 12


class SealedBox:
    def __init__(self, keys: Mapping[str, bytes]) -> None:
        if not keys:
            raise ValueError("at least one key is required")
        self._ciphers = {kid: AESGCM(key) for kid, key in keys.items()}
        self._current = next(iter(keys))

    def seal(self, secret: str, owner: str) -> str:
        nonce = os.urandom(_NONCE_SIZE)
        sealed = self._ciphers[self._current].encrypt(nonce, secret.encode(), owner.encode())
        return f"{self._current}:{base64.b64encode(nonce + sealed).decode()}"

    def open(self, sealed: str, owner: str) -> str:
        kid, _, encoded = sealed.partition(":")
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise ValueError(f"unknown key ID {kid!r}")
        data = base64.b64decode(encoded)
        nonce, body = data[:_NONCE_SIZE], data[_NONCE_SIZE:]
        return cipher.decrypt(nonce, body, owner.encode()).decode()
