"""The codec endpoint for the Temporal UI and CLI: `POST /codec/encode` and `POST /codec/decode`.

Temporal's codec-server contract: the body is a `Payloads` message in protobuf's JSON form
(`{"payloads": [{"metadata": {...base64...}, "data": "base64"}]}`), the answer the same; the
caller names its namespace in `X-Namespace`. Only holders of CODEC_AUTH_TOKEN may call it:
tools with `Authorization: Bearer …`, the Temporal UI with the codec pass cookie its browser got
on /codec/session (web/codec_pages.py), sent only from the UI's origins (CORS with credentials).
"""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter, Request, Response
from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads

from domain.problems import ProblemCode
from http_common.deps import StateDep
from http_common.problem_json import problem
from http_common.state import AppState
from security.codec_pass import COOKIE_NAME

router = APIRouter(prefix="/codec", tags=["ops"], include_in_schema=False)
log = logging.getLogger(__name__)

_ALLOWED_HEADERS = "Authorization, Content-Type, X-Namespace"
_PREFLIGHT_MAX_AGE = "600"


@router.options("/encode")
@router.options("/decode")
async def preflight(request: Request, state: StateDep) -> Response:
    """Answer the browser's CORS preflight (it carries no credentials, so no token check)."""
    return Response(status_code=204, headers=_cors_headers(request, state, preflight=True))


@router.post("/encode")
async def encode(request: Request, state: StateDep) -> Response:
    return await _run("encode", request, state)


@router.post("/decode")
async def decode(request: Request, state: StateDep) -> Response:
    return await _run("decode", request, state)


async def _run(
    operation: Literal["encode", "decode"], request: Request, state: AppState
) -> Response:
    cors = _cors_headers(request, state)
    refused = _refusal(request, state)
    if refused is not None:
        refused.headers.update(cors)
        return refused
    try:
        payloads = json_format.Parse(await request.body(), Payloads())
    except json_format.ParseError:
        return _bad_request("Le corps doit être un message Payloads au format JSON.", cors)
    try:
        if operation == "encode":
            result = await state.codec.encode(payloads.payloads)
        else:
            result = await state.codec.decode(payloads.payloads)
    except Exception as error:  # unknown key ID, tampered or foreign payload
        log.warning("codec %s refused: %s", operation, type(error).__name__)
        return _bad_request(
            "Ces données ne peuvent pas être déchiffrées avec les clés du service.", cors
        )
    body = json_format.MessageToJson(Payloads(payloads=result))
    return Response(body, media_type="application/json", headers=cors)


def _refusal(request: Request, state: AppState) -> Response | None:
    """401 without a bearer token or a valid pass, 403 with a wrong token or another namespace.

    A bearer token, when given, decides alone. The pass cookie counts only on requests from the
    UI's origins: it is meant for the UI, and no other page may spend it.
    """
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token:
        if not state.codec_pass.token_matches(token):
            return problem(
                403, ProblemCode.FORBIDDEN, "Accès refusé", "Jeton d'accès au codec refusé."
            )
    elif not (
        _from_ui(request, state) and state.codec_pass.valid(request.cookies.get(COOKIE_NAME))
    ):
        return problem(
            401,
            ProblemCode.UNAUTHORIZED,
            "Authentification requise",
            "Le jeton d'accès au codec est requis (Authorization: Bearer …), ou une session "
            "de décodage ouverte sur /codec/session.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    namespace = request.headers.get("x-namespace")
    if namespace and namespace != state.settings.temporal_namespace:
        return problem(
            403, ProblemCode.FORBIDDEN, "Accès refusé", "Ce codec ne sert pas cet espace de noms."
        )
    return None


def _from_ui(request: Request, state: AppState) -> bool:
    return request.headers.get("origin") in state.settings.codec_cors_origins


def _cors_headers(request: Request, state: AppState, preflight: bool = False) -> dict[str, str]:
    """The UI's origins, and only them, may send credentials (the pass cookie) and read the answer.

    With credentials the browser wants the exact origin echoed, never `*`, on the preflight and
    on the answer alike.
    """
    if not _from_ui(request, state):
        return {"Vary": "Origin"}
    headers = {
        "Access-Control-Allow-Origin": request.headers["origin"],
        "Access-Control-Allow-Credentials": "true",
        "Vary": "Origin",
    }
    if preflight:
        headers |= {
            "Access-Control-Allow-Methods": "POST, OPTIONS",
            "Access-Control-Allow-Headers": _ALLOWED_HEADERS,
            "Access-Control-Max-Age": _PREFLIGHT_MAX_AGE,
        }
    return headers


def _bad_request(detail: str, headers: dict[str, str]) -> Response:
    return problem(400, ProblemCode.INVALID_PAYLOADS, "Données illisibles", detail, headers=headers)
