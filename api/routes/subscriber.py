"""The signed-in subscriber: sessions, profile, recap PDF."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.openapi import problems
from api.schemas.account_security import ChallengeOut
from api.schemas.common import ProfileOut
from api.schemas.subscriber import SessionIn, SessionOut
from http_common.deps import (
    SecondStepDep,
    SubscriberDep,
    SubscribersDep,
    client_address,
    user_agent,
)
from http_common.responses import recap_pdf_response
from services.second_step import ChallengeIssued
from services.subscribers import IssuedSession

router = APIRouter(prefix="/api/v1", tags=["subscriber"])


def session_out(session: IssuedSession) -> SessionOut:
    return SessionOut(
        access_token=session.access_token,
        expires_at=session.expires_at,
        device_token=session.device_token,
    )


def challenge_response(challenge: ChallengeIssued) -> JSONResponse:
    body = ChallengeOut(
        challenge_id=challenge.challenge_id,
        method=challenge.method,
        expires_at=challenge.expires_at,
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=status.HTTP_202_ACCEPTED)


@router.post(
    "/sessions",
    status_code=status.HTTP_201_CREATED,
    response_model=SessionOut,
    responses={
        202: {
            "model": ChallengeOut,
            "description": (
                "Navigateur non reconnu : une seconde étape est due. Le code part par courriel "
                "(`method` = `email`) ou vient de l'application d'authentification (`totp`) ; "
                "il se saisit par `POST /api/v1/sessions/challenge`."
            ),
        },
        **problems(401, 429),
    },
)
async def sign_in(
    body: SessionIn, request: Request, second_step: SecondStepDep
) -> SessionOut | JSONResponse:
    signed_in = await second_step.sign_in(
        body.email,
        body.password,
        client_address=client_address(request),
        user_agent=user_agent(request),
        device_token=body.device_token,
    )
    if isinstance(signed_in, ChallengeIssued):
        return challenge_response(signed_in)
    return session_out(signed_in)


@router.delete("/sessions/current", status_code=status.HTTP_204_NO_CONTENT)
async def sign_out(
    _: SubscriberDep,
    subscribers: SubscribersDep,
    credentials: Annotated[HTTPAuthorizationCredentials, Depends(HTTPBearer())],
) -> Response:
    await run_in_threadpool(subscribers.sign_out, credentials.credentials)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me")
async def get_profile(subscriber: SubscriberDep) -> ProfileOut:
    return ProfileOut.from_subscriber(subscriber)


@router.get(
    "/me/recap.pdf",
    response_class=Response,
    responses={
        200: {
            "description": "Le formulaire d'inscription (PDF).",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def recap_pdf(subscriber: SubscriberDep, subscribers: SubscribersDep) -> Response:
    return recap_pdf_response(await subscribers.recap_pdf(subscriber))
