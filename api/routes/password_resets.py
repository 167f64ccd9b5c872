"""« Mot de passe oublié ? » (public): ask for a code, then code + answer + new password."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse

from domain.account_forms import PasswordResetForm, PasswordResetRequestForm
from http_common.deps import PasswordResetsDep, client_address

router = APIRouter(prefix="/api/v1/password-resets", tags=["account"])


@router.post("", status_code=status.HTTP_202_ACCEPTED)
async def request_reset(
    form: PasswordResetRequestForm, request: Request, resets: PasswordResetsDep
) -> JSONResponse:
    # The same answer whether or not the identifier is a subscriber's.
    await resets.request(form.email, client_address=client_address(request))
    return JSONResponse({}, status_code=status.HTTP_202_ACCEPTED)


@router.post("/complete", status_code=status.HTTP_204_NO_CONTENT)
async def complete_reset(
    form: PasswordResetForm, request: Request, resets: PasswordResetsDep
) -> Response:
    await resets.complete(form, client_address=client_address(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
