"""The signed-in subscriber: sessions, profile, recap PDF."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.openapi import problems
from api.schemas.common import ProfileOut
from api.schemas.subscriber import SessionIn, SessionOut
from http_common.deps import SubscriberDep, SubscribersDep, client_address, user_agent
from http_common.responses import recap_pdf_response

router = APIRouter(prefix="/api/v1", tags=["subscriber"])


@router.post("/sessions", status_code=status.HTTP_201_CREATED, responses=problems(401, 429))
async def sign_in(body: SessionIn, request: Request, subscribers: SubscribersDep) -> SessionOut:
    session = await subscribers.sign_in(
        body.email,
        body.password,
        client_address=client_address(request),
        user_agent=user_agent(request),
    )
    return SessionOut(access_token=session.access_token, expires_at=session.expires_at)


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
