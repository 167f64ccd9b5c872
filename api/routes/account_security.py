"""Account security (SPEC §9): the second step at sign-in, the recognised devices, the
authenticator app."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.openapi import problems
from api.routes.subscriber import challenge_response, session_out
from api.schemas.account_security import (
    ChallengeIn,
    ChallengeOut,
    ChallengeResendIn,
    DeviceItemOut,
    RecoveryCodesOut,
    TotpConfirmIn,
    TotpDisableIn,
    TotpEnrolmentOut,
)
from api.schemas.subscriber import SessionOut
from domain.client_description import describe_browser
from domain.errors import FieldError, InvalidFields
from http_common.deps import (
    DevicesDep,
    SecondStepDep,
    SignedInDep,
    TotpDep,
    client_description,
)
from services.second_step import Proof

router = APIRouter(prefix="/api/v1", tags=["account security"])

ONE_PROOF = "Saisissez soit le code de vérification, soit un code de secours."


@router.post(
    "/sessions/challenge",
    status_code=status.HTTP_201_CREATED,
    responses=problems(410, 429),
)
async def complete_challenge(
    body: ChallengeIn, request: Request, second_step: SecondStepDep
) -> SessionOut:
    """The second step: 201 the session and the device token to send at the next sign-in."""
    if (body.code is None) == (body.recovery_code is None):
        raise InvalidFields([FieldError("code", "code_or_recovery_code", ONE_PROOF)])
    proof = Proof(code=body.code or "", recovery_code=body.recovery_code or "")
    session = await second_step.complete(body.challenge_id, proof, client_description(request))
    return session_out(session)


@router.post(
    "/sessions/challenge/resend",
    status_code=status.HTTP_202_ACCEPTED,
    responses={202: {"model": ChallengeOut}, **problems(410, 429)},
)
async def resend_challenge_code(
    body: ChallengeResendIn, second_step: SecondStepDep
) -> JSONResponse:
    """A new e-mailed code for the same challenge; the previous code is void."""
    return challenge_response(await second_step.resend(body.challenge_id))


# -- devices ------------------------------------------------------------------------------------


@router.get("/me/devices")
async def list_devices(signed_in: SignedInDep, devices: DevicesDep) -> list[DeviceItemOut]:
    found = await run_in_threadpool(devices.devices, signed_in)
    return [
        DeviceItemOut(
            device_id=d.device_id,
            browser=describe_browser(d.user_agent),
            first_seen=d.first_seen,
            last_seen=d.last_seen,
        )
        for d in found
    ]


@router.delete("/me/devices/{device_id}", status_code=status.HTTP_204_NO_CONTENT)
async def forget_device(
    device_id: str, request: Request, signed_in: SignedInDep, devices: DevicesDep
) -> Response:
    await run_in_threadpool(devices.forget, signed_in, device_id, client_description(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# -- the authenticator app ----------------------------------------------------------------------


@router.post("/me/totp", responses=problems(409))
async def start_totp(signed_in: SignedInDep, totp: TotpDep) -> TotpEnrolmentOut:
    """A new key, pending until confirmed (a new call replaces a pending key)."""
    enrolment = await totp.start(signed_in)
    return TotpEnrolmentOut(secret=enrolment.secret, otpauth_uri=enrolment.otpauth_uri)


@router.post("/me/totp/confirm", responses=problems(409))
async def confirm_totp(
    body: TotpConfirmIn, request: Request, signed_in: SignedInDep, totp: TotpDep
) -> RecoveryCodesOut:
    """The first code: the app is on; the 10 recovery codes, shown this once."""
    codes = await totp.confirm(signed_in, body.code, client_description(request))
    return RecoveryCodesOut(recovery_codes=codes)


@router.delete(
    "/me/totp", status_code=status.HTTP_204_NO_CONTENT, responses=problems(403, 409, 429)
)
async def disable_totp(
    body: TotpDisableIn, request: Request, signed_in: SignedInDep, totp: TotpDep
) -> Response:
    await totp.disable(signed_in, body.password, body.code, client_description(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
