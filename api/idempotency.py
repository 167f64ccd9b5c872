"""The `Idempotency-Key` header on the JSON API's POST endpoints (IETF httpapi draft): a client
that retries a request it is unsure about gets the first answer again instead of a second effect.

- same key, same body: the first answer is replayed (status, body, Location, Content-Type);
- same key, another body: 422 `idempotency_key_reused`;
- same key while the first request still runs: 409 `idempotency_request_in_flight`;
- keys are scoped per client (the bearer token's digest, or the key alone on public endpoints)
  and kept 24 hours; a 5xx answer is not kept, so the client may simply try again.

Answers that hold a session token (activation, sign-in) or a secret shown once (a webhook
endpoint's signing secret) are not kept: the token exists only as a digest in the database, the
secret only sealed, and neither must be written anywhere else. A retry of such a request
answers 409 `idempotent_answer_not_kept`; the caller signs in instead.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import UTC, datetime, timedelta

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.problems import ProblemCode
from http_common.problem_json import problem
from services.errors import DATABASE_OUTAGES, UNAVAILABLE
from storage.idempotency import IN_FLIGHT, IdempotencyRepository
from storage.tables import IdempotentRequest

HEADER = b"idempotency-key"
KEPT_FOR = timedelta(hours=24)
_MAX_KEY_LENGTH = 255
_REPLAYED_HEADERS = (b"content-type", b"location", b"retry-after")
# Answers holding a secret meant for the caller alone: a session token, an authenticator app's
# key, its recovery codes (SPEC §9), a webhook endpoint's signing secret shown once (SPEC §8).
_SECRET_MARKERS = (
    b'"access_token"',
    b'"otpauth_uri"',
    b'"recovery_codes"',
    b'"secret":',
    b'"whsec_',
)
PRIVATE_PREFIX = "/api/v1/me"  # every path under it needs the bearer token
# A service client's paths need its key (api/service_auth.py); the invited person's accept is
# public.
SERVICE_PREFIXES = ("/api/v1/webhook-endpoints", "/api/v1/invitations")
PUBLIC_SERVICE_PATHS = ("/api/v1/invitations/accept",)


def needs_credentials(path: str) -> bool:
    """Paths whose route answers 401 without an Authorization header."""
    if path.startswith(PRIVATE_PREFIX):
        return True
    return path.startswith(SERVICE_PREFIXES) and path.rstrip("/") not in PUBLIC_SERVICE_PATHS


def _sha256(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


class IdempotencyKeys:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", ())) if scope["type"] == "http" else {}
        key = headers.get(HEADER)
        path = str(scope.get("path", ""))
        if (
            key is None
            or scope["method"] != "POST"
            or not path.startswith("/api/")
            # A subscriber's or a service's endpoint without credentials: the route answers
            # 401, never an answer kept under the public scope for whoever used the same key.
            or (needs_credentials(path) and b"authorization" not in headers)
        ):
            await self.app(scope, receive, send)
            return
        if not 0 < len(key) <= _MAX_KEY_LENGTH:
            await _refuse(
                scope,
                receive,
                send,
                400,
                ProblemCode.MALFORMED_REQUEST,
                "L'en-tête Idempotency-Key doit compter de 1 à 255 caractères.",
            )
            return
        body = await _read_body(receive)
        client = headers.get(b"authorization", b"public")
        key_digest = _sha256(client, key)
        fingerprint = _sha256(scope["method"].encode(), scope["path"].encode(), body)
        repository = IdempotencyRepository(scope["app"].state.services.engine)
        now = datetime.now(UTC)
        try:
            held = await asyncio.to_thread(
                repository.claim, key_digest, fingerprint, now, now + KEPT_FOR
            )
        except DATABASE_OUTAGES:
            await _refuse(
                scope,
                receive,
                send,
                503,
                ProblemCode.UNAVAILABLE,
                UNAVAILABLE,
                retry_after=5,
            )
            return
        if held is not None:
            await _answer_held(held, fingerprint, scope, receive, send)
            return
        await self._first(scope, body, receive, send, repository, key_digest)

    async def _first(
        self,
        scope: Scope,
        body: bytes,
        receive: Receive,
        send: Send,
        repository: IdempotencyRepository,
        key_digest: str,
    ) -> None:
        status = 500
        kept_headers: list[list[str]] = []
        chunks: list[bytes] = []
        delivered = False

        async def replay_body() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                kept_headers.extend(
                    [name.decode("latin-1"), value.decode("latin-1")]
                    for name, value in message.get("headers", ())
                    if name.lower() in _REPLAYED_HEADERS
                )
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    # Kept before the last byte leaves: a retry that follows the answer at
                    # once finds it, not a request still "in flight".
                    await _settle(repository, key_digest, status, kept_headers, b"".join(chunks))
            await send(message)

        try:
            await self.app(scope, replay_body, capture)
        except BaseException:
            await asyncio.to_thread(repository.release, key_digest)
            raise


async def _settle(
    repository: IdempotencyRepository,
    key_digest: str,
    status: int,
    headers: list[list[str]],
    answer: bytes,
) -> None:
    try:
        # Not answers to keep: after a server error the client may simply try again; after a 401
        # (no session, or an ended one) the key was never the subscriber's to spend.
        if status >= 500 or status == 401:
            await asyncio.to_thread(repository.release, key_digest)
        else:
            kept = None if any(marker in answer for marker in _SECRET_MARKERS) else answer
            await asyncio.to_thread(repository.keep, key_digest, status, json.dumps(headers), kept)
    except DATABASE_OUTAGES:
        pass  # the answer still goes out; the claim ends with its record's expiry


async def _answer_held(
    held: IdempotentRequest, fingerprint: str, scope: Scope, receive: Receive, send: Send
) -> None:
    if held.fingerprint != fingerprint:
        await _refuse(
            scope,
            receive,
            send,
            422,
            ProblemCode.IDEMPOTENCY_KEY_REUSED,
            "Cette clé d'idempotence a déjà servi pour une autre requête.",
        )
    elif held.state == IN_FLIGHT or held.status is None:
        await _refuse(
            scope,
            receive,
            send,
            409,
            ProblemCode.IDEMPOTENCY_REQUEST_IN_FLIGHT,
            "La première requête portant cette clé est encore en cours.",
            retry_after=1,
        )
    elif not held.body_kept or held.body is None:
        await _refuse(
            scope,
            receive,
            send,
            409,
            ProblemCode.IDEMPOTENT_ANSWER_NOT_KEPT,
            "Cette requête a abouti, mais sa réponse contenait un jeton de session, "
            "qui n'est pas conservé : identifiez-vous.",
        )
    else:
        headers = [
            (name.encode("latin-1"), value.encode("latin-1"))
            for name, value in json.loads(held.headers)
        ]
        headers.append((b"content-length", str(len(held.body)).encode()))
        headers.append((b"idempotent-replayed", b"true"))
        await send({"type": "http.response.start", "status": held.status, "headers": headers})
        await send({"type": "http.response.body", "body": held.body})


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _refuse(
    scope: Scope,
    receive: Receive,
    send: Send,
    status: int,
    code: ProblemCode,
    detail: str,
    *,
    retry_after: int | None = None,
) -> None:
    titles = {
        400: "Requête mal formée",
        409: "Requête déjà en cours ou aboutie",
        422: "Clé d'idempotence réutilisée",
        503: "Service momentanément indisponible",
    }
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    await problem(status, code, titles[status], detail, headers=headers)(scope, receive, send)
