"""The browser's place in the procedure, kept in one encrypted cookie, and the CSRF check.

The cookie carries capabilities (the enrollment ID holds the draft key; the session token signs
the subscriber in), so it is encrypted and authenticated (Fernet: AES-CBC + HMAC, with a
timestamp that bounds its age), not merely signed: nothing in it is readable by whoever sees it.
Starlette's SessionMiddleware only signs, and sets `Secure` once for the whole app; here the flag
follows the request's scheme and the environment.
"""

from __future__ import annotations

import base64
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from starlette.requests import Request
from starlette.responses import Response

from settings import Environment, Settings

COOKIE_NAME = "espace_session"
CSRF_FIELD = "csrf_token"


def _new_csrf() -> str:
    return secrets.token_urlsafe(32)


@dataclass
class WebSession:
    """What one browser holds: a CSRF token, its draft enrollment, its signed-in session."""

    csrf: str = field(default_factory=_new_csrf)
    enrollment_id: str | None = None
    terms_version: str | None = None  # the terms version this browser accepted
    access_token: str | None = None
    # The key of the invitation this browser opened with its code (« Vous avez reçu une
    # invitation ? »): it stands for the code on the screens that follow.
    invitation_key: str | None = None
    # A sign-in awaiting its second step (SPEC §9): the challenge and how its code comes.
    challenge_id: str | None = None
    challenge_method: str | None = None

    def renew(self) -> None:
        """A new CSRF token when the browser's privileges change (sign-in, activation, sign-out)."""
        self.csrf = _new_csrf()

    def csrf_matches(self, submitted: object) -> bool:
        return isinstance(submitted, str) and hmac.compare_digest(
            submitted.encode(), self.csrf.encode()
        )


class SessionCookies:
    def __init__(self, settings: Settings) -> None:
        secret = settings.session_secret.get_secret_value().encode()
        if not secret:  # development without the dev stack: a key for this process only
            secret = os.urandom(32)
        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"web-session-cookie"
        ).derive(secret)
        self._fernet = Fernet(base64.urlsafe_b64encode(key))
        self._max_age = int(settings.session_lifetime.total_seconds())
        self._always_secure = settings.app_env is not Environment.DEVELOPMENT

    def load(self, request: Request) -> WebSession:
        """The browser's session, or a fresh one when the cookie is absent, altered or too old."""
        raw = request.cookies.get(COOKIE_NAME)
        if not raw:
            return WebSession()
        try:
            data: Any = json.loads(self._fernet.decrypt(raw.encode(), ttl=self._max_age))
            return WebSession(**data)
        except (InvalidToken, ValueError, TypeError):
            return WebSession()

    def save(self, request: Request, response: Response, session: WebSession) -> None:
        response.set_cookie(
            COOKIE_NAME,
            self._fernet.encrypt(json.dumps(asdict(session)).encode()).decode(),
            path="/",
            httponly=True,
            samesite="lax",
            secure=self._always_secure or request.url.scheme == "https",
        )
