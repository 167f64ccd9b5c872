"""AES-GCM payload codec: every payload Temporal stores is encrypted, with a key ID for rotation."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCODING = b"binary/encrypted"
_NONCE_SIZE = 12


class EncryptionCodec(PayloadCodec):
    """Encrypts with the first key; decrypts with whichever key ID the payload names.

    Rotating keys: put the new key first and keep the old ones after it until every history
    encrypted with them has passed its retention.
    """

    def __init__(self, keys: Mapping[str, bytes]) -> None:
        if not keys:
            raise ValueError("at least one codec key is required")
        self._ciphers = {kid: AESGCM(key) for kid, key in keys.items()}
        self._current = next(iter(keys))

    @property
    def key_ids(self) -> list[str]:
        return list(self._ciphers)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return list(self._decrypt_all(payloads))

    def _encrypt(self, payload: Payload) -> Payload:
        nonce = os.urandom(_NONCE_SIZE)
        kid = self._current.encode()
        sealed = self._ciphers[self._current].encrypt(nonce, payload.SerializeToString(), kid)
        return Payload(
            metadata={"encoding": ENCODING, "encryption-key-id": kid},
            data=nonce + sealed,
        )

    def _decrypt_all(self, payloads: Iterable[Payload]) -> Iterable[Payload]:
        for payload in payloads:
            if payload.metadata.get("encoding") != ENCODING:
                yield payload  # not ours (e.g. written before encryption was on)
                continue
            kid = payload.metadata.get("encryption-key-id", b"").decode()
            cipher = self._ciphers.get(kid)
            if cipher is None:
                raise ValueError(f"unknown payload encryption key ID {kid!r}")
            nonce, sealed = payload.data[:_NONCE_SIZE], payload.data[_NONCE_SIZE:]
            yield Payload.FromString(cipher.decrypt(nonce, sealed, kid.encode()))
