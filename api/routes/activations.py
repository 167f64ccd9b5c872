"""Activation with identifier + code, and « renvoyer le code »."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from api.openapi import problems
from api.schemas.activations import ActivationIn, ActivationOut, ResendIn
from domain.subscriber_number import format_subscriber_number
from http_common.deps import EnrollmentsDep, SubscribersDep, client_address, user_agent
from services.activation import Activation, activate_and_open_session

router = APIRouter(prefix="/api/v1/activations", tags=["activation"])


@router.post("", status_code=status.HTTP_201_CREATED, responses=problems(410, 429))
async def activate_enrollment(
    body: ActivationIn, request: Request, enrollments: EnrollmentsDep, subscribers: SubscribersDep
) -> ActivationOut:
    activation = await activate_and_open_session(
        enrollments,
        subscribers,
        body.email,
        body.code,
        client_address=client_address(request),
        user_agent=user_agent(request),
    )
    return activation_answer(activation)


def activation_answer(activation: Activation) -> ActivationOut:
    """The 201 of an activation, and of an accepted invitation (which ends as one)."""
    return ActivationOut(
        subscriber_number=activation.subscriber_number,
        subscriber_number_formatted=format_subscriber_number(activation.subscriber_number),
        email=activation.email,
        recap_pdf_url="/api/v1/me/recap.pdf",
        access_token=activation.session.access_token,
        expires_at=activation.session.expires_at,
        device_token=activation.session.device_token,
    )


@router.post("/resend", status_code=status.HTTP_202_ACCEPTED, responses=problems(429))
async def resend_code(
    body: ResendIn, request: Request, enrollments: EnrollmentsDep
) -> dict[str, str]:
    await enrollments.resend(body.email, client_address=client_address(request))
    return {}  # the same empty answer whether or not an enrollment awaits activation
