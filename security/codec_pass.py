"""The codec pass: what a browser holds, once its user gave CODEC_AUTH_TOKEN, to call the codec.

The Temporal UI cannot send a fixed bearer token to a codec endpoint; it can only let the browser
send its cookies (« Include cross-origin credentials »). The pass is that cookie's value: a Fernet
token (encrypted, authenticated, timestamped) under a key derived from CODEC_AUTH_TOKEN, so it
proves the token without being it, ages out after `codec_session_lifetime`, and every pass dies
when the token is rotated.
"""

from __future__ import annotations

import base64
import hmac
from datetime import UTC, datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from settings import Settings

COOKIE_NAME = "codec_pass"
COOKIE_PATH = "/codec"  # sent with the codec's requests and its session page, nowhere else
_CONTENT = b"codec-pass-v1"


class CodecPass:
    def __init__(self, settings: Settings) -> None:
        self._token = settings.codec_auth_token.get_secret_value()
        self.lifetime = settings.codec_session_lifetime
        self._fernet: Fernet | None = None
        if self._token:  # without a token nobody may decode, so no pass can exist
            key = HKDF(
                algorithm=hashes.SHA256(), length=32, salt=None, info=b"codec-pass-cookie"
            ).derive(self._token.encode())
            self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def token_matches(self, submitted: str) -> bool:
        """Whether `submitted` is CODEC_AUTH_TOKEN, compared in constant time."""
        return bool(self._token) and hmac.compare_digest(
            submitted.strip().encode(), self._token.encode()
        )

    def issue(self) -> str:
        if self._fernet is None:
            raise RuntimeError("CODEC_AUTH_TOKEN is not set")
        return self._fernet.encrypt(_CONTENT).decode()

    def expiry(self, value: str | None) -> datetime | None:
        """When the pass `value` expires, or None when it is absent, altered or too old."""
        if not value or self._fernet is None:
            return None
        ttl = int(self.lifetime.total_seconds())
        try:
            if self._fernet.decrypt(value.encode(), ttl=ttl) != _CONTENT:
                return None
            issued = self._fernet.extract_timestamp(value.encode())
        except InvalidToken:
            return None
        return datetime.fromtimestamp(issued, UTC) + timedelta(seconds=ttl)

    def valid(self, value: str | None) -> bool:
        return self.expiry(value) is not None
