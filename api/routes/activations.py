"""Activation with identifier + code, and « renvoyer le code »."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from fastapi.concurrency import run_in_threadpool

from api.deps import EnrollmentsDep, SubscribersDep
from api.schemas import ActivationIn, ActivationOut, ResendIn
from domain.subscriber_number import format_subscriber_number

router = APIRouter(prefix="/api/v1/activations", tags=["activation"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ActivationOut)
async def activate(
    body: ActivationIn, enrollments: EnrollmentsDep, subscribers: SubscribersDep
) -> ActivationOut:
    activated = await enrollments.activate(body.email, body.code.strip())
    session = await run_in_threadpool(subscribers.open_session, activated.subscriber_id)
    return ActivationOut(
        subscriber_number=activated.subscriber_number,
        subscriber_number_formatted=format_subscriber_number(activated.subscriber_number),
        email=activated.email,
        recap_pdf_url="/api/v1/me/recap.pdf",
        access_token=session.access_token,
        expires_at=session.expires_at,
    )


@router.post("/resend", status_code=status.HTTP_202_ACCEPTED)
async def resend(body: ResendIn, enrollments: EnrollmentsDep) -> Response:
    await enrollments.resend(body.email)
    return Response(status_code=status.HTTP_202_ACCEPTED)
