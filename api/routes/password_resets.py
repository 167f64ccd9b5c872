"""« Mot de passe oublié ? » (public): ask for a code, then code + answer + new password."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from api.openapi import problems
from api.schemas.password_resets import PasswordResetIn, PasswordResetRequestIn
from http_common.deps import PasswordResetsDep, client_address, user_agent

router = APIRouter(prefix="/api/v1/password-resets", tags=["account"])


@router.post("", status_code=status.HTTP_202_ACCEPTED, responses=problems(429))
async def request_reset(
    form: PasswordResetRequestIn, request: Request, resets: PasswordResetsDep
) -> dict[str, str]:
    await resets.request(form.email, client_address=client_address(request))
    return {}  # the same empty answer whether or not the identifier is a subscriber's


@router.post("/complete", status_code=status.HTTP_204_NO_CONTENT, responses=problems(429))
async def complete_reset(
    form: PasswordResetIn, request: Request, resets: PasswordResetsDep
) -> Response:
    await resets.complete(
        form, client_address=client_address(request), user_agent=user_agent(request)
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
