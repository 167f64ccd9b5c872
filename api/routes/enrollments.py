"""Pre-registration: identifiers, details, recap, confirmation, « Quitter »."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from api.openapi import problems
from api.schemas.enrollments import (
    ConfirmOut,
    DetailsIn,
    EnrollmentCreatedOut,
    EnrollmentId,
    EnrollmentOut,
    EnrollmentStartIn,
)
from http_common.deps import EnrollmentsDep, client_address

router = APIRouter(prefix="/api/v1/enrollments", tags=["enrollment"])


@router.post("", status_code=status.HTTP_201_CREATED, responses=problems(409, 429))
async def create_enrollment(
    form: EnrollmentStartIn, enrollments: EnrollmentsDep, request: Request, response: Response
) -> EnrollmentCreatedOut:
    started = await enrollments.start(
        form, replaces=form.replaces, client_address=client_address(request)
    )
    response.headers["Location"] = f"/api/v1/enrollments/{started.enrollment_id}"
    return EnrollmentCreatedOut(
        enrollment_id=started.enrollment_id, status=started.status, email=started.email
    )


@router.put("/{enrollment_id}/details", responses=problems(409))
async def submit_details(
    enrollment_id: EnrollmentId, form: DetailsIn, enrollments: EnrollmentsDep
) -> EnrollmentOut:
    recap = await enrollments.submit_details(enrollment_id, form)
    return EnrollmentOut.from_recap(enrollment_id, recap)


@router.get("/{enrollment_id}")
async def get_enrollment(enrollment_id: EnrollmentId, enrollments: EnrollmentsDep) -> EnrollmentOut:
    return EnrollmentOut.from_recap(enrollment_id, await enrollments.view(enrollment_id))


@router.post(
    "/{enrollment_id}/confirm", status_code=status.HTTP_202_ACCEPTED, responses=problems(409, 429)
)
async def confirm_enrollment(
    enrollment_id: EnrollmentId, enrollments: EnrollmentsDep, request: Request
) -> ConfirmOut:
    confirmed = await enrollments.confirm(enrollment_id, client_address=client_address(request))
    return ConfirmOut(
        status=confirmed.status,
        activation_deadline=confirmed.activation_deadline,
        email_delivery=confirmed.email_delivery,
    )


@router.delete("/{enrollment_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problems(409))
async def quit_enrollment(enrollment_id: EnrollmentId, enrollments: EnrollmentsDep) -> Response:
    await enrollments.abandon(enrollment_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
